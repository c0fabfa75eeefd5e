package ui

import (
	"slices"
	"time"
)

// Settings are what staff may change on the kiosk's settings screen.
type Settings struct {
	IdleTimeout time.Duration // any screen but home asks "Need more time?" after this
	Language    string        // the language the kiosk starts in and goes back to
	Languages   []string      // offered on the home screen; "en" always is
	Night       NightMode
	NightFrom   time.Duration // time of day night mode starts (e.g. 22h)
	NightTo     time.Duration // time of day it ends (e.g. 6h)
	Volume      int           // 0..100; 0 is silent
}

// NightMode is whether the screen and sounds dim.
type NightMode string

const (
	NightAuto NightMode = "auto" // on the NightFrom..NightTo schedule
	NightOn   NightMode = "on"
	NightOff  NightMode = "off"
)

func (s *Settings) defaults() {
	if s.IdleTimeout <= 0 {
		s.IdleTimeout = time.Minute
	}
	if len(s.Languages) == 0 {
		for _, l := range Languages {
			s.Languages = append(s.Languages, l.Code)
		}
	}
	if s.Language == "" || !slices.Contains(s.Languages, s.Language) {
		s.Language = s.Languages[0]
	}
	if s.Night == "" {
		s.Night = NightAuto
	}
	if s.NightFrom == 0 && s.NightTo == 0 {
		s.NightFrom, s.NightTo = 22*time.Hour, 6*time.Hour
	}
	s.Volume = min(max(s.Volume, 0), 100)
}

// nightAt reports whether t falls in night mode, and when that changes next.
func (s Settings) nightAt(t time.Time) (night bool, next time.Time) {
	switch s.Night {
	case NightOn:
		return true, time.Time{}
	case NightOff:
		return false, time.Time{}
	}
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	from, to := day.Add(s.NightFrom), day.Add(s.NightTo)
	if s.NightFrom == s.NightTo {
		return false, time.Time{}
	}
	if s.NightFrom < s.NightTo { // e.g. 01:00-05:00
		switch {
		case t.Before(from):
			return false, from
		case t.Before(to):
			return true, to
		}
		return false, from.AddDate(0, 0, 1)
	}
	switch { // across midnight, e.g. 22:00-06:00
	case t.Before(to):
		return true, to
	case t.Before(from):
		return false, from
	}
	return true, to.AddDate(0, 0, 1)
}

// offered are the languages the home screen shows, in Languages' order.
func (s Settings) offered() []Language {
	var out []Language
	for _, l := range Languages {
		if l.Code == "en" || slices.Contains(s.Languages, l.Code) {
			out = append(out, l)
		}
	}
	return out
}
