package fleet

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"golang.org/x/crypto/curve25519"
	"golang.org/x/crypto/nacl/box"

	"pudo/app/cred"
)

// A booking's secrets (the pickup code and the QR that opens the door)
// never cross the broker in clear: the book command carries the sender's
// reply key (reply_key, an X25519 public key, under the operator's
// signature), and the locker seals them to it (sealed, a nacl box
// anonymous). The broker, and whoever replays the kept command to get the
// first answer again, see only the box; the sender opens it.
//
// The operator's side derives its reply key from the operator's signing
// key (cred.DeriveKey), so every central instance and `pudo fleet` opens
// the answers to the others' commands, and nothing new is kept on disk.

// replyPurpose names the reply key among the keys derived from the
// operator's.
const replyPurpose = "fleet-reply"

// ReplyKey is the operator side's key pair for booking answers.
type ReplyKey struct {
	pub, priv [32]byte
	ok        bool
}

// NewReplyKey derives the reply key of the operator's signing key k.
func NewReplyKey(k cred.PrivateKey) ReplyKey {
	r := ReplyKey{priv: k.DeriveKey(replyPurpose), ok: true}
	pub, err := curve25519.X25519(r.priv[:], curve25519.Basepoint)
	if err != nil {
		panic("fleet: x25519: " + err.Error()) // a derived scalar is never low-order
	}
	copy(r.pub[:], pub)
	return r
}

// Public is the key as a book command's reply_key carries it.
func (r ReplyKey) Public() string {
	if !r.ok {
		return ""
	}
	return base64.StdEncoding.EncodeToString(r.pub[:])
}

// secrets are a sealed box's plaintext.
type secrets struct {
	PickupCode string `json:"pickup_code,omitempty"`
	QR         string `json:"qr,omitempty"`
}

// maxSealed bounds a box a result may carry: the code and the QR token
// are far below.
const maxSealed = 4096

// ErrNotOpened is a sealed answer that does not open with this reply key.
var ErrNotOpened = errors.New("fleet: the sealed answer does not open with this reply key")

// Open moves a result's sealed secrets into PickupCode and QR; a result
// with none is left as it is.
func (r ReplyKey) Open(res *Result) error {
	if res.Sealed == "" {
		return nil
	}
	raw, err := base64.StdEncoding.DecodeString(res.Sealed)
	if !r.ok || err != nil || len(raw) > maxSealed {
		return ErrNotOpened
	}
	plain, ok := box.OpenAnonymous(nil, raw, &r.pub, &r.priv)
	var s secrets
	if !ok || json.Unmarshal(plain, &s) != nil {
		return ErrNotOpened
	}
	res.PickupCode, res.QR, res.Sealed = s.PickupCode, s.QR, ""
	return nil
}

// parseReplyKey reads a command's reply_key.
func parseReplyKey(s string) (*[32]byte, error) {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(raw) != 32 {
		return nil, errors.New("reply_key must be a 32-byte X25519 public key in standard base64: the pickup code is sealed to it and never sent in clear")
	}
	var k [32]byte
	copy(k[:], raw)
	return &k, nil
}

// sealSecrets seals a booking's code and QR to the command's reply key
// and clears them from the result.
func sealSecrets(replyKey string, res *Result) error {
	to, err := parseReplyKey(replyKey)
	if err != nil {
		return err
	}
	plain, _ := json.Marshal(secrets{PickupCode: res.PickupCode, QR: res.QR})
	out, err := box.SealAnonymous(nil, plain, to, rand.Reader)
	if err != nil {
		return fmt.Errorf("seal: %w", err)
	}
	res.Sealed, res.PickupCode, res.QR = base64.StdEncoding.EncodeToString(out), "", ""
	return nil
}
