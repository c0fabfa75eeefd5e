package lockio

import "time"

// presence decides whether a board counts as answering, with hysteresis:
// it is called down only after missing answers for DownAfter and at least
// DownPolls polls in a row, and up again only after answering for
// UpAfter. A board starts called up, its missed answers counted from the
// port's opening, so a board that misses its first polls is out of order
// after DownAfter like any other.
type presence struct {
	up      bool
	lastOK  time.Time // last answer; the port's opening before the first
	misses  int       // polls unanswered since lastOK
	okSince time.Time // first answer of the current run while called down
}

func newPresence(now time.Time) *presence { return &presence{up: true, lastOK: now} }

// answered records an answer; it reports whether the board was called up.
func (p *presence) answered(now time.Time, upAfter time.Duration) bool {
	p.lastOK, p.misses = now, 0
	if p.up {
		return false
	}
	if p.okSince.IsZero() {
		p.okSince = now
	}
	if now.Sub(p.okSince) < upAfter {
		return false
	}
	p.up, p.okSince = true, time.Time{}
	return true
}

// missed records an unanswered poll; it reports whether the board was
// called down.
func (p *presence) missed(now time.Time, downAfter time.Duration, downPolls int) bool {
	p.misses++
	p.okSince = time.Time{}
	if !p.up || p.misses < downPolls || now.Sub(p.lastOK) < downAfter {
		return false
	}
	p.up = false
	return true
}

// lost: the port went away for DownAfter or longer; the board must answer
// for UpAfter again before it counts.
func (p *presence) lost(now time.Time) {
	p.up, p.okSince, p.lastOK = false, time.Time{}, now
}
