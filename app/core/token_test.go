package core

import (
	"errors"
	"strings"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/cred"
)

var testKey = []byte("token-test-key-0123456789abcdef")

func TestTokenRoundTrip(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, tok := range []Token{
		{Kind: TokenPickup, Subject: "42", Issued: now, Expires: now.Add(time.Hour), Secret: newQRSecret()},
		{Kind: TokenCourier, Subject: "dhl-berlin-17", Issued: now.Add(-time.Hour), Expires: now.Add(time.Minute)},
		{Kind: TokenReturn, Subject: "9", Issued: now, Expires: now.Add(72 * time.Hour), Secret: newQRSecret()},
	} {
		text := SignToken(testKey, tok)
		if strings.Trim(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:") != "" {
			t.Fatalf("%q does not fit the QR alphanumeric mode", text)
		}
		for _, in := range []string{text, strings.ToLower(text), " " + text + "\n"} {
			got, err := ParseToken(testKey, in, now)
			if err != nil || got != tok {
				t.Fatalf("ParseToken(%q) = %+v, %v; want %+v", in, got, err, tok)
			}
		}
		if _, err := ParseToken(testKey, text, tok.Expires); !errors.Is(err, app.ErrTokenExpired) {
			t.Fatalf("at expiry: %v", err)
		}
		if _, err := ParseToken([]byte("other key"), text, now); !errors.Is(err, app.ErrBadToken) {
			t.Fatalf("under another key: %v", err)
		}
		// Flip the kind: the MAC covers it.
		other := text[:5] + map[byte]string{'P': "C", 'C': "R", 'R': "P"}[text[5]] + text[6:]
		if _, err := ParseToken(testKey, other, now); !errors.Is(err, app.ErrBadToken) {
			t.Fatalf("kind swapped: %v", err)
		}
	}
}

func TestParseTokenRejects(t *testing.T) {
	now := time.Unix(1e9, 0)
	for _, in := range []string{"", "PUDO1", "PUDO1P", "PUDO1P:", "PUDO1X:AAAA", "PUDO1P:!!!!", "PUDO2P:AAAA",
		"PUDO1P:" + strings.Repeat("A", 200), "7YHN-ZT93"} {
		if _, err := ParseToken(testKey, in, now); !errors.Is(err, app.ErrBadToken) {
			t.Errorf("ParseToken(%q) = %v, want ErrBadToken", in, err)
		}
	}
}

func FuzzParseToken(f *testing.F) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	f.Add(SignToken(testKey, Token{Kind: TokenPickup, Subject: "42", Expires: now.Add(time.Hour)}))
	f.Add(SignToken(testKey, Token{Kind: TokenCourier, Subject: "c", Expires: now.Add(-time.Hour)}))
	for _, s := range []string{"", "PUDO1P:", "PUDO1C:AAAAAAAA", "pudo1r:zzzz", "4006381333931"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		tok, err := ParseToken(testKey, in, now)
		if err != nil {
			if !errors.Is(err, app.ErrBadToken) && !errors.Is(err, app.ErrTokenExpired) {
				t.Fatalf("ParseToken(%q): untyped error %v", in, err)
			}
			return
		}
		// Whatever verifies must be what we would have signed.
		if again, err := ParseToken(testKey, SignToken(testKey, tok), now); err != nil || again != tok {
			t.Fatalf("re-signing %+v gave %+v, %v", tok, again, err)
		}
	})
}

func FuzzClassify(f *testing.F) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	badge, _ := cred.Sign(testOperator, cred.Claims{Kind: cred.Staff, Subject: "anna", Lockers: []string{"T1"}, IssuedAt: now, Expires: now.Add(time.Hour)})
	for _, s := range []string{"7YHN-ZT93", "RT-7YHN-ZT93", "4006381333931", "96385074", "https://x", "", badge,
		SignToken(testKey, Token{Kind: TokenReturn, Subject: "3", Expires: now.Add(time.Hour)})} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		p := classify(testKey, cred.Verifier{Keys: []cred.PublicKey{testOperator.Public()}, Locker: "T1"}, in, now)
		switch p.Kind {
		case PayloadPickupCode:
			if c, err := app.NormalizeCode(p.Code); err != nil || c != p.Code {
				t.Fatalf("pickup code %q from %q not canonical", p.Code, in)
			}
		case PayloadReturnCode:
			if c, err := app.NormalizeReturnCode(app.FormatReturnCode(p.Code)); err != nil || c != p.Code {
				t.Fatalf("return code %q from %q does not round-trip", p.Code, in)
			}
		case PayloadForeign:
			if p.Format == "" {
				t.Fatalf("foreign %q without a format", in)
			}
		case PayloadCourierToken, PayloadStaffBadge:
			if p.Err == nil && (p.Cred == nil || !p.Cred.ValidAt("T1")) {
				t.Fatalf("operator token %q accepted without claims for this locker: %+v", in, p.Cred)
			}
		}
	})
}
