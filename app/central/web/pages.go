package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"pudo/app/central/store"
	"pudo/app/fleet"
	"pudo/app/httpapi"
)

const pageSize = 100

// lockerRow is one line of the lockers page.
type lockerRow struct {
	ID     string
	Online bool
	// NeverConnected: enrolled (at EnrolledAt, when central enrolled it)
	// and never heard from; neither online nor offline.
	NeverConnected bool
	EnrolledAt     time.Time
	Since          time.Time
	LastSeen       time.Time
	LockBus        string
	Clock          string
	// Backlog is the events the locker holds that central has not stored,
	// by its last health report (-1: it has sent none), which came at
	// BacklogAt. Only an online locker's report says what it holds now
	// (BacklogNow): an offline one may have recorded more since, so its
	// backlog is unknown, the last count shown with its age, never as a
	// current 0.
	Backlog    int64
	BacklogAt  time.Time
	BacklogNow bool
	Faults     int
	Free       []sizeFree
	Alerts     int
	Hole       bool
}

type sizeFree struct {
	Size        string
	Free, Total int
}

func rowOf(l store.Locker, alerts int) lockerRow {
	row := lockerRow{ID: l.ID, Online: l.Online, NeverConnected: l.NeverConnected, EnrolledAt: l.EnrolledAt,
		Since: l.OnlineChanged, LastSeen: l.LastSeen, Alerts: alerts, Backlog: -1,
		LockBus: "unknown", Clock: "unknown", Hole: l.Ahead > 0}
	var h fleet.Health
	if l.Health != nil && json.Unmarshal(l.Health, &h) == nil {
		row.Backlog = max(0, h.LastSeq-l.StoredThrough)
		row.BacklogAt, row.BacklogNow = l.HealthAt, l.Online
		row.Faults = h.Faults
		row.LockBus = h.LockBus
		row.Clock = map[bool]string{true: "synced", false: "not synced"}[h.ClockSynced]
	}
	var c fleet.Capacity
	if l.Capacity != nil && json.Unmarshal(l.Capacity, &c) == nil {
		for _, s := range []string{"S", "M", "L"} {
			if c.Total[s] > 0 || c.Free[s] > 0 {
				row.Free = append(row.Free, sizeFree{s, c.Free[s], c.Total[s]})
			}
		}
	}
	return row
}

type lockersData struct {
	Rows      []lockerRow
	Q, State  string
	NextAfter string
}

func (s *Server) lockersPage(w http.ResponseWriter, r *http.Request, ss *store.Session) {
	q := r.URL.Query()
	f := store.LockerFilter{Query: strings.TrimSpace(q.Get("q")), State: q.Get("state"), After: q.Get("after"), Limit: pageSize}
	if !slices.Contains([]string{"", "online", "offline", "never", "alerts"}, f.State) {
		f.State = ""
	}
	ls, err := s.st.LockerRows(r.Context(), f)
	if err != nil {
		s.broken(w, r, err)
		return
	}
	d := lockersData{Q: f.Query, State: f.State}
	for _, l := range ls {
		d.Rows = append(d.Rows, rowOf(l.Locker, l.OpenAlerts))
	}
	if len(ls) == pageSize {
		d.NextAfter = ls[len(ls)-1].ID
	}
	s.render(w, r, http.StatusOK, "lockers", ss, "Lockers", d)
}

type lockerData struct {
	lockerRow
	Version       string
	Boot          int64
	StoredThrough int64
	MaxSeq        int64
	CertNotAfter  time.Time
	HasDoors      bool
	Grid          doorGrid
	Alerts        []store.AlertRow
	Events        []store.EventRow
	Legend        []string
}

func (s *Server) lockerPage(w http.ResponseWriter, r *http.Request, ss *store.Session) {
	id := r.PathValue("id")
	l, err := s.st.GetLocker(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, http.StatusNotFound, "No such locker", "Central has never heard of a locker called "+id+".")
		return
	}
	if err != nil {
		s.broken(w, r, err)
		return
	}
	d := lockerData{lockerRow: rowOf(l, 0), Version: l.Version, Boot: l.Boot, StoredThrough: l.StoredThrough, MaxSeq: l.MaxSeq,
		CertNotAfter: l.CertNotAfter, Legend: append([]string{"free", "held", "occupied"}, doorBadges...)}
	if raw, _, err := s.st.Doors(r.Context(), id); err == nil {
		var doors fleet.Doors
		if json.Unmarshal(raw, &doors) == nil {
			var ids []int64
			for _, x := range doors.Doors {
				if x.RentID != 0 {
					ids = append(ids, x.RentID)
				}
			}
			refs, _ := s.st.DoorRents(r.Context(), id, ids)
			d.Grid, d.HasDoors = gridOf(doors, refs, l.Online), true
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		s.broken(w, r, err)
		return
	}
	if d.Alerts, err = s.st.Alerts(r.Context(), store.AlertFilter{Locker: id, Limit: 50}); err != nil {
		s.broken(w, r, err)
		return
	}
	d.lockerRow.Alerts = len(d.Alerts)
	if d.Events, err = s.st.EventsNewest(r.Context(), store.EventFilter{Locker: id, Limit: 15}); err != nil {
		s.broken(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "locker", ss, "Locker "+id, d)
}

type alertsData struct {
	Alerts             []store.AlertRow
	Locker, Kind, Show string
	Next               string // this page, to come back to after acknowledging
}

func (s *Server) alertsPage(w http.ResponseWriter, r *http.Request, ss *store.Session) {
	q := r.URL.Query()
	d := alertsData{Locker: strings.TrimSpace(q.Get("locker")), Kind: strings.TrimSpace(q.Get("kind")), Show: q.Get("show"), Next: r.URL.RequestURI()}
	f := store.AlertFilter{Locker: d.Locker, Kind: d.Kind, Limit: 200}
	switch d.Show {
	case "unacked":
		f.Unacked = true
	case "cleared":
		f.Cleared = true
	default:
		d.Show = ""
	}
	var err error
	if d.Alerts, err = s.st.Alerts(r.Context(), f); err != nil {
		s.broken(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "alerts", ss, "Alerts", d)
}

func (s *Server) ackAlert(w http.ResponseWriter, r *http.Request, ss *store.Session) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, http.StatusNotFound, "No such alert", "There is no alert "+r.PathValue("id")+".")
		return
	}
	done, err := s.st.AckOpenAlert(r.Context(), id, ss.Operator.Name)
	if err != nil {
		s.broken(w, r, err)
		return
	}
	flash := "ack-none"
	if done {
		flash = "acked"
		s.log.Info("web: alert acknowledged", "alert", id, "operator", ss.Operator.Name)
	}
	http.Redirect(w, r, withDone(safeNext(r.PostFormValue("next")), flash), http.StatusSeeOther)
}

