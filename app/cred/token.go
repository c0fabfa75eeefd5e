package cred

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Kind says whom a token lets in.
type Kind byte

const (
	Courier Kind = 'C' // Subject: a courier id, Carrier their carrier; opens the courier menu
	Staff   Kind = 'S' // Subject: a staff member's name; a badge, used with that person's PIN
	Pickup  Kind = 'P' // Subject: a rent id at the one locker named; a shopper's app opens that parcel
)

func (k Kind) String() string {
	switch k {
	case Courier:
		return "courier"
	case Staff:
		return "staff"
	case Pickup:
		return "pickup"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// AllLockers, alone in Claims.Lockers, lets a courier or staff token in at
// every locker that trusts the signing key.
const AllLockers = "*"

// Claims are what a token says. Times are whole seconds.
type Claims struct {
	Kind     Kind
	ID       string // 16 hex digits drawn at random: names this token in a revocation list
	Subject  string
	Carrier  string   // Courier only
	Lockers  []string // where it is valid: locker ids, or AllLockers
	IssuedAt time.Time
	Expires  time.Time
	KeyID    string // the signing key's ID; Sign and Verify fill it in
}

// Errors Verify returns; each wraps ErrBadToken or ErrExpired or stands
// alone, so callers test with errors.Is.
var (
	ErrBadToken = errors.New("cred: not a valid operator token")
	ErrExpired  = errors.New("cred: operator token expired")
	// ErrNotHere means a genuine token for other lockers.
	ErrNotHere = errors.New("cred: operator token not valid at this locker")
	// ErrUnknownKey means a well-formed token signed by a key this locker
	// does not trust (an old key after rotation, or another operator's).
	ErrUnknownKey = fmt.Errorf("%w: signed by a key this locker does not trust", ErrBadToken)
	// ErrClaims means Sign was given claims no token can carry.
	ErrClaims = errors.New("cred: bad claims")
)

// The text form: prefix, kind, ':' and base32 (RFC 4648, no padding) of the
// body and its signature. Upper case letters, digits and ':' only: a QR code
// holds it in the dense alphanumeric mode. "PUDO1" and "PUDO3" are the locker's own HMAC
// tokens (package core); "PUDO2" is these.
const prefix = "PUDO2"

const (
	version     = 1
	idLen       = 8
	headerLen   = 1 + keyIDLen + idLen + 4 + 4
	maxSubject  = 48
	maxCarrier  = 32
	maxLocker   = 32
	maxLockers  = 16
	maxBodyLen  = headerLen + 1 + maxSubject + 1 + maxCarrier + 1 + maxLockers*(1+maxLocker)
	maxTokenLen = len(prefix) + 2 + (maxBodyLen+ed25519.SignatureSize)*8/5 + 1
	signContext = "pudo-operator-token-v1\x00"
)

var enc = base32.StdEncoding.WithPadding(base32.NoPadding)

// LooksLike reports whether text has the shape of an operator token,
// without checking it.
func LooksLike(text string) (Kind, bool) {
	t := strings.TrimSpace(text)
	if len(t) < len(prefix)+2 || !strings.EqualFold(t[:len(prefix)], prefix) || t[len(prefix)+1] != ':' {
		return 0, false
	}
	switch k := Kind(t[len(prefix)] &^ 0x20); k { // upper case
	case Courier, Staff, Pickup:
		return k, true
	}
	return 0, false
}

// Sign renders c as QR text under k. A zero ID gets a random one, a zero
// IssuedAt the current time.
func Sign(k PrivateKey, c Claims) (string, error) {
	if c.ID == "" {
		c.ID = NewID()
	}
	if c.IssuedAt.IsZero() {
		c.IssuedAt = time.Now()
	}
	c.IssuedAt, c.Expires = c.IssuedAt.Truncate(time.Second), c.Expires.Truncate(time.Second)
	c.KeyID = k.pub.ID()
	if err := c.check(); err != nil {
		return "", err
	}
	body := c.body()
	sig := ed25519.Sign(k.key, signed(c.Kind, body))
	return prefix + string(c.Kind) + ":" + enc.EncodeToString(append(body, sig...)), nil
}

// NewID draws a token ID.
func NewID() string {
	var id [idLen]byte
	rand.Read(id[:])
	return hex.EncodeToString(id[:])
}

func signed(kind Kind, body []byte) []byte {
	return append(append([]byte(signContext), byte(kind)), body...)
}

func (c Claims) body() []byte {
	b := make([]byte, 0, headerLen+64)
	b = append(b, version)
	kid, _ := hex.DecodeString(c.KeyID)
	b = append(b, kid...)
	id, _ := hex.DecodeString(c.ID)
	b = append(b, id...)
	b = binary.BigEndian.AppendUint32(b, uint32(c.IssuedAt.Unix()))
	b = binary.BigEndian.AppendUint32(b, uint32(c.Expires.Unix()))
	b = appendStr(b, c.Subject)
	b = appendStr(b, c.Carrier)
	b = append(b, byte(len(c.Lockers)))
	for _, l := range c.Lockers {
		b = appendStr(b, l)
	}
	return b
}

func appendStr(b []byte, s string) []byte { return append(append(b, byte(len(s))), s...) }

// check holds claims to what a token may say; Parse applies it too, so
// whatever verifies could have been signed.
func (c Claims) check() error {
	bad := func(format string, a ...any) error { return fmt.Errorf("%w: %s", ErrClaims, fmt.Sprintf(format, a...)) }
	if id, err := hex.DecodeString(c.ID); err != nil || len(id) != idLen || c.ID != strings.ToLower(c.ID) {
		return bad("id must be %d lower-case hex digits", 2*idLen)
	}
	if kid, err := hex.DecodeString(c.KeyID); err != nil || len(kid) != keyIDLen {
		return bad("key id must be %d hex digits", 2*keyIDLen)
	}
	if !c.Expires.After(c.IssuedAt) || c.IssuedAt.Unix() < 0 || c.Expires.Unix() > 1<<32-1 {
		return bad("must expire after it was issued, before 2106")
	}
	if !printable(c.Subject, 1, maxSubject, "") {
		return bad("subject must be 1..%d visible ASCII characters", maxSubject)
	}
	switch c.Kind {
	case Courier:
		if !ValidCarrier(c.Carrier) {
			return bad("a courier token needs a carrier of 1..%d visible ASCII characters", maxCarrier)
		}
	case Staff, Pickup:
		if c.Carrier != "" {
			return bad("only a courier token names a carrier")
		}
	default:
		return bad("unknown kind %q", byte(c.Kind))
	}
	if len(c.Lockers) == 0 || len(c.Lockers) > maxLockers {
		return bad("name 1..%d lockers", maxLockers)
	}
	for i, l := range c.Lockers {
		switch {
		case l == AllLockers && (len(c.Lockers) > 1 || c.Kind == Pickup):
			return bad("%q stands alone, and not in a pickup token", AllLockers)
		case l != AllLockers && !printable(l, 1, maxLocker, ",*"):
			return bad("locker %q must be 1..%d visible ASCII characters, no ',' or '*'", l, maxLocker)
		case slices.Contains(c.Lockers[:i], l):
			return bad("locker %q named twice", l)
		}
	}
	if c.Kind == Pickup {
		if n, err := strconv.ParseInt(c.Subject, 10, 64); err != nil || n <= 0 || strconv.FormatInt(n, 10) != c.Subject {
			return bad("a pickup token's subject is a rent id")
		}
		if len(c.Lockers) != 1 {
			return bad("a pickup token names exactly one locker")
		}
	}
	return nil
}

// ValidCarrier reports whether a courier token can name carrier id: the
// carriers' seal keys ([carriers]) are looked up by it.
func ValidCarrier(id string) bool { return printable(id, 1, maxCarrier, "") }

func printable(s string, min, max int, not string) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' || strings.IndexByte(not, s[i]) >= 0 {
			return false
		}
	}
	return true
}

