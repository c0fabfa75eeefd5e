package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/apptest"
)

// drops lists the engine calls of drop-offs, in order.
func (f *fixture) drops() []string {
	var out []string
	for _, c := range f.eng.Calls() {
		for _, p := range []string{"drop ", "larger", "done ", "abandon ", "did-not-open "} {
			if strings.HasPrefix(c, p) {
				out = append(out, c)
			}
		}
	}
	return out
}

func (f *fixture) wantDrops(t *testing.T, want ...string) {
	t.Helper()
	if got := f.drops(); !slices.Equal(got, want) {
		t.Fatalf("drop-off calls %q, want %q", got, want)
	}
}

func TestCourierDropOffByLabel(t *testing.T) {
	f := newFixture(t)
	f.scanned(annaToken)
	f.want(t, &courierMenuScreen{})
	f.tap(t, "Drop off parcels")
	f.want(t, &dropScreen{})
	f.scanned(bookedRef)
	f.want(t, &doorScreen{})
	if f.doorShown(t) != 7 || !f.shows("Put the parcel in") {
		t.Fatalf("door %d, texts %q", f.doorShown(t), f.texts())
	}
	// Too small: the next size up opens (door 5, the first M, holds a return).
	f.tap(t, "Door too small")
	f.want(t, &doorScreen{})
	if f.doorShown(t) != 6 {
		t.Fatalf("after larger: door %d", f.doorShown(t))
	}
	f.close(6)
	f.want(t, &dropScreen{})
	if !f.shows("Parcel stored in door 6") {
		t.Fatalf("texts %q", f.texts())
	}
	f.wantDrops(t, "drop booked PKG-1001", "larger", "done door 6")
}

// A parcel's label is none of ours, yet typed by a keyboard-mode scanner
// on the drop screen it is a scan: a label is what that screen reads,
// also when a busy kiosk took the keys with a pause inside the burst.
// Elsewhere the same keys stay typing (TestFastPartialCodeStaysTyped).
func TestKeyboardScannerLabelDropsOff(t *testing.T) {
	for _, tc := range []struct {
		name string
		gap  time.Duration
		n    int // keys from n on come a millisecond apart
	}{
		{"a scanner's burst", 3 * time.Millisecond, 0},
		{"a burst split by a busy kiosk", 120 * time.Millisecond, 2},
		{"typed by hand", 300 * time.Millisecond, 99},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.k.opts.PushScan = nil
			f.scanned(annaToken)
			f.tap(t, "Drop off parcels")
			f.want(t, &dropScreen{})
			f.typeBunched(bookedRef, tc.gap, tc.n)
			f.want(t, &doorScreen{})
			if f.doorShown(t) != 7 {
				t.Fatalf("door %d, want 7", f.doorShown(t))
			}
			f.wantDrops(t, "drop booked PKG-1001")
		})
	}
}

func TestCourierDropOffBySize(t *testing.T) {
	f := newFixture(t)
	f.scanned(annaToken)
	f.tap(t, "Drop off parcels")
	f.scanned("PKG-NEW-9")
	if !f.shows("No booking for label PKG-NEW-9") {
		t.Fatalf("texts %q", f.texts())
	}
	f.tap(t, "Prefer a low door: off")
	f.tap(t, "Medium")
	f.want(t, &doorScreen{})
	if !f.shows("Pickup code for the recipient:") || !f.shows("WALK-0001") {
		t.Fatalf("texts %q", f.texts())
	}
	f.wantDrops(t, `drop new M "PKG-NEW-9" low=true`)
}

