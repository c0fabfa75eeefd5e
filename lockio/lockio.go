package lockio

import (
	"errors"
	"fmt"
	"time"
)

// Door addresses one lock: the board's bus address and the 1-based channel
// on that board.
type Door struct {
	Board   uint8
	Channel uint8
}

func (d Door) String() string { return fmt.Sprintf("%d/%02d", d.Board, d.Channel) }

// Sensor is what a door's feedback contact last said, after debouncing.
type Sensor uint8

const (
	SensorUnknown Sensor = iota // board silent or not yet polled
	SensorClosed
	SensorOpen
)

func (s Sensor) String() string {
	switch s {
	case SensorClosed:
		return "closed"
	case SensorOpen:
		return "open"
	}
	return "unknown"
}

// EventKind says what happened at a door.
type EventKind uint8

const (
	EventOpened        EventKind = iota + 1 // the sensor went open after an unlock
	EventClosed                             // the sensor went closed
	EventLeftOpen                           // open longer than the configured limit
	EventForcedOpen                         // opened without a command: raise an alarm
	EventDidNotOpen                         // unlocked, but the sensor never went open
	EventSensorUnknown                      // the board stopped answering
	EventSensorKnown                        // the door reads again after being unknown (Event.Sensor)
	// EventLateAck: the board acknowledged an unlock after the driver had
	// stopped waiting (its Unlock returned ErrOutcomeUnknown): the lock
	// moved. Evidence, as an on-time acknowledgement would have been.
	EventLateAck
	// EventLateRefusal: the late reply said the lock did not open.
	EventLateRefusal
)

var eventNames = map[EventKind]string{
	EventOpened: "opened", EventClosed: "closed", EventLeftOpen: "left-open",
	EventForcedOpen: "forced-open", EventDidNotOpen: "did-not-open",
	EventSensorUnknown: "sensor-unknown", EventSensorKnown: "sensor-known",
	EventLateAck: "late-ack", EventLateRefusal: "late-refusal",
}

func (k EventKind) String() string {
	if n, ok := eventNames[k]; ok {
		return n
	}
	return fmt.Sprintf("event(%d)", uint8(k))
}

// Event is one observation at one door.
type Event struct {
	Door Door
	Kind EventKind
	At   time.Time
	// Sensor is the door's debounced state once the event happened.
	Sensor Sensor
}

// ErrNotSent means no byte of the unlock left the port: retrying is safe.
var ErrNotSent = errors.New("lockio: unlock not sent")

// ErrOutcomeUnknown means the request left the port but no valid reply came
// back: the lock may have opened. Never resend automatically.
var ErrOutcomeUnknown = errors.New("lockio: unlock outcome unknown")

// ErrLockFailed is the board's own "the lock did not open" (8A/80 unlock
// reply status 11 for closed-high feedback). It comes as Kind ErrRefused:
// the board answered, the request was understood, the latch did not move.
var ErrLockFailed = errors.New("lockio: board reports the lock did not open")
