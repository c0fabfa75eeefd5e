package app

import (
	"fmt"
	"strings"
)

// Size is a door's size class.
type Size string

const (
	SizeS Size = "S"
	SizeM Size = "M"
	SizeL Size = "L"
)

// Sizes lists the door sizes from smallest to largest.
var Sizes = []Size{SizeS, SizeM, SizeL}

// Rank orders sizes, S < M < L; -1 for anything else.
func (s Size) Rank() int {
	for i, x := range Sizes {
		if strings.EqualFold(string(x), string(s)) {
			return i
		}
	}
	return -1
}

// ParseSize reads "s", "M", ... as a Size.
func ParseSize(s string) (Size, error) {
	z := Size(strings.ToUpper(strings.TrimSpace(s)))
	if z.Rank() < 0 {
		return "", fmt.Errorf("%w %q", ErrBadSize, s)
	}
	return z, nil
}

// Sensor is what a door's sensor says, as last read.
type Sensor uint8

const (
	// SensorUnknown: the sensor cannot be read (board silent, bus down, not
	// polled yet). Nothing about the door is known; no opening of it can
	// be confirmed.
	SensorUnknown Sensor = iota
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

// Door is one door as people at the screen and the staff grid see it.
type Door struct {
	ID   int64
	Size Size
	// Col and Row place the door on the locker's map, from 1, rows top down.
	Col, Row int
	Low      bool // reachable from a wheelchair
	// Board and Channel are its wiring, for staff and support only.
	Board, Channel uint8

	// Occupied: an active rent (reserved, stored, expired) holds the door.
	Occupied     bool
	OutOfService bool // taken out by staff (or the self-test), with OOSReason
	OOSReason    string
	// Fault says why the door is kept out of assignment although it works
	// as far as anyone knows: its last opening did not open or never
	// settled, a person reported it did not open, its sensor flaps. The
	// door may hold a parcel nobody has a record for, so it is never given
	// to another parcel until an opening of it is seen to succeed or staff
	// clear it. "" when none.
	Fault string
	// Sensor is the door sensor's state as last read.
	Sensor Sensor
	// Unsettled is the id of an opening of this door still waiting for its
	// outcome, 0 when none. While it is set no other opening of the door
	// starts.
	Unsettled int64
	// OutOfOrder: the door's board is silent or the lock bus is down, so
	// no opening of it can start now (see Availability).
	OutOfOrder bool
}

// Address names the door's wiring as staff read it: "1/07".
func (d Door) Address() string { return fmt.Sprintf("%d/%02d", d.Board, d.Channel) }

// Faulty is the door as the back office's reports count it: kept out of
// use by a fault, or taken out of service.
func (d Door) Faulty() bool { return d.Fault != "" || d.OutOfService }

// Assignable reports whether the door may be given to a new parcel now.
func (d Door) Assignable() bool {
	return !d.Occupied && !d.OutOfService && d.Fault == "" && d.Unsettled == 0 && !d.OutOfOrder
}

// DoorState is a door with the rent behind it, for the staff grid.
type DoorState struct {
	Door
	Rent *Rent // nil: no active rent
}

// Inner is the inside of a door, in centimetres, as a courier measures a
// parcel against it.
type Inner struct {
	Width  int `toml:"width"`
	Height int `toml:"height"`
	Depth  int `toml:"depth"`
}

// InnerSizes are the insides of the doors of each size (config
// [locker.sizes]), shown on the courier's size buttons.
type InnerSizes struct {
	S Inner `toml:"S"`
	M Inner `toml:"M"`
	L Inner `toml:"L"`
}

// DefaultInnerSizes are the demo locker's doors: one width and depth, the
// heights of the three sizes.
func DefaultInnerSizes() InnerSizes {
	return InnerSizes{S: Inner{40, 16, 60}, M: Inner{40, 26, 60}, L: Inner{40, 36, 60}}
}

// Of is the inside of a door of size z; zero for an unknown size.
func (s InnerSizes) Of(z Size) Inner {
	switch z {
	case SizeS:
		return s.S
	case SizeM:
		return s.M
	case SizeL:
		return s.L
	}
	return Inner{}
}

// Validate checks every size has an inside, a larger size no smaller in
// any direction than a smaller one.
func (s InnerSizes) Validate() error {
	const key = "locker.sizes"
	for i, z := range Sizes {
		in := s.Of(z)
		if in.Width <= 0 || in.Height <= 0 || in.Depth <= 0 || in.Width > 300 || in.Height > 300 || in.Depth > 300 {
			return ConfigErrorf(key+"."+string(z), "width, height and depth must each be 1..300 (cm)")
		}
		if i > 0 {
			if p := s.Of(Sizes[i-1]); in.Width < p.Width || in.Height < p.Height || in.Depth < p.Depth {
				return ConfigErrorf(key+"."+string(z), "smaller than %s in some direction", Sizes[i-1])
			}
		}
	}
	return nil
}
