package ui

import (
	"slices"
	"testing"
	"time"

	"pudo/lockio"
)

const annaToken = "PUDO-C1:courier-anna"

func TestCourierDropOffByLabel(t *testing.T) {
	f := newFixture(t)
	f.k.Scanned(annaToken)
	f.want(t, "courier")
	f.tap(t, "Drop off parcels")
	f.want(t, "drop")
	f.k.Scanned("PKG-1001")
	f.want(t, "door")
	if f.k.watch.id != 7 || !f.shows("Put the parcel in") {
		t.Fatalf("door %d, texts %q", f.k.watch.id, f.texts())
	}
	// Too small: the next size up opens.
	f.tap(t, "Door too small")
	f.want(t, "door")
	if f.k.watch.id != 107 {
		t.Fatalf("after larger: door %d", f.k.watch.id)
	}
	f.doorEvent(107, lockio.EventClosed)
	f.want(t, "drop")
	if !f.shows("Parcel stored in door 107") {
		t.Fatalf("texts %q", f.texts())
	}
	want := []string{"booked PKG-1001", "larger", "done 107"}
	if !slices.Equal(f.flows.calls, want) {
		t.Fatalf("calls %q, want %q", f.flows.calls, want)
	}
}

func TestCourierDropOffBySize(t *testing.T) {
	f := newFixture(t)
	f.k.Scanned(annaToken)
	f.tap(t, "Drop off parcels")
	f.k.Scanned("PKG-NEW-9")
	if !f.shows("No booking for label PKG-NEW-9") {
		t.Fatalf("texts %q", f.texts())
	}
	f.tap(t, "Prefer a low door: off")
	f.tap(t, "Medium")
	f.want(t, "door")
	if !f.shows("Pickup code for the recipient: ABCD-1234") {
		t.Fatalf("texts %q", f.texts())
	}
	if f.flows.calls[0] != "new M PKG-NEW-9" {
		t.Fatalf("calls %q", f.flows.calls)
	}
}

// TestCourierDoorDidNotOpen: the first "did not open" retries the door,
// the second gets another door from the flow.
func TestCourierDoorDidNotOpen(t *testing.T) {
	f := newFixture(t)
	f.k.Scanned(annaToken)
	f.tap(t, "Drop off parcels")
	f.tap(t, "Small")
	first := f.k.watch.id
	f.tap(t, "The door did not open")
	f.want(t, "door")
	if f.k.watch.id != first {
		t.Fatalf("retry moved to door %d", f.k.watch.id)
	}
	f.doorEvent(first, lockio.EventDidNotOpen) // the board agrees: ask
	f.want(t, "drop.notopen")
	f.tap(t, "Try again")
	f.want(t, "door")
	if f.k.watch.id == first {
		t.Fatal("a second failure kept the same door")
	}
}

// TestCourierTakeBackOneByOne: the doors open one by one, the list says
// where each stands, a door that does not open is skipped.
func TestCourierTakeBackOneByOne(t *testing.T) {
	f := newFixture(t)
	f.flows.courier.expired = sampleParcels()
	f.flows.courier.failOpen = map[int64]bool{42: true}
	f.k.Scanned(annaToken)
	f.tap(t, "Take back expired")
	f.want(t, "batch")
	f.tap(t, "Open 3 doors one by one")
	f.want(t, "batch.open")
	if f.k.watch.id != 4 || !f.shows("PKG-2231   open now") {
		t.Fatalf("door %d, texts %q", f.k.watch.id, f.texts())
	}
	f.doorEvent(4, lockio.EventClosed) // 42 fails, 43 opens
	if f.k.watch.id != 19 || !f.shows("PKG-2290   did not open") || !f.shows("PKG-2231   taken") {
		t.Fatalf("door %d, texts %q", f.k.watch.id, f.texts())
	}
	f.doorEvent(19, lockio.EventClosed)
	f.want(t, "batch")
	if !f.shows("All done.") {
		t.Fatalf("texts %q", f.texts())
	}
	f.tap(t, "Courier menu")
	f.want(t, "courier")
}

func TestCourierCollectsReturns(t *testing.T) {
	f := newFixture(t)
	f.flows.courier.returned = sampleParcels()[:1]
	f.k.Scanned(annaToken)
	f.tap(t, "Collect returns")
	f.tap(t, "Open the door")
	f.doorEvent(4, lockio.EventClosed)
	if !f.shows("All done.") || f.flows.calls[0] != "take 41" {
		t.Fatalf("calls %q texts %q", f.flows.calls, f.texts())
	}
}

// TestCourierStaysUntilLogoutOrTimeout: the menu stays after each task and
// is left by logging out or by walking away.
func TestCourierStaysUntilLogoutOrTimeout(t *testing.T) {
	f := newFixture(t)
	f.k.Scanned(annaToken)
	f.tap(t, "Log out")
	f.want(t, "home")
	if f.k.courier != nil {
		t.Fatal("still logged in")
	}
	f.k.Scanned(annaToken)
	f.clock.advance(f.k.settings.IdleTimeout + f.k.opts.MoreTimeFor)
	f.want(t, "home")
	if f.k.courier != nil {
		t.Fatal("still logged in after the timeout")
	}
}

func TestBadCourierToken(t *testing.T) {
	f := newFixture(t)
	f.flows.payloads["PUDO-C1:forged"] = PayloadCourierToken
	f.k.Scanned("PUDO-C1:forged")
	f.want(t, "problem")
	if !f.shows("Courier code not valid") {
		t.Fatalf("texts %q", f.texts())
	}
}

func TestSendOrReturn(t *testing.T) {
	f := newFixture(t)
	f.tap(t, "Send or return")
	f.want(t, "return")
	f.typeOnKeypad(t, "ZZZZ-ZZZZ")
	f.tap(t, "Open a door")
	f.want(t, "return")
	if !f.shows("not a send or return code") {
		t.Fatalf("texts %q", f.texts())
	}
	f.k.keypad.Clear()
	f.typeOnKeypad(t, "RRRR-2222")
	f.tap(t, "Open a door")
	f.want(t, "door")
	if f.k.watch.id != 5 || !f.shows("we take care of the rest") {
		t.Fatalf("door %d texts %q", f.k.watch.id, f.texts())
	}
	f.doorEvent(5, lockio.EventClosed)
	f.want(t, "thanks")
	if !f.shows("Your parcel is on its way.") {
		t.Fatalf("texts %q", f.texts())
	}
	f.clock.advance(5 * time.Second)
	f.want(t, "home")
}
