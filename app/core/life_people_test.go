package core

import (
	"fmt"
	"slices"
	"time"

	"pudo/lockio/emulator"
	"pudo/lockio/proto"
)

// The people of the simulation behave as people do: a courier puts the
// parcel into the door that opened and shuts it, a recipient takes what
// is inside, both say truthfully whether a door opened, and now and then
// one walks away, types a code again while the door is opening, or comes
// back later. What they see is the emulator's door, not the kiosk's word.

// run sends n parcels through the locker: until n went into its doors and
// every one that can be collected was.
func (l *life) run(n int) {
	for l.stats.dropped < n || l.waiting() > 0 {
		switch {
		case l.stats.dropped < n && l.inDoors() < lifeDoors-2 && l.chance(0.45):
			l.courierVisit(1 + l.rng.IntN(3))
		case l.waiting() > 0:
			l.recipientVisit(l.oldestWaiting())
		case l.stats.dropped >= n:
			// Only parcels nobody can reach are left: staff sort them out.
			l.staffRound()
			if l.waiting() == 0 && l.inDoors() > 0 {
				l.giveUp()
			}
		default:
			l.courierVisit(1)
		}
		// Staff answer the alerts of kept doors, sooner the more there are.
		if kept := l.keptDoors(); kept > 2 || kept > 0 && l.chance(0.3) {
			l.staffRound()
		}
		l.weather()
		l.idle(time.Duration(1+l.rng.IntN(20)) * time.Minute)
		l.check("after a visit")
		if l.t.Failed() {
			return
		}
		if l.stats.visits > 40*n+200 {
			l.diverge("stuck", "run", "%d visits for %d parcels: the locker does not get its parcels out", l.stats.visits, n)
			return
		}
	}
}

// giveUp ends the run with parcels left that no recipient can collect:
// each is a divergence already reported; the doors are emptied by staff.
func (l *life) giveUp() {
	for _, p := range l.parcels {
		if p.where == "door" {
			l.diverge("unreachable", p.id, "parcel %s in door %d can be collected by nobody (code %q)", p.id, p.door, p.code)
			p.where = "carrier"
		}
	}
}

// idle lets time pass with nobody at the locker.
func (l *life) idle(d time.Duration) {
	l.closeLeftOpen()
	l.step(d)
}

// closeLeftOpen: a passer-by shuts a door somebody left open.
func (l *life) closeLeftOpen() {
	for d := int64(1); d <= lifeDoors; d++ {
		if l.emu().IsOpen(1, uint8(d)) {
			l.trace("a passer-by shuts door %d", d)
			l.emu().CloseDoor(1, uint8(d))
		}
	}
}

// weather is what happens to the bus and the kiosk between visits.
func (l *life) weather() {
	switch {
	case l.chance(0.04):
		l.fault("kiosk-killed")
		l.restart("killed between visits")
	case l.chance(0.03):
		l.fault("bus-hiccup")
		l.emu().Silence(1, true)
		time.Sleep(lifeDownAfter / 2)
		l.emu().Silence(1, false)
	case l.chance(0.02):
		l.fault("bus-outage")
		l.emu().Silence(1, true)
		time.Sleep(2 * lifeDownAfter)
		l.emu().Silence(1, false)
	}
}

func (l *life) fault(kind string) {
	l.stats.faults[kind]++
	l.trace("fault: %s", kind)
}

// armFault may spoil the next unlock, for door (0: not known yet).
func (l *life) armFault(door int64) string {
	if !l.chance(0.3) {
		return ""
	}
	kinds := []string{"reply-lost", "busy-late-reply", "request-lost", "garbled-reply", "power-loss",
		"kiosk-crash-after-unlock", "unplug-hiccup", "unplug"}
	if door != 0 {
		kinds = append(kinds, "board-failed", "latch-stuck")
	}
	k := kinds[l.rng.IntN(len(kinds))]
	l.fault(k)
	f := emulator.Fault{Board: 1, Op: proto.OpUnlock}
	switch k {
	case "reply-lost":
		f.Kind = emulator.FaultSilence
	case "busy-late-reply":
		f.Kind, f.Delay = emulator.FaultBusy, time.Duration(50+l.rng.IntN(250))*time.Millisecond
	case "request-lost":
		f.Kind = emulator.FaultDeaf
	case "garbled-reply":
		f.Kind = []emulator.FaultKind{emulator.FaultNoise, emulator.FaultBadChecksum, emulator.FaultDropFirst}[l.rng.IntN(3)]
	case "power-loss":
		f.Kind, f.Delay = emulator.FaultPowerLoss, 2*lifeDownAfter
	case "kiosk-crash-after-unlock":
		f.Kind, f.Delay = emulator.FaultCrash, time.Hour // the person shuts the door
	case "unplug-hiccup":
		f.Kind, f.Delay = emulator.FaultUnplug, lifeDownAfter/3
	case "unplug":
		f.Kind, f.Delay = emulator.FaultUnplug, 2*lifeDownAfter
	case "board-failed":
		l.emu().Jam(1, uint8(door), true)
		return k
	case "latch-stuck":
		l.emu().StickLatch(1, uint8(door), true)
		return k
	}
	l.emu().Inject(f)
	return k
}

