package api

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"pudo/app"
	"pudo/app/core"
	"pudo/app/cred"
)

// tokenRequest is the body of POST /v1/tokens.
type tokenRequest struct {
	Kind    string `json:"kind"`    // courier, staff or pickup
	Subject string `json:"subject"` // courier id, staff name or rent id
	Carrier string `json:"carrier,omitempty"`
	Valid   string `json:"valid,omitempty"` // a Go duration: "12h"; empty: the kind's longest
}

type tokenJSON struct {
	Token     string    `json:"token"`
	ID        string    `json:"id"`
	Ref       string    `json:"ref"`
	Kind      string    `json:"kind"`
	Subject   string    `json:"subject"`
	Carrier   string    `json:"carrier,omitempty"`
	Lockers   []string  `json:"lockers"`
	IssuedAt  time.Time `json:"issued_at"`
	ExpiresAt time.Time `json:"expires_at"`
	KeyID     string    `json:"key_id"`
	QRPNG     string    `json:"qr_png"` // base64 of the QR code as PNG
}

var tokenKinds = map[string]cred.Kind{"courier": cred.Courier, "staff": cred.Staff, "pickup": cred.Pickup}

// TokenCaps are the longest validity POST /v1/tokens signs, per kind
// ([operator] courier_token_max, badge_max, pickup_token_max). An app
// pickup token never outlives its parcel's pickup deadline; Pickup caps it
// further (zero: the deadline alone).
type TokenCaps struct {
	Courier, Staff, Pickup time.Duration
}

// DefaultTokenCaps: a courier's day, a staff badge's 90 days, a pickup
// token until its parcel's deadline.
func DefaultTokenCaps() TokenCaps {
	return TokenCaps{Courier: 24 * time.Hour, Staff: 90 * 24 * time.Hour}
}

// capFor is the longest validity of a kind at now; until is the subject's
// own limit (a parcel's deadline), zero for none.
func (c TokenCaps) capFor(kind cred.Kind, now, until time.Time) time.Duration {
	d := min(c.Courier, cred.MaxValid)
	switch kind {
	case cred.Staff:
		d = min(c.Staff, cred.MaxValid)
	case cred.Pickup:
		d = cred.MaxValid
		if c.Pickup > 0 {
			d = min(d, c.Pickup)
		}
	}
	if !until.IsZero() {
		d = min(d, until.Sub(now).Truncate(time.Second))
	}
	return d
}

// issueToken is POST /v1/tokens: what `pudo token new` does, for a locker
// without a fleet, under the operator scope, signed with this locker's own
// site key (operator.signing_key) and valid at this locker only: a badge
// only for a staff member of this locker, an app pickup token only for a
// parcel stored here, each no longer than its kind's cap. The locker keeps
// the token's ref (never its id), so it can be listed and revoked, and a
// token of the site key it did not issue is refused.
func (s *Server) issueToken(w http.ResponseWriter, r *http.Request, p principal) error {
	if s.cfg.Signer == nil {
		return errorf(http.StatusForbidden, "token_signing_off",
			"this kiosk signs no tokens: set operator.signing_key to a key trusted by this locker alone, or sign with `pudo token new` where the operator's key is kept")
	}
	var req tokenRequest
	if err := decodeJSON(r, s.cfg.MaxBody, &req); err != nil {
		return err
	}
	kind, ok := tokenKinds[req.Kind]
	if !ok {
		return jsonError(&fieldError{Field: "kind", Msg: fmt.Sprintf("%q is not courier, staff or pickup", clip(req.Kind))})
	}
	subject := strings.TrimSpace(req.Subject)
	until, err := s.core.TokenSubject(r.Context(), kind, subject)
	switch {
	case errors.Is(err, app.ErrNotFound), errors.Is(err, app.ErrNotPickup), errors.Is(err, app.ErrNotStored),
		errors.Is(err, app.ErrAlreadyCollected), errors.Is(err, app.ErrExpired):
		return jsonError(&fieldError{Field: "subject", Msg: subjectRefusal(kind, subject, err)})
	case err != nil:
		return err
	}
	now := s.now()
	limit := s.cfg.TokenCaps.capFor(kind, now, until)
	if limit <= 0 {
		return jsonError(&fieldError{Field: "subject", Msg: fmt.Sprintf("rent %s is due now: no token can outlive its pickup deadline", clip(subject))})
	}
	valid := limit
	if req.Valid != "" {
		if valid, err = time.ParseDuration(req.Valid); err != nil || valid <= 0 || valid > limit {
			return jsonError(&fieldError{Field: "valid", Msg: fmt.Sprintf("must be a duration such as \"12h\", at most %s for this %s token", limit, kind)})
		}
	}
	c := cred.Claims{Kind: kind, Subject: subject, Carrier: strings.TrimSpace(req.Carrier),
		Lockers: []string{s.cfg.KioskID}, IssuedAt: now, Expires: now.Add(valid)}
	text, err := cred.Sign(*s.cfg.Signer, c)
	if err != nil {
		return errorf(http.StatusUnprocessableEntity, "invalid_field", "%s", strings.TrimPrefix(err.Error(), "cred: bad claims: "))
	}
	var png bytes.Buffer
	if err := cred.WriteQR(&png, text); err != nil {
		return err
	}
	claims, err := cred.Verifier{Keys: []cred.PublicKey{s.cfg.Signer.Public()}, Locker: s.cfg.KioskID}.Verify(text, now)
	if err != nil {
		return err
	}
	if err := s.core.RecordIssued(r.Context(), claims, "api:"+p.Name); err != nil {
		return err
	}
	s.log.Info("token issued", "kind", claims.Kind.String(), "subject", claims.Subject, "ref", core.TokenRef(claims.ID)[:16], "key", p.Name)
	writeJSON(w, http.StatusCreated, tokenJSON{Token: text, ID: claims.ID, Ref: core.TokenRef(claims.ID), Kind: req.Kind,
		Subject: claims.Subject, Carrier: claims.Carrier, Lockers: claims.Lockers, IssuedAt: claims.IssuedAt,
		ExpiresAt: claims.Expires, KeyID: claims.KeyID, QRPNG: base64.StdEncoding.EncodeToString(png.Bytes())})
	return nil
}

