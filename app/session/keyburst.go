package session

import "time"

// KeyTiming tells a keyboard-mode (USB HID) barcode scanner's burst from a
// person typing.
type KeyTiming struct {
	// MaxGap is the longest pause between two keys (and before Enter)
	// inside a scan. Scanners type a key every few milliseconds; people
	// rarely manage 4 keys under 50 ms apart.
	MaxGap time.Duration
	// MinLength is the shortest text taken as a scan.
	MinLength int
}

// DefaultKeyTiming works on the reference kiosk's scanner.
func DefaultKeyTiming() KeyTiming { return KeyTiming{MaxGap: 50 * time.Millisecond, MinLength: 4} }

// KeyBurst tells a keyboard-mode scanner from a person typing. The screens
// feed it every typed rune and every Enter; it is a plain value with no
// goroutines, owned by the UI goroutine.
//
// A scanner types a whole code in a few milliseconds per key and ends it
// with Enter; a person leaves tens to hundreds of milliseconds between
// keys. A run of at least MinLength keys, each within MaxGap of the one
// before, followed by Enter within MaxGap, is a scan.
type KeyBurst struct {
	cfg   KeyTiming
	typed []rune    // everything since the last Enter
	run   int       // index in typed where the current fast run starts
	last  time.Time // when the last key came
}

// NewKeyBurst returns a detector with cfg's thresholds.
func NewKeyBurst(cfg KeyTiming) *KeyBurst { return &KeyBurst{cfg: cfg} }

// Key records a typed rune at time at.
func (k *KeyBurst) Key(r rune, at time.Time) {
	if len(k.typed) > 0 && !k.fast(at) {
		k.run = len(k.typed) // a pause: a scan can only start here
	}
	k.typed = append(k.typed, r)
	k.last = at
}

// Enter ends the input. For a scan it returns the scanned text (without
// anything a person typed before the burst) and true; otherwise it returns
// everything typed since the last Enter and false, for the screen to handle
// as typing. Either way the detector starts afresh.
func (k *KeyBurst) Enter(at time.Time) (text string, scanned bool) {
	defer k.Reset()
	burst := k.typed[k.run:]
	if len(burst) >= k.cfg.MinLength && k.fast(at) {
		return string(burst), true
	}
	return string(k.typed), false
}

// Pending reports whether keys are waiting for an Enter.
func (k *KeyBurst) Pending() bool { return len(k.typed) > 0 }

// Reset forgets everything typed, e.g. when the screen changes.
func (k *KeyBurst) Reset() {
	k.typed = k.typed[:0]
	k.run = 0
	k.last = time.Time{}
}

func (k *KeyBurst) fast(at time.Time) bool {
	gap := at.Sub(k.last)
	return gap >= 0 && gap <= k.cfg.MaxGap
}
