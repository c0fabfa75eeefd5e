package shopapi

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"pudo/app/central/store"
	"pudo/app/fleet"
	"pudo/app/httpapi"
)

// bookTTL is how long a book command stays valid: a booking may wait a
// day for a locker offline now.
const bookTTL = 24 * time.Hour

// staleClaim is how old a claimed Idempotency-Key without a booking must
// be before it counts as a request that died before booking anything.
const staleClaim = time.Minute

// maxHold bounds expires_at: a door held longer than this is a typo.
const maxHold = 30 * 24 * time.Hour

// maxLockers bounds a booking's list of lockers.
const maxLockers = 20

// bookingRequest is the body of POST /v1/bookings.
type bookingRequest struct {
	// Locker, or Lockers: the first of them online with a free door of
	// the size or larger.
	Locker       string    `json:"locker,omitempty"`
	Lockers      []string  `json:"lockers,omitempty"`
	Size         string    `json:"size"`
	ParcelRef    string    `json:"parcel_ref"`
	RecipientRef string    `json:"recipient_ref,omitempty"`
	ExpiresAt    time.Time `json:"expires_at,omitzero"`
	PreferLow    bool      `json:"prefer_low,omitempty"`
}

// booking is a request as understood: the one thing its Idempotency-Key
// hash covers, so a retry that differs in whitespace or field order still
// matches.
type booking struct {
	Lockers      []string  `json:"lockers"`
	Size         string    `json:"size"`
	ParcelRef    string    `json:"parcel_ref"`
	RecipientRef string    `json:"recipient_ref"`
	ExpiresAt    time.Time `json:"expires_at"`
	PreferLow    bool      `json:"prefer_low"`
}

func (b bookingRequest) check(now time.Time) (booking, error) {
	var out booking
	switch {
	case b.Locker != "" && len(b.Lockers) > 0:
		return out, &httpapi.FieldError{Field: "locker", Msg: "send locker or lockers, not both"}
	case b.Locker != "":
		out.Lockers = []string{b.Locker}
	case len(b.Lockers) == 0:
		return out, &httpapi.FieldError{Field: "locker", Msg: "is required (or lockers, a list to take the first with a free door from)"}
	case len(b.Lockers) > maxLockers:
		return out, &httpapi.FieldError{Field: "lockers", Msg: fmt.Sprintf("holds at most %d lockers", maxLockers)}
	default:
		out.Lockers = b.Lockers
	}
	for i, l := range out.Lockers {
		if fleet.CheckLockerID(l) != nil {
			return out, &httpapi.FieldError{Field: "locker", Msg: fmt.Sprintf("%q is not a locker id", httpapi.Clip(l))}
		}
		if slices.Contains(out.Lockers[:i], l) {
			return out, &httpapi.FieldError{Field: "lockers", Msg: fmt.Sprintf("%q is listed twice", l)}
		}
	}
	// Exactly as the schema has them: a lower-case "s" accepted here would
	// be refused by any client that validates against it.
	if b.Size != "S" && b.Size != "M" && b.Size != "L" {
		return out, &httpapi.FieldError{Field: "size", Msg: fmt.Sprintf("%q is not S, M or L", httpapi.Clip(b.Size))}
	}
	if err := httpapi.CheckRef("parcel_ref", b.ParcelRef, 1, 64); err != nil {
		return out, err
	}
	if err := httpapi.CheckRef("recipient_ref", b.RecipientRef, 0, 128); err != nil {
		return out, err
	}
	if !b.ExpiresAt.IsZero() && (!b.ExpiresAt.After(now) || b.ExpiresAt.Sub(now) > maxHold) {
		return out, &httpapi.FieldError{Field: "expires_at", Msg: "must lie in the next 30 days"}
	}
	out.Size, out.ParcelRef, out.RecipientRef = b.Size, strings.TrimSpace(b.ParcelRef), strings.TrimSpace(b.RecipientRef)
	out.ExpiresAt, out.PreferLow = b.ExpiresAt.UTC(), b.PreferLow
	return out, nil
}

