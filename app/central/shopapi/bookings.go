package shopapi

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"pudo/app/central/store"
	"pudo/app/fleet"
	"pudo/app/httpapi"
)

// changeTTL is how long a cancel or an extension stays valid.
const changeTTL = 24 * time.Hour

// errNoBooking is the one answer for a booking that does not exist and
// for another shop's, byte for byte, found by the same one query, so a
// shop cannot probe which ids exist.
var errNoBooking = httpapi.Errorf(http.StatusNotFound, "not_found", "no such booking")

func (s *Server) bookingOf(ctx context.Context, r *http.Request, p principal) (store.BookingView, error) {
	id := r.PathValue("id")
	if len(id) > 64 {
		return store.BookingView{}, errNoBooking
	}
	v, err := s.st.ShopBookingView(ctx, p.Shop, id)
	if errors.Is(err, store.ErrNotFound) {
		return v, errNoBooking
	}
	return v, err
}

func (s *Server) getBooking(w http.ResponseWriter, r *http.Request, p principal) error {
	v, err := s.bookingOf(r.Context(), r, p)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, bookingOut(v))
	return nil
}

const (
	defaultLimit = 50
	maxLimit     = 500
)

// listBookings pages through the shop's bookings, oldest first, filtered
// by locker, parcel_ref and state.
func (s *Server) listBookings(w http.ResponseWriter, r *http.Request, p principal) error {
	if err := httpapi.OnlyParams(r, "state", "locker", "parcel_ref", "limit", "after"); err != nil {
		return err
	}
	q := r.URL.Query()
	state := q.Get("state")
	if state != "" && !slices.Contains(bookingStates, state) {
		return httpapi.Errorf(http.StatusBadRequest, "invalid_parameter", "state %q is not one of %v", httpapi.Clip(state), bookingStates)
	}
	if len(q.Get("parcel_ref")) > 64 || len(q.Get("locker")) > 64 || len(q.Get("after")) > 64 {
		return httpapi.Errorf(http.StatusBadRequest, "invalid_parameter", "parcel_ref, locker and after are at most 64 characters")
	}
	limit, err := httpapi.IntParam(q.Get("limit"), "limit", defaultLimit, 1, maxLimit)
	if err != nil {
		return err
	}
	f := store.BookingFilter{Locker: q.Get("locker"), ParcelRef: q.Get("parcel_ref"), After: q.Get("after"), Limit: limit}
	out := bookingsJSON{Bookings: []bookingJSON{}}
	// The state is central's reading of several tables: filter a page at a
	// time, for a bounded number of rows.
	for scanned := 0; scanned < 20*maxLimit; {
		page, err := s.st.ShopBookings(r.Context(), p.Shop, f)
		if err != nil {
			return err
		}
		scanned += len(page)
		for _, v := range page {
			f.After = v.ID
			if b := bookingOut(v); state == "" || b.State == state {
				out.Bookings = append(out.Bookings, b)
				if len(out.Bookings) == limit {
					out.NextAfter = v.ID
					httpapi.WriteJSON(w, http.StatusOK, out)
					return nil
				}
			}
		}
		if len(page) < f.Limit {
			break
		}
		out.NextAfter = f.After
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
	return nil
}

// cancel is DELETE /v1/bookings/{id}: a booking not yet dropped off.
func (s *Server) cancel(w http.ResponseWriter, r *http.Request, p principal) error {
	v, err := s.bookingOf(r.Context(), r, p)
	if err != nil {
		return err
	}
	if st := stateOf(v); st != statePending && st != stateReserved {
		return httpapi.Errorf(http.StatusConflict, "not_cancellable", "booking %s is %s; only a pending or reserved booking can be cancelled", v.ID, st)
	}
	return s.change(w, r, p, v, fleet.CmdCancel, fleet.Command{})
}

type extendRequest struct {
	ExpiresAt time.Time `json:"expires_at"`
}

// extend is POST /v1/bookings/{id}/extend: a new deadline, for drop-off
// while reserved, for pickup once stored.
func (s *Server) extend(w http.ResponseWriter, r *http.Request, p principal) error {
	var req extendRequest
	if err := httpapi.DecodeJSON(r, s.cfg.MaxBody, &req); err != nil {
		return err
	}
	now := s.now()
	if !req.ExpiresAt.After(now) || req.ExpiresAt.Sub(now) > maxHold {
		return httpapi.JSONError(&httpapi.FieldError{Field: "expires_at", Msg: "must lie in the next 30 days"})
	}
	v, err := s.bookingOf(r.Context(), r, p)
	if err != nil {
		return err
	}
	if st := stateOf(v); st != stateReserved && st != stateStored {
		return httpapi.Errorf(http.StatusConflict, "not_extendable", "booking %s is %s; only a reserved or stored booking can be extended", v.ID, st)
	}
	return s.change(w, r, p, v, fleet.CmdExtend, fleet.Command{Until: req.ExpiresAt.UTC()})
}

// change sends a cancel or an extension of the booking's current attempt
// with the next version of its locker: 200 with the booking once the
// locker applied it, 202 while it has not answered.
func (s *Server) change(w http.ResponseWriter, r *http.Request, p principal, v store.BookingView, name string, cmd fleet.Command) error {
	if v.Locker == "" {
		return &httpapi.Error{Status: http.StatusConflict, Code: "being_sent",
			Message: "the booking is being sent to its locker; retry shortly", RetryAfter: time.Second}
	}
	ver, err := s.st.NextVersion(r.Context(), v.Locker)
	if err != nil {
		return err
	}
	cmd.BookingID, cmd.Version = v.Attempt, ver
	res, answered, err := s.command(r.Context(), p, v.Locker, name, cmd, nil, changeTTL)
	if err != nil {
		return err
	}
	status := http.StatusOK
	switch {
	case !answered:
		status = http.StatusAccepted
		w.Header().Set("Retry-After", "5")
	case res.Status != fleet.StatusOK:
		return refusal(res.Error, res.Message)
	}
	s.log.Info("shopapi: "+name, "booking", v.ID, "locker", v.Locker, "answered", answered, "shop", p.ShopName)
	if v, err = s.st.ShopBookingView(context.WithoutCancel(r.Context()), p.Shop, v.ID); err != nil {
		return err
	}
	out := bookingOut(v)
	if answered && name == fleet.CmdCancel {
		out.State = stateCancelled // the locker's answer, whatever central has applied of it yet
	}
	if answered && name == fleet.CmdExtend && !res.ExpiresAt.IsZero() {
		out.ExpiresAt = res.ExpiresAt
	}
	httpapi.WriteJSON(w, status, out)
	return nil
}
