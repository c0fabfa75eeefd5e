package core

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"pudo/app"
)

// TokenKind says whom a QR token lets in.
type TokenKind byte

const (
	TokenPickup TokenKind = 'P' // subject: a rent id; opens that parcel's door
	TokenReturn TokenKind = 'R' // subject: a rent id; opens a booked return's door
	// TokenCourier is retired: a locker no longer signs courier tokens
	// (couriers carry the operator's, package cred). It is still told
	// apart, so an old courier QR is refused as one rather than ignored.
	TokenCourier TokenKind = 'C'
)

// Token is what the locker's own QR code carries: whom it is for, when it
// was made, until when it is good, the random secret of its rent, and (in
// its text form) a MAC under the locker's token key, so the kiosk checks it
// with no network. It never carries a typed code. The locker makes these
// only for its own rents (the pickup and return QR of a booking).
//
// The secret is what opens the door: the store keeps only its SHA-256
// (rent_qr), so whoever copies locker.key and pudo.db can make the MAC
// but not the secret, and no QR of theirs opens anything.
type Token struct {
	Kind    TokenKind
	Subject string
	Issued  time.Time // to the second
	Expires time.Time // to the second
	Secret  [qrSecretLen]byte
}

// qrSecretLen is the size of a rent's QR secret: 128 bits, beyond any
// search, offline or not.
const qrSecretLen = 16

// tokenPrefix starts every token the locker makes now; legacyTokenPrefix
// those of earlier versions, a MAC under the key alone, which anyone with
// a copy of locker.key could make for any rent id: they are refused (their
// rents' codes still work). Upper case letters, digits and ':' only, so a
// QR code holds them in the dense alphanumeric mode.
const (
	tokenPrefix       = "PUDO3"
	legacyTokenPrefix = "PUDO1"
)

const (
	tokenMACLen     = 16 // 128 bits: forging is out of reach even offline
	maxTokenSubject = 48
	tokenHeaderLen  = 4 + 4 + qrSecretLen
)

var tokenEnc = base32.StdEncoding.WithPadding(base32.NoPadding)

// newQRSecret draws a rent's QR secret.
func newQRSecret() (s [qrSecretLen]byte) {
	if _, err := rand.Read(s[:]); err != nil {
		panic("app: crypto/rand failed: " + err.Error()) // the OS RNG never fails on Linux
	}
	return s
}

// qrHash is what the store keeps of a QR secret.
func qrHash(s [qrSecretLen]byte) []byte {
	h := sha256.Sum256(append([]byte("pudo-qr-secret-v1\x00"), s[:]...))
	return h[:]
}

// qrMatches reports, in constant time, whether a token's secret is the one
// whose hash the store keeps; a rent with none matches nothing.
func qrMatches(t Token, stored []byte) bool {
	return len(stored) == sha256.Size && subtle.ConstantTimeCompare(qrHash(t.Secret), stored) == 1
}

// SignToken renders t as QR text under key.
func SignToken(key []byte, t Token) string {
	body := binary.BigEndian.AppendUint32(nil, uint32(t.Issued.Unix()))
	body = binary.BigEndian.AppendUint32(body, uint32(t.Expires.Unix()))
	body = append(body, t.Secret[:]...)
	body = append(body, t.Subject...)
	return tokenPrefix + string(t.Kind) + ":" + tokenEnc.EncodeToString(append(body, tokenMAC(key, t.Kind, body)...))
}

func tokenMAC(key []byte, kind TokenKind, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("pudo-token-v3"))
	m.Write([]byte{byte(kind)})
	m.Write(body)
	return m.Sum(nil)[:tokenMACLen]
}

// LooksLikeToken reports whether text has the shape of one of our tokens,
// without checking it; legacy is true for a token of an earlier version.
func LooksLikeToken(text string) (kind TokenKind, legacy, ok bool) {
	t := strings.TrimSpace(text)
	if len(t) < len(tokenPrefix)+2 || t[len(tokenPrefix)+1] != ':' {
		return 0, false, false
	}
	switch {
	case strings.EqualFold(t[:len(tokenPrefix)], tokenPrefix):
	case strings.EqualFold(t[:len(legacyTokenPrefix)], legacyTokenPrefix):
		legacy = true
	default:
		return 0, false, false
	}
	switch k := TokenKind(t[len(tokenPrefix)] &^ 0x20); k { // upper case
	case TokenPickup, TokenCourier, TokenReturn:
		return k, legacy, true
	}
	return 0, false, false
}

// ParseToken checks text under key at time now. Errors: ErrBadToken (not a
// token, one of an earlier version, or not signed by this locker),
// ErrTokenExpired. Whether the token's secret is its rent's is for the
// store to say (qrMatches).
func ParseToken(key []byte, text string, now time.Time) (Token, error) {
	kind, legacy, ok := LooksLikeToken(text)
	if !ok || legacy {
		return Token{}, app.ErrBadToken
	}
	t := strings.TrimSpace(text)
	raw, err := tokenEnc.DecodeString(strings.ToUpper(t[len(tokenPrefix)+2:]))
	if err != nil || len(raw) < tokenHeaderLen+tokenMACLen || len(raw) > tokenHeaderLen+maxTokenSubject+tokenMACLen {
		return Token{}, app.ErrBadToken
	}
	body, mac := raw[:len(raw)-tokenMACLen], raw[len(raw)-tokenMACLen:]
	if !hmac.Equal(mac, tokenMAC(key, kind, body)) {
		return Token{}, app.ErrBadToken
	}
	tok := Token{Kind: kind, Subject: string(body[tokenHeaderLen:]),
		Issued:  time.Unix(int64(binary.BigEndian.Uint32(body)), 0).UTC(),
		Expires: time.Unix(int64(binary.BigEndian.Uint32(body[4:])), 0).UTC()}
	copy(tok.Secret[:], body[8:tokenHeaderLen])
	if !now.Before(tok.Expires) {
		return tok, fmt.Errorf("%w at %s", app.ErrTokenExpired, tok.Expires.Format(time.RFC3339))
	}
	return tok, nil
}

// tokenKey is the locker's token key, derived from its secret so that the
// two never coincide.
func tokenKey(secret []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("pudo token key v1"))
	return m.Sum(nil)
}
