package core

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"pudo/app"
	"pudo/storage"
)

// The stored check of a typed code is argon2id, at the cost recorded in
// the store, over an HMAC of the code under locker.key: whoever holds both
// pays one argon2id per guess, and the store alone is random bytes.
func TestCodeHashIsArgon2idUnderTheKey(t *testing.T) {
	l, _, locks := newTestLocker(t)
	b := bookAndStore(t, l, locks, "CH-1")
	pre := hmac.New(sha256.New, l.secret)
	pre.Write([]byte("pudo-code-hash-v1\x00pickup\x00" + b.Code))
	salt := hmac.New(sha256.New, l.secret)
	salt.Write([]byte("pudo-code-salt-v1\x00pickup"))
	c := l.opts.CodeCost
	want := append([]byte{codeHashTag}, argon2.IDKey(pre.Sum(nil), salt.Sum(nil)[:16], c.Time, c.Memory, 1, 32)...)
	if got := mustRent(t, l, b.Rent.ID).PickupMAC; !bytes.Equal(got, want) {
		t.Fatalf("stored %x, want argon2id %x", got, want)
	}
	if bytes.Equal(l.codeHash(labelReturn, b.Code), want) {
		t.Fatal("a return code with the same symbols has the same hash")
	}
}

// A database keeps the cost its hashes were made with: a locker started
// on it with another cost takes the recorded one, and its codes still work.
func TestCodeCostStaysWithTheDatabase(t *testing.T) {
	ctx := context.Background()
	l, db, locks := newTestLocker(t)
	b := bookAndStore(t, l, locks, "CH-2")
	again := New(db, locks, l.secret, Options{KioskID: "T1", CodeCost: CodeCost{Time: 3, Memory: 128}}, l.log)
	doors, _ := Layout(app.DemoColumns(), 2)
	if err := again.SetUp(ctx, doors); err != nil {
		t.Fatal(err)
	}
	if again.opts.CodeCost != l.opts.CodeCost {
		t.Fatalf("cost %+v, the store's hashes were made with %+v", again.opts.CodeCost, l.opts.CodeCost)
	}
	if _, err := again.PickupByCode(ctx, b.Code); err != nil {
		t.Fatalf("the code after a restart with another cost: %v", err)
	}
}

// Rents stored before codeHash keep the HMAC of their code: their codes
// keep working, and the first check rehashes them (and every rent sharing
// the code) so the HMAC leaves the store; a return code alike.
func TestLegacyCodesWorkAndAreRehashedOnFirstUse(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLocker(t)
	code := NewCode()
	var ids []int64
	err := db.Update(ctx, func(tx *storage.Tx) error {
		for _, size := range []string{"S", "M"} {
			d, err := tx.FreeDoor(size, false, nil)
			if err != nil {
				return err
			}
			r, err := tx.CreateRent(storage.NewRent{DoorID: d.ID, State: storage.RentStored, ParcelRef: "OLD-" + size,
				PickupMAC: codeMAC(l.secret, code), ExpiresAt: tx.Now().Add(72 * time.Hour)})
			ids = append(ids, r.ID)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := l.PickupByCode(ctx, code)
	if err != nil {
		t.Fatalf("a code stored before codeHash: %v", err)
	}
	if p.Remaining() != 1 {
		t.Fatalf("%d parcels left under the code, want 1 more", p.Remaining())
	}
	for _, id := range ids {
		if got := mustRent(t, l, id).PickupMAC; !bytes.Equal(got, l.codeHash(labelPickup, code)) {
			t.Fatalf("rent %d still holds %x after its code was checked", id, got)
		}
	}
	if _, err := p.Next(ctx); err != nil {
		t.Fatalf("the second parcel under the rehashed code: %v", err)
	}
	if _, err := l.PickupByCode(ctx, code); !errors.Is(err, app.ErrAlreadyCollected) {
		t.Fatalf("the code again, after both were collected: %v", err)
	}

	ret := NewReturnCode()
	err = db.Update(ctx, func(tx *storage.Tx) error {
		d, err := tx.FreeDoor("L", false, nil)
		if err != nil {
			return err
		}
		_, err = tx.CreateRent(storage.NewRent{DoorID: d.ID, State: storage.RentReserved, Kind: storage.KindReturn, Booked: true,
			ParcelRef: "OLD-RET", DropoffMAC: returnMAC(l.secret, ret), ExpiresAt: tx.Now().Add(72 * time.Hour)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := l.BeginReturn(ctx, app.FormatReturnCode(ret))
	if err != nil {
		t.Fatalf("a return code stored before codeHash: %v", err)
	}
	if got := mustRent(t, l, d.Rent().ID).DropoffMAC; !bytes.Equal(got, l.codeHash(labelReturn, ret)) {
		t.Fatalf("return rent still holds %x", got)
	}
}

// A QR of an earlier version is refused even for a rent stored before QR
// secrets (it could have been forged); the rent's code still opens it.
func TestLegacyQRRefusedCodeStillWorks(t *testing.T) {
	ctx := context.Background()
	l, db, locks := newTestLocker(t)
	code := NewCode()
	var id int64
	err := db.Update(ctx, func(tx *storage.Tx) error {
		d, err := tx.FreeDoor("S", false, nil)
		if err != nil {
			return err
		}
		r, err := tx.CreateRent(storage.NewRent{DoorID: d.ID, State: storage.RentStored, ParcelRef: "OLD-QR",
			PickupMAC: codeMAC(l.secret, code), ExpiresAt: tx.Now().Add(72 * time.Hour)})
		id = r.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.PickupByScan(ctx, forgeQR(l.secret, 1, id, db.Now())); !errors.Is(err, app.ErrBadToken) {
		t.Fatalf("an old-form QR: %v, want ErrBadToken", err)
	}
	if _, paused := l.CodeEntryPaused(ctx); paused {
		t.Fatal("an old QR counted as a wrong code")
	}
	if len(locks.unlocked) != 0 {
		t.Fatalf("unlocked %v", locks.unlocked)
	}
	if _, err := l.PickupByCode(ctx, code); err != nil {
		t.Fatalf("its code: %v", err)
	}
}