// book is POST /v1/bookings. Its Idempotency-Key is required: a booking
// across the network may outlast the request, and the key is how its
// answer (with the pickup code) is fetched again.
func (s *Server) book(w http.ResponseWriter, r *http.Request, p principal) error {
	var req bookingRequest
	if err := httpapi.DecodeJSON(r, s.cfg.MaxBody, &req); err != nil {
		return err
	}
	b, err := req.check(s.now())
	if err != nil {
		return httpapi.JSONError(err)
	}
	key := r.Header.Get(httpapi.IdempotencyHeader)
	if key == "" {
		return httpapi.Errorf(http.StatusBadRequest, "idempotency_key_required",
			"send an Idempotency-Key (such as a UUID) with every booking: the locker may answer after this request, and the same request with the same key then gets the answer")
	}
	if err := httpapi.CheckIdemKey(key); err != nil {
		return err
	}
	caps, err := s.lockersOf(r.Context(), b.Lockers)
	if err != nil {
		return err
	}
	rec, claimed, err := s.st.ClaimIdem(r.Context(), p.Shop, key, requestHash(p.token, b), s.now().Add(-staleClaim))
	if errors.Is(err, store.ErrIdemMismatch) {
		return httpapi.Errorf(http.StatusUnprocessableEntity, "idempotency_key_reused",
			"this Idempotency-Key was used for a different booking; use a new key per booking")
	}
	if err != nil {
		return err
	}
	if !claimed {
		return s.resume(w, r, p, key, rec, b, caps)
	}
	id := newBookingID()
	if err := s.st.AddShopBooking(r.Context(), store.ShopBooking{ID: id, Shop: p.Shop, Lockers: b.Lockers, Size: b.Size,
		ParcelRef: b.ParcelRef, RecipientRef: b.RecipientRef}, key); err != nil {
		s.release(r, p, key)
		return err
	}
	return s.attempt(w, r, p, key, id, b, caps)
}

