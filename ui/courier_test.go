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
	f.want(t, &courierMenuScreen{})
	f.tap(t, "Drop off parcels")
	f.want(t, &dropScreen{})
	f.k.Scanned("PKG-1001")
	f.want(t, &doorScreen{})
	if f.doorShown(t) != 7 || !f.shows("Put the parcel in") {
		t.Fatalf("door %d, texts %q", f.doorShown(t), f.texts())
	}
	// Too small: the next size up opens.
	f.tap(t, "Door too small")
	f.want(t, &doorScreen{})
	if f.doorShown(t) != 107 {
		t.Fatalf("after larger: door %d", f.doorShown(t))
	}
	f.doorEvent(107, lockio.EventClosed)
	f.want(t, &dropScreen{})
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
	f.want(t, &doorScreen{})
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
	first := f.doorShown(t)
	f.tap(t, "The door did not open")
	f.want(t, &doorScreen{})
	if f.doorShown(t) != first {
		t.Fatalf("retry moved to door %d", f.doorShown(t))
	}
	f.doorEvent(first, lockio.EventDidNotOpen) // the board agrees: ask
	f.want(t, &dropNotOpenScreen{})
	f.tap(t, "Try again")
	f.want(t, &doorScreen{})
	if f.doorShown(t) == first {
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
	f.want(t, &batchScreen{})
	f.tap(t, "Open 3 door(s) one by one")
	f.want(t, &batchScreen{})
	if f.doorShown(t) != 4 || !f.shows("PKG-2231   open now") {
		t.Fatalf("door %d, texts %q", f.doorShown(t), f.texts())
	}
	f.doorEvent(4, lockio.EventClosed) // 42 fails, 43 opens
	if f.doorShown(t) != 19 || !f.shows("PKG-2290   did not open") || !f.shows("PKG-2231   taken") {
		t.Fatalf("door %d, texts %q", f.doorShown(t), f.texts())
	}
	f.doorEvent(19, lockio.EventClosed)
	f.want(t, &batchScreen{})
	if !f.shows("All done.") {
		t.Fatalf("texts %q", f.texts())
	}
	f.tap(t, "Courier menu")
	f.want(t, &courierMenuScreen{})
}

func TestCourierCollectsReturns(t *testing.T) {
	f := newFixture(t)
	f.flows.courier.returned = sampleParcels()[:1]
	f.k.Scanned(annaToken)
	f.tap(t, "Collect returns")
	f.tap(t, "Open 1 door(s) one by one")
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
	f.want(t, &homeScreen{})
	if f.k.courier != nil {
		t.Fatal("still logged in")
	}
	f.k.Scanned(annaToken)
	f.clock.advance(f.k.settings.IdleTimeout + f.k.opts.MoreTimeFor)
	f.want(t, &homeScreen{})
	if f.k.courier != nil {
		t.Fatal("still logged in after the timeout")
	}
}

func TestBadCourierToken(t *testing.T) {
	f := newFixture(t)
	f.flows.payloads["PUDO-C1:forged"] = PayloadCourierToken
	f.k.Scanned("PUDO-C1:forged")
	f.want(t, &problemScreen{})
	if !f.shows("Courier code not valid") {
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
	f.typeOnKeypad(t, "RRRR-2222")
	f.tap(t, "Open a door")
	f.want(t, &doorScreen{})
	if f.doorShown(t) != 5 || !f.shows("we take care of the rest") {
		t.Fatalf("door %d texts %q", f.doorShown(t), f.texts())
	}
	f.doorEvent(5, lockio.EventClosed)
	f.want(t, &thanksScreen{})
	if !f.shows("Your parcel is on its way.") {
		t.Fatalf("texts %q", f.texts())
	}
	f.clock.advance(5 * time.Second)
	f.want(t, &homeScreen{})
}
