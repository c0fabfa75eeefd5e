package apptest

import (
	"context"
	"slices"
	"strings"
	"time"

	"pudo/app"
)

// BadgePrefix makes a scanned text a staff badge of the fake: the badge
// BadgePrefix + name is that staff member's (AddStaff), unless revoked.
const BadgePrefix = "PUDO2S:"

// PausePINPad pauses the shared PIN pad until t, as wrong PINs there
// would; badges are not held up by it.
func (e *Engine) PausePINPad(until time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.padPaused = until
}

// AddToken adds a token to the list staff see.
func (e *Engine) AddToken(t app.Token) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tokens = append(e.tokens, t)
}

func (e *Engine) badgeName(badge string) (string, error) {
	t := strings.TrimSpace(badge)
	if !strings.HasPrefix(t, BadgePrefix) {
		return "", app.ErrBadToken
	}
	name := strings.TrimPrefix(t, BadgePrefix)
	for _, tok := range e.tokens {
		if tok.Kind == "staff" && tok.Subject == name && !tok.Revoked.IsZero() {
			return "", app.ErrBadToken
		}
	}
	for _, n := range e.pins {
		if n == name {
			return name, nil
		}
	}
	return "", app.ErrBadToken
}

// BadgeHolder tells whose a badge is.
func (e *Engine) BadgeHolder(_ context.Context, badge string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.badgeName(badge)
}

// LoginStaffBadge signs a badge's holder in with their own PIN.
func (e *Engine) LoginStaffBadge(_ context.Context, badge, pin string) (app.StaffSession, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	name, err := e.badgeName(badge)
	if err != nil {
		return nil, err
	}
	if e.pins[pin] != name {
		return nil, app.ErrBadPIN
	}
	e.call("staff %s badge", name)
	return &staff{e: e, name: name, pin: pin}, nil
}

func (s *staff) Tokens(context.Context) ([]app.Token, error) {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	return slices.Clone(s.e.tokens), nil
}

func (s *staff) RevokeToken(_ context.Context, ref, pin string) error {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	if pin != s.pin {
		return app.ErrBadPIN
	}
	for i := range s.e.tokens {
		if s.e.tokens[i].Ref == ref && s.e.tokens[i].Revoked.IsZero() {
			s.e.tokens[i].Revoked = s.e.now()
			s.e.call("staff revoke %s", ref)
		}
	}
	return nil
}
