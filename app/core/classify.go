package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"pudo/app"
	"pudo/app/cred"
	"pudo/scanner/gs1"
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
	// that person's PIN it signs them in (LoginStaffBadge).
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
	Err    error  // app.ErrBadToken (or one wrapping it) or app.ErrTokenExpired for a token that did not verify
	Format string // for foreign payloads: "EAN-13", "EAN-8", "UPC-A", "GTIN-14", "URL", "text"
}

// Recognize tells what a scanned or typed text is, without looking
// anything up and without counting it.
func (l *Locker) Recognize(text string) app.ScanKind { return appScanKind(l.payloadOf(text).Kind) }

// payloadOf tells what text is: one of our codes or tokens, with what
// they carry, or something foreign such as a product's EAN barcode. A
// token is held to the clock (checkTokenTime).
func (l *Locker) payloadOf(text string) Payload {
	now := l.db.Now()
	p := classify(l.tokenKey, l.verifier, text, now)
	if p.Token != "" {
		l.checkTokenTime(&p, p.Parsed.Issued, now)
		if errors.Is(p.Err, ErrClockBehind) {
			// Raise the alarm now, not at the next housekeeping.
			if err := l.watchClock(context.Background()); err != nil {
				l.log.Warn("clock alarm not recorded", "err", err)
			}
		}
	}
	return p
}

// Errors of operator tokens beyond ErrBadToken and ErrTokenExpired; both
// wrap ErrBadToken, so a screen that knows only that still says "not
// valid".
var (
	ErrTokenNotHere = fmt.Errorf("%w: not for this locker", app.ErrBadToken)
	ErrTokenRevoked = fmt.Errorf("%w: %w", app.ErrBadToken, app.ErrTokenRevoked)
)

// errRetiredCourier refuses the locker-signed courier tokens of earlier
// versions: couriers now carry the operator's, which no locker can mint
// (app/RULES.md).
var errRetiredCourier = fmt.Errorf("%w: a locker-signed courier token; couriers need the operator's", app.ErrBadToken)

// errRetiredQR refuses the pickup and return QR of earlier versions: a MAC
// over the rent id alone, which a copy of locker.key could make for every
// rent. Their rents' typed codes still work.
var errRetiredQR = fmt.Errorf("%w: a QR of an earlier version, which a copy of locker.key could forge; the rent's code still works", app.ErrBadToken)

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
		p.Parsed = Token{Kind: TokenKind(kind), Subject: c.Subject, Issued: c.IssuedAt, Expires: c.Expires}
	}
	return p
}

func classify(key []byte, v cred.Verifier, text string, now time.Time) Payload {
	t := strings.TrimSpace(text)
	if kind, ok := cred.LooksLike(t); ok {
		return classifyOperator(v, kind, t, now)
	}
	if kind, legacy, ok := LooksLikeToken(t); ok {
		if kind == TokenCourier {
			return Payload{Kind: PayloadCourierToken, Token: t, Err: errRetiredCourier}
		}
		p := Payload{Token: t, Kind: map[TokenKind]PayloadKind{
			TokenPickup: PayloadPickupToken, TokenCourier: PayloadCourierToken, TokenReturn: PayloadReturnToken}[kind]}
		if legacy {
			p.Err = errRetiredQR
			return p
		}
		p.Parsed, p.Err = ParseToken(key, t, now)
		return p
	}
	if f := foreignFormat(t); f != "" {
		return Payload{Kind: PayloadForeign, Format: f}
	}
	if c, err := app.NormalizeReturnCode(t); err == nil {
		return Payload{Kind: PayloadReturnCode, Code: c}
	}
	if c, err := app.NormalizeCode(t); err == nil {
		return Payload{Kind: PayloadPickupCode, Code: c}
	}
	return Payload{Kind: PayloadForeign, Format: "text"}
}

// foreignFormat names a product's number (EAN-8, UPC-E, UPC-A, EAN-13,
// GTIN-14, by package gs1's rules) or a URL; "" if text is neither. We
// never issue an all-digit code, so no code of ours is lost here.
func foreignFormat(t string) string {
	if strings.Contains(t, "://") {
		return "URL"
	}
	return gs1.Format(t)
}