// lockersOf reads the lockers asked for, refusing one the network does
// not have (the list of lockers is every shop's to read, so this tells
// nothing).
func (s *Server) lockersOf(ctx context.Context, ids []string) (map[string]store.Capacity, error) {
	caps, err := s.st.Capacities(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := map[string]store.Capacity{}
	for _, c := range caps {
		out[c.Locker] = c
	}
	for _, id := range ids {
		if _, ok := out[id]; !ok {
			return nil, httpapi.Errorf(http.StatusUnprocessableEntity, "unknown_locker", "%q is not a locker of this network (GET /v1/lockers lists them)", id)
		}
	}
	return out, nil
}

// candidates are the lockers to try, in the shop's order: the one asked
// for, or those of a list online with a free door of the size or larger
// by their last report (a locker that never reported its doors is tried:
// unknown is not none).
func candidates(b booking, caps map[string]store.Capacity) []string {
	if len(b.Lockers) == 1 {
		return b.Lockers
	}
	var out []string
	for _, id := range b.Lockers {
		c := caps[id]
		if c.Online && (!c.Known || freeFor(c.Free, b.Size) > 0) {
			out = append(out, id)
		}
	}
	return out
}

// freeFor counts the free doors a parcel of size fits: its size or
// larger, as the locker books.
func freeFor(free map[string]int, size string) int {
	n := 0
	for _, s := range []string{"S", "M", "L"}[strings.Index("SML", size):] {
		n += free[s]
	}
	return n
}

// attempt sends the booking to each candidate in turn until one takes
// it, one refuses for another reason than a full locker, or one does not
// answer in time (the booking then stands there: trying the next could
// book twice).
func (s *Server) attempt(w http.ResponseWriter, r *http.Request, p principal, key, id string, b booking, caps map[string]store.Capacity) error {
	ls := candidates(b, caps)
	if len(ls) == 0 {
		s.drop(r, p, id)
		s.release(r, p, key)
		return httpapi.Errorf(http.StatusConflict, "no_free_door",
			"none of the %d lockers asked for is online with a free door of size %s or larger by its last report", len(b.Lockers), b.Size)
	}
	var res fleet.Result
	for _, locker := range ls {
		var answered bool
		var err error
		res, answered, err = s.send(r.Context(), p, id, locker, b)
		if err != nil {
			s.drop(r, p, id)
			s.release(r, p, key)
			return err
		}
		if !answered {
			return s.accepted(w, r, p, id)
		}
		if res.Status == fleet.StatusOK {
			return s.booked(w, r, p, key, id, res)
		}
		if res.Error != "no_free_door" {
			break
		}
		s.log.Info("shopapi: locker full", "booking", id, "locker", locker)
	}
	s.release(r, p, key)
	return refusal(res.Error, res.Message)
}

// send makes the attempt at locker the booking's current one and sends it
// a book command. answered false: no answer in time, and the command is
// kept, so it reaches the locker now or at its next sync. An error: the
// command was not kept, nothing went out.
func (s *Server) send(ctx context.Context, p principal, id, locker string, b booking) (fleet.Result, bool, error) {
	if err := s.st.SetAttempt(ctx, p.Shop, id, locker); err != nil {
		return fleet.Result{}, false, err
	}
	v, err := s.st.NextVersion(ctx, locker)
	if err != nil {
		return fleet.Result{}, false, err
	}
	att := store.AttemptID(id, locker)
	cmd := fleet.Command{BookingID: att, Version: v, Size: b.Size, ParcelRef: b.ParcelRef, RecipientRef: b.RecipientRef,
		PreferLow: b.PreferLow, Until: b.ExpiresAt}
	return s.command(ctx, p, locker, fleet.CmdBook, cmd, &store.Booking{ID: att, Size: b.Size, ParcelRef: b.ParcelRef, RecipientRef: b.RecipientRef}, bookTTL)
}

// command sends one command and waits AnswerWait for the answer.
func (s *Server) command(ctx context.Context, p principal, locker, name string, cmd fleet.Command, b *store.Booking, ttl time.Duration) (fleet.Result, bool, error) {
	fleet.Prepare(&cmd, ttl)
	wctx, cancel := context.WithTimeout(ctx, s.cfg.AnswerWait)
	defer cancel()
	res, err := s.cmd.Command(wctx, locker, name, cmd, b, "shop "+p.ShopName+" key "+p.Key, ttl)
	if err == nil {
		return res, true, nil
	}
	// Kept is sent: the locker gets it at its next sync if not now.
	if _, gerr := s.st.GetCommand(context.WithoutCancel(ctx), cmd.CommandID); gerr == nil {
		if wctx.Err() == nil {
			s.log.Warn("shopapi: command kept but not sent now; it goes out at the locker's next sync", "command", cmd.CommandID, "err", err)
		}
		return fleet.Result{}, false, nil
	}
	return fleet.Result{}, false, fmt.Errorf("shopapi: %s to %s not sent: %w", name, locker, err)
}

// booked answers 201 with the pickup code, and keeps that answer sealed
// under the caller's key for the same request again.
func (s *Server) booked(w http.ResponseWriter, r *http.Request, p principal, key, id string, res fleet.Result) error {
	v, err := s.st.ShopBookingView(context.WithoutCancel(r.Context()), p.Shop, id)
	if err != nil {
		return err
	}
	out := bookedJSON{bookingJSON: bookingOut(v), PickupCode: res.PickupCode, QR: res.QR}
	// The answer is the locker's, whatever central has applied of it yet.
	if out.State == statePending {
		out.State = stateReserved
	}
	out.DoorID, out.RentID = res.DoorID, res.RentID
	if !res.ExpiresAt.IsZero() {
		out.ExpiresAt = res.ExpiresAt
	}
	body, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	sealed, err := httpapi.Seal(p.token, p.ShopName, key, body)
	if err != nil {
		return err
	}
	// The booking exists now: a failure below must not hide its code, and
	// a client hanging up must not lose the answer for its retry.
	if err := s.st.FinishIdem(context.WithoutCancel(r.Context()), p.Shop, key, http.StatusCreated, sealed); err != nil {
		s.log.Error("shopapi: booked, but the idempotent answer was not kept", "booking", id, "err", err)
	}
	s.log.Info("shopapi: booked", "booking", id, "locker", v.Locker, "door", res.DoorID, "shop", p.ShopName)
	return writeBooked(w, http.StatusCreated, id, body, false)
}

// accepted answers 202: the booking stands, the locker's answer comes to
// the webhooks and the feed, and the same request again gets it.
func (s *Server) accepted(w http.ResponseWriter, r *http.Request, p principal, id string) error {
	v, err := s.st.ShopBookingView(context.WithoutCancel(r.Context()), p.Shop, id)
	if err != nil {
		return err
	}
	body, _ := json.MarshalIndent(bookingOut(v), "", "  ")
	w.Header().Set("Retry-After", "5")
	return writeBooked(w, http.StatusAccepted, id, body, false)
}

// resume answers a request whose Idempotency-Key came before: with the
// kept answer, or with what became of its booking since.
func (s *Server) resume(w http.ResponseWriter, r *http.Request, p principal, key string, rec store.Idem, b booking, caps map[string]store.Capacity) error {
	if rec.State == "done" {
		body, err := httpapi.Unseal(p.token, p.ShopName, key, rec.Response)
		if err != nil {
			// Only the key that booked can open the answer.
			return httpapi.Errorf(http.StatusUnprocessableEntity, "idempotency_key_reused",
				"this Idempotency-Key was used with another API key of the same shop; use a new key per booking")
		}
		var loc struct {
			ID string `json:"id"`
		}
		json.Unmarshal(body, &loc)
		return writeBooked(w, rec.Status, loc.ID, body, true)
	}
	if rec.BookingID == "" {
		return &httpapi.Error{Status: http.StatusConflict, Code: "idempotency_in_progress",
			Message: "the first request with this Idempotency-Key is still running; retry shortly", RetryAfter: time.Second}
	}
	v, err := s.st.ShopBookingView(r.Context(), p.Shop, rec.BookingID)
	if err != nil {
		return err
	}
	switch {
	case v.BookCommand == "" && rec.CreatedAt.Before(s.now().Add(-staleClaim)):
		// The request died before its booking went out: send it now.
		return s.attempt(w, r, p, key, v.ID, b, caps)
	case v.Answer == "booked":
		return s.fetchCode(w, r, p, key, v)
	case v.Answer == "refused":
		s.release(r, p, key)
		return refusal(v.RefusedWith, "")
	case v.Answer == "cancelled":
		// Cancelled before this request came back for its code.
		body, _ := json.MarshalIndent(bookingOut(v), "", "  ")
		return writeBooked(w, http.StatusOK, v.ID, body, false)
	}
	return s.accepted(w, r, p, v.ID)
}

// fetchCode asks the locker for its answer to the booking again: the same
// command, byte for byte, gets the first answer, pickup code included.
func (s *Server) fetchCode(w http.ResponseWriter, r *http.Request, p principal, key string, v store.BookingView) error {
	if s.replay == nil {
		s.log.Warn("shopapi: this central cannot ask a locker for an answer again; the booking's code stays at the locker", "booking", v.ID)
		return s.accepted(w, r, p, v.ID)
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.AnswerWait)
	defer cancel()
	res, err := s.replay.Replay(ctx, v.BookCommand)
	if err != nil || res.Status != fleet.StatusOK {
		if err != nil && ctx.Err() == nil {
			s.log.Warn("shopapi: the booking's answer was not asked again", "booking", v.ID, "err", err)
		}
		// Booked, but the code is at the locker only, which did not
		// answer now: the same request later.
		return s.accepted(w, r, p, v.ID)
	}
	return s.booked(w, r, p, key, v.ID, res)
}

// drop forgets a booking that went to no locker.
func (s *Server) drop(r *http.Request, p principal, id string) {
	if err := s.st.DropUnsentBooking(context.WithoutCancel(r.Context()), p.Shop, id); err != nil {
		s.log.Warn("shopapi: a booking sent nowhere not forgotten", "booking", id, "err", err)
	}
}

func (s *Server) release(r *http.Request, p principal, key string) {
	if err := s.st.ReleaseIdem(context.WithoutCancel(r.Context()), p.Shop, key); err != nil {
		s.log.Warn("shopapi: idempotency key not released", "shop", p.ShopName, "err", err)
	}
}

func writeBooked(w http.ResponseWriter, status int, id string, body []byte, replayed bool) error {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Location", "/v1/bookings/"+id)
	if replayed {
		h.Set("Idempotent-Replayed", "true")
	}
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
	return nil
}

// requestHash keys the request's hash with the caller's bearer key: the
// hash of a request is kept, and a keyed one tells a copied database
// nothing.
func requestHash(token string, b booking) []byte {
	canon, _ := json.Marshal(b)
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("POST /v1/bookings\x00"))
	m.Write(canon)
	return m.Sum(nil)
}

