package core

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"pudo/app"
	"pudo/storage"
)

// Setting keys staff may change at the kiosk. A stored value wins over the
// configuration file; an empty value removes it.
const (
	SettingPickupWindow = "pickup_window" // duration, at least 1h
	SettingRetention    = "retention"     // duration, at least 24h
	SettingBookingHold  = "booking_hold"  // duration, at least 1h
	SettingRemoteOpen   = "remote_open"   // true or false
	// SettingScreen holds the screen's own settings (idle time, languages,
	// night mode, volume) as a JSON object; the screen owns its meaning.
	SettingScreen = "screen"
)

// maxScreenSetting bounds the screen's JSON: it is a handful of fields.
const maxScreenSetting = 4096

var durationFloor = map[string]time.Duration{
	SettingPickupWindow: time.Hour,
	SettingRetention:    24 * time.Hour,
	SettingBookingHold:  time.Hour,
}

func validSetting(key, value string) error {
	if value == "" {
		return nil
	}
	if floor, ok := durationFloor[key]; ok {
		d, err := time.ParseDuration(value)
		if err != nil || d < floor {
			return fmt.Errorf("%w: %s must be a duration of at least %s", app.ErrBadSetting, key, floor)
		}
		return nil
	}
	if key == SettingScreen {
		if len(value) > maxScreenSetting || !json.Valid([]byte(value)) || !strings.HasPrefix(strings.TrimSpace(value), "{") {
			return fmt.Errorf("%w: %s must be a JSON object of at most %d bytes", app.ErrBadSetting, key, maxScreenSetting)
		}
		return nil
	}
	if key == SettingRemoteOpen {
		if _, err := strconv.ParseBool(value); err != nil {
			return fmt.Errorf("%w: %s must be true or false", app.ErrBadSetting, key)
		}
		return nil
	}
	return fmt.Errorf("%w: unknown key %q", app.ErrBadSetting, key)
}

// rules returns the options in force: the configured ones, overridden by
// what staff set.
func (l *Locker) rules(tx *storage.Tx) (Options, error) {
	o := l.opts
	set, err := tx.Settings()
	if err != nil {
		return o, err
	}
	for k, v := range set {
		if validSetting(k, v) != nil {
			continue // a value from a newer version: keep the configured one
		}
		switch k {
		case SettingPickupWindow:
			o.PickupWindow, _ = time.ParseDuration(v)
		case SettingRetention:
			o.Retention, _ = time.ParseDuration(v)
		case SettingBookingHold:
			o.BookingHold, _ = time.ParseDuration(v)
		case SettingRemoteOpen:
			o.RemoteOpen, _ = strconv.ParseBool(v)
		}
	}
	return o, nil
}

// currentRules returns the options in force now.
func (l *Locker) currentRules(ctx context.Context) (o Options, err error) {
	err = l.db.View(ctx, func(tx *storage.Tx) (err error) {
		o, err = l.rules(tx)
		return err
	})
	return o, err
}

// Settings returns the values staff set (not the configured defaults).
func (bo *Office) Settings(ctx context.Context) (map[string]string, error) {
	l := bo.l
	var out map[string]string
	err := l.db.View(ctx, func(tx *storage.Tx) (err error) {
		out, err = tx.Settings()
		return err
	})
	return out, err
}

func (l *Locker) setSetting(ctx context.Context, actor, key, value string) error {
	if err := validSetting(key, value); err != nil {
		return err
	}
	return l.db.Update(ctx, func(tx *storage.Tx) error {
		if err := tx.SetSetting(key, value); err != nil {
			return err
		}
		_, err := tx.Append(storage.Event{Actor: actor, Kind: string(app.EvSettingChanged), Detail: key + "=" + value})
		return err
	})
}

// SaveScreenSettings keeps what staff changed on the settings screen, so a
// restart does not undo it. Audited like every setting.
func (l *Locker) SaveScreenSettings(ctx context.Context, jsonObject string) error {
	return l.setSetting(ctx, "staff", SettingScreen, jsonObject)
}

// ScreenSettings returns the saved screen settings, "" when none were saved.
func (l *Locker) ScreenSettings(ctx context.Context) (string, error) {
	set, err := l.Office().Settings(ctx)
	return set[SettingScreen], err
}
