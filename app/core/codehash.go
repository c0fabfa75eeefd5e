package core

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"

	"golang.org/x/crypto/argon2"

	"pudo/storage"
)

// CodeCost is the argon2id cost of the typed codes' check (one lane).
type CodeCost struct {
	Time   uint32 // passes
	Memory uint32 // KiB
}

// DefaultCodeCost is DefaultPINCost's, OWASP's argon2id minimum: 19 MiB
// and 2 passes. One check is a few tens of milliseconds on a PC and well
// under a quarter of a second on a kiosk-class ARM board, and costs a GPU,
// bound by its memory bandwidth, 1 KiB × 19456 × (3·2−1) = 95 MiB of
// memory traffic. See doc.go for what that costs whoever copied the SD
// card.
var DefaultCodeCost = CodeCost{Time: 2, Memory: 19 * 1024}

// codeHashTag starts every stored code hash, which is 33 bytes long; the
// HMACs of earlier versions are 32 bytes with no tag.
const codeHashTag = 0xA2

// Labels keep a pickup code's hash apart from a return code's.
const (
	labelPickup = "pickup"
	labelReturn = "return"
)

// codeHash is what the store keeps of a typed code now: argon2id over an
// HMAC of the code under the locker's secret, with a salt drawn from the
// secret. Without locker.key the store's hashes are random bytes; with it,
// each guess at a code costs one argon2id. It is the same for the same
// code, so the store finds a rent by it (an index lookup), and a typed
// code costs exactly one argon2id whether or not it matches anything.
func (l *Locker) codeHash(label, code string) []byte {
	pre := hmac.New(sha256.New, l.secret)
	pre.Write([]byte("pudo-code-hash-v1\x00" + label + "\x00" + code))
	salt := hmac.New(sha256.New, l.secret)
	salt.Write([]byte("pudo-code-salt-v1\x00" + label))
	c := l.opts.CodeCost
	key := argon2.IDKey(pre.Sum(nil), salt.Sum(nil)[:16], c.Time, c.Memory, 1, 32)
	return append([]byte{codeHashTag}, key...)
}

// codeCreds are the two forms a typed code may be stored under: the hash
// every rent gets now, and the HMAC of the version before (codeMAC,
// returnMAC), which rents booked before it still hold until they are
// checked once and rehashed.
type codeCreds struct {
	hash, legacy []byte
}

func (l *Locker) pickupCreds(code string) codeCreds {
	return codeCreds{hash: l.codeHash(labelPickup, code), legacy: codeMAC(l.secret, code)}
}

func (l *Locker) returnCreds(code string) codeCreds {
	return codeCreds{hash: l.codeHash(labelReturn, code), legacy: returnMAC(l.secret, code)}
}

// matches compares stored against both forms, in constant time each.
func (c codeCreds) matches(stored []byte) bool {
	return hmac.Equal(stored, c.hash) || hmac.Equal(stored, c.legacy)
}

// isLegacy reports whether stored is the code's form of the version
// before.
func (c codeCreds) isLegacy(stored []byte) bool { return hmac.Equal(stored, c.legacy) }

// codeCostMeta records the cost the store's code hashes were made with.
const codeCostMeta = "code.cost"

// settleCodeCost keeps one cost for the life of the database: the first
// start records Options.CodeCost; a later start with another takes the
// recorded one, or every stored code would stop matching. It runs in SetUp,
// before any flow.
func (l *Locker) settleCodeCost(ctx context.Context) error {
	return l.db.Update(ctx, func(tx *storage.Tx) error {
		v, err := tx.Meta(codeCostMeta)
		if errors.Is(err, storage.ErrNotFound) {
			c := l.opts.CodeCost
			return tx.SetMeta(codeCostMeta, fmt.Appendf(nil, "t=%d,m=%d", c.Time, c.Memory))
		}
		if err != nil {
			return err
		}
		var c CodeCost
		if _, err := fmt.Sscanf(string(v), "t=%d,m=%d", &c.Time, &c.Memory); err != nil || c.Time == 0 || c.Memory < 8 {
			return fmt.Errorf("app: %s %q in the store is not a cost", codeCostMeta, v)
		}
		if c != l.opts.CodeCost {
			l.log.Info("code hashes keep the cost they were made with", "stored", string(v))
			l.opts.CodeCost = c
		}
		return nil
	})
}
