package voice

import "time"

// Timeout is how long the person at the screen is given where a sighted
// shopper gets d: twice as long in audio mode, where a key, the door and
// the parcel are found by ear and by touch. Every timeout a session or a
// screen sets goes through it.
func Timeout(d time.Duration, audio bool) time.Duration {
	if audio {
		return 2 * d
	}
	return d
}
