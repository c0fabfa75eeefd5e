package storage

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestProcessedVersionClosesGaps(t *testing.T) {
	db := mustOpen(t)
	steps := []struct {
		v       int64
		through int64
		ahead   []int64
	}{
		{1, 1, nil},
		{3, 1, []int64{3}},
		{5, 1, []int64{3, 5}},
		{2, 3, []int64{5}},
		{2, 3, []int64{5}}, // again: nothing moves
		{4, 5, nil},
	}
	for _, s := range steps {
		var through int64
		var ahead []int64
		mustUpdate(t, db, func(tx *Tx) (err error) {
			if through, err = tx.ProcessedVersion(s.v); err != nil {
				return err
			}
			ahead, err = tx.VersionsAhead()
			return err
		})
		if through != s.through || !reflect.DeepEqual(ahead, s.ahead) {
			t.Fatalf("after %d: through %d ahead %v, want %d %v", s.v, through, ahead, s.through, s.ahead)
		}
	}
}

func TestClockEpochsCoverSeqs(t *testing.T) {
	db := mustOpen(t)
	add := func(boot int64, synced bool, events int) {
		mustUpdate(t, db, func(tx *Tx) error {
			if _, err := tx.AddClockEpoch(boot, synced); err != nil {
				return err
			}
			for range events {
				if _, err := tx.Append(Event{Actor: "system", Kind: "test"}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	add(1, false, 3) // seqs 1..3
	add(1, true, 2)  // 4..5
	add(2, true, 0)  // nothing written in boot 2 yet
	add(3, false, 1) // replaces it at seq 6
	var got []ClockEpoch
	mustUpdate(t, db, func(tx *Tx) (err error) {
		got, err = tx.ClockEpochs(2)
		return err
	})
	want := []struct {
		first, boot int64
		synced      bool
	}{{1, 1, false}, {4, 1, true}, {6, 3, false}}
	if len(got) != len(want) {
		t.Fatalf("epochs %+v", got)
	}
	for i, w := range want {
		if got[i].FirstSeq != w.first || got[i].Boot != w.boot || got[i].Synced != w.synced {
			t.Fatalf("epoch %d = %+v, want %+v", i, got[i], w)
		}
	}
}

func TestFleetCommandLifecycle(t *testing.T) {
	db := mustOpen(t)
	now := time.Now().UTC().Truncate(time.Millisecond)
	c := FleetCommand{ID: "c1", Name: "book", IssuedAt: now, ExpiresAt: now.Add(time.Hour), Fingerprint: []byte{1}, BookingID: "B", Version: 2}
	mustUpdate(t, db, func(tx *Tx) error { return tx.BeginFleetCommand(c) })
	if err := db.Update(context.Background(), func(tx *Tx) error { return tx.BeginFleetCommand(c) }); err == nil {
		t.Fatal("a command began twice")
	}
	mustUpdate(t, db, func(tx *Tx) error {
		p, err := tx.PendingFleetCommands()
		if err != nil || len(p) != 1 || p[0].ID != "c1" || p[0].Done {
			t.Fatalf("pending = %+v, %v", p, err)
		}
		return tx.FinishFleetCommand("c1", []byte("sealed"))
	})
	mustUpdate(t, db, func(tx *Tx) error {
		got, err := tx.FleetCommand("c1")
		if err != nil || !got.Done || string(got.Result) != "sealed" || !got.IssuedAt.Equal(now) || got.Version != 2 {
			t.Fatalf("command = %+v, %v", got, err)
		}
		if err := tx.ForgetFleetCommand("c1"); err != nil { // done: not forgotten
			return err
		}
		if _, err := tx.FleetCommand("c1"); err != nil {
			t.Fatalf("a done command was forgotten: %v", err)
		}
		if _, err := tx.FleetCommand("nope"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("unknown command: %v", err)
		}
		return nil
	})
}

func TestFleetBookingKeepsRent(t *testing.T) {
	db := mustOpen(t)
	mustUpdate(t, db, func(tx *Tx) error {
		if err := tx.SetFleetBooking("B", 1, 7); err != nil {
			return err
		}
		if err := tx.SetFleetBooking("B", 4, 0); err != nil { // a cancel: the rent stays known
			return err
		}
		v, rent, ok, err := tx.FleetBooking("B")
		if err != nil || !ok || v != 4 || rent != 7 {
			t.Fatalf("booking = %d %d %v %v", v, rent, ok, err)
		}
		_, _, ok, err = tx.FleetBooking("other")
		if err != nil || ok {
			t.Fatalf("unknown booking found: %v %v", ok, err)
		}
		return nil
	})
}
