package core

import (
	"crypto/hmac"
	"crypto/sha256"
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

// Token is what a QR code carries: whom it is for, until when, and (in its
// text form) a MAC under the locker's token key, so the kiosk checks it with
// no network. It never carries a typed code. The locker makes these only
// for its own rents (the pickup and return QR of a booking).
type Token struct {
	Kind    TokenKind
	Subject string
	Expires time.Time // to the second
}

// tokenPrefix starts every token. Upper case letters, digits and ':' only,
// so a QR code holds it in the dense alphanumeric mode.
const tokenPrefix = "PUDO1"

const (
	tokenMACLen     = 16 // 128 bits: forging is out of reach even offline
	maxTokenSubject = 48
)

var tokenEnc = base32.StdEncoding.WithPadding(base32.NoPadding)

// SignToken renders t as QR text under key.
func SignToken(key []byte, t Token) string {
	body := binary.BigEndian.AppendUint32(nil, uint32(t.Expires.Unix()))
	body = append(body, t.Subject...)
	return tokenPrefix + string(t.Kind) + ":" + tokenEnc.EncodeToString(append(body, tokenMAC(key, t.Kind, body)...))
}

func tokenMAC(key []byte, kind TokenKind, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("pudo-token-v1"))
	m.Write([]byte{byte(kind)})
	m.Write(body)
	return m.Sum(nil)[:tokenMACLen]
}

// LooksLikeToken reports whether text has the shape of one of our tokens,
// without checking it.
func LooksLikeToken(text string) (TokenKind, bool) {
	t := strings.TrimSpace(text)
	if len(t) < len(tokenPrefix)+2 || !strings.EqualFold(t[:len(tokenPrefix)], tokenPrefix) || t[len(tokenPrefix)+1] != ':' {
		return 0, false
	}
	switch k := TokenKind(t[len(tokenPrefix)] &^ 0x20); k { // upper case
	case TokenPickup, TokenCourier, TokenReturn:
		return k, true
	}
	return 0, false
}

// ParseToken checks text under key at time now. Errors: ErrBadToken (not a
// token, or not signed by this locker), ErrTokenExpired.
func ParseToken(key []byte, text string, now time.Time) (Token, error) {
	kind, ok := LooksLikeToken(text)
	if !ok {
		return Token{}, app.ErrBadToken
	}
	t := strings.TrimSpace(text)
	raw, err := tokenEnc.DecodeString(strings.ToUpper(t[len(tokenPrefix)+2:]))
	if err != nil || len(raw) < 4+tokenMACLen || len(raw) > 4+maxTokenSubject+tokenMACLen {
		return Token{}, app.ErrBadToken
	}
	body, mac := raw[:len(raw)-tokenMACLen], raw[len(raw)-tokenMACLen:]
	if !hmac.Equal(mac, tokenMAC(key, kind, body)) {
		return Token{}, app.ErrBadToken
	}
	tok := Token{Kind: kind, Subject: string(body[4:]), Expires: time.Unix(int64(binary.BigEndian.Uint32(body)), 0).UTC()}
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
