package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"

	"pudo/app/apptest"
)

// placed is a button where it stands on the panel.
type placed struct {
	text     string
	pos, end fyne.Position
}

func (p placed) overlaps(q placed) bool {
	return p.pos.X < q.end.X && q.pos.X < p.end.X && p.pos.Y < q.end.Y && q.pos.Y < p.end.Y
}

// buttons are the visible buttons on screen, where they stand.
func (f *fixture) buttons() []placed {
	var out []placed
	d := fyne.CurrentApp().Driver()
	for _, o := range f.objects() {
		if b, ok := o.(*button); ok && b.Visible() {
			pos := d.AbsolutePositionForObject(b)
			out = append(out, placed{b.Text, pos, pos.Add(b.Size())})
		}
	}
	return out
}

// Nothing changes under the finger: a question the locker asks on its own
// word (nobody could tell whether the door opened, or it closed while the
// courier was choosing) puts no button where another action stood a
// moment before, so a tap meant for the screen before cannot answer it,
// whatever the tap guard's time. On both panels.
func TestQuestionsComeUpWhereNoButtonStood(t *testing.T) {
	for _, size := range []fyne.Size{landscape, portrait} {
		for _, tc := range []struct {
			name   string
			before func(t *testing.T, f *fixture) int64 // the door, the screen before up
			after  screen
		}{
			{"largest size, closed while choosing", func(t *testing.T, f *fixture) int64 {
				f.scanned(annaToken)
				f.tap(t, "Drop off parcels")
				f.tap(t, "Large")
				f.tap(t, "Door too small")
				f.want(t, &tooSmallScreen{})
				return 11
			}, &askInDoorScreen{}},
			{"pickup, unknown", func(t *testing.T, f *fixture) int64 {
				f.eng.SetBoard(f.demo[0].DoorID, apptest.Settles)
				toDoor(t, f)
				f.want(t, &doorScreen{})
				return f.demo[0].DoorID
			}, &askOpenedScreen{}},
			{"drop-off, unknown", func(t *testing.T, f *fixture) int64 {
				f.eng.Default = apptest.Settles
				f.scanned(annaToken)
				f.tap(t, "Drop off parcels")
				f.tap(t, "Small")
				f.want(t, &doorScreen{})
				return f.doorShown(t)
			}, &askInDoorScreen{}},
		} {
			t.Run(fmt.Sprintf("%s %vx%v", tc.name, size.Width, size.Height), func(t *testing.T) {
				f := newFixtureAt(t, size)
				door := tc.before(t, f)
				before := f.buttons()
				if _, ok := f.k.shown.(*tooSmallScreen); ok {
					f.close(door)
				} else {
					f.eng.Unseen(door)
					f.pump()
				}
				f.want(t, tc.after)
				for _, a := range f.buttons() {
					for _, b := range before {
						if a.overlaps(b) {
							t.Errorf("%q stands where %q stood a moment before (%v-%v, %v-%v)", a.text, b.text, a.pos, a.end, b.pos, b.end)
						}
					}
				}
			})
		}
	}
}
