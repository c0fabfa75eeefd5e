package fleet

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"

	"pudo/app/cred"
	"pudo/storage"
)

// Confirm is the operator's retained word on a locker's confirm topic:
// every event of the locker through Through is stored by the operator.
// Delivered means stored there, not acknowledged by the broker, so the
// locker keeps each event until a confirmation covers it. It is signed
// with the operator's key: whoever may publish on the broker cannot make
// a locker forget events the operator never stored.
type Confirm struct {
	Locker    string    `json:"locker"`
	Through   int64     `json:"through"`
	At        time.Time `json:"at"`
	Signature string    `json:"signature"`
}

const (
	sufConfirm     = "confirm"
	confirmPurpose = "fleet-confirm"
)

// Confirm is the locker's confirm topic (retained, written by the
// operator).
func (t Topics) Confirm() string { return t.base() + sufConfirm }

func confirmText(fleet string, c Confirm) []byte {
	return []byte(strings.Join([]string{"pudo-fleet-confirm-v1", fleet, c.Locker, strconv.FormatInt(c.Through, 10),
		c.At.UTC().Format(time.RFC3339Nano)}, "\n"))
}

// SignConfirm signs a confirmation for fleet with the operator's key.
func SignConfirm(key cred.PrivateKey, fleet string, c *Confirm) {
	c.Signature = base64.StdEncoding.EncodeToString(key.SignMessage(confirmPurpose, confirmText(fleet, *c)))
}

// VerifyConfirm says whether c is signed by one of keys for this fleet
// and locker.
func VerifyConfirm(keys []cred.PublicKey, fleet, locker string, c Confirm) bool {
	if c.Locker != locker {
		return false
	}
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil {
		return false
	}
	_, ok := cred.VerifyMessage(keys, confirmPurpose, confirmText(fleet, c), sig)
	return ok
}

// keyConfirmed is the operator's confirmation in the store: every event
// through it is stored by the operator.
const keyConfirmed = "outbox_confirmed"

// latest holds the newest of a stream of messages: paho's router puts, a
// goroutine of the link takes, and an older one waiting is replaced (a
// newer confirmation covers it).
type latest struct {
	mu   sync.Mutex
	v    []byte
	wake chan struct{}
}

func newLatest() *latest { return &latest{wake: make(chan struct{}, 1)} }

func (q *latest) put(v []byte) {
	q.mu.Lock()
	q.v = v
	q.mu.Unlock()
	signal(q.wake)
}

// clear drops what waits.
func (q *latest) clear() {
	q.mu.Lock()
	q.v = nil
	q.mu.Unlock()
}

func (q *latest) take(ctx context.Context) ([]byte, bool) {
	for {
		q.mu.Lock()
		v := q.v
		q.v = nil
		q.mu.Unlock()
		if v != nil {
			return v, true
		}
		select {
		case <-ctx.Done():
			return nil, false
		case <-q.wake:
		}
	}
}

// confirmLoop keeps the operator's confirmations off paho's goroutine: a
// store write there would hold up every acknowledgement behind it.
func (l *Link) confirmLoop(ctx context.Context) {
	for {
		v, ok := l.confirms.take(ctx)
		if !ok {
			return
		}
		l.takeConfirm(v)
	}
}

// takeConfirm keeps a confirmation signed by the operator, never beyond
// this locker's own log (a store restored from a backup has fewer events
// than the operator saw) and never backwards.
func (l *Link) takeConfirm(payload []byte) {
	var c Confirm
	if err := json.Unmarshal(payload, &c); err != nil {
		l.log.Warn("fleet: confirmation is not JSON", "err", err)
		return
	}
	if !VerifyConfirm(l.keys, l.cfg.Fleet, l.id, c) {
		l.log.Warn("fleet: confirmation refused: not signed by an operator key this locker trusts ([operator] public_keys)", "through", c.Through)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		last, err := tx.LastSeq()
		if err != nil {
			return err
		}
		return tx.RaiseFleetValue(keyConfirmed, min(c.Through, last))
	})
	if err != nil {
		l.log.Warn("fleet: confirmation not kept", "through", c.Through, "err", err)
	}
}

// Confirmed is the newest seq through which the operator stored every
// event.
func (l *Link) Confirmed(ctx context.Context) (int64, error) {
	var v int64
	err := l.db.View(ctx, func(tx *storage.Tx) (err error) {
		v, err = tx.FleetValue(keyConfirmed)
		return err
	})
	return v, err
}
