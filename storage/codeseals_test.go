package storage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"testing"
)

// A walk-in's sealed code waits beside its reserved rent, leaves once (with
// the event that stores the rent), and dies with a cancelled rent.
func TestCodeSealLife(t *testing.T) {
	db := mustOpen(t)
	mustUpdate(t, db, func(tx *Tx) error { return tx.SyncDoors(testDoors) })
	sealed := []byte{0x01, 0x00, 0xfe, 0x42}
	var kept, cancelled int64
	mustUpdate(t, db, func(tx *Tx) error {
		a, err := tx.CreateRent(NewRent{DoorID: 1, State: RentReserved})
		if err != nil {
			return err
		}
		b, err := tx.CreateRent(NewRent{DoorID: 2, State: RentReserved})
		if err != nil {
			return err
		}
		kept, cancelled = a.ID, b.ID
		if err := tx.KeepCodeSeal(a.ID, CodeSeal{Carrier: "ACME", Sealed: sealed}); err != nil {
			return err
		}
		return tx.KeepCodeSeal(b.ID, CodeSeal{Carrier: "ACME"})
	})
	mustUpdate(t, db, func(tx *Tx) error {
		if err := tx.KeepCodeSeal(kept, CodeSeal{}); err == nil {
			t.Error("a seal for no carrier was kept")
		}
		if err := tx.KeepCodeSeal(kept, CodeSeal{Carrier: "ACME"}); err == nil {
			t.Error("a second seal of one rent was kept")
		}
		return nil
	})
	mustUpdate(t, db, func(tx *Tx) error {
		if err := tx.MoveRent(cancelled, RentReserved, RentCancelled); err != nil {
			return err
		}
		if _, ok, err := tx.TakeCodeSeal(cancelled); ok || err != nil {
			t.Errorf("a cancelled rent's seal: ok %v, %v", ok, err)
		}
		if err := tx.Store(kept, RentReserved, RentStored, "c1", tx.Now()); err != nil {
			return err
		}
		s, ok, err := tx.TakeCodeSeal(kept)
		if !ok || err != nil || s.Carrier != "ACME" || !bytes.Equal(s.Sealed, sealed) {
			t.Errorf("TakeCodeSeal = %+v, %v, %v", s, ok, err)
		}
		if _, ok, _ := tx.TakeCodeSeal(kept); ok {
			t.Error("a seal was taken twice")
		}
		return tx.CheckInvariants()
	})
}

// A seal left beside a rent that moved on is an invariant broken.
func TestCheckFindsAStaleCodeSeal(t *testing.T) {
	db := mustOpen(t)
	mustUpdate(t, db, func(tx *Tx) error { return tx.SyncDoors(testDoors) })
	mustUpdate(t, db, func(tx *Tx) error {
		r, err := tx.CreateRent(NewRent{DoorID: 1, State: RentReserved})
		if err != nil {
			return err
		}
		if err := tx.KeepCodeSeal(r.ID, CodeSeal{Carrier: "ACME", Sealed: []byte{1}}); err != nil {
			return err
		}
		return tx.Store(r.ID, RentReserved, RentStored, "c1", tx.Now())
	})
	err := db.View(context.Background(), func(tx *Tx) error { return tx.CheckInvariants() })
	if !errors.Is(err, ErrInvariant) {
		t.Fatalf("CheckInvariants = %v, want the stale seal", err)
	}
}

// The code fields read back as written, are covered by the chain, and an
// event without them hashes as before they existed.
func TestEventCodeFields(t *testing.T) {
	db, path := openBackupTestDB(t)
	sealed := bytes.Repeat([]byte{0xab}, 80)
	mustUpdate(t, db, func(tx *Tx) error {
		if _, err := tx.Append(Event{Actor: "system", Kind: "plain"}); err != nil {
			return err
		}
		if _, err := tx.Append(Event{Actor: "courier:c1", Kind: "rent.stored", RentID: 1, CodeFor: "ACME", CodeSealed: sealed}); err != nil {
			return err
		}
		if _, err := tx.Append(Event{Actor: "courier:c1", Kind: "rent.stored", RentID: 2, CodeFor: "NOKEY"}); err != nil {
			return err
		}
		if _, err := tx.Append(Event{Actor: "system", Kind: "bad", CodeSealed: sealed}); err == nil {
			t.Error("a sealed code for no carrier was appended")
		}
		return nil
	})
	var evs []Event
	mustUpdate(t, db, func(tx *Tx) (err error) {
		evs, err = tx.Events(0, 10)
		return err
	})
	if len(evs) != 3 {
		t.Fatalf("%d events", len(evs))
	}
	if e := evs[0]; e.CodeFor != "" || e.CodeSealed != nil || !bytes.Equal(e.Hash, oldChainHash(e)) {
		t.Errorf("plain event = %+v: its hash is not the one before code fields existed", e)
	}
	if e := evs[1]; e.CodeFor != "ACME" || !bytes.Equal(e.CodeSealed, sealed) {
		t.Errorf("sealed event = %+v", e)
	}
	if e := evs[2]; e.CodeFor != "NOKEY" || e.CodeSealed != nil {
		t.Errorf("unsealed event = %+v", e)
	}
	if c := checkFile(t, path); !c.OK() {
		t.Fatalf("check = %+v", c)
	}
	for _, q := range []string{`DROP TRIGGER events_append_only`, `UPDATE events SET code_sealed = x'00' WHERE seq = 2`} {
		if _, err := db.sql.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if c := checkFile(t, path); !errors.Is(c.Chain, ErrChainBroken) {
		t.Fatalf("check after swapping a sealed code = %+v, want a broken chain", c)
	}
}

// oldChainHash is chainHash as it was before events carried codes.
func oldChainHash(e Event) []byte {
	h := sha256.New()
	h.Write(e.Prev)
	var n [8]byte
	for _, v := range []int64{unix(e.At), e.DoorID, e.RentID} {
		binary.BigEndian.PutUint64(n[:], uint64(v))
		h.Write(n[:])
	}
	for _, s := range []string{e.Actor, e.Kind, e.Detail} {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	return h.Sum(nil)
}
