package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"pudo/app"
	"pudo/storage"
)

// errNoRent is the one answer for a rent that does not exist and for one
// of another owner, byte for byte, so a shop cannot probe which ids exist.
var errNoRent = errorf(http.StatusNotFound, "not_found", "no such rent")

// rentOf loads a rent the caller may see. Ownership is checked first, in
// the same one lookup for a missing rent and another owner's, so neither
// the answer nor its timing tells them apart.
func (s *Server) rentOf(ctx context.Context, r *http.Request, p principal) (app.Rent, ids, error) {
	v, err := s.idsFor(ctx, p)
	if err != nil {
		return app.Rent{}, v, err
	}
	rent, err := s.rentByID(ctx, r, p, v)
	return rent, v, err
}

func (s *Server) rentByID(ctx context.Context, r *http.Request, p principal, v ids) (app.Rent, error) {
	id, err := pathID(r)
	if err != nil {
		return app.Rent{}, err
	}
	if id, err = v.rentInOr404(id); err != nil {
		return app.Rent{}, err
	}
	if err := s.mayTouch(ctx, p, id); err != nil {
		return app.Rent{}, err
	}
	rent, err := s.core.Rent(ctx, id)
	if errors.Is(err, app.ErrNotFound) {
		return app.Rent{}, errNoRent
	}
	return rent, err
}

func (s *Server) mayTouch(ctx context.Context, p principal, rentID int64) error {
	if p.owner() == "" {
		return nil
	}
	var owner string
	err := s.db.View(ctx, func(tx *storage.Tx) (err error) {
		owner, err = tx.RentOwner(rentID)
		return err
	})
	if errors.Is(err, storage.ErrNotFound) || (err == nil && owner != p.owner()) {
		return errNoRent
	}
	return err
}

// rentInOr404 is rentIn with the answer for a rent that does not exist.
func (v ids) rentInOr404(id int64) (int64, error) {
	in, ok := v.rentIn(id)
	if !ok {
		return 0, errNoRent
	}
	return in, nil
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errorf(http.StatusNotFound, "not_found", "%q is not an id", clip(r.PathValue("id")))
	}
	return id, nil
}

func (s *Server) getRent(w http.ResponseWriter, r *http.Request, p principal) error {
	rent, v, err := s.rentOf(r.Context(), r, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rentOut(rent, v))
	return nil
}

func (s *Server) cancelRent(w http.ResponseWriter, r *http.Request, p principal) error {
	rent, v, err := s.rentOf(r.Context(), r, p)
	if err != nil {
		return err
	}
	if rent.State != app.RentReserved {
		return errorf(http.StatusConflict, "not_cancellable", "rent %d is %s; only a reserved rent can be cancelled", v.rentID(rent.ID), rent.State)
	}
	if err := s.core.Cancel(r.Context(), rent.ID); err != nil {
		return err
	}
	s.nudge()
	if rent, err = s.core.Rent(r.Context(), rent.ID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rentOut(rent, v))
	return nil
}

// remoteOpen is the shopper's app flow: one door, of one stored rent, per
// request; the kiosk as a whole is rate-limited, and nothing opens more.
func (s *Server) remoteOpen(w http.ResponseWriter, r *http.Request, p principal) error {
	if !s.cfg.RemoteOpen {
		return errorf(http.StatusForbidden, "remote_open_disabled", "remote opening is switched off at this kiosk (api.remote_open)")
	}
	rent, v, err := s.rentOf(r.Context(), r, p)
	if err != nil {
		return err
	}
	if rent.State != app.RentStored {
		return errorf(http.StatusConflict, "not_openable", "rent %d is %s; only a stored parcel can be opened for pickup", v.rentID(rent.ID), rent.State)
	}
	if ok, wait := s.opens.Take(); !ok {
		return &Error{Status: http.StatusTooManyRequests, Code: "rate_limited",
			Message: "too many remote openings at this kiosk; try again later", RetryAfter: wait}
	}
	door, err := s.core.RemoteOpen(r.Context(), rent.ID)
	s.nudge()
	if err != nil {
		return err
	}
	s.log.Info("remote open", "rent", rent.ID, "door", door.ID, "key", p.Name)
	writeJSON(w, http.StatusOK, struct {
		RentID int64 `json:"rent_id"`
		DoorID int64 `json:"door_id"`
		Column int   `json:"column"`
		Row    int   `json:"row"`
	}{v.rentID(rent.ID), door.ID, door.Col, door.Row})
	return nil
}

