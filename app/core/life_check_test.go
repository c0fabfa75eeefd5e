package core

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"pudo/app"
	"pudo/storage"
)

// The invariants of the simulation, weighed after every visit against the
// emulator's physical truth:
//
//   - every parcel in a door has exactly one stored (or to-check) rent,
//     for that door, whose code (as its carrier has it) opens it;
//   - no rent is collected (or otherwise ended) while its parcel is still
//     in a door;
//   - no door holding a parcel is given to another: one parcel a door,
//     and no active rent of a door for a parcel that is not in it while
//     one that is;
//   - at most 2 unlock frames per rent and move (drop-off, pickup) until
//     staff check its door, and no frame without an opening of its door on
//     record.

// lifeStats are the figures the run prints.
type lifeStats struct {
	parcels, dropped, collected, notDropped, visits, starts, staffChecks, strays int
	faults, verdicts                                                             map[string]int
	questions                                                                    int
	maxFrames                                                                    int         // most unlocks of one rent's move since staff last checked its door
	openings                                                                     map[int]int // a rent's moves (drop-off, pickup) by the unlocks sent for each
	seq                                                                          int64       // the last event the carrier read
}

// diverge records a broken invariant once per kind and subject.
func (l *life) diverge(kind, subject, format string, a ...any) {
	key := kind + "/" + subject
	if l.seen[key] {
		return
	}
	l.seen[key] = true
	msg := fmt.Sprintf("[%s] %s (clock %s)", kind, fmt.Sprintf(format, a...), l.now.Format("01-02 15:04:05"))
	l.divergences = append(l.divergences, msg)
	l.trace("DIVERGENCE %s", msg)
}

// snapshot is the store as the checks read it.
type lifeStore struct {
	rents []storage.Rent
	opens []storage.DoorOpen
	doors []storage.Door
}

var lifeOpenStates = []string{"intent", "opened", "failed", "unknown", "flagged", "tocheck"}

func (l *life) readStore() lifeStore {
	var s lifeStore
	err := l.db.View(context.Background(), func(tx *storage.Tx) error {
		for after := int64(0); ; {
			rs, err := tx.Rents(storage.RentFilter{AfterID: after, Limit: 1000})
			if err != nil {
				return err
			}
			s.rents = append(s.rents, rs...)
			if len(rs) < 1000 {
				break
			}
			after = rs[len(rs)-1].ID
		}
		for _, st := range lifeOpenStates {
			os, err := tx.OpensInState(st)
			if err != nil {
				return err
			}
			s.opens = append(s.opens, os...)
		}
		var err error
		s.doors, err = tx.Doors()
		return err
	})
	if err != nil {
		l.t.Fatalf("read the store: %v", err)
	}
	return s
}

// learnCodes reads the codes the carrier got (sealed on the events that
// store its walk-ins) and gives them to the parcels' recipients.
func (l *life) learnCodes() {
	var evs []storage.Event
	err := l.db.View(context.Background(), func(tx *storage.Tx) (err error) {
		evs, err = tx.Events(l.stats.lastSeq(), 10000)
		return err
	})
	if err != nil {
		l.t.Fatalf("read the events: %v", err)
	}
	for _, e := range evs {
		l.stats.seq = max(l.stats.seq, e.Seq)
		if e.CodeSealed == nil {
			continue
		}
		c, err := l.seal.Open(e.CodeSealed)
		if err != nil {
			l.diverge("seal", fmt.Sprint(e.RentID), "the carrier cannot open the code of rent %d: %v", e.RentID, err)
			continue
		}
		var r storage.Rent
		if err := l.db.View(context.Background(), func(tx *storage.Tx) (err error) {
			r, err = tx.Rent(c.RentID)
			return err
		}); err != nil {
			continue
		}
		code, err := app.NormalizeCode(c.Code)
		if err != nil {
			l.diverge("seal", fmt.Sprint(e.RentID), "the carrier's code of rent %d is no code: %v", e.RentID, err)
			continue
		}
		if p := l.parcels[r.ParcelRef]; p != nil && p.code == "" {
			p.code, p.rent = code, r.ID
			l.trace("%s: the carrier has its code (rent %d)", p.id, r.ID)
		}
	}
}

