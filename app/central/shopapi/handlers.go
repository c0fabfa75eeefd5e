package shopapi

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"pudo/app/fleet"
	"pudo/app/httpapi"
)

//go:embed openapi.json
var openAPIDoc []byte

func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request, _ principal) error {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIDoc)
	return nil
}

// health says the API runs and its database answers; it needs no key, so
// it tells nothing else.
func (s *Server) health(w http.ResponseWriter, r *http.Request, _ principal) error {
	if err := s.st.Ping(r.Context()); err != nil {
		s.log.Error("shopapi: health check: database", "err", err)
		httpapi.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return nil
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// lockers lists the network's lockers with their free doors by size, as
// each last reported them: the list a shop picks from.
func (s *Server) lockers(w http.ResponseWriter, r *http.Request, _ principal) error {
	if err := httpapi.OnlyParams(r, "after", "limit"); err != nil {
		return err
	}
	limit, err := httpapi.IntParam(r.URL.Query().Get("limit"), "limit", 100, 1, maxLimit)
	if err != nil {
		return err
	}
	ls, err := s.st.Lockers(r.Context(), r.URL.Query().Get("after"), limit)
	if err != nil {
		return err
	}
	out := struct {
		Lockers   []lockerJSON `json:"lockers"`
		NextAfter string       `json:"next_after,omitempty"`
	}{Lockers: []lockerJSON{}}
	for _, l := range ls {
		var c fleet.Capacity
		json.Unmarshal(l.Capacity, &c)
		lj := lockerJSON{ID: l.ID, Online: l.Online, Free: c.Free, Total: c.Total, At: c.At}
		if lj.Free == nil {
			lj.Free, lj.Total, lj.At = map[string]int{}, map[string]int{}, time.Time{}
		}
		out.Lockers = append(out.Lockers, lj)
	}
	if len(ls) == limit {
		out.NextAfter = ls[len(ls)-1].ID
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
	return nil
}

// events is the shop's feed: every change of its bookings and of their
// rents, in the order central applied them (each booking's in the order
// they happened); a client keeps "next" and asks for what came after it.
func (s *Server) events(w http.ResponseWriter, r *http.Request, p principal) error {
	if err := httpapi.OnlyParams(r, "after", "limit"); err != nil {
		return err
	}
	q := r.URL.Query()
	var after int64
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return httpapi.Errorf(http.StatusBadRequest, "invalid_parameter", "after must be a cursor from an earlier answer's next")
		}
		after = n
	}
	limit, err := httpapi.IntParam(q.Get("limit"), "limit", 100, 1, maxLimit)
	if err != nil {
		return err
	}
	evs, end, err := s.st.ShopEvents(r.Context(), p.Shop, after, limit)
	if err != nil {
		return err
	}
	out := eventsJSON{Events: make([]eventJSON, 0, len(evs))}
	next := after
	for _, e := range evs {
		out.Events = append(out.Events, eventOut(e))
		next = e.Pos
	}
	if len(evs) < limit {
		// The rest of the feed holds nothing of the shop's: skip past
		// others' entries for good.
		next = max(next, end)
	}
	out.Next = cursor(next)
	httpapi.WriteJSON(w, http.StatusOK, out)
	return nil
}