// mend ends the faults of a visit: a jammed or stuck latch is fixed by
// the next technician, an unused fault forgotten.
func (l *life) mend() {
	l.emu().ClearFaults()
	for d := uint8(1); d <= lifeDoors; d++ {
		l.emu().Jam(1, d, false)
		l.emu().StickLatch(1, d, false)
	}
}

// framesNow is the unlock frames each door has read.
func (l *life) framesNow() map[uint8]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[uint8]int, len(l.frames))
	for k, v := range l.frames {
		out[k] = v
	}
	return out
}

// poppedSince is the door whose lock got a frame since before, 0 if none.
func (l *life) poppedSince(before map[uint8]int) int64 {
	for ch, n := range l.framesNow() {
		if n > before[ch] {
			return int64(ch)
		}
	}
	return 0
}

// waitOpen is a person in front of door, waiting up to patience (the
// engine's time) for it to open; it reports whether it did.
func (l *life) waitOpen(door int64, patience time.Duration) bool {
	for waited := time.Duration(0); ; waited += time.Second {
		l.sync()
		if l.emu().IsOpen(1, uint8(door)) {
			return true
		}
		if waited >= patience || !l.step(time.Second) {
			return l.emu().IsOpen(1, uint8(door))
		}
	}
}

// shut is a person closing a door and the driver seeing it.
func (l *life) shut(door int64) {
	l.emu().CloseDoor(1, uint8(door))
	l.sync()
}

// newParcel is a parcel a courier brings.
func (l *life) newParcel() *lifeParcel {
	l.next++
	p := &lifeParcel{id: fmt.Sprintf("P%05d", l.next), size: l.pick("S", "S", "S", "M", "M", "L"), where: "courier"}
	l.parcels[p.id] = p
	return p
}

// courierVisit: a courier signs in and drops n parcels.
func (l *life) courierVisit(n int) {
	l.stats.visits++
	defer l.mend()
	r, ok := l.call(lifeCmd{Op: "courier", Who: fmt.Sprintf("c%d", l.rng.IntN(5))})
	if !ok || r.Err != "" {
		if !ok {
			l.restart("died at the courier's sign-in")
		}
		return
	}
	round := r.Sid
	for range n {
		p := l.newParcel()
		l.stats.parcels++
		if !l.dropOne(round, p) {
			if p.where == "courier" {
				p.where = "carrier"
				l.stats.notDropped++
			}
			return
		}
		if p.where == "courier" {
			p.where = "carrier"
			l.stats.notDropped++
		}
		l.step(time.Duration(5+l.rng.IntN(20)) * time.Second)
	}
}

// dropOne drops p; false when the courier leaves (the kiosk died, no door,
// the courier gave up).
func (l *life) dropOne(round int, p *lifeParcel) bool {
	before := l.framesNow()
	fault := l.armFault(0)
	r, ok := l.call(lifeCmd{Op: "drop", Sid: round, Size: p.size, Ref: p.id})
	if !ok {
		// The kiosk died with the drop-off on its screen: the courier puts
		// the parcel into the door that popped, if one did, and leaves.
		if d := l.poppedSince(before); d != 0 && l.emu().IsOpen(1, uint8(d)) {
			l.put(p, d)
			l.shut(d)
		}
		l.restart("crashed during a drop-off (" + fault + ")")
		return false
	}
	switch r.Err {
	case "", "did-not-open":
	default:
		l.trace("%s: no drop: %s", p.id, r.Text)
		return r.Err != "out-of-order" && r.Err != "no-free-door"
	}
	p.rent = r.Rent
	drop := r.Sid
	door := r.Opening.Door
	for attempt := 0; attempt < 8; attempt++ {
		if l.waitOpen(door, 7*time.Second) {
			return l.fillAndClose(drop, p, door)
		}
		o, ok := l.settled(lifeCmd{Op: "drop-opening", Sid: drop})
		if !ok {
			return false
		}
		if l.chance(0.05) {
			l.trace("%s: the courier walks away from door %d (%s)", p.id, door, o.Outcome)
			l.call(lifeCmd{Op: "drop-abandon", Sid: drop})
			return false
		}
		if o.Outcome == "unknown" {
			// "Is the parcel in door N?" It never opened for them: no.
			l.stats.questions++
			if _, ok := l.call(lifeCmd{Op: "drop-answer", Sid: drop, Yes: false}); !ok {
				l.restart("crashed on a courier's answer")
				return false
			}
		}
		if attempt > 0 {
			l.armFault(door)
		}
		v, ok := l.call(lifeCmd{Op: "drop-didnotopen", Sid: drop})
		if !ok {
			l.restart("crashed on a drop-off's did-not-open")
			return false
		}
		l.stats.verdicts[v.Verdict]++
		switch v.Verdict {
		case "wait", "look-again":
		case "retried", "other-door":
			door = v.Opening.Door
		default:
			l.trace("%s: support; the courier keeps it", p.id)
			return true
		}
	}
	l.diverge("endless", p.id, "drop-off of %s: did-not-open 8 times without support", p.id)
	return false
}

