package fleetcli_test

import (
	"context"
	"strings"
	"testing"

	"pudo/app/testenv"
)

// A booking made with pudo fleet book against central: its version comes
// from central's counter, the real kiosk link books it once, the pickup
// code is printed and stored nowhere, and central's rent carries the
// shop's parcel reference. Cancelling takes the next version.
func TestBookThroughCentral(t *testing.T) {
	r := newRig(t)
	r.kiosk("K1")
	ctx, st, env := context.Background(), r.st, r.env
	out, errw, code := run(t, env, "book", "--locker", "K1", "--size", "M", "--parcel-ref", "SHOP-PKG-1", "--booking-id", "B1")
	if code != 0 || !strings.Contains(out, "Pickup code") {
		t.Fatalf("book: exit %d\n%s%s", code, out, errw)
	}
	code1 := out[strings.LastIndex(out, ": ")+2:]
	testenv.Await(t, "central's rent with the shop's parcel reference", func() bool {
		var ref string
		st.Pool().QueryRow(ctx, `SELECT coalesce(parcel_ref, '') FROM rents WHERE locker = 'K1' AND booking_id = 'B1'`).Scan(&ref)
		return ref == "SHOP-PKG-1"
	})
	var results string
	st.Pool().QueryRow(ctx, `SELECT result::text FROM commands WHERE booking_id = 'B1' AND name = 'book'`).Scan(&results)
	if results == "" || strings.Contains(results, strings.TrimSpace(code1)) || strings.Contains(results, `"sealed"`) {
		t.Fatalf("central's kept result is %q: it must be there, without the pickup code, even sealed", results)
	}
	out, errw, code = run(t, env, "book", "--locker", "K1", "--size", "S", "--parcel-ref", "SHOP-PKG-2", "--booking-id", "B2")
	if code != 0 || !strings.Contains(out, "Pickup code") {
		t.Fatalf("second book: exit %d\n%s%s", code, out, errw)
	}
	out, errw, code = run(t, env, "cancel", "--locker", "K1", "--booking-id", "B1")
	if code != 0 || !strings.Contains(out, "Cancelled") {
		t.Fatalf("cancel: exit %d\n%s%s", code, out, errw)
	}
	var version int64
	testenv.Await(t, "central to keep the cancel's answer", func() bool {
		var state string
		st.Pool().QueryRow(ctx, `SELECT state, version FROM bookings WHERE booking_id = 'B1'`).Scan(&state, &version)
		return state == "cancelled"
	})
	if n, _ := st.NextVersion(ctx, "K1"); n != 4 || version != 1 {
		t.Fatalf("the booking's version %d and the locker's next %d; want 1 and 4 (book 1, book 2, cancel 3)", version, n)
	}
}
