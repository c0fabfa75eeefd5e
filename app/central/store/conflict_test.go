package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"pudo/app/central/store"
)

// A seq far beyond what central holds in order (another holder of the
// locker's certificate taking seqs the locker has not used) is refused
// with a conflict alert: not stored, no hole opened, nothing to resend;
// one just within the bound is stored ahead as before.
func TestFarAheadSeqIsRefusedWithAConflict(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	if _, err := s.StoreEvents(ctx, []store.Event{ev("L-CLONE", 1), ev("L-CLONE", 2)}); err != nil {
		t.Fatal(err)
	}
	far := int64(2 + store.MaxAhead + 1)
	b, err := s.StoreEvents(ctx, []store.Event{ev("L-CLONE", far), ev("L-CLONE", 3)})
	if err != nil {
		t.Fatal(err)
	}
	if b.FarAhead != 1 || b.Stored != 1 {
		t.Fatalf("batch %+v; want seq 3 stored and the far one refused", b)
	}
	if evs, _ := s.Events(ctx, "L-CLONE", 0, 10); len(evs) != 3 {
		t.Fatalf("%d events stored; want 1..3", len(evs))
	}
	later := time.Now().Add(time.Hour)
	if gaps, _ := s.Gaps(ctx, later, later); len(gaps) != 0 {
		t.Fatalf("gaps %+v: a refused seq opened a hole", gaps)
	}
	as, err := s.OpenAlerts(ctx, "L-CLONE", 10)
	if err != nil || len(as) != 1 || as[0].Kind != "conflict" || !strings.Contains(as[0].Message, "refused") {
		t.Fatalf("alerts %+v, %v; want one conflict alert", as, err)
	}
	if _, err := s.StoreEvents(ctx, []store.Event{ev("L-CLONE", 3+store.MaxAhead)}); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.GetLocker(ctx, "L-CLONE"); l.Ahead != 1 {
		t.Fatalf("a seq within the bound: %d ahead, want 1", l.Ahead)
	}
}

// A hole asked for again and again keeps one resend row, the newest.
func TestResendRowsAreBounded(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	for _, id := range []string{"r1", "r2", "r3"} {
		now := time.Now()
		c := store.Command{ID: id, Locker: "L-R", Name: "resend", IssuedAt: now, ExpiresAt: now.Add(time.Minute), Payload: []byte(`{}`)}
		if err := s.AddCommand(ctx, c, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.SupersedeResends(ctx, "L-R", id); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	rows, _ := s.Pool().Query(ctx, `SELECT command_id FROM commands WHERE locker = 'L-R'`)
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) != 1 || ids[0] != "r3" {
		t.Fatalf("resend rows %v; want only the newest", ids)
	}
}

// A seq that comes again with other contents than the event kept (a copy
// of the certificate took it first) raises a conflict alert; the same
// event again, even written otherwise, is only a duplicate.
func TestSameSeqOtherContentsIsAConflict(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	body := func(seq int64, kind string) store.Event {
		e := ev("L-TWICE", seq)
		e.Kind, e.Body = kind, []byte(`{"seq":`+strconv.FormatInt(seq, 10)+`,"kind":"`+kind+`"}`)
		return e
	}
	if _, err := s.StoreEvents(ctx, []store.Event{body(1, "door.opened"), body(2, "door.closed"), body(4, "door.opened")}); err != nil {
		t.Fatal(err)
	}
	again := body(2, "door.closed")
	again.Body = []byte(`{ "kind": "door.closed", "seq": 2 }`)
	if _, err := s.StoreEvents(ctx, []store.Event{again, body(4, "door.opened")}); err != nil {
		t.Fatal(err)
	}
	if as, _ := s.OpenAlerts(ctx, "L-TWICE", 10); len(as) != 0 {
		t.Fatalf("the same events again raised %+v", as)
	}
	if _, err := s.StoreEvents(ctx, []store.Event{body(4, "rent.collected")}); err != nil {
		t.Fatal(err)
	}
	as, _ := s.OpenAlerts(ctx, "L-TWICE", 10)
	if len(as) != 1 || as[0].Kind != "conflict" || as[0].Subject != "contents" || !strings.Contains(as[0].Message, "seq 4") {
		t.Fatalf("alerts %+v; want one conflict over seq 4's contents", as)
	}
	if evs, _ := s.Events(ctx, "L-TWICE", 3, 10); len(evs) != 1 || evs[0].Kind != "door.opened" {
		t.Fatalf("seq 4 is %+v; the first one must stay", evs)
	}
}