// seq is kept beside the stats: the last event the carrier read.
func (s *lifeStats) lastSeq() int64 { return s.seq }

// rentHolds reports whether an active rent holds parcel id in door d.
func (l *life) rentHolds(id string, d int64) bool {
	for _, r := range l.readStore().rents {
		if r.ParcelRef == id && r.DoorID == d && r.State.Active() {
			return true
		}
	}
	return false
}

// keptDoorIDs lists the doors kept for staff (a fault on record).
func (l *life) keptDoorIDs() []int64 {
	var out []int64
	for _, d := range l.readStore().doors {
		if d.Fault != "" {
			out = append(out, d.ID)
		}
	}
	return out
}

func (l *life) keptDoors() int { return len(l.keptDoorIDs()) }

// check weighs the store against the doors.
func (l *life) check(when string) {
	l.sync()
	s := l.readStore()
	byParcel := map[string][]storage.Rent{}
	for _, r := range s.rents {
		byParcel[r.ParcelRef] = append(byParcel[r.ParcelRef], r)
	}
	pending := map[int64]bool{}
	type move struct {
		rent   int64
		reason string
	}
	perRent := map[move]int{}  // since staff last checked the door
	allTimes := map[move]int{} // in all
	perDoor := map[int64]int{}
	for _, o := range s.opens {
		if o.State == "intent" {
			pending[o.DoorID] = true
		}
		if o.Cause == "not-sent" {
			continue
		}
		perDoor[o.DoorID]++
		if o.RentID != 0 && !strings.HasPrefix(o.Reason, "staff") && o.Reason != "pickup-reopen" {
			m := move{o.RentID, strings.Split(o.Reason, ".")[0]}
			allTimes[m]++
			if !o.Checked {
				perRent[m]++
			}
		}
	}
	toCheck := map[int64]bool{}
	for _, d := range s.doors {
		toCheck[d.ID] = strings.HasPrefix(d.Fault, "to check")
	}
	where := l.emu().Where()
	for k, ids := range where {
		d := int64(k[1])
		if len(ids) > 1 {
			l.diverge("two-in-a-door", fmt.Sprint(d), "door %d holds %v", d, ids)
		}
		if pending[d] || l.emu().IsOpen(1, uint8(d)) {
			continue // a person is at it, or its opening is not settled yet
		}
		for _, id := range ids {
			l.checkInDoor(id, d, byParcel[id], toCheck)
		}
	}
	for _, r := range s.rents {
		if r.State.Active() || r.ParcelRef == "" {
			continue
		}
		for k, ids := range where {
			if slices.Contains(ids, r.ParcelRef) {
				l.diverge("ended-while-inside", r.ParcelRef, "rent %d of %s is %s while the parcel is in door %d (%s)",
					r.ID, r.ParcelRef, r.State, k[1], when)
			}
		}
	}
	l.stats.openings = map[int]int{}
	for _, n := range allTimes {
		l.stats.openings[n]++
	}
	for m, n := range perRent {
		l.stats.maxFrames = max(l.stats.maxFrames, n)
		if n > 2 {
			l.diverge("frames", fmt.Sprint(m.rent), "rent %d had %d unlocks for its %s since staff last checked its door", m.rent, n, m.reason)
		}
	}
	for ch, n := range l.framesNow() {
		if n > perDoor[int64(ch)] {
			l.diverge("resent", fmt.Sprint(ch), "door %d read %d unlock frames for %d openings on record", ch, n, perDoor[int64(ch)])
		}
	}
}

