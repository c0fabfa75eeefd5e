// Package fleetsign is the operator's signature on a fleet command: the
// bytes it covers, the signing (the operator's tools and central) and the
// check (the locker). It holds no broker and no store, so whoever speaks
// the fleet's topics can import it alone.
//
// The broker carries commands but has no authority over a locker: a
// command counts only when one of the operator's Ed25519 keys (the keys of
// [operator] public_keys, package cred) signed, for this command name,
//
//	the fleet, the locker it goes to ("_all": every locker of the fleet),
//	the command's name, its command_id, issued_at and expires_at, and
//	its body: the command object without its "signature" member
//
// each field length-prefixed (Message). The body is canonical (Canonical):
// members sorted by key at every level, no white space, numbers as sent,
// so both sides build the same bytes from what travels, and one byte
// changed anywhere breaks the signature. The name is in the signature's
// domain too (Purpose), so a signature made for one command is no
// signature for another, nor for a token or any other message the same
// key signs.
package fleetsign

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"pudo/app/cred"
)

// AllLockers is the locker a fleet-wide command is signed for.
const AllLockers = "_all"

// version starts the signed bytes: a later layout gets a new one.
const version = "pudo-fleet-command-v2"

// Header is what a signature binds besides the body. The locker side
// takes Fleet and Locker from where the command came (its own topic, or
// the fleet-wide one), never from the command.
type Header struct {
	Fleet     string
	Locker    string // one locker's id, or AllLockers
	Name      string // the command: the last level of cmd/{name}
	CommandID string
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// Errors Verify returns.
var (
	// ErrUnsigned is a command without a signature.
	ErrUnsigned = errors.New("fleetsign: the command carries no signature")
	// ErrBadSignature is a signature no trusted key made over these bytes:
	// a forgery, a changed command, or one signed for another locker,
	// fleet or command.
	ErrBadSignature = errors.New("fleetsign: not signed for this locker and command by a key it trusts")
	// ErrBody is a body that is not one JSON object.
	ErrBody = errors.New("fleetsign: the command is not one JSON object")
)

// Purpose is the domain the signature of command name is made in
// (cred.PrivateKey.SignMessage).
func Purpose(name string) string { return "fleet-command-v2/" + name }

// Canonical returns body as it is signed: the JSON object without its
// top-level "signature" member, every object's members sorted by key (by
// code point), no white space, strings as Go's encoding/json writes them
// (no HTML escaping), numbers as they were written.
func Canonical(body []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, ErrBody
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, ErrBody
	}
	delete(obj, "signature")
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(obj); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBody, err)
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), nil
}

// Message is the bytes signed: the version, then each header field and
// the canonical body, each after its length (4 bytes, big-endian), so no
// field can run into the next. Times are RFC 3339 in UTC with as many
// fraction digits as they need.
func Message(h Header, canonical []byte) []byte {
	var b bytes.Buffer
	for _, f := range [][]byte{[]byte(version), []byte(h.Fleet), []byte(h.Locker), []byte(h.Name), []byte(h.CommandID),
		[]byte(stamp(h.IssuedAt)), []byte(stamp(h.ExpiresAt)), canonical} {
		b.Write(binary.BigEndian.AppendUint32(nil, uint32(len(f))))
		b.Write(f)
	}
	return b.Bytes()
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// Sign signs a command for h with the operator's key and returns the
// signature as the command's "signature" member carries it (standard
// base64). body is the command's JSON; a signature member in it is left
// out of what is signed.
func Sign(k cred.PrivateKey, h Header, body []byte) (string, error) {
	c, err := Canonical(body)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(k.SignMessage(Purpose(h.Name), Message(h, c))), nil
}

// Verify checks sig, a command's "signature" member, over h and body (the
// command's JSON as it came), and returns the key among keys that made it.
func Verify(keys []cred.PublicKey, h Header, body []byte, sig string) (cred.PublicKey, error) {
	if sig == "" {
		return cred.PublicKey{}, ErrUnsigned
	}
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return cred.PublicKey{}, ErrBadSignature
	}
	c, err := Canonical(body)
	if err != nil {
		return cred.PublicKey{}, err
	}
	k, ok := cred.VerifyMessage(keys, Purpose(h.Name), Message(h, c), raw)
	if !ok {
		return cred.PublicKey{}, ErrBadSignature
	}
	return k, nil
}
