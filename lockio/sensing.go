package lockio

import "time"

// tracker turns raw sensor readings into debounced states and events. Only
// the port goroutine calls it.
type tracker struct {
	debounce   int
	leftOpen   time.Duration
	didNotOpen time.Duration
	doors      map[Door]*doorTrack
	emit       func(Event)
	publish    func(Door, Sensor)
	gapped     func(Door)
}

type doorTrack struct {
	state    Sensor
	cand     Sensor // reading that disagrees with state
	candN    int    // how many polls in a row it has
	openedAt time.Time
	warned   bool      // EventLeftOpen sent for this opening
	cmdAt    time.Time // last unlock not yet seen to open; zero = none
}

func newTracker(cfg Config, emit func(Event), publish func(Door, Sensor), gapped func(Door)) *tracker {
	t := &tracker{debounce: cfg.Debounce, leftOpen: cfg.LeftOpenAfter.Std(),
		didNotOpen: cfg.DidNotOpenAfter.Std(), doors: map[Door]*doorTrack{}, emit: emit, publish: publish, gapped: gapped}
	for _, d := range cfg.Doors() {
		t.doors[d] = &doorTrack{}
	}
	return t
}

// observe feeds one poll's reading. Leaving unknown needs one reading;
// flipping between open and closed needs debounce readings in a row, since
// contact bounce around an unlock can fake an opening.
func (t *tracker) observe(d Door, raw Sensor, now time.Time) {
	dt := t.doors[d]
	if dt == nil {
		return
	}
	if raw == dt.state {
		dt.candN = 0
		return
	}
	if raw == dt.cand {
		dt.candN++
	} else {
		dt.cand, dt.candN = raw, 1
	}
	if dt.state == SensorUnknown || dt.candN >= t.debounce {
		t.change(d, dt, raw, now)
	}
}

// gap records that a door's readings were interrupted: its board missed
// an answer, or the port went. Its debounced state may stay as it was
// (a hiccup), but whatever happened at the door meanwhile went unseen.
func (t *tracker) gap(d Door) {
	if t.doors[d] != nil {
		t.gapped(d)
	}
}

// late reports an unlock's late reply.
func (t *tracker) late(d Door, acked bool, now time.Time) {
	dt := t.doors[d]
	if dt == nil {
		return
	}
	k := EventLateAck
	if !acked {
		k = EventLateRefusal
	}
	t.emit(Event{d, k, now, dt.state})
}

// unknown marks a door unreadable: its board went silent or the port went.
func (t *tracker) unknown(d Door, now time.Time) {
	if dt := t.doors[d]; dt != nil && dt.state != SensorUnknown {
		t.change(d, dt, SensorUnknown, now)
	}
}

func (t *tracker) change(d Door, dt *doorTrack, to Sensor, now time.Time) {
	from := dt.state
	dt.state, dt.candN = to, 0
	t.publish(d, to)
	if from == SensorUnknown {
		// Sessions and availability wait for this: the door reads again.
		t.emit(Event{d, EventSensorKnown, now, to})
	}
	switch {
	case to == SensorUnknown:
		t.emit(Event{d, EventSensorUnknown, now, to})
	case to == SensorOpen:
		dt.openedAt, dt.warned = now, false
		if !dt.cmdAt.IsZero() {
			dt.cmdAt = time.Time{}
			t.emit(Event{d, EventOpened, now, SensorOpen})
		} else if from == SensorClosed {
			t.emit(Event{d, EventForcedOpen, now, to})
		}
	case to == SensorClosed && from == SensorOpen:
		t.emit(Event{d, EventClosed, now, to})
	}
}

// commanded records an unlock that left the port. A door already open
// counts as opened at once: the shopper is waiting for it.
func (t *tracker) commanded(d Door, now time.Time) {
	dt := t.doors[d]
	if dt == nil {
		return
	}
	if dt.state == SensorOpen {
		dt.cmdAt = time.Time{}
		t.emit(Event{d, EventOpened, now, SensorOpen})
		return
	}
	dt.cmdAt = now
}

// tick raises the timed events: left open, did not open.
func (t *tracker) tick(now time.Time) {
	for d, dt := range t.doors {
		if dt.state == SensorOpen && !dt.warned && now.Sub(dt.openedAt) >= t.leftOpen {
			dt.warned = true
			t.emit(Event{d, EventLeftOpen, now, dt.state})
		}
		if !dt.cmdAt.IsZero() && now.Sub(dt.cmdAt) >= t.didNotOpen {
			dt.cmdAt = time.Time{}
			if dt.state == SensorClosed {
				t.emit(Event{d, EventDidNotOpen, now, dt.state})
			}
		}
	}
}