// parse decodes text into its claims, the signed bytes and the signature,
// checking the form but not the signature.
func parse(text string) (c Claims, msg, sig []byte, err error) {
	kind, ok := LooksLike(text)
	t := strings.TrimSpace(text)
	if !ok || len(t) > maxTokenLen {
		return c, nil, nil, ErrBadToken
	}
	raw, err := enc.DecodeString(strings.ToUpper(t[len(prefix)+2:]))
	if err != nil || len(raw) < headerLen+3+ed25519.SignatureSize {
		return c, nil, nil, ErrBadToken
	}
	body, sig := raw[:len(raw)-ed25519.SignatureSize], raw[len(raw)-ed25519.SignatureSize:]
	if body[0] != version {
		return c, nil, nil, fmt.Errorf("%w: version %d", ErrBadToken, body[0])
	}
	c = Claims{Kind: kind, KeyID: hex.EncodeToString(body[1 : 1+keyIDLen]), ID: hex.EncodeToString(body[1+keyIDLen : 1+keyIDLen+idLen]),
		IssuedAt: time.Unix(int64(binary.BigEndian.Uint32(body[headerLen-8:])), 0).UTC(),
		Expires:  time.Unix(int64(binary.BigEndian.Uint32(body[headerLen-4:])), 0).UTC()}
	rest := body[headerLen:]
	next := func() (string, bool) {
		if len(rest) < 1 || len(rest) < 1+int(rest[0]) {
			return "", false
		}
		s := string(rest[1 : 1+rest[0]])
		rest = rest[1+rest[0]:]
		return s, true
	}
	var ok1, ok2 bool
	c.Subject, ok1 = next()
	c.Carrier, ok2 = next()
	if !ok1 || !ok2 || len(rest) < 1 {
		return c, nil, nil, ErrBadToken
	}
	n := int(rest[0])
	rest = rest[1:]
	for range n {
		l, ok := next()
		if !ok {
			return c, nil, nil, ErrBadToken
		}
		c.Lockers = append(c.Lockers, l)
	}
	if len(rest) != 0 || c.check() != nil {
		return c, nil, nil, ErrBadToken
	}
	return c, signed(kind, body), sig, nil
}

