package fleet

import (
	"reflect"
	"testing"
)

// The whole life of a parcel across the link: the operator books over
// MQTT, a courier drops it off at the kiosk, the shopper collects it with
// the code the booking answered, and the operator sees every event once,
// in order, with its clock information.
func TestBookDropPickupOverMQTT(t *testing.T) {
	b := startBroker(t)
	w := newWatcher(t, b, "watch-story")
	k := newKiosk(t, b, "L-STORY")
	op := newOperator(t, b)
	j := newJournal(t)

	res := command(t, op, j, k.id, CmdBook, Command{BookingID: "B1", Version: 1, Size: "M", ParcelRef: "PKG-1"})
	if res.Status != StatusOK || res.PickupCode == "" || res.RentID == 0 || res.Replayed {
		t.Fatalf("book = %+v", res)
	}
	rent := k.dropOff("PKG-1")
	if rent.ID != res.RentID {
		t.Fatalf("dropped rent %d, booked %d", rent.ID, res.RentID)
	}
	k.pickup(res.PickupCode)
	evs := w.waitFor(k.id, k.lastSeq())
	got := kinds(evs, res.RentID)
	want := []string{"rent.booked", "door.open", "rent.stored", "door.open", "rent.collected"}
	if !reflect.DeepEqual(filterKinds(got, want), want) {
		t.Fatalf("events of rent %d = %v, want %v in this order", res.RentID, got, want)
	}
	for _, e := range evs {
		if e.Locker != k.id || e.Fleet != testFleet || e.Boot != k.link.boot.N || !e.ClockSynced || e.At.IsZero() {
			t.Fatalf("event without its clock information: %+v", e)
		}
	}
	if n := w.dups(k.id); n != 0 {
		t.Fatalf("%d duplicate events on a steady link", n)
	}
}

// filterKinds keeps the kinds that are in want, in their order, so door
// sensor events in between do not matter.
func filterKinds(got, want []string) []string {
	keep := map[string]bool{}
	for _, k := range want {
		keep[k] = true
	}
	var out []string
	for _, k := range got {
		if keep[k] {
			out = append(out, k)
		}
	}
	return out
}