// TestCourierDoorDidNotOpen: a door the locker settled as not opened is
// reported: the parcel's one retry is at another free door of its size
// (never a second unlock of the door that did not open).
func TestCourierDoorDidNotOpen(t *testing.T) {
	f := newFixture(t)
	f.eng.SetBoard(2, apptest.Settles)
	f.scanned(annaToken)
	f.tap(t, "Drop off parcels")
	f.tap(t, "Small")
	if f.doorShown(t) != 2 || f.shows("is open.") {
		t.Fatalf("door %d texts %q", f.doorShown(t), f.texts())
	}
	f.notOpened(2)
	f.want(t, &notOpenedScreen{})
	f.tap(t, "Try again")
	f.want(t, &doorScreen{})
	if f.doorShown(t) == 2 || !f.shows("is open.") {
		t.Fatalf("the retry kept door %d; texts %q", f.doorShown(t), f.texts())
	}
	if n := f.eng.Unlocks(2); n != 1 {
		t.Fatalf("door 2 unlocked %d times, want 1", n)
	}
}

// TestCourierTakeBackOneByOne: the doors open one by one, the list says
// where each stands, a door that does not open is skipped.
func TestCourierTakeBackOneByOne(t *testing.T) {
	f := newFixture(t)
	stockExpired(f)
	f.eng.SetBoard(11, apptest.Refuses)
	f.scanned(annaToken)
	f.tapList(t, "courier.expired")
	f.want(t, &batchScreen{})
	f.tap(t, "Open 3 doors one by one")
	if f.doorShown(t) != 4 || !f.shows("PKG-2231   open now") || f.k.shown.idle() != app.IdleNever {
		t.Fatalf("door %d, texts %q", f.doorShown(t), f.texts())
	}
	f.close(4) // 11 fails, 19 opens
	if f.doorShown(t) != 19 || !f.shows("PKG-2290   did not open") || !f.shows("PKG-2231   taken") {
		t.Fatalf("door %d, texts %q", f.doorShown(t), f.texts())
	}
	f.close(19)
	f.want(t, &batchScreen{})
	if !f.shows("All done.") {
		t.Fatalf("texts %q", f.texts())
	}
	f.tap(t, "Courier menu")
	f.want(t, &courierMenuScreen{})
}

// stockExpired puts three expired parcels in doors 4, 11 and 19.
func stockExpired(f *fixture) {
	for i, d := range []int64{4, 11, 19} {
		id := f.eng.Stock("EXP0000"+string(rune('1'+i)), d)[0]
		f.eng.Expire(id)
		f.eng.SetRef(id, []string{"PKG-2231", "PKG-2290", "PKG-2302"}[i])
	}
}

func TestCourierCollectsReturns(t *testing.T) {
	f := newFixture(t)
	f.eng.StoreReturn(returnKey)
	f.scanned(annaToken)
	f.tapList(t, "courier.returns")
	f.tap(t, "Open the door")
	f.close(5)
	if !f.shows("All done.") || !f.called("take") {
		t.Fatalf("calls %q texts %q", f.eng.Calls(), f.texts())
	}
}

// TestCourierStaysUntilLogoutOrTimeout: the menu stays after each task and
// is left by logging out or by walking away.
func TestCourierStaysUntilLogoutOrTimeout(t *testing.T) {
	f := newFixture(t)
	f.scanned(annaToken)
	f.tap(t, "Log out")
	f.want(t, &homeScreen{})
	f.scanned(annaToken)
	f.want(t, &courierMenuScreen{})
	f.clock.advance(f.k.settings.IdleTimeout + f.k.opts.MoreTimeFor)
	f.want(t, &homeScreen{})
	f.tap(t, "Collect a parcel") // the next person is no courier
	f.want(t, &codeScreen{})
}

func TestBadCourierToken(t *testing.T) {
	f := newFixture(t)
	f.scanned("PUDO-C1:forged") // looks like one, signs nobody in
	f.want(t, &problemScreen{})
	if !f.shows("Courier code not valid") || f.sounds.count(SoundWrong) != 1 {
		t.Fatalf("texts %q", f.texts())
	}
}

