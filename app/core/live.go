package core

import (
	"sync"
	"time"

	"pudo/app"
)

// live is an opening the engine still holds in memory: pending (not
// settled), a drop-off seen open whose rent is stored when the door closes,
// or one the board refused moments ago, which a sensor-open still settles
// as opened (the sensor is evidence, the board's reply a claim).
type live struct {
	op opening
	o  app.Opening
	// closedSince is since when the sensor has read the door closed
	// without a break, zero while it reads open or unknown: the
	// did-not-open time runs from here.
	closedSince time.Time
	replyLost   bool // the board's reply was lost: the cause to go back to
	interrupted bool // found unsettled at start: the kiosk stopped mid-opening
	// abandoned: the drop-off's person left before it settled; a walk-in
	// that then did not open is cancelled.
	abandoned bool
	settling  bool // claimed by settle: nothing else settles it
	// The evidence beyond the sensor's state (unknown.go): acked, the
	// board acknowledged the unlock (on time or late); gapped, the
	// sensor's readings broke off while the door could have been open;
	// reads0 and gaps0, the driver's counts when the command went out;
	// closedReads, its read count when the current closed stretch began.
	acked, gapped bool
	reads0, gaps0 uint64
	closedReads   uint64
	// asked: settled unknown, waiting for the person's answer; alerted:
	// staff were told the rent is to check; left: the person is gone.
	alerted, left bool
	// hold: a drop-off's courier is still choosing (too small, did not
	// open): the door's close stores nothing, the courier is asked.
	hold bool
}

// registry holds the live openings. Its lock is never held across a
// transaction or a board exchange.
type registry struct {
	mu      sync.Mutex
	byID    map[int64]*live
	pending map[int64]*live // by door: at most one unsettled opening per door
	closing map[int64]*live // by door: drop-offs seen open, waiting for the close
	late    map[int64]*live // by door: refused by the board moments ago
	// asking, by door: settled unknown, waiting for the person's answer;
	// a seen-open or a late acknowledgement still settles it as opened.
	asking map[int64]*live
}

func (r *registry) init() {
	if r.byID == nil {
		r.byID, r.pending, r.closing, r.late = map[int64]*live{}, map[int64]*live{}, map[int64]*live{}, map[int64]*live{}
		r.asking = map[int64]*live{}
	}
}

func (r *registry) add(lv *live) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.init()
	if old := r.asking[lv.o.DoorID]; old != nil {
		// A new opening of the door (staff's, the retry): a seen-open now
		// is its evidence, not the unknown one's, which stays to answer.
		delete(r.asking, lv.o.DoorID)
		delete(r.byID, old.o.ID)
	}
	r.byID[lv.o.ID] = lv
	r.pending[lv.o.DoorID] = lv
}

// pendingAt is the unsettled opening of door, nil when none.
func (r *registry) pendingAt(door int64) *live {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pending[door]
}

func (r *registry) closingAt(door int64) *live {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closing[door]
}

func (r *registry) lateAt(door int64) *live {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.late[door]
}

func (r *registry) askingAt(door int64) *live {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.asking[door]
}

// asked lists the openings waiting for an answer.
func (r *registry) asked() []*live {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*live, 0, len(r.asking))
	for _, lv := range r.asking {
		out = append(out, lv)
	}
	return out
}

// unsettled is the id of door's unsettled opening, 0 when none.
func (r *registry) unsettled(door int64) int64 {
	if lv := r.pendingAt(door); lv != nil {
		return lv.o.ID
	}
	return 0
}

func (r *registry) snapshot(lv *live) app.Opening {
	r.mu.Lock()
	defer r.mu.Unlock()
	return lv.o
}

func (r *registry) update(lv *live, f func(*live)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(lv)
}

func (r *registry) byOpening(id int64) (app.Opening, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	lv, ok := r.byID[id]
	if !ok {
		return app.Opening{}, false
	}
	return lv.o, true
}

func (r *registry) liveByID(id int64) *live {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byID[id]
}

// claim reserves lv for settling; false if it is settled or being settled.
func (r *registry) claim(lv *live) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if lv.settling || lv.o.Outcome != app.OutcomePending {
		return false
	}
	lv.settling = true
	return true
}

func (r *registry) unclaim(lv *live) {
	r.mu.Lock()
	defer r.mu.Unlock()
	lv.settling = false
}

// settled records lv's outcome: it leaves the pending doors, and waits
// for its door to close (drop-off seen open) or for a late sensor-open
// (refused by the board), or is forgotten.
func (r *registry) settled(lv *live, o app.Opening, awaitClose, lateOK bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	lv.o, lv.settling = o, false
	if r.pending[o.DoorID] == lv {
		delete(r.pending, o.DoorID)
	}
	switch {
	case awaitClose:
		r.closing[o.DoorID] = lv
	case o.Outcome == app.OutcomeUnknown:
		r.init()
		r.asking[o.DoorID] = lv
	case lateOK:
		r.late[o.DoorID] = lv
	default:
		r.forgetLocked(lv)
	}
}

// drop forgets lv wherever it waits.
func (r *registry) drop(lv *live) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.forgetLocked(lv)
}

func (r *registry) forgetLocked(lv *live) {
	d := lv.o.DoorID
	if r.closing[d] == lv {
		delete(r.closing, d)
	}
	if r.late[d] == lv {
		delete(r.late, d)
	}
	if r.asking[d] == lv {
		delete(r.asking, d)
	}
	if r.pending[d] != lv {
		delete(r.byID, lv.o.ID)
	}
}

// doors lists the doors with something live, for the tick.
func (r *registry) doors() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	seen := map[int64]bool{}
	var out []int64
	for _, m := range []map[int64]*live{r.pending, r.closing, r.late, r.asking} {
		for d := range m {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	return out
}

// walkInClosing reports whether rent's drop-off door was seen open and
// waits for its close.
func (r *registry) closingRent(rentID int64) *live {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, lv := range r.closing {
		if lv.o.RentID == rentID {
			return lv
		}
	}
	return nil
}
