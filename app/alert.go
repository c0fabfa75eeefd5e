package app

import "time"

// Alert is something staff must look at, listed first at login until a
// staff member acknowledges it: an alert.* event of the audit log, or a
// guessing limit reached (Guess) since staff last cleared it.
type Alert struct {
	Event // Kind, door and time; Seq 0 for a guessing limit
	// Guess is set for a guessing limit: the typed codes or the staff PIN
	// pad, its wrong entries and pauses since it was last cleared.
	Guess *GuessLimit
	// Repeats counts the same alert (kind and door) raised again, older,
	// folded into this newest one so the list stays readable; 0: once.
	Repeats int
}

// GuessLimit is a guessing limit that was reached.
type GuessLimit struct {
	Staff       bool  // the PIN pad (or a staff badge), else typed codes
	Wrong       int64 // wrong entries since last cleared
	Trips       int64 // how often entry was paused
	PausedUntil time.Time
}