// withDone adds the confirmation key to a page's address.
func withDone(path, key string) string {
	u, err := url.Parse(path)
	if err != nil {
		return "/alerts?done=" + key
	}
	q := u.Query()
	q.Set("done", key)
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

type eventsData struct {
	Events             []store.EventRow
	Locker, Kind, Rent string
	Older              string // the query of the next page back
}

func (s *Server) eventsPage(w http.ResponseWriter, r *http.Request, ss *store.Session) {
	q := r.URL.Query()
	d := eventsData{Locker: strings.TrimSpace(q.Get("locker")), Kind: strings.TrimSpace(q.Get("kind")), Rent: strings.TrimSpace(q.Get("rent"))}
	f := store.EventFilter{Locker: d.Locker, Kind: d.Kind, Limit: pageSize}
	if n, err := strconv.ParseInt(d.Rent, 10, 64); err == nil && n > 0 {
		f.RentID = n
	} else {
		d.Rent = ""
	}
	if at, l, n, ok := cursorOf(q.Get("before")); ok {
		f.Before = store.EventCursor{StoredAt: at, Locker: l, Seq: n}
	}
	var err error
	if d.Events, err = s.st.EventsNewest(r.Context(), f); err != nil {
		s.broken(w, r, err)
		return
	}
	if len(d.Events) == pageSize {
		last := d.Events[len(d.Events)-1]
		d.Older = older(q, cursorText(last.StoredAt, last.Locker, last.Seq))
	}
	s.render(w, r, http.StatusOK, "events", ss, "Events", d)
}

type parcelsData struct {
	Rents                          []store.RentRow
	Locker, State, ParcelRef, Shop string
	States                         []string
	Older                          string
}

var rentStates = []string{"booked", "reserved", "stored", "collected", "expired", "reclaimed", "cancelled"}

func (s *Server) parcelsPage(w http.ResponseWriter, r *http.Request, ss *store.Session) {
	q := r.URL.Query()
	d := parcelsData{Locker: strings.TrimSpace(q.Get("locker")), State: q.Get("state"), ParcelRef: strings.TrimSpace(q.Get("parcel_ref")),
		Shop: strings.TrimSpace(q.Get("shop")), States: rentStates}
	if !slices.Contains(rentStates, d.State) {
		d.State = ""
	}
	f := store.RentFilter{Locker: d.Locker, State: d.State, ParcelRef: d.ParcelRef, Shop: d.Shop, Limit: pageSize}
	if at, l, n, ok := cursorOf(q.Get("before")); ok {
		f.Before = store.RentCursor{UpdatedAt: at, Locker: l, RentID: n}
	}
	var err error
	if d.Rents, err = s.st.Rents(r.Context(), f); err != nil {
		s.broken(w, r, err)
		return
	}
	if len(d.Rents) == pageSize {
		last := d.Rents[len(d.Rents)-1]
		d.Older = older(q, cursorText(last.UpdatedAt, last.Locker, last.RentID))
	}
	s.render(w, r, http.StatusOK, "parcels", ss, "Parcels", d)
}

// A list's cursor is the last row's time, locker and number.
func cursorText(t time.Time, locker string, n int64) string {
	return fmt.Sprintf("%d.%d.%s", t.UnixMicro(), n, locker)
}

func cursorOf(s string) (time.Time, string, int64, bool) {
	parts := strings.SplitN(s, ".", 3)
	if len(parts) != 3 {
		return time.Time{}, "", 0, false
	}
	us, err1 := strconv.ParseInt(parts[0], 10, 64)
	n, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil {
		return time.Time{}, "", 0, false
	}
	return time.UnixMicro(us), parts[2], n, true
}

func older(q url.Values, cursor string) string {
	q = maps(q)
	q.Set("before", cursor)
	q.Del("done")
	return "?" + q.Encode()
}

func maps(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = slices.Clone(v)
	}
	return out
}

func (s *Server) broken(w http.ResponseWriter, r *http.Request, err error) {
	if httpapi.ClientGone(r, err) {
		// The browser left (a click elsewhere, a closed tab) while the
		// page was read: nothing failed, and nobody sees an answer.
		s.log.Info("web: client went away", "path", r.URL.Path)
		return
	}
	s.log.Error("web: page failed", "path", r.URL.Path, "err", err)
	s.fail(w, r, http.StatusInternalServerError, "Something failed", "Central could not read this from its database; its log says why. Try again in a moment.")
}
