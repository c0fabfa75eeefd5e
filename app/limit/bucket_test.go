package limit

import (
	"context"
	"testing"
	"time"
)

func TestBucket(t *testing.T) {
	now := time.Unix(1e9, 0)
	b := New(3, time.Minute, func() time.Time { return now })
	for i := range 3 {
		if ok, _ := b.Take(); !ok {
			t.Fatalf("take %d of a full bucket refused", i+1)
		}
	}
	ok, wait := b.Take()
	if ok || wait != 20*time.Second {
		t.Fatalf("empty bucket: ok %v, wait %v; want a refusal and 20s", ok, wait)
	}
	now = now.Add(20 * time.Second)
	if ok, _ := b.Take(); !ok {
		t.Fatal("a token did not come back after its time")
	}
	now = now.Add(time.Hour)
	for i := range 4 {
		ok, _ := b.Take()
		if ok != (i < 3) {
			t.Fatalf("after an hour, take %d: %v; the bucket holds at most 3", i+1, ok)
		}
	}
}

func TestWaitEndsWithItsContext(t *testing.T) {
	b := New(1, time.Hour, time.Now)
	b.Take()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if b.Wait(ctx) {
		t.Fatal("Wait took a token from an empty bucket after its context ended")
	}
}
