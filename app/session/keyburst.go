package session

import (
	"strings"
	"time"
	"unicode"

	"pudo/app"
)

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

// TokenPrefix starts every token of ours (the locker's PUDO1, the
// operator's PUDO2). Typed, it starts a token read that lasts until
// Enter, whatever the gaps between the keys: a keyboard scanner's burst
// split by a busy machine is still one token.
const TokenPrefix = "PUDO"

// KeyBurst reads the physical keyboard, where a person and a
// keyboard-mode scanner type alike. It is a plain value with no
// goroutines, owned by the UI goroutine: the screens feed it every typed
// rune and every Enter.
//
// Input is told by what it is first, by its speed second:
//
//   - keys that may start a token (a prefix of TokenPrefix) are held back
//     until they are one or are not; from TokenPrefix on, everything up to
//     Enter is a token read, handed over as a scan;
//   - a fast run (at least MinLength keys each within MaxGap of the one
//     before, and Enter within MaxGap) is a scan only if it is a complete
//     code or token of ours; anything else fast is a person typing fast
//     (or a machine too busy to deliver the keys in time), and the keys
//     stay the screen's.
//
// Nothing typed is dropped: every key either reaches the screen or is
// part of a scan.
type KeyBurst struct {
	cfg KeyTiming
	// ours says whether a text is a complete code or token of ours; nil
	// takes every fast run for a scan (timing alone).
	ours  func(string) bool
	typed []rune    // everything since the last Enter
	run   int       // index in typed where the current fast run starts
	last  time.Time // when the last key came
	// cand counts the keys at the end of typed that are a token's start;
	// the last held of them are held back, the others were released.
	cand, held int
	token      int // index in typed where a token read started; -1: none
}

// NewKeyBurst returns a reader with cfg's thresholds; ours tells a
// complete code or token of ours (Engine.Recognize: not ScanForeign).
func NewKeyBurst(cfg KeyTiming, ours func(string) bool) *KeyBurst {
	return &KeyBurst{cfg: cfg, ours: ours, token: -1}
}

// Keys is what a key means for the screen.
type Keys struct {
	// Type are the keys the screen gets now, in order.
	Type []rune
	// Retract: keys released to the screen earlier (the person seemed to
	// pause) turned out to start a token: the screen takes them back.
	Retract bool
}

// Key records a rune typed at at and says what the screen gets: nothing
// while the keys may start a token or belong to one; the keys held back,
// with r, once they turn out to be typing.
func (k *KeyBurst) Key(r rune, at time.Time) Keys {
	if len(k.typed) > 0 && !k.fast(at) {
		k.run = len(k.typed) // a pause: a scan can only start here
	}
	k.typed = append(k.typed, r)
	k.last = at
	if k.token >= 0 {
		return Keys{}
	}
	tail := k.typed[len(k.typed)-k.cand-1:]
	if tokenPrefix(tail) {
		if len(tail) < len(TokenPrefix) {
			k.cand++
			k.held++
			return Keys{}
		}
		released := k.cand - k.held
		k.token, k.cand, k.held = len(k.typed)-len(tail), 0, 0
		return Keys{Retract: released > 0}
	}
	out := append([]rune(nil), tail[len(tail)-1-k.held:len(tail)-1]...)
	k.cand, k.held = 0, 0
	if tokenPrefix([]rune{r}) {
		k.cand, k.held = 1, 1
		return Keys{Type: out}
	}
	return Keys{Type: append(out, r)}
}

// Reading reports whether a token read is under way: from TokenPrefix on,
// everything up to Enter is the token's.
func (k *KeyBurst) Reading() bool { return k.token >= 0 }

// Held reports whether keys are held back, waiting for the next key to
// tell whether they start a token; Release hands them to the screen when
// none comes.
func (k *KeyBurst) Held() bool { return k.held > 0 }

// Release hands over the keys held back as typing: the person seems to
// have paused after them. Should the token go on after all, the next Key
// asks for them back (Keys.Retract).
func (k *KeyBurst) Release() []rune {
	if k.held == 0 {
		return nil
	}
	out := append([]rune(nil), k.typed[len(k.typed)-k.held:]...)
	k.held = 0
	return out
}

// Ended is what an Enter ends.
type Ended struct {
	// Text is the scanned text for a scan, else everything typed since
	// the last Enter.
	Text    string
	Scanned bool
	// Release are keys held back, for the screen before the Enter.
	Release []rune
}

// Enter ends the input and starts afresh. A token read is a scan whatever
// its timing; a fast run is a scan if it is ours; anything else is
// typing, for the screen.
func (k *KeyBurst) Enter(at time.Time) Ended {
	defer k.Reset()
	if k.token >= 0 {
		return Ended{Text: string(k.typed[k.token:]), Scanned: true}
	}
	e := Ended{Text: string(k.typed), Release: k.Release()}
	burst := string(k.typed[k.run:])
	if len(k.typed)-k.run >= k.cfg.MinLength && k.fast(at) && (k.ours == nil || k.ours(burst)) {
		return Ended{Text: burst, Scanned: true}
	}
	return e
}

// Pending reports whether keys are waiting for an Enter.
func (k *KeyBurst) Pending() bool { return len(k.typed) > 0 }

// Reset forgets everything typed, e.g. when the screen changes.
func (k *KeyBurst) Reset() {
	k.typed = k.typed[:0]
	k.run, k.cand, k.held, k.token = 0, 0, 0, -1
	k.last = time.Time{}
}

func (k *KeyBurst) fast(at time.Time) bool {
	gap := at.Sub(k.last)
	return gap >= 0 && gap <= k.cfg.MaxGap
}

// tokenPrefix reports whether rs is a non-empty prefix of TokenPrefix,
// in any case.
func tokenPrefix(rs []rune) bool {
	if len(rs) == 0 || len(rs) > len(TokenPrefix) {
		return false
	}
	for i, r := range rs {
		if unicode.ToUpper(r) != rune(TokenPrefix[i]) {
			return false
		}
	}
	return true
}

// Ours is the KeyBurst's test of content for an engine: a complete code
// or token of ours, whatever its validity (an expired token is still
// one, for its session to say so), or a product's barcode, which a
// keyboard scanner reads as readily and the locker ignores without
// counting it. Our codes are never all digits, so no code typed by a
// person is taken for one.
func Ours(recognize func(string) app.ScanKind) func(string) bool {
	return func(text string) bool {
		t := strings.TrimSpace(text)
		return recognize(t) != app.ScanForeign || productBarcode(t)
	}
}

// productBarcode: EAN-8, UPC-A, EAN-13 or GTIN-14 by its shape.
func productBarcode(t string) bool {
	switch len(t) {
	case 8, 12, 13, 14:
	default:
		return false
	}
	return strings.Trim(t, "0123456789") == ""
}
