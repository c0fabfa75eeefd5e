package carrier

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"

	"golang.org/x/crypto/nacl/box"
)

// Code is what a sealed box holds: a walk-in's pickup code and where it
// opens. Its JSON is the box's plaintext:
//
//	{"v":1,"locker":"WAW-0042","rent_id":17,"code":"MHA6-VG1X"}
type Code struct {
	Locker string `json:"locker"` // the locker's id (kiosk.id)
	RentID int64  `json:"rent_id"`
	Code   string `json:"code"` // as the recipient types it: XXXX-XXXX
}

// version is the plaintext's "v"; an opener refuses others.
const version = 1

// Bounds of a sealed box: what a locker writes is far below, and a parser
// never holds more.
const (
	maxPlain    = 256
	boxOverhead = box.AnonymousOverhead
	MaxSealed   = maxPlain + boxOverhead
	maxLocker   = 64
	maxCodeLen  = 16
)

type plain struct {
	V      int    `json:"v"`
	Locker string `json:"locker"`
	RentID int64  `json:"rent_id"`
	Code   string `json:"code"`
}

// ErrNotOpened means a sealed box does not open with the key: it was
// sealed for another carrier's key, or damaged on the way. Nothing more is
// said, as the box itself says nothing more.
var ErrNotOpened = errors.New("carrier: the sealed code does not open with this key (sealed for another key, or damaged)")

// ErrBadCode means a box opened but holds no code of ours.
var ErrBadCode = errors.New("carrier: the sealed box holds no pickup code")

// Seal seals c for the holder of to's private key alone.
func Seal(to PublicKey, c Code) ([]byte, error) {
	if to.IsZero() {
		return nil, fmt.Errorf("%w: no key", ErrBadKey)
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	msg, err := json.Marshal(plain{V: version, Locker: c.Locker, RentID: c.RentID, Code: c.Code})
	if err != nil {
		return nil, fmt.Errorf("carrier: %w", err)
	}
	if len(msg) > maxPlain {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrBadCode, len(msg), maxPlain)
	}
	out, err := box.SealAnonymous(nil, msg, &to.key, rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("carrier: seal: %w", err)
	}
	return out, nil
}

// Open opens a box Seal made for k's public key.
func (k PrivateKey) Open(sealed []byte) (Code, error) {
	if k.key == nil {
		return Code{}, fmt.Errorf("%w: no key", ErrBadKey)
	}
	if len(sealed) > MaxSealed {
		return Code{}, ErrNotOpened
	}
	var pub, priv [32]byte
	copy(pub[:], k.key.PublicKey().Bytes())
	copy(priv[:], k.key.Bytes())
	msg, ok := box.OpenAnonymous(nil, sealed, &pub, &priv)
	clear(priv[:])
	if !ok {
		return Code{}, ErrNotOpened
	}
	return parsePlain(msg)
}

// parsePlain reads a box's plaintext, strictly: a box that opens was
// sealed by someone holding the public key, which need not be a locker.
func parsePlain(msg []byte) (Code, error) {
	dec := json.NewDecoder(bytes.NewReader(msg))
	dec.DisallowUnknownFields()
	var p plain
	if err := dec.Decode(&p); err != nil {
		return Code{}, fmt.Errorf("%w: %v", ErrBadCode, err)
	}
	if dec.More() {
		return Code{}, fmt.Errorf("%w: data after the object", ErrBadCode)
	}
	if p.V != version {
		return Code{}, fmt.Errorf("%w: version %d, this tool reads %d", ErrBadCode, p.V, version)
	}
	c := Code{Locker: p.Locker, RentID: p.RentID, Code: p.Code}
	return c, c.check()
}

func (c Code) check() error {
	switch {
	case !printable(c.Locker, maxLocker):
		return fmt.Errorf("%w: locker %q", ErrBadCode, clip(c.Locker))
	case c.RentID <= 0:
		return fmt.Errorf("%w: rent %d", ErrBadCode, c.RentID)
	case !codeChars(c.Code):
		return fmt.Errorf("%w: code %q is not one a locker makes", ErrBadCode, clip(c.Code))
	}
	return nil
}

// printable: 1..max visible ASCII characters, which is what a locker id
// and a carrier id are.
func printable(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// codeChars: Crockford Base32 and the dash a formatted code has.
func codeChars(s string) bool {
	if s == "" || len(s) > maxCodeLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' && c != 'O' && c != 'U', c == '-':
		default:
			return false
		}
	}
	return true
}
