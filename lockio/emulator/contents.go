package emulator

import (
	"errors"
	"fmt"
	"slices"
)

// ErrDoorShut: a parcel goes in or comes out only through an open door.
var ErrDoorShut = errors.New("emulator: the door is shut")

// What a door holds is the physical truth a test weighs the kiosk against:
// a parcel is put in while the door is open and taken out the same way,
// whatever the kiosk believes about it. Parcels are named by the caller.

// Put places a parcel in an open door.
func (e *Emulator) Put(board, ch uint8, parcel string) error {
	var err error
	e.with(board, ch, func(d *door) {
		if !d.open {
			err = fmt.Errorf("put %s into %d/%02d: %w", parcel, board, ch, ErrDoorShut)
			return
		}
		d.contents = append(d.contents, parcel)
	})
	return err
}

// Take empties an open door and returns what it held, oldest first.
func (e *Emulator) Take(board, ch uint8) ([]string, error) {
	var out []string
	var err error
	e.with(board, ch, func(d *door) {
		if !d.open {
			err = fmt.Errorf("take from %d/%02d: %w", board, ch, ErrDoorShut)
			return
		}
		out, d.contents = d.contents, nil
	})
	return out, err
}

// TakeParcel takes one named parcel out of an open door; false if the
// door does not hold it.
func (e *Emulator) TakeParcel(board, ch uint8, parcel string) (bool, error) {
	var took bool
	var err error
	e.with(board, ch, func(d *door) {
		if !d.open {
			err = fmt.Errorf("take %s from %d/%02d: %w", parcel, board, ch, ErrDoorShut)
			return
		}
		if i := slices.Index(d.contents, parcel); i >= 0 {
			d.contents = slices.Delete(d.contents, i, i+1)
			took = true
		}
	})
	return took, err
}

// Contents lists what a door holds, open or shut.
func (e *Emulator) Contents(board, ch uint8) []string {
	var out []string
	e.with(board, ch, func(d *door) { out = slices.Clone(d.contents) })
	return out
}

// Empty reports whether a door holds nothing.
func (e *Emulator) Empty(board, ch uint8) bool { return len(e.Contents(board, ch)) == 0 }

// Stock places a parcel in a door whatever its state: a locker set up
// with parcels already inside.
func (e *Emulator) Stock(board, ch uint8, parcel string) {
	e.with(board, ch, func(d *door) { d.contents = append(d.contents, parcel) })
}

// Where lists every door holding something, by door.
func (e *Emulator) Where() map[[2]uint8][]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[[2]uint8][]string{}
	for k, d := range e.doors {
		if len(d.contents) > 0 {
			out[[2]uint8{k.board, k.ch}] = slices.Clone(d.contents)
		}
	}
	return out
}