// Verifier checks tokens at one locker.
type Verifier struct {
	Keys   []PublicKey // the operator's keys this locker trusts
	Locker string      // this locker's id
}

// Verify checks text's signature, expiry and locker scope at time now.
// Errors: ErrBadToken (ErrUnknownKey among them), ErrExpired, ErrNotHere;
// with the last two the claims are returned too, for the audit log. It
// does not check revocation: see Revocations.Revoked.
func (v Verifier) Verify(text string, now time.Time) (Claims, error) {
	c, msg, sig, err := parse(text)
	if err != nil {
		return Claims{}, err
	}
	var key *PublicKey
	for i := range v.Keys {
		if v.Keys[i].ID() == c.KeyID {
			key = &v.Keys[i]
			break
		}
	}
	if key == nil {
		return Claims{}, fmt.Errorf("%w (key %s)", ErrUnknownKey, c.KeyID)
	}
	if !ed25519.Verify(key.key, msg, sig) {
		return Claims{}, ErrBadToken
	}
	if !now.Before(c.Expires) {
		return c, fmt.Errorf("%w at %s", ErrExpired, c.Expires.Format(time.RFC3339))
	}
	if !c.ValidAt(v.Locker) {
		return c, fmt.Errorf("%w (%s): it names %s", ErrNotHere, v.Locker, strings.Join(c.Lockers, ","))
	}
	return c, nil
}

// ValidAt reports whether the claims name the locker.
func (c Claims) ValidAt(locker string) bool {
	everywhere := slices.Equal(c.Lockers, []string{AllLockers}) && c.Kind != Pickup
	return locker != "" && (everywhere || slices.Contains(c.Lockers, locker))
}
