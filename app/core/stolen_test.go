package core

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"strconv"
	"testing"
	"time"

	"pudo/app"
	"pudo/storage"
)

// What a stolen SD card holds: locker.key (l.secret) and pudo.db. The
// tests below play the attacker with exactly that.

// forgeQR is the program a copy of locker.key made possible: a pickup QR
// for any rent id, the MAC under the key's token key, in the token form of
// version (1: the old form; 3: today's, with a secret the attacker must
// invent). The store gives every rent id.
func forgeQR(secret []byte, version int, rentID int64, now time.Time) string {
	k := hmac.New(sha256.New, secret)
	k.Write([]byte("pudo token key v1"))
	key := k.Sum(nil)
	var body []byte
	if version == 3 {
		body = binary.BigEndian.AppendUint32(body, uint32(now.Unix()))
	}
	body = binary.BigEndian.AppendUint32(body, uint32(now.Add(time.Hour).Unix()))
	if version == 3 {
		guess := make([]byte, 16)
		rand.Read(guess)
		body = append(body, guess...)
	}
	body = append(body, strconv.FormatInt(rentID, 10)...)
	m := hmac.New(sha256.New, key)
	m.Write([]byte("pudo-token-v" + strconv.Itoa(version) + "P"))
	m.Write(body)
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	return "PUDO" + strconv.Itoa(version) + "P:" + enc.EncodeToString(append(body, m.Sum(nil)[:16]...))
}

// bookAndStore books a parcel and has a courier put it in.
func bookAndStore(t *testing.T, l *Locker, locks *fakeLocks, ref string) Booked {
	t.Helper()
	ctx := context.Background()
	b, err := l.Office().Book(ctx, Booking{Size: "S", ParcelRef: ref, RecipientRef: "r-" + ref})
	if err != nil {
		t.Fatal(err)
	}
	c, err := l.LoginCourier(ctx, courierToken(l, "dhl-1", time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.DropBooked(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	dropIn(t, locks, d)
	return b
}

// TestStolenSDCardOpensNoDoorByQR: with locker.key and the database's rent
// ids, no QR opens a stored parcel: neither the old form (a MAC over the
// rent id, which opened every door) nor today's with a guessed secret. The
// parcel's own QR still does.
func TestStolenSDCardOpensNoDoorByQR(t *testing.T) {
	ctx := context.Background()
	l, db, locks := newTestLocker(t)
	b := bookAndStore(t, l, locks, "SD-1")
	before := len(locks.unlocked)
	for _, version := range []int{1, 3} {
		forged := forgeQR(l.secret, version, b.Rent.ID, db.Now())
		if _, err := l.PickupByScan(ctx, forged); err == nil {
			t.Fatalf("a QR forged from locker.key (form %d) opened rent %d's door", version, b.Rent.ID)
		}
	}
	if len(locks.unlocked) != before {
		t.Fatalf("forged QRs unlocked %v", locks.unlocked[before:])
	}
	if r := mustRent(t, l, b.Rent.ID); r.State != storage.RentStored {
		t.Fatalf("rent after forged QRs: %s", r.State)
	}
	if _, err := l.PickupByScan(ctx, b.QR); err != nil {
		t.Fatalf("the parcel's own QR: %v", err)
	}
}

// TestStolenSDCardKeepsNoFastCodeCheck: the store does not keep a typed
// code as the HMAC under locker.key, which with the key beside it gives
// every 40-bit code to a GPU in minutes; what it keeps costs a memory-hard
// hash per guess (see doc.go).
func TestStolenSDCardKeepsNoFastCodeCheck(t *testing.T) {
	ctx := context.Background()
	l, _, locks := newTestLocker(t)
	b := bookAndStore(t, l, locks, "SD-2")
	fast := hmac.New(sha256.New, l.secret)
	fast.Write([]byte("pickup:" + b.Code))
	r := mustRent(t, l, b.Rent.ID)
	if hmac.Equal(r.PickupMAC, fast.Sum(nil)) {
		t.Fatal("the store keeps the code's HMAC under locker.key: one GPU finds every code in minutes")
	}
	if len(r.PickupMAC) < 32 {
		t.Fatalf("stored code check is %d bytes", len(r.PickupMAC))
	}
	if _, err := l.PickupByCode(ctx, b.Code); err != nil && !errors.Is(err, app.ErrDoorDidNotOpen) {
		t.Fatalf("the code itself: %v", err)
	}
}