// settled lets time pass until the opening of a session (its -opening
// command) is settled, and returns it; false when the kiosk died.
func (l *life) settled(c lifeCmd) (lifeOpening, bool) {
	for range 12 {
		r, ok := l.call(c)
		if !ok {
			l.restart("crashed while a person waited")
			return lifeOpening{}, false
		}
		if r.Opening.Outcome != "pending" {
			return r.Opening, true
		}
		if !l.step(time.Second) {
			return lifeOpening{}, false
		}
	}
	r, ok := l.call(c)
	return r.Opening, ok
}

// fillAndClose: the door is open; the courier puts the parcel in, shuts
// the door (or walks away) and says it is done, answering truthfully if
// the locker asks whether the parcel is in.
func (l *life) fillAndClose(drop int, p *lifeParcel, door int64) bool {
	l.put(p, door)
	if l.chance(0.03) {
		l.trace("%s: the courier walks away, door %d open", p.id, door)
		return false
	}
	l.shut(door)
	for range 10 {
		r, ok := l.call(lifeCmd{Op: "drop-done", Sid: drop})
		if !ok {
			l.restart("crashed at a drop-off's done")
			return false
		}
		switch r.Err {
		case "being-opened", "door-still-open":
			l.step(time.Second)
			continue
		case "ask-first":
			l.stats.questions++
			if l.chance(0.1) {
				l.trace("%s: the courier walks away from the question", p.id)
				l.call(lifeCmd{Op: "drop-abandon", Sid: drop})
				return false
			}
			if _, ok := l.call(lifeCmd{Op: "drop-answer", Sid: drop, Yes: true}); !ok {
				l.restart("crashed on a courier's answer")
				return false
			}
		}
		return true
	}
	return true
}

func (l *life) put(p *lifeParcel, door int64) {
	if err := l.emu().Put(1, uint8(door), p.id); err != nil {
		l.t.Fatalf("put %s: %v", p.id, err)
	}
	l.stats.dropped++
	p.where, p.door = "door", door
	l.trace("%s put into door %d", p.id, door)
}

// waiting counts parcels in doors whose recipient has the code.
func (l *life) waiting() int {
	l.learnCodes()
	n := 0
	for _, p := range l.parcels {
		if p.where == "door" && p.code != "" && p.tries < 6 {
			n++
		}
	}
	return n
}

func (l *life) oldestWaiting() *lifeParcel {
	var best *lifeParcel
	for _, p := range l.parcels {
		if p.where == "door" && p.code != "" && p.tries < 6 && (best == nil || p.id < best.id) {
			best = p
		}
	}
	return best
}

func (l *life) inDoors() int {
	n := 0
	for _, p := range l.parcels {
		if p.where == "door" {
			n++
		}
	}
	return n
}