const (
	defaultLimit = 50
	maxLimit     = 500
	// maxScan bounds how many rents a filtered list reads for one page.
	maxScan = 5000
)

func (s *Server) listRents(w http.ResponseWriter, r *http.Request, p principal) error {
	v, err := s.idsFor(r.Context(), p)
	if err != nil {
		return err
	}
	f, err := rentFilter(r, v)
	if err != nil {
		return err
	}
	page, next, err := s.ownRents(r.Context(), p, f)
	if err != nil {
		return err
	}
	out := rentsJSON{Rents: make([]rentJSON, 0, len(page))}
	for _, rent := range page {
		out.Rents = append(out.Rents, rentOut(rent, v))
	}
	if next > 0 {
		next = v.rentID(next)
		out.NextAfterID = &next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// ownRents pages through the core's rents keeping the caller's own. next
// is the after_id of the following page, 0 at the end.
func (s *Server) ownRents(ctx context.Context, p principal, f app.RentQuery) (page []app.Rent, next int64, err error) {
	want := f.Limit
	for scanned := 0; scanned < maxScan; {
		batch, err := s.core.Rents(ctx, f)
		if err != nil {
			return nil, 0, err
		}
		scanned += len(batch)
		kept, err := s.keepOwn(ctx, p, batch)
		if err != nil {
			return nil, 0, err
		}
		for _, rent := range kept {
			page = append(page, rent)
			if len(page) == want {
				return page, rent.ID, nil // more may follow
			}
		}
		if len(batch) < f.Limit {
			return page, 0, nil
		}
		f.AfterID = batch[len(batch)-1].ID
	}
	return page, f.AfterID, nil
}

func (s *Server) keepOwn(ctx context.Context, p principal, rs []app.Rent) ([]app.Rent, error) {
	if p.owner() == "" || len(rs) == 0 {
		return rs, nil
	}
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	var owners map[int64]string
	err := s.db.View(ctx, func(tx *storage.Tx) (err error) {
		owners, err = tx.RentOwners(ids)
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []app.Rent
	for _, r := range rs {
		if owners[r.ID] == p.owner() {
			out = append(out, r)
		}
	}
	return out, nil
}

var rentStates = map[string]bool{"reserved": true, "stored": true, "collected": true, "expired": true, "reclaimed": true, "cancelled": true}

func rentFilter(r *http.Request, v ids) (app.RentQuery, error) {
	q := r.URL.Query()
	for k := range q {
		switch k {
		case "state", "parcel_ref", "limit", "after_id":
		default:
			return app.RentQuery{}, errorf(http.StatusBadRequest, "unknown_parameter", "%q is not a parameter of this request", clip(k))
		}
	}
	f := app.RentQuery{State: app.RentState(q.Get("state")), ParcelRef: q.Get("parcel_ref"), Limit: defaultLimit}
	if f.State != "" && !rentStates[string(f.State)] {
		return f, errorf(http.StatusBadRequest, "invalid_parameter", "state %q is not one of reserved, stored, collected, expired, reclaimed, cancelled", clip(string(f.State)))
	}
	if len(f.ParcelRef) > 64 {
		return f, errorf(http.StatusBadRequest, "invalid_parameter", "parcel_ref is longer than 64 characters")
	}
	var err error
	if f.Limit, err = intParam(q.Get("limit"), "limit", defaultLimit, 1, maxLimit); err != nil {
		return f, err
	}
	after, err := intParam(q.Get("after_id"), "after_id", 0, 0, 1<<62)
	if err != nil || after == 0 {
		return f, err
	}
	id, ok := v.rentIn(int64(after))
	if !ok {
		return f, errorf(http.StatusBadRequest, "invalid_parameter", "after_id must be a next_after_id from an earlier answer")
	}
	f.AfterID = id
	return f, nil
}

func intParam(v, name string, def, lo, hi int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, errorf(http.StatusBadRequest, "invalid_parameter", "%s must be a whole number in %d..%d", name, lo, hi)
	}
	return n, nil
}
