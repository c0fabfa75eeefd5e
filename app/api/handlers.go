package api

import (
	_ "embed"
	"net/http"
	"strconv"

	"pudo/storage"
)

//go:embed openapi.json
var openAPIDoc []byte

func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request, _ principal) error {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIDoc)
	return nil
}

// health says the API runs and its store answers; it needs no key, so it
// tells nothing else.
func (s *Server) health(w http.ResponseWriter, r *http.Request, _ principal) error {
	err := s.db.View(r.Context(), func(tx *storage.Tx) error {
		_, err := tx.LastSeq()
		return err
	})
	if err != nil {
		s.log.Error("health check: store", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

func (s *Server) doors(w http.ResponseWriter, r *http.Request, p principal) error {
	ds, err := s.core.DoorStates(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		Doors []doorJSON `json:"doors"`
	}{Doors: make([]doorJSON, 0, len(ds))}
	for _, d := range ds {
		out.Doors = append(out.Doors, doorOut(d, p.Scope == ScopeOperator))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// events is the log as a resumable feed: a client keeps "next" and asks
// for what came after it. Merchants and carriers see their own rents'
// events only.
func (s *Server) events(w http.ResponseWriter, r *http.Request, p principal) error {
	q := r.URL.Query()
	for k := range q {
		if k != "after" && k != "limit" {
			return errorf(http.StatusBadRequest, "unknown_parameter", "%q is not a parameter of this request", clip(k))
		}
	}
	v, err := s.idsFor(r.Context(), p)
	if err != nil {
		return err
	}
	var after int64
	if a := q.Get("after"); a != "" {
		n, err := strconv.ParseInt(a, 10, 64)
		seq, ok := v.seqIn(n)
		if err != nil || !ok {
			return errorf(http.StatusBadRequest, "invalid_parameter", "after must be a cursor from an earlier answer's next")
		}
		after = seq
	}
	limit, err := intParam(q.Get("limit"), "limit", 100, 1, maxLimit)
	if err != nil {
		return err
	}
	evs, next, err := s.readEvents(r, p.owner(), after, limit)
	if err != nil {
		return err
	}
	out := eventsJSON{Events: make([]eventJSON, 0, len(evs))}
	for _, e := range evs {
		out.Events = append(out.Events, eventOut(e, s.cfg.KioskID, p.Scope == ScopeOperator, v))
		next = max(next, e.Seq)
	}
	out.Next = v.cursor(next)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// readEvents reads a page of the feed; next is where the following page
// starts.
func (s *Server) readEvents(r *http.Request, owner string, after int64, limit int) (evs []storage.Event, next int64, err error) {
	if owner != "" {
		s.gate.Lock()
		defer s.gate.Unlock()
	}
	next = after
	err = s.db.View(r.Context(), func(tx *storage.Tx) (err error) {
		if evs, err = tx.EventsOf(owner, after, limit); err != nil || len(evs) == limit {
			return err
		}
		// The rest of the log holds nothing of the caller's: skip past
		// others' events for good.
		last, err := tx.LastSeq()
		next = max(next, last)
		return err
	})
	return evs, next, err
}
