package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"pudo/app"
)

// Speech is the spoken guidance for shoppers who cannot see the screen.
type Speech struct {
	// Program is the espeak-ng binary (run as its own process: GPL).
	Program string `toml:"program"`
	// Voices is the espeak-ng voice for each screen language.
	Voices map[string]string `toml:"voices"`
	// Rate is the speed in words per minute.
	Rate int `toml:"rate"`
	// Volume and NightVolume are 0..100, by day and in night mode.
	Volume      int `toml:"volume"`
	NightVolume int `toml:"night_volume"`
	// CacheDir keeps rendered phrases across restarts; "" is the user
	// cache dir's pudo/speech.
	CacheDir string `toml:"cache_dir"`
	// MemoryMB bounds the rendered phrases kept in memory.
	MemoryMB int `toml:"memory_mb"`
	// LongPress is how long a touch anywhere must last to start audio mode.
	LongPress time.Duration `toml:"long_press"`
	// StartOnScan starts audio mode when a shopper's code is scanned on
	// the idle screen.
	StartOnScan bool `toml:"start_on_scan"`
}

var speechLanguages = []string{"en", "pl", "nl", "es", "fr"}

// DefaultSpeech speaks a little slower than espeak-ng's 175 words a
// minute: the listener is new to the words, and to the locker.
func DefaultSpeech() Speech {
	return Speech{Program: "espeak-ng", Voices: map[string]string{"en": "en-gb", "pl": "pl", "nl": "nl", "es": "es", "fr": "fr-fr"},
		Rate: 150, Volume: 90, NightVolume: 50, MemoryMB: 32, LongPress: app.DefaultLongPress}
}

// Validate checks the speech keys.
func (s Speech) Validate() error {
	switch {
	case s.Program == "":
		return &Error{Key: "speech.program", Msg: "must not be empty"}
	case s.Rate < 80 || s.Rate > 400:
		return &Error{Key: "speech.rate", Msg: "must be 80..400 words per minute"}
	case s.Volume < 0 || s.Volume > 100 || s.NightVolume < 0 || s.NightVolume > 100:
		return &Error{Key: "speech.volume", Msg: "volume and night_volume must be 0..100"}
	case s.MemoryMB < 1 || s.MemoryMB > 1024:
		return &Error{Key: "speech.memory_mb", Msg: "must be 1..1024"}
	case s.LongPress < time.Second || s.LongPress > 10*time.Second:
		return &Error{Key: "speech.long_press", Msg: "must be 1s..10s: shorter starts by accident, longer is not found"}
	}
	for lang, voice := range s.Voices {
		if !slices.Contains(speechLanguages, lang) {
			return &Error{Key: "speech.voices." + lang, Msg: fmt.Sprintf("%q is not a screen language (en, pl, nl, es, fr)", lang)}
		}
		if voice == "" {
			return &Error{Key: "speech.voices." + lang, Msg: "needs an espeak-ng voice (espeak-ng --voices lists them)"}
		}
	}
	return nil
}

// SpeechCacheDir is where rendered speech is kept across restarts:
// speech.cache_dir, else the user cache dir's pudo/speech (for the
// packaged kiosk /var/lib/pudo/.cache/pudo/speech), else "" (memory only).
func (c Config) SpeechCacheDir() string {
	if c.Speech.CacheDir != "" {
		return c.Speech.CacheDir
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "pudo", "speech")
}
