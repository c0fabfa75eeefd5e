package ui

import (
	"context"
	"sync"
	"testing"
	"time"

	"pudo/app"
)

// The demo locker's home screen shows the codes to try: the parcels' and
// the booked return's, so that sending a parcel can be tried too. Once the
// return went in, its code leaves the screen and the demo books another.
func TestDemoBannerShowsTheReturnCode(t *testing.T) {
	var mu sync.Mutex
	var asked []int
	f := newFixture(t, func(o *Options) {
		o.DemoParcels = append(append([]DemoParcel(nil), demoStock...), DemoParcel{Code: app.ReturnPrefix + returnKey, DoorID: 5, Return: true})
		o.DemoWanted = len(demoStock)
		o.Demo = func(_ context.Context, missing int) ([]DemoParcel, error) {
			mu.Lock()
			defer mu.Unlock()
			asked = append(asked, missing)
			return []DemoParcel{{Code: app.ReturnPrefix + "SSSS3333", DoorID: 6, Return: true}}, nil
		}
	})
	f.k.refresh(f.k.shown)
	if !f.shows("7K3M-N5QX") || !f.shows("Send or return: return code RT-RRRR-2222") {
		t.Fatalf("texts %q", f.texts())
	}
	f.tap(t, "Send or return")
	f.typeOnKeypad(t, returnKey)
	f.tap(t, "Open a door")
	f.want(t, &doorScreen{})
	f.close(5)
	f.clock.advance(5 * time.Second)
	f.want(t, &homeScreen{})
	f.pump()
	mu.Lock()
	defer mu.Unlock()
	if len(asked) == 0 || asked[0] != 0 {
		t.Fatalf("the demo was asked for %v", asked)
	}
	if f.shows("RT-RRRR-2222") || !f.shows("return code RT-SSSS-3333") {
		t.Fatalf("texts %q", f.texts())
	}
}

// A return code is typed as it is printed, RT-XXXX-XXXX, or without its
// RT: either opens the return's door (the engine takes only the whole
// code; the keypad's eight characters used to reach it bare, refused).
func TestReturnCodeTypedWholeOrBare(t *testing.T) {
	for _, typed := range []string{"RT-" + returnKey, returnKey} {
		f := newFixture(t)
		f.tap(t, "Send or return")
		f.typeOnKeypad(t, typed)
		if want := "RT-RRRR-2222"; typed != returnKey && f.pad(t).display.Text != want {
			t.Fatalf("typed %q shows %q, want %q", typed, f.pad(t).display.Text, want)
		}
		f.tap(t, "Open a door")
		f.want(t, &doorScreen{})
		if f.doorShown(t) != 5 {
			t.Fatalf("typed %q: door %d", typed, f.doorShown(t))
		}
	}
}
