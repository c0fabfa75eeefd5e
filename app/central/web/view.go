package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"pudo/app/central/store"
)

// pageNames are the templates beside the layout, one per page.
var pageNames = []string{"login", "lockers", "locker", "alerts", "events", "parcels", "error"}

func (s *Server) parse() error {
	s.pages = map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(s.funcs()).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", "templates/"+name+".html")
		if err != nil {
			return fmt.Errorf("web: template %s: %w", name, err)
		}
		s.pages[name] = t
	}
	return nil
}

// view is what every page's template gets.
type view struct {
	Title   string
	Section string // the nav item lit
	Me      *store.Operator
	CSRF    string
	Summary store.Summary
	Flash   string
	Data    any
}

// CanAct says whether the signed-in account may change things.
func (v view) CanAct() bool { return v.Me != nil && rank(v.Me.Role) >= rank(roleOperator) }

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, ss *store.Session, title string, data any) {
	v := view{Title: title, Section: page, Data: data, Flash: flashes[r.URL.Query().Get("done")]}
	if ss != nil {
		v.Me, v.CSRF = &ss.Operator, csrfField(ss)
		if sum, err := s.st.FleetSummary(r.Context()); err == nil {
			v.Summary = sum
		}
	}
	var b bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&b, "layout", v); err != nil {
		s.log.Error("web: page not drawn", "page", page, "err", err)
		http.Error(w, "central could not draw this page; its log says why", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// flashes are the one-line confirmations a redirect may ask for, by key:
// nothing a request carries is echoed.
var flashes = map[string]string{"acked": "Alert acknowledged.", "ack-none": "That alert is cleared or acknowledged already."}

type failure struct{ Heading, Text string }

func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, heading, text string) {
	ss, ok := s.session(r)
	var sp *store.Session
	if ok {
		sp = &ss
	}
	s.render(w, r, status, "error", sp, heading, failure{heading, text})
}

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.Local().Format("2006-01-02 15:04:05")
		},
		"ago":        func(t time.Time) string { return ago(s.cfg.Now(), t) },
		"since":      func(t time.Time) string { return since(s.cfg.Now(), t) },
		"icon":       icon,
		"join":       strings.Join,
		"kindClass":  func(k string) string { c, _, _ := strings.Cut(k, "."); return c },
		"legendWord": func(s string) string { return legendWords[s] },
		"alertKinds": func() []string { return alertKinds },
		"eventKinds": func() []string { return eventKinds },
		"ackArgs":    func(a store.AlertRow, v view, next string) ackArgs { return ackArgs{a, v, next} },
		"eventsOf":   func(rows []store.EventRow, showLocker bool) eventsView { return eventsView{rows, showLocker} },
	}
}

// eventsView is an events table: its rows, and whether a Locker column
// tells them apart (not on one locker's page, nor filtered to one).
type eventsView struct {
	Rows       []store.EventRow
	ShowLocker bool
}

// ackArgs are what an alert's acknowledge cell needs: the alert, the page
// (who is signed in, the form token) and where to come back.
type ackArgs struct {
	Alert store.AlertRow
	View  view
	Next  string
}

var legendWords = map[string]string{"free": "free", "held": "booked, empty", "occupied": "occupied", "open": "open",
	"unknown": "unknown", "fault": "fault", "out-of-service": "out of service"}

// alertKinds are the kinds central raises, for the filter.
var alertKinds = []string{"offline", "backlog", "hole", "doors", "clock", "lockbus", "refused", "guessing", "locker"}

// eventKinds are common kinds and their starts, offered in the filter.
var eventKinds = []string{"rent.", "door.", "code.", "courier.", "staff.", "alert.", "rent.booked", "rent.stored", "rent.collected",
	"rent.cancelled", "rent.expired", "door.open", "door.opened", "door.closed", "door.open.failed", "code.wrong", "courier.login"}

// ago says how long ago t was, in the largest unit that fits.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < 0:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%d s ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h %d min ago", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}

// since says how long it has been since t, for a state that began then.
func since(now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "for under a minute"
	case d < time.Hour:
		return fmt.Sprintf("for %d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("for %d h %d min", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("for %d days", int(d.Hours()/24))
}

// icons are the door states' badges, as in the kiosk's staff grid
// (Material icons, as Fyne's theme has them).
var icons = map[string]string{
	"open":           "M11 7L9.6 8.4l2.6 2.6H2v2h10.2l-2.6 2.6L11 17l5-5-5-5zm9 12h-8v2h8c1.1 0 2-.9 2-2V5c0-1.1-.9-2-2-2h-8v2h8v14z",
	"unknown":        "M11 18h2v-2h-2v2zm1-16C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2zm0 18c-4.41 0-8-3.59-8-8s3.59-8 8-8 8 3.59 8 8-3.59 8-8 8zm0-14c-2.21 0-4 1.79-4 4h2c0-1.1.9-2 2-2s2 .9 2 2c0 2-3 1.75-3 5h2c0-2.25 3-2.5 3-5 0-2.21-1.79-4-4-4z",
	"fault":          "M1 21h22L12 2 1 21zm12-3h-2v-2h2v2zm0-4h-2v-4h2v4z",
	"out-of-service": "M19 6.41L17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z",
}

func icon(name string) template.HTML {
	p, ok := icons[name]
	if !ok {
		return ""
	}
	return template.HTML(`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="` + p + `"/></svg>`)
}