// checkInDoor: parcel id is in door d, shut and settled.
func (l *life) checkInDoor(id string, d int64, rents []storage.Rent, toCheck map[int64]bool) {
	var holding []storage.Rent
	for _, r := range rents {
		// Stored, or to check: reserved behind a door kept to check.
		if r.State == storage.RentStored || r.State == storage.RentReserved && toCheck[r.DoorID] {
			holding = append(holding, r)
		}
	}
	switch {
	case len(holding) == 0:
		states := make([]string, 0, len(rents))
		for _, r := range rents {
			states = append(states, fmt.Sprintf("rent %d %s in door %d", r.ID, r.State, r.DoorID))
		}
		l.diverge("no-rent", id, "%s is in door %d with no stored rent (%s)", id, d, strings.Join(states, ", "))
	case len(holding) > 1:
		l.diverge("two-rents", id, "%s has %d stored rents", id, len(holding))
	case holding[0].DoorID != d:
		l.diverge("wrong-door", id, "%s is in door %d, its rent %d says door %d", id, d, holding[0].ID, holding[0].DoorID)
	default:
		p := l.parcels[id]
		creds := (&Locker{secret: l.secret, opts: Options{CodeCost: cheapCode}}).pickupCreds(p.code)
		if p.code != "" && !creds.matches(holding[0].PickupMAC) {
			l.diverge("code", id, "the code the carrier has for %s does not open rent %d", id, holding[0].ID)
		}
		if p.code == "" && bytes.Equal(holding[0].PickupMAC, nil) {
			l.diverge("code", id, "rent %d of %s has no code", holding[0].ID, id)
		}
	}
}

// lifeTotals adds up the figures of several lockers' runs.
func lifeTotals(runs []*life) string {
	sum := &life{stats: lifeStats{faults: map[string]int{}, verdicts: map[string]int{}, openings: map[int]int{}}}
	for _, l := range runs {
		if l == nil {
			continue
		}
		s := &sum.stats
		s.parcels += l.stats.parcels
		s.dropped += l.stats.dropped
		s.collected += l.stats.collected
		s.notDropped += l.stats.notDropped
		s.visits += l.stats.visits
		s.starts += l.stats.starts
		s.staffChecks += l.stats.staffChecks
		s.strays += l.stats.strays
		s.questions += l.stats.questions
		s.maxFrames = max(s.maxFrames, l.stats.maxFrames)
		for k, v := range l.stats.faults {
			s.faults[k] += v
		}
		for k, v := range l.stats.verdicts {
			s.verdicts[k] += v
		}
		for k, v := range l.stats.openings {
			s.openings[k] += v
		}
		sum.divergences = append(sum.divergences, l.divergences...)
	}
	return "all lockers: " + sum.report()
}

// report is the run's figures.
func (l *life) report() string {
	var b strings.Builder
	if l.seed != 0 {
		fmt.Fprintf(&b, "simulation of locker life, seed %d\n", l.seed)
	}
	fmt.Fprintf(&b, "parcels %d dropped into doors, %d collected (%d more brought but not dropped: no free door, the courier left), "+
		"visits %d, kiosk starts %d, staff checks %d, parcels staff took out %d\n",
		l.stats.dropped, l.stats.collected, l.stats.notDropped, l.stats.visits, l.stats.starts, l.stats.staffChecks, l.stats.strays)
	fmt.Fprintf(&b, "faults:%s\n", countsLine(l.stats.faults))
	fmt.Fprintf(&b, "did-not-open verdicts:%s\n", countsLine(l.stats.verdicts))
	ops := map[string]int{}
	for n, c := range l.stats.openings {
		ops[fmt.Sprintf("%d openings", n)] = c
	}
	fmt.Fprintf(&b, "unlocks per rent and move, staff checks between included:%s\n", countsLine(ops))
	fmt.Fprintf(&b, "most unlocks of one rent's move since staff last checked its door: %d (at most 2)\n", l.stats.maxFrames)
	fmt.Fprintf(&b, "questions asked %d\n", l.stats.questions)
	fmt.Fprintf(&b, "divergences %d\n", len(l.divergences))
	return b.String()
}

func countsLine(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, " %s %d,", k, m[k])
	}
	return strings.TrimSuffix(b.String(), ",")
}
