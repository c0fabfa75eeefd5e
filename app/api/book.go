package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"pudo/app"
	"pudo/app/core"
	"pudo/app/httpapi"
	"pudo/storage"
)

// book is POST /v1/rents. With an Idempotency-Key, a retry of the same
// request gets the first answer again (code included) instead of a second
// door; nothing is written before the request is known to be valid.
func (s *Server) book(w http.ResponseWriter, r *http.Request, p principal) error {
	var req bookingRequest
	if err := decodeJSON(r, s.cfg.MaxBody, &req); err != nil {
		return err
	}
	var ok bool
	b, err := req.booking(s.now())
	if err != nil {
		return jsonError(err)
	}
	v, err := s.idsFor(r.Context(), p)
	if err != nil {
		return err
	}
	if b.ShareCodeWith != 0 {
		if b.ShareCodeWith, ok = v.rentIn(b.ShareCodeWith); !ok {
			b.ShareCodeWith = math.MaxInt64 // no rent: the core's one answer for none of yours
		}
	}
	idemKey := r.Header.Get("Idempotency-Key")
	if idemKey == "" {
		status, body, err := s.doBook(r, p, v, b, "")
		if err != nil {
			return err
		}
		return writeBooked(w, status, body, false)
	}
	if err := checkIdemKey(idemKey); err != nil {
		return err
	}
	rec, claimed, err := s.claim(r, p, idemKey, b)
	if err != nil {
		return err
	}
	if !claimed {
		return s.replay(w, p, idemKey, rec)
	}
	status, body, err := s.doBook(r, p, v, b, idemKey)
	if err != nil {
		// Nothing was booked: forget the key so a retry runs afresh.
		if rerr := s.db.Update(context.WithoutCancel(r.Context()), func(tx *storage.Tx) error { return tx.ReleaseIdem(p.Name, idemKey) }); rerr != nil {
			s.log.Warn("release idempotency key", "key", p.Name, "err", rerr)
		}
		return err
	}
	return writeBooked(w, status, body, false)
}

// doBook books through the core, which records the rent's owner in the
// booking's own transaction, then keeps the sealed answer for idempotent
// retries.
func (s *Server) doBook(r *http.Request, p principal, v ids, b core.Booking, idemKey string) (int, []byte, error) {
	s.gate.RLock()
	defer s.gate.RUnlock()
	b.Owner = p.Name
	booked, err := s.core.Book(r.Context(), b)
	if err != nil {
		return 0, nil, err
	}
	out := bookedJSON{rentJSON: rentOut(booked.Rent, v), SharesCodeWith: v.rentID(booked.SharesCodeWith), QR: booked.QR}
	if booked.Code != "" {
		out.PickupCode = app.FormatCode(booked.Code)
	}
	body, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return 0, nil, err
	}
	var sealed []byte
	if idemKey != "" {
		if sealed, err = seal(p.token, p.Name, idemKey, body); err != nil {
			return 0, nil, err
		}
	}
	// The rent exists now: a failure below must not hide its code, and a
	// client hanging up must not lose the answer for its retry.
	if idemKey != "" {
		err = s.db.Update(context.WithoutCancel(r.Context()), func(tx *storage.Tx) error {
			return tx.FinishIdem(p.Name, idemKey, http.StatusCreated, sealed, booked.Rent.ID)
		})
		if err != nil {
			s.log.Error("booked, but the idempotent answer was not kept", "rent", booked.Rent.ID, "key", p.Name, "err", err)
		}
	}
	s.nudge()
	s.log.Info("booked", "rent", booked.Rent.ID, "door", booked.Rent.DoorID, "key", p.Name)
	return http.StatusCreated, body, nil
}

func writeBooked(w http.ResponseWriter, status int, body []byte, replayed bool) error {
	var loc struct {
		ID int64 `json:"id"`
	}
	json.Unmarshal(body, &loc)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Location", "/v1/rents/"+strconv.FormatInt(loc.ID, 10))
	if replayed {
		h.Set("Idempotent-Replayed", "true")
	}
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
	return nil
}

var checkIdemKey = httpapi.CheckIdemKey

// claim records the key as pending, or finds it from an earlier request.
func (s *Server) claim(r *http.Request, p principal, idemKey string, b core.Booking) (storage.Idem, bool, error) {
	// The hash covers the booking as understood, so a retry that differs
	// only in whitespace or field order still matches. It is keyed with the
	// caller's bearer key: a plain hash of a request holding a 40-bit
	// pickup code could be brute-forced from a copied database.
	canon, _ := json.Marshal(b)
	m := hmac.New(sha256.New, []byte(p.token))
	m.Write([]byte("POST /v1/rents\x00"))
	m.Write(canon)
	sum := m.Sum(nil)
	var rec storage.Idem
	var claimed bool
	err := s.db.Update(r.Context(), func(tx *storage.Tx) (err error) {
		rec, claimed, err = tx.ClaimIdem(p.Name, idemKey, sum)
		return err
	})
	if errors.Is(err, storage.ErrIdemMismatch) {
		return rec, false, errorf(http.StatusUnprocessableEntity, "idempotency_key_reused",
			"this Idempotency-Key was used for a different booking; use a new key per booking")
	}
	return rec, claimed, err
}

func (s *Server) replay(w http.ResponseWriter, p principal, idemKey string, rec storage.Idem) error {
	switch rec.State {
	case storage.IdemPending:
		return &Error{Status: http.StatusConflict, Code: "idempotency_in_progress",
			Message: "the first request with this Idempotency-Key is still running; retry shortly", RetryAfter: time.Second}
	case storage.IdemAbandoned:
		return errorf(http.StatusConflict, "idempotency_outcome_unknown",
			"the kiosk restarted during the first request with this key; look for the parcel with GET /v1/rents?parcel_ref=...")
	}
	body, err := unseal(p.token, p.Name, idemKey, rec.Response)
	if err != nil {
		// Only the key that booked can open the answer: this one is a
		// newer key under the same name.
		return errorf(http.StatusUnprocessableEntity, "idempotency_key_reused",
			"this Idempotency-Key was used with another API key of the same integration; use a new key per booking")
	}
	return writeBooked(w, rec.Status, body, true)
}
