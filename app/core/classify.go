package core

import (
	"strings"
	"time"
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
)

var payloadNames = [...]string{"foreign", "pickup-code", "pickup-token", "courier-token", "return-code", "return-token"}

func (k PayloadKind) String() string {
	if int(k) < len(payloadNames) {
		return payloadNames[k]
	}
	return "payload(?)"
}

// Payload is a classified text. Classify checks a token's signature and
// expiry, so Err tells a forged or stale token apart; it does not look
// anything up in the store.
type Payload struct {
	Kind   PayloadKind
	Code   string // canonical pickup or return code
	Token  string // the token's text, as scanned
	Parsed Token  // the token's content, when it verified
	Err    error  // ErrBadToken or ErrTokenExpired for a token that did not verify
	Format string // for foreign payloads: "EAN-13", "EAN-8", "UPC-A", "GTIN-14", "URL", "text"
}

// Classify tells what text is: one of our codes or tokens, or something
// foreign such as a product's EAN barcode.
func (l *Locker) Classify(text string) Payload {
	return classify(l.tokenKey, text, l.db.Now())
}

func classify(key []byte, text string, now time.Time) Payload {
	t := strings.TrimSpace(text)
	if kind, ok := LooksLikeToken(t); ok {
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

// foreignFormat names a product barcode or URL; "" if text is neither.
// GS1 numbers (EAN-8, UPC-A, EAN-13, GTIN-14) are all digits with a check
// digit; we never issue an all-digit code, so no code of ours is lost here.
func foreignFormat(t string) string {
	if strings.Contains(t, "://") {
		return "URL"
	}
	if !allDigits(t) || !gs1Valid(t) {
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