// recipientVisit: p's recipient comes with the code the carrier sent.
func (l *life) recipientVisit(p *lifeParcel) {
	l.stats.visits++
	p.tries++
	defer l.mend()
	before := l.framesNow()
	fault := l.armFault(p.door)
	r, ok := l.call(lifeCmd{Op: "pickup", Code: p.code})
	if !ok {
		l.takeIfOpen(p, l.poppedSince(before))
		l.restart("crashed during a pickup (" + fault + ")")
		return
	}
	switch r.Err {
	case "", "did-not-open":
	case "being-opened", "out-of-order", "locked-out", "for-staff":
		l.trace("%s: come back later: %s", p.id, r.Err)
		p.tries-- // not the recipient's failure: they come back
		return
	default:
		if l.emu().IsOpen(1, uint8(p.door)) || slices.Contains(l.emu().Contents(1, uint8(p.door)), p.id) {
			l.diverge("code-refused", p.id, "the code of %s (in door %d) was refused: %s", p.id, p.door, r.Text)
		}
		return
	}
	door, sid := r.Opening.Door, r.Sid
	if door != p.door {
		l.diverge("wrong-door", p.id, "the code of %s opens door %d; the parcel is in door %d", p.id, door, p.door)
	}
	if l.chance(0.1) {
		// Impatient: the code again while the door is opening.
		r2, ok := l.call(lifeCmd{Op: "pickup", Code: p.code})
		if !ok {
			l.takeIfOpen(p, door)
			l.restart("crashed on a retyped code")
			return
		}
		if r2.Err == "" && r2.Opening.ID != r.Opening.ID && r2.Opening.Outcome != "unknown" {
			l.diverge("second-opening", p.id, "a second opening of %s started while the first was on", p.id)
		}
	}
	for attempt := 0; attempt < 8; attempt++ {
		if l.waitOpen(door, 7*time.Second) {
			l.takeIfOpen(p, door)
			l.answerIfAsked(p, sid, true)
			return
		}
		o, ok := l.settled(lifeCmd{Op: "pickup-opening", Sid: sid})
		if !ok {
			return
		}
		if attempt > 0 && l.chance(0.2) {
			l.trace("%s: the recipient walks away (%s)", p.id, o.Outcome)
			l.call(lifeCmd{Op: "pickup-leave", Sid: sid})
			return
		}
		op := "pickup-didnotopen"
		if o.Outcome == "unknown" {
			op = "pickup-answer" // "did door N open, and do you have your parcel?" No.
			l.stats.questions++
		}
		v, ok := l.call(lifeCmd{Op: op, Sid: sid, Yes: false})
		if !ok {
			l.restart("crashed on a did-not-open")
			return
		}
		l.stats.verdicts[v.Verdict]++
		switch v.Verdict {
		case "wait", "look-again":
		case "retried":
			door = v.Opening.Door
		default:
			l.trace("%s: support (%s); the recipient comes back another day", p.id, v.Verdict)
			l.call(lifeCmd{Op: "pickup-leave", Sid: sid})
			return
		}
	}
	l.diverge("endless", p.id, "pickup of %s: did-not-open 8 times without support", p.id)
}

// answerIfAsked: the recipient took what the door held (or not); if
// nobody could tell whether it opened, the locker asks, and they answer
// truthfully, or now and then walk away.
func (l *life) answerIfAsked(p *lifeParcel, sid int, took bool) {
	o, ok := l.settled(lifeCmd{Op: "pickup-opening", Sid: sid})
	if !ok || o.Outcome != "unknown" {
		return
	}
	l.stats.questions++
	if l.chance(0.1) {
		l.trace("%s: the recipient walks away from the question", p.id)
		l.call(lifeCmd{Op: "pickup-leave", Sid: sid})
		return
	}
	if _, ok := l.call(lifeCmd{Op: "pickup-answer", Sid: sid, Yes: took && p.where == "recipient"}); !ok {
		l.restart("crashed on a recipient's answer")
	}
}

// takeIfOpen: the recipient takes what door holds if it is open, and
// shuts it (now and then leaves it open).
func (l *life) takeIfOpen(p *lifeParcel, door int64) {
	if door == 0 || !l.emu().IsOpen(1, uint8(door)) {
		return
	}
	got, err := l.emu().Take(1, uint8(door))
	if err != nil {
		l.t.Fatal(err)
	}
	for _, id := range got {
		q := l.parcels[id]
		q.where = "recipient"
		if id != p.id {
			l.diverge("another's parcel", id, "the recipient of %s found %s in door %d", p.id, id, door)
		}
	}
	if slices.Contains(got, p.id) {
		l.stats.collected++
	}
	l.trace("%s's recipient took %v from door %d", p.id, got, door)
	if !l.chance(0.03) {
		l.shut(door)
	}
}

// staffRound: staff look into every door kept for them and say what they
// found (CheckDoor); a parcel no rent holds in that door goes back to its
// carrier, and the door counts as empty.
func (l *life) staffRound() {
	for _, d := range l.keptDoorIDs() {
		l.stats.staffChecks++
		r, ok := l.call(lifeCmd{Op: "staff-open", Door: d})
		if !ok {
			l.restart("crashed on a staff opening")
			return
		}
		if r.Err != "" && r.Err != "did-not-open" || !l.waitOpen(d, 7*time.Second) {
			continue // the door does not open for staff either: the next round
		}
		inside := false
		for _, id := range l.emu().Contents(1, uint8(d)) {
			if l.rentHolds(id, d) {
				inside = true
				continue
			}
			l.emu().TakeParcel(1, uint8(d), id)
			l.parcels[id].where = "carrier"
			l.stats.strays++
			l.trace("staff took %s out of door %d: no rent holds it there", id, d)
		}
		l.shut(d)
		if _, ok := l.call(lifeCmd{Op: "staff-check", Door: d, Yes: inside}); !ok {
			l.restart("crashed on a staff check")
			return
		}
	}
}
