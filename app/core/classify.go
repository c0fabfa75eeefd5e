package core

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"pudo/app"
	"pudo/app/cred"
)

// PayloadKind says what a scanned or typed text is.
type PayloadKind int

const (
	// PayloadForeign is none of ours: a product barcode, a URL, noise. It
	// is ignored and does not count as a wrong code.
	PayloadForeign PayloadKind = iota
	PayloadPickupCode
	PayloadPickupToken
	PayloadCourierToken
	PayloadReturnCode
	PayloadReturnToken
	// PayloadStaffBadge is a staff member's operator-signed badge: with
	// that person's PIN it signs them in (StaffBadgeLogin).
	PayloadStaffBadge
)

var payloadNames = [...]string{"foreign", "pickup-code", "pickup-token", "courier-token", "return-code", "return-token", "staff-badge"}

func (k PayloadKind) String() string {
	if int(k) < len(payloadNames) {
		return payloadNames[k]
	}
	return "payload(?)"
}

// Payload is a classified text. payloadOf checks a token's signature,
// expiry and (operator tokens) locker scope, so Err tells a forged, stale
// or misplaced token apart; it does not look anything up in the store, so
// revocation is checked where a token is used.
type Payload struct {
	Kind   PayloadKind
	Code   string // canonical pickup or return code
	Token  string // the token's text, as scanned
	Parsed Token  // the token's content, when it verified
	// Cred is an operator token's claims (courier, staff badge, app
	// pickup); nil for the locker's own tokens.
	Cred   *cred.Claims
	Err    error  // ErrBadToken (or one wrapping it) or ErrTokenExpired for a token that did not verify
	Format string // for foreign payloads: "EAN-13", "EAN-8", "UPC-A", "GTIN-14", "URL", "text"
}

// Recognize tells what a scanned or typed text is, without looking
// anything up and without counting it.
func (l *Locker) Recognize(text string) app.ScanKind { return appScanKind(l.payloadOf(text).Kind) }

// payloadOf tells what text is: one of our codes or tokens, with what
// they carry, or something foreign such as a product's EAN barcode.
func (l *Locker) payloadOf(text string) Payload {
	return classify(l.tokenKey, l.verifier, text, l.db.Now())
}

// Errors of operator tokens beyond ErrBadToken and ErrTokenExpired; both
// wrap ErrBadToken, so a screen that knows only that still says "not
// valid".
var (
	ErrTokenNotHere = fmt.Errorf("%w: not for this locker", app.ErrBadToken)
	ErrTokenRevoked = fmt.Errorf("%w: revoked by the operator", app.ErrBadToken)
)

// errRetiredCourier refuses the locker-signed courier tokens of earlier
// versions: couriers now carry the operator's, which no locker can mint
// (app/RULES.md).
var errRetiredCourier = fmt.Errorf("%w: a locker-signed courier token; couriers need the operator's", app.ErrBadToken)

var operatorKinds = map[cred.Kind]PayloadKind{cred.Courier: PayloadCourierToken, cred.Staff: PayloadStaffBadge, cred.Pickup: PayloadPickupToken}

func classifyOperator(v cred.Verifier, kind cred.Kind, t string, now time.Time) Payload {
	p := Payload{Kind: operatorKinds[kind], Token: t}
	c, err := v.Verify(t, now)
	switch {
	case errors.Is(err, cred.ErrExpired):
		p.Err = fmt.Errorf("%w: %w", app.ErrTokenExpired, err)
	case errors.Is(err, cred.ErrNotHere):
		p.Err = fmt.Errorf("%w: %w", ErrTokenNotHere, err)
	case err != nil:
		p.Err = fmt.Errorf("%w: %w", app.ErrBadToken, err)
	}
	if err == nil || !errors.Is(err, cred.ErrBadToken) {
		p.Cred = &c
		p.Parsed = Token{Kind: TokenKind(kind), Subject: c.Subject, Expires: c.Expires}
	}
	return p
}

func classify(key []byte, v cred.Verifier, text string, now time.Time) Payload {
	t := strings.TrimSpace(text)
	if kind, ok := cred.LooksLike(t); ok {
		return classifyOperator(v, kind, t, now)
	}
	if kind, ok := LooksLikeToken(t); ok {
		if kind == TokenCourier {
			return Payload{Kind: PayloadCourierToken, Token: t, Err: errRetiredCourier}
		}
		p := Payload{Token: t, Kind: map[TokenKind]PayloadKind{
			TokenPickup: PayloadPickupToken, TokenCourier: PayloadCourierToken, TokenReturn: PayloadReturnToken}[kind]}
		p.Parsed, p.Err = ParseToken(key, t, now)
		return p
	}
	if f := foreignFormat(t); f != "" {
		return Payload{Kind: PayloadForeign, Format: f}
	}
	if c, err := NormalizeReturnCode(t); err == nil {
		return Payload{Kind: PayloadReturnCode, Code: c}
	}
	if c, err := NormalizeCode(t); err == nil {
		return Payload{Kind: PayloadPickupCode, Code: c}
	}
	return Payload{Kind: PayloadForeign, Format: "text"}
}

// foreignFormat names a product barcode (EAN-8, UPC-E, UPC-A, EAN-13, GTIN-14) or URL; "" if text is neither.
// GS1 numbers (EAN-8, UPC-A, EAN-13, GTIN-14) are all digits with a check
// digit; we never issue an all-digit code, so no code of ours is lost here.
func foreignFormat(t string) string {
	if strings.Contains(t, "://") {
		return "URL"
	}
	if !allDigits(t) {
		return ""
	}
	if len(t) == 8 && upcEValid(t) && !gs1Valid(t) {
		return "UPC-E"
	}
	if !gs1Valid(t) {
		return ""
	}
	switch len(t) {
	case 8:
		return "EAN-8"
	case 12:
		return "UPC-A"
	case 13:
		return "EAN-13"
	case 14:
		return "GTIN-14"
	}
	return ""
}

// gs1Valid checks a GS1 mod-10 check digit: weights 3 and 1 from the right,
// the check digit excluded.
func gs1Valid(d string) bool {
	sum := 0
	for i := len(d) - 2; i >= 0; i-- {
		w := 1
		if (len(d)-2-i)%2 == 0 {
			w = 3
		}
		sum += int(d[i]-'0') * w
	}
	return (10-sum%10)%10 == int(d[len(d)-1]-'0')
}

// upcEValid checks a UPC-E number (number system 0 or 1, six digits, the
// check digit): its check digit is that of the UPC-A it stands for, so the
// EAN-8 rule fails on most of them and they were taken for typed codes.
func upcEValid(d string) bool {
	if d[0] != '0' && d[0] != '1' {
		return false
	}
	m := d[1:7]
	var body string // the UPC-A without its check digit
	switch m[5] {
	case '0', '1', '2':
		body = m[0:2] + string(m[5]) + "0000" + m[2:5]
	case '3':
		body = m[0:3] + "00000" + m[3:5]
	case '4':
		body = m[0:4] + "00000" + m[4:5]
	default:
		body = m[0:5] + "0000" + m[5:6]
	}
	return gs1Valid(d[0:1] + body + d[7:8])
}
