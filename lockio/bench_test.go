package lockio

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"pudo/lockio/emulator"
	"pudo/lockio/proto"
)

// The benchmarks run the driver through go.bug.st/serial and a pty to an
// emulator that holds each reply for its wire time at the configured baud,
// and report beside it the floor: the time the bytes need on the wire.
// benchstat shows "driver" and "wire-floor" side by side.

func benchController(b *testing.B, boards int, onReq func(proto.Request, time.Time)) *Controller {
	b.Helper()
	var bs []emulator.Board
	cfg := DefaultConfig()
	cfg.Boards = nil
	for a := 1; a <= boards; a++ {
		bs = append(bs, emulator.Board{Address: uint8(a), Channels: 24})
		cfg.Boards = append(cfg.Boards, BoardConfig{Address: uint8(a), Channels: 24})
	}
	emu, err := emulator.New(emulator.Config{Protocol: "8a80", Boards: bs, Pace: true, OnRequest: onReq})
	if err != nil {
		b.Fatal(err)
	}
	p, err := emu.ServePTY("")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close() })
	cfg.Port = p.Path()
	cfg.PollInterval = Duration(time.Hour) // only the benchmark polls
	cfg.MinUnlockGap = Duration(time.Nanosecond)
	c, err := Open(context.Background(), cfg, discard())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	// Warm up: the first poll of a board learns its reply length.
	for range 2 {
		if err := c.Refresh(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	return c
}

func reportFloor(b *testing.B, floor time.Duration) {
	for range b.N {
	}
	b.ReportMetric(float64(floor.Nanoseconds()), "ns/op")
}

// BenchmarkUnlock is one unlock round trip. The board's own pulse time
// (~500 ms on real 8A/80 boards) is left out: it is the board's, not ours.
// "to-board-ns" is how long after the call the request reached the board,
// less the request's own wire time.
func BenchmarkUnlock(b *testing.B) {
	codec := proto.XOR8A{}
	req, _ := codec.AppendRequest(nil, proto.Request{Op: proto.OpUnlock, Board: 1, Channel: 1})
	floor := proto.WireTime(len(req)+5, codec.Baud())
	b.Run("driver", func(b *testing.B) {
		var arrived atomic.Int64
		c := benchController(b, 1, func(r proto.Request, at time.Time) {
			if r.Op == proto.OpUnlock {
				arrived.Store(at.UnixNano())
			}
		})
		ctx := context.Background()
		var toBoard time.Duration
		b.ResetTimer()
		for range b.N {
			// A kiosk's bus is idle when a code is accepted; do not charge
			// the inter-frame gap after the previous unlock to this one.
			b.StopTimer()
			time.Sleep(proto.FrameGap(codec.Baud()))
			b.StartTimer()
			start := time.Now()
			if err := c.Unlock(ctx, Door{1, 1}); err != nil {
				b.Fatal(err)
			}
			toBoard += time.Unix(0, arrived.Load()).Sub(start)
		}
		b.ReportMetric(float64(toBoard.Nanoseconds())/float64(b.N), "to-board-ns/op")
	})
	b.Run("wire-floor", func(b *testing.B) { reportFloor(b, floor) })
}

// BenchmarkPollCycle is one status poll of 8 boards of 24 doors.
// "wire+gap-floor" adds the 3.5-character silence each frame needs.
func BenchmarkPollCycle(b *testing.B) {
	const boards = 8
	codec := proto.XOR8A{}
	wire := proto.WireTime(boards*(5+7), codec.Baud())
	b.Run("driver", func(b *testing.B) {
		c := benchController(b, boards, nil)
		ctx := context.Background()
		b.ResetTimer()
		for range b.N {
			if err := c.Refresh(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		if h := c.Health(); len(h.Silent()) > 0 {
			b.Fatalf("silent boards %v", h.Silent())
		}
	})
	b.Run("wire-floor", func(b *testing.B) { reportFloor(b, wire) })
	b.Run("wire+gap-floor", func(b *testing.B) {
		reportFloor(b, wire+boards*proto.FrameGap(codec.Baud()))
	})
}
