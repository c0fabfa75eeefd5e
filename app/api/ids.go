package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"pudo/storage"
)

// Rent ids and event sequence numbers count up across the whole locker:
// a shop that saw its own rents 10 and 14 would know that others booked
// three in between, and the same of the events. So merchant and carrier
// keys see both as opaque numbers: a keyed permutation of the locker's
// own number, the same for every key and every call (a shop can store
// and compare them), unrelated to the order or count of anything. The
// operator's key sees the locker's numbers, as the kiosk and the fleet
// show them.
//
// The numbers stay below 2^52, so a JavaScript client reads them exactly.

// idBits is the size of the opaque number space.
const idBits = 52

// opaqueIDs turns locker numbers into opaque ones and back, for one kind
// of number ("rent" or "event").
type opaqueIDs struct{ key [32]byte }

const (
	halfBits = idBits / 2
	halfMask = 1<<halfBits - 1
	idSpace  = 1 << idBits
	rounds   = 4
)

func (c opaqueIDs) round(i int, x uint64) uint64 {
	var b [32 + 1 + 8]byte
	copy(b[:], c.key[:])
	b[32] = byte(i)
	binary.BigEndian.PutUint64(b[33:], x)
	sum := sha256.Sum256(b[:])
	return binary.BigEndian.Uint64(sum[:]) & halfMask
}

// permute is a balanced Feistel network over [0, 2^52): a bijection.
func (c opaqueIDs) permute(x uint64) uint64 {
	l, r := x>>halfBits, x&halfMask
	for i := range rounds {
		l, r = r, l^c.round(i, r)
	}
	return l<<halfBits | r
}

func (c opaqueIDs) unpermute(y uint64) uint64 {
	l, r := y>>halfBits, y&halfMask
	for i := rounds - 1; i >= 0; i-- {
		l, r = r^c.round(i, l), l
	}
	return l<<halfBits | r
}

// hide maps a locker number in [1, 2^52) to its opaque number, in the same
// range: cycle-walking past 0 keeps it a bijection on that range.
func (c opaqueIDs) hide(n int64) int64 {
	if n <= 0 || n >= idSpace {
		return 0 // never a rent or event of ours
	}
	y := c.permute(uint64(n))
	for y == 0 {
		y = c.permute(y)
	}
	return int64(y)
}

// reveal is hide's inverse; false for a number no locker number maps to.
func (c opaqueIDs) reveal(n int64) (int64, bool) {
	if n <= 0 || n >= idSpace {
		return 0, false
	}
	x := c.unpermute(uint64(n))
	for x == 0 {
		x = c.unpermute(x)
	}
	return int64(x), true
}

// idKeyMeta holds the permutations' key in the locker's store: drawn once,
// so an id a shop stored stays valid across restarts. A shop never sees
// the store, and the store already holds every rent.
const idKeyMeta = "api.id_key"

// idCodecs are the permutations of one locker, loaded on first use.
type idCodecs struct {
	db *storage.DB

	mu          sync.Mutex // protects following
	loaded      bool
	rent, event opaqueIDs
}

func (c *idCodecs) get(ctx context.Context) (rent, event opaqueIDs, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loaded {
		return c.rent, c.event, nil
	}
	var key []byte
	err = c.db.Update(ctx, func(tx *storage.Tx) error {
		k, err := tx.Meta(idKeyMeta)
		if errors.Is(err, storage.ErrNotFound) {
			k = make([]byte, 32)
			rand.Read(k)
			err = tx.SetMeta(idKeyMeta, k)
		}
		key = k
		return err
	})
	if err != nil {
		return rent, event, fmt.Errorf("api: id key: %w", err)
	}
	c.rent.key = sha256.Sum256(append([]byte("pudo-api-rent-id\x00"), key...))
	c.event.key = sha256.Sum256(append([]byte("pudo-api-event-seq\x00"), key...))
	c.loaded = true
	return c.rent, c.event, nil
}

// ids is how one reader sees rent ids and event numbers: the locker's own
// for the operator (clear), opaque for everyone else.
type ids struct {
	clear       bool
	rent, event opaqueIDs
}

// idsFor returns the numbering p sees.
func (s *Server) idsFor(ctx context.Context, p principal) (ids, error) {
	return s.idsOwner(ctx, p.owner())
}

// idsOwner is idsFor by owner: "" is the operator (and a webhook endpoint
// for every rent), who sees the locker's numbers.
func (s *Server) idsOwner(ctx context.Context, owner string) (ids, error) {
	if owner == "" {
		return ids{clear: true}, nil
	}
	r, e, err := s.idCodecs.get(ctx)
	return ids{rent: r, event: e}, err
}

func (v ids) rentID(id int64) int64 {
	if v.clear || id == 0 {
		return id
	}
	return v.rent.hide(id)
}

func (v ids) seq(n int64) int64 {
	if v.clear || n == 0 {
		return n
	}
	return v.event.hide(n)
}

// rentIn turns a rent id the reader sent into the locker's; false when it
// names none.
func (v ids) rentIn(id int64) (int64, bool) {
	if v.clear {
		return id, id > 0
	}
	return v.rent.reveal(id)
}

// seqIn turns a cursor the reader sent back into the locker's number.
func (v ids) seqIn(n int64) (int64, bool) {
	if v.clear || n == 0 {
		return n, n >= 0
	}
	return v.event.reveal(n)
}

// cursor is the feed's next cursor as the reader sees it.
func (v ids) cursor(seq int64) string { return strconv.FormatInt(v.seq(seq), 10) }