// newBookingID is 100 random bits: nobody guesses another shop's booking.
func newBookingID() string {
	var b [13]byte
	rand.Read(b[:])
	return "bk_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// refusal is a locker's refusal as the shop sees it.
func refusal(code, msg string) error {
	if msg == "" {
		msg = "the locker refused it"
	}
	for _, m := range refusals {
		if m.code == code {
			return httpapi.Errorf(m.status, m.as, "%s", m.msg)
		}
	}
	return httpapi.Errorf(http.StatusBadGateway, "locker_refused", "the locker refused it (%s): %s", httpapi.Clip(code), msg)
}

// refusals are the locker's refusal codes a shop can act on.
var refusals = []struct {
	code   string
	status int
	as     string
	msg    string
}{
	{"no_free_door", http.StatusConflict, "no_free_door", "no free door of that size or larger at the locker"},
	{"drop_started", http.StatusConflict, "drop_started", "the courier already opened this door; only staff at the locker can cancel now"},
	{"wrong_state", http.StatusConflict, "wrong_state", "the parcel is past the point where this can be done"},
	{"not_extendable", http.StatusConflict, "not_extendable", "the locker moves a deadline later only, while the parcel is reserved or stored"},
	{"not_found", http.StatusConflict, "not_at_locker", "the locker holds no rent for this booking"},
	{"stale", http.StatusConflict, "conflict", "a newer change of this booking reached the locker first; read the booking again"},
	{"booking_exists", http.StatusConflict, "conflict", "the locker holds this booking already"},
	{"expired", http.StatusConflict, "expired", "the command reached the locker after it expired; nothing was done"},
	{"out_of_order", http.StatusServiceUnavailable, "out_of_order", "the locker's lock board is not answering; nothing was done"},
	{"bad_command", http.StatusUnprocessableEntity, "invalid_field", "the locker refused the booking's fields"},
}