func subjectRefusal(kind cred.Kind, subject string, err error) string {
	switch {
	case kind == cred.Staff:
		return fmt.Sprintf("no staff member %q at this locker: add the account at the kiosk first", clip(subject))
	case errors.Is(err, app.ErrNotFound):
		return fmt.Sprintf("no rent %q at this locker", clip(subject))
	}
	return fmt.Sprintf("rent %s is not a parcel stored here to be collected (%s)", clip(subject), strings.TrimPrefix(err.Error(), "app: "))
}

// knownTokenJSON is a token as GET /v1/tokens lists it: never the token,
// never its id (the locker keeps neither).
type knownTokenJSON struct {
	Ref       string    `json:"ref"`
	Kind      string    `json:"kind,omitempty"`
	Subject   string    `json:"subject,omitempty"`
	Carrier   string    `json:"carrier,omitempty"`
	KeyID     string    `json:"key_id,omitempty"`
	IssuedAt  time.Time `json:"issued_at,omitzero"`
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	Issued    bool      `json:"issued_here"`
	FirstSeen time.Time `json:"first_seen,omitzero"`
	LastSeen  time.Time `json:"last_seen,omitzero"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
	RevokedBy string    `json:"revoked_by,omitempty"`
	Reason    string    `json:"reason,omitempty"`
}

func knownTokenOut(k core.KnownToken) knownTokenJSON {
	return knownTokenJSON{Ref: k.Ref, Kind: k.Kind, Subject: k.Subject, Carrier: k.Carrier, KeyID: k.KeyID, IssuedAt: k.IssuedAt,
		ExpiresAt: k.Expires, Issued: k.Issued, FirstSeen: k.FirstSeen, LastSeen: k.LastSeen, RevokedAt: k.RevokedAt,
		RevokedBy: k.RevokedBy, Reason: k.Reason}
}

// listTokens is GET /v1/tokens: the tokens this locker issued, saw or
// revoked that still matter, the latest seen first.
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, _ principal) error {
	if len(r.URL.Query()) > 0 {
		return errorf(http.StatusBadRequest, "unknown_parameter", "this request takes no parameters")
	}
	ks, err := s.core.KnownTokens(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		Tokens []knownTokenJSON `json:"tokens"`
	}{Tokens: make([]knownTokenJSON, 0, len(ks))}
	for _, k := range ks {
		out.Tokens = append(out.Tokens, knownTokenOut(k))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// revokeRequest is the optional body of POST /v1/tokens/{id}/revoke.
type revokeRequest struct {
	Reason string `json:"reason,omitempty"`
}

// revokeToken is POST /v1/tokens/{id}/revoke: {id} is a token's id or its
// ref. The locker refuses the token from this moment (a courier's round in
// progress included), whether it has seen it or not. Revoking again
// changes nothing and answers the same.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, p principal) error {
	var req revokeRequest
	if r.ContentLength != 0 {
		if err := decodeJSON(r, s.cfg.MaxBody, &req); err != nil {
			return err
		}
	}
	if err := checkRef("reason", req.Reason, 0, 200); err != nil {
		return jsonError(err)
	}
	k, err := s.core.RevokeToken(r.Context(), r.PathValue("id"), "api:"+p.Name, req.Reason)
	if errors.Is(err, core.ErrBadTokenRef) {
		return errorf(http.StatusNotFound, "not_found", "%q is neither a token id (16 hex digits) nor a ref (64)", clip(r.PathValue("id")))
	}
	if err != nil {
		return err
	}
	s.log.Info("token revoked", "ref", k.Ref[:16], "key", p.Name)
	writeJSON(w, http.StatusOK, knownTokenOut(k))
	return nil
}
