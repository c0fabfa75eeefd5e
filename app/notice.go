package app

import (
	"slices"
	"time"
)

// NoticeKind says what a Notice is about.
type NoticeKind uint8

const (
	// Door sensor changes. Notice.Door holds the door as it is now.
	NoticeOpened        NoticeKind = iota + 1 // the sensor went open (after a command)
	NoticeClosed                              // the sensor went closed
	NoticeLeftOpen                            // open longer than the configured limit
	NoticeForcedOpen                          // opened without a command: an alarm
	NoticeFlapping                            // the sensor changes too often: the door is flagged, once
	NoticeSensorUnknown                       // the sensor cannot be read any more: stop saying "Door N is open"
	NoticeSensorKnown                         // the sensor reads again (Door.Sensor)
	// NoticeSettled: an opening got its outcome (Notice.Opening).
	NoticeSettled
	// NoticeRent: a rent moved (Notice.Rent holds it after the move).
	NoticeRent
	// NoticeDoor: a door's service state changed (out of service, fault
	// set or cleared); Notice.Door holds it.
	NoticeDoor
	// NoticeAvailability: doors went out of order or came back
	// (Notice.Availability).
	NoticeAvailability
)

var noticeNames = [...]string{"", "opened", "closed", "left-open", "forced-open", "flapping", "sensor-unknown",
	"sensor-known", "settled", "rent", "door", "availability"}

func (k NoticeKind) String() string {
	if int(k) < len(noticeNames) && k != 0 {
		return noticeNames[k]
	}
	return "notice(?)"
}

// Notice is something the engine tells every subscriber: a door did
// something, an opening settled, a rent moved, availability changed. The
// pointers are the receiver's own copies.
type Notice struct {
	Kind         NoticeKind
	At           time.Time
	Door         Door // the door concerned, as it is after the notice; zero for locker-wide notices
	Opening      *Opening
	Rent         *Rent
	Availability *Availability
}

// Availability is whether doors can be opened now. Out of order is the
// engine's state: while the lock bus is down or a board is silent, every
// entry point refuses openings of the doors concerned.
type Availability struct {
	// OutOfOrder: no door can open (the bus is down, or no board answers).
	// Home shows "Out of order".
	OutOfOrder bool
	// Down lists the doors that cannot open now (every door when
	// OutOfOrder), in id order.
	Down   []int64
	Reason string // for staff and logs, e.g. "lock bus down: ..." or "board 2 silent"
	Since  time.Time
}

// DoorDown reports whether door id cannot be opened now.
func (a Availability) DoorDown(id int64) bool {
	_, found := slices.BinarySearch(a.Down, id)
	return a.OutOfOrder || found
}
