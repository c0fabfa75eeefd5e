package ui

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"pudo/app"
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
		s.IdleTimeout = app.DefaultIdleTimeout
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
		s.NightFrom, s.NightTo = app.DefaultNightFrom, app.DefaultNightTo
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

// Save is the settings as the text SaveSettings keeps.
func (s Settings) Save() (string, error) {
	b, err := json.Marshal(s)
	return string(b), err
}

// Restore lays settings kept by Save over s, the configured ones. Saved
// text with anything out of range is refused whole, so staff see the
// configured values rather than a half-applied mix.
func (s Settings) Restore(saved string) (Settings, error) {
	r := s
	dec := json.NewDecoder(strings.NewReader(saved))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return s, fmt.Errorf("ui: saved settings: %w", err)
	}
	if err := r.check(); err != nil {
		return s, fmt.Errorf("ui: saved settings: %w", err)
	}
	return r, nil
}

func (s Settings) check() error {
	day := 24 * time.Hour
	switch {
	case s.IdleTimeout < 5*time.Second || s.IdleTimeout > time.Hour:
		return fmt.Errorf("idle timeout %v out of range", s.IdleTimeout)
	case s.Volume < 0 || s.Volume > 100:
		return fmt.Errorf("volume %d out of range", s.Volume)
	case s.Night != NightAuto && s.Night != NightOn && s.Night != NightOff:
		return fmt.Errorf("night mode %q", s.Night)
	case s.NightFrom < 0 || s.NightFrom >= day || s.NightTo < 0 || s.NightTo >= day:
		return fmt.Errorf("night hours %v-%v", s.NightFrom, s.NightTo)
	}
	for _, code := range append([]string{s.Language}, s.Languages...) {
		if !slices.ContainsFunc(Languages, func(l Language) bool { return l.Code == code }) {
			return fmt.Errorf("language %q", code)
		}
	}
	return nil
}
