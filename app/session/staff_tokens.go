package session

import "pudo/app"

// The staff's list of the operator's tokens this locker knows (couriers'
// tokens, staff badges, app pickup tokens), from which a lost badge or
// phone is revoked at once, the PIN asked again first.

// tokens reads the list afresh and shows it with note.
func (s *AdminSession) tokens(note app.StaffNote) app.View {
	ts, err := s.st.Tokens(s.ctx)
	if err != nil {
		s.f.log.Error("tokens", "err", err)
	}
	return s.show(&app.StaffTokensView{Tokens: ts, Note: note, Failed: err != nil})
}

// askRevoke asks the PIN again before revoking the listed token ref.
func (s *AdminSession) askRevoke(ref string) app.View {
	v, ok := s.view.(*app.StaffTokensView)
	if !ok {
		return s.view
	}
	for i := range v.Tokens {
		if v.Tokens[i].Ref == ref && v.Tokens[i].Revoked.IsZero() {
			t := v.Tokens[i]
			return s.ask(&app.PINAgainView{For: app.ConfirmRevoke, Token: &t})
		}
	}
	return s.view
}

func (s *AdminSession) revoke(t *app.Token, pin string) app.View {
	if err := s.st.RevokeToken(s.ctx, t.Ref, pin); err != nil {
		return s.tokens(s.failed(err, 0))
	}
	s.f.log.Info("staff revoked a token", "staff", s.st.Name(), "kind", t.Kind, "subject", t.Subject)
	return s.tokens(app.StaffNote{Kind: app.NoteRevoked})
}