func TestSendOrReturn(t *testing.T) {
	f := newFixture(t)
	f.tap(t, "Send or return")
	f.want(t, &codeScreen{})
	f.typeOnKeypad(t, "ZZZZ-ZZZZ")
	f.tap(t, "Open a door")
	f.want(t, &codeScreen{})
	if !f.shows("not a send or return code") {
		t.Fatalf("texts %q", f.texts())
	}
	f.pad(t).Clear()
	f.typeOnKeypad(t, returnKey)
	f.tap(t, "Open a door")
	f.want(t, &doorScreen{})
	if f.doorShown(t) != 5 || !f.shows("we take care of the rest") {
		t.Fatalf("door %d texts %q", f.doorShown(t), f.texts())
	}
	f.close(5)
	f.want(t, &thanksScreen{})
	if !f.shows("Your parcel is on its way.") {
		t.Fatalf("texts %q", f.texts())
	}
	f.clock.advance(5 * time.Second)
	f.want(t, &homeScreen{})
}

// TestCloseFirstAfterTheDoorsSentence: on a larger door after "too small",
// "Door 5" and "is open. Put the parcel in…" read as one sentence; the
// line asking to close the first door comes after it, not between.
func TestCloseFirstAfterTheDoorsSentence(t *testing.T) {
	f := newFixture(t)
	f.k.show(f.k.screenFor(&app.DoorView{Task: app.TaskDrop, Door: app.Door{ID: 5, Size: "M"},
		Opening: app.Opening{Outcome: app.OutcomeOpened}, CloseFirst: []app.Door{{ID: 3, Size: "S"}}}))
	texts := f.texts()
	put, first := slices.Index(texts, tr("door.put")), slices.Index(texts, trf("door.closefirst", "Door", 3))
	if put < 0 || first < 0 || first < put {
		t.Fatalf("door screen texts %q: want %q, then %q", texts, tr("door.put"), trf("door.closefirst", "Door", 3))
	}
}

// TestNotOpenedAfterARetry: once the parcel's one retry failed too (a
// pickup's at the same door, a courier's at another), the next tap goes
// to staff, and the screen says so instead of "try again"; a courier is
// told to keep the parcel, not that it is safe inside.
func TestNotOpenedAfterARetry(t *testing.T) {
	for _, task := range []app.DoorTask{app.TaskPickup, app.TaskDrop} {
		for _, retried := range []bool{false, true} {
			f := newFixture(t)
			f.k.show(f.k.screenFor(&app.NotOpenedView{Task: task, Door: app.Door{ID: 20, Size: "S"}, Retried: retried}))
			want, not := tr("drop.retry"), tr("notopen.tellstaff")
			if retried {
				want, not = not, want
			}
			if !f.shows(want) || f.shows(not) {
				t.Errorf("%v retried=%v: screen shows %q, want %q and not %q", task, retried, f.texts(), want, not)
			}
			if task == app.TaskDrop && retried && (!f.shows(tr("drop.notopen.again.what")) || f.shows(tr("notopen.again.what"))) {
				t.Errorf("courier after the retry: %q, want %q", f.texts(), tr("drop.notopen.again.what"))
			}
		}
	}
}

// A courier's door larger than the size chosen says why: no door of that
// size was free (or none low, with low doors first).
func TestLargerDoorSaysWhy(t *testing.T) {
	for _, low := range []bool{false, true} {
		f := newFixture(t)
		n := 0
		for _, d := range f.k.doors {
			if _, taken := f.eng.RentIn(d.ID); d.Size == app.SizeS && !taken {
				n++
				f.eng.Stock(fmt.Sprintf("SMAL%04d", n), d.ID)
			}
		}
		f.scanned(annaToken)
		f.tap(t, tr("courier.drop"))
		if low {
			f.tap(t, tr("drop.low.off"))
		}
		f.tap(t, tr("size.S"))
		key := "door.bigger"
		if low {
			key = "door.bigger.low"
		}
		if want := trf(key, "Size", tr("size.M"), "Asked", tr("size.S")); !f.shows(want) {
			t.Errorf("low %v: no %q on %q", low, want, f.texts())
		}
	}
}
