package api

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"

	"pudo/app/cred"
	"pudo/storage"
)

// tokenRequest is the body of POST /v1/tokens.
type tokenRequest struct {
	Kind    string `json:"kind"`    // courier, staff or pickup
	Subject string `json:"subject"` // courier id, staff name or rent id
	Carrier string `json:"carrier,omitempty"`
	Valid   string `json:"valid"` // a Go duration: "12h"
}

type tokenJSON struct {
	Token     string    `json:"token"`
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Subject   string    `json:"subject"`
	Carrier   string    `json:"carrier,omitempty"`
	Lockers   []string  `json:"lockers"`
	ExpiresAt time.Time `json:"expires_at"`
	KeyID     string    `json:"key_id"`
	QRPNG     string    `json:"qr_png"` // base64 of the QR code as PNG
}

var tokenKinds = map[string]cred.Kind{"courier": cred.Courier, "staff": cred.Staff, "pickup": cred.Pickup}

// issueToken is POST /v1/tokens: what `pudo token new` does, for a locker
// without a fleet, under the operator scope, signed with this locker's own
// site key (operator.signing_key) and valid at this locker only.
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
	valid, err := time.ParseDuration(req.Valid)
	if err != nil || valid <= 0 || valid > cred.MaxValid {
		return jsonError(&fieldError{Field: "valid", Msg: fmt.Sprintf("must be a duration such as \"12h\", at most %s", cred.MaxValid)})
	}
	now := s.now()
	c := cred.Claims{Kind: kind, Subject: strings.TrimSpace(req.Subject), Carrier: strings.TrimSpace(req.Carrier),
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
	err = s.db.Update(r.Context(), func(tx *storage.Tx) error {
		_, err := tx.Append(storage.Event{Actor: "api:" + p.Name, Kind: "token.issued",
			Detail: fmt.Sprintf("%s %s token %s until %s", claims.Kind, claims.Subject, claims.ID, claims.Expires.Format(time.RFC3339))})
		return err
	})
	if err != nil {
		return err
	}
	s.log.Info("token issued", "kind", claims.Kind.String(), "subject", claims.Subject, "token_id", claims.ID, "key", p.Name)
	writeJSON(w, http.StatusCreated, tokenJSON{Token: text, ID: claims.ID, Kind: req.Kind, Subject: claims.Subject, Carrier: claims.Carrier,
		Lockers: claims.Lockers, ExpiresAt: claims.Expires, KeyID: claims.KeyID, QRPNG: base64.StdEncoding.EncodeToString(png.Bytes())})
	return nil
}
