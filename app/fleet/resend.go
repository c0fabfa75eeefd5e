package fleet

import (
	"context"
	"fmt"

	"pudo/storage"
)

// resend moves the outbox's cursor back so the events from c.FromSeq go
// out again, in order, one in flight as always: the operator found them
// missing. With c.ToSeq (a hole's end) the cursor jumps back, after it, to
// where it was: a repair costs the hole, not all that followed it. Events
// the operator confirmed are its already; events pruned are gone, and the
// answer says from where the log still has them. Like every command, it
// came signed for this locker (handle checked that).
func (l *Link) resend(ctx context.Context, target string, c Command, res Result) Result {
	if target == allLockers {
		return refuse(res, "not_fleet_wide", "resend names one locker's events; send it to that locker's topic")
	}
	var from, oldest int64
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		confirmed, err := tx.FleetValue(keyConfirmed)
		if err != nil {
			return err
		}
		from = max(c.FromSeq, confirmed+1)
		evs, err := tx.Events(from-1, 1)
		if err != nil {
			return err
		}
		if len(evs) > 0 {
			oldest = evs[0].Seq
		}
		if c.ToSeq > 0 {
			// The saved cursor stays: a restart before the hole is sent
			// again leaves it open, and the operator asks again.
			return nil
		}
		return tx.SetFleetValue(keyAcked, from-1)
	})
	if err != nil {
		return fail(res, "store", err)
	}
	res = ok(res)
	if c.ToSeq > 0 && c.ToSeq < from {
		res.State = fmt.Sprintf("nothing to resend: the operator confirmed through %d", from-1)
		return res
	}
	l.outbox.rewind(from-1, c.ToSeq)
	res.State = fmt.Sprintf("resending from %d", from)
	if c.ToSeq >= from {
		res.State = fmt.Sprintf("resending %d..%d", from, c.ToSeq)
	}
	if oldest > from {
		res.Message = fmt.Sprintf("events %d..%d were pruned here and cannot be sent again", from, oldest-1)
	}
	l.log.Info("fleet: resending events at the operator's request", "from", from, "asked", c.FromSeq)
	return res
}

// rewind sets the cursor back to seq, so every event after it goes out
// again; with upto (0: none) above seq and below where the cursor was,
// only those through upto do, and the cursor then jumps back.
func (o *outbox) rewind(seq, upto int64) {
	o.cur.Lock()
	o.gen.Add(1)
	was := max(o.acked.Load(), o.resume)
	o.jumpAt, o.resume = 0, 0
	if upto > seq && upto < was {
		o.jumpAt, o.resume = upto, was
	}
	o.acked.Store(seq)
	o.cur.Unlock()
	o.nudge()
}

// advance moves the cursor to seq after its PUBACK, unless a rewind came
// since the batch was read (gen); false also when the cursor jumped back
// at a repair's end, so the batch stops there.
func (o *outbox) advance(gen, seq int64) bool {
	o.cur.Lock()
	defer o.cur.Unlock()
	if o.gen.Load() != gen {
		return false
	}
	o.acked.Store(seq)
	if o.jumpAt > 0 && seq >= o.jumpAt {
		o.acked.Store(max(seq, o.resume))
		o.jumpAt, o.resume = 0, 0
		o.gen.Add(1)
		return false
	}
	return true
}
