package cred

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	now = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	// Fixed keys, so the tokens in testdata/fuzz verify on every run.
	testKey = keyFromSeed(1)
	oldKey  = keyFromSeed(2)
)

func keyFromSeed(b byte) PrivateKey {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{b}, ed25519.SeedSize))
	return PrivateKey{key: priv, pub: newPublicKey(priv.Public().(ed25519.PublicKey))}
}

func sign(t testing.TB, k PrivateKey, c Claims) string {
	t.Helper()
	if c.IssuedAt.IsZero() {
		c.IssuedAt = now.Add(-time.Minute)
	}
	if c.Expires.IsZero() {
		c.Expires = now.Add(12 * time.Hour)
	}
	text, err := Sign(k, c)
	if err != nil {
		t.Fatalf("Sign(%+v): %v", c, err)
	}
	return text
}

// qrAlphanumeric is the QR code's dense alphanumeric mode.
const qrAlphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

func TestTokenRoundTrip(t *testing.T) {
	v := Verifier{Keys: []PublicKey{oldKey.Public(), testKey.Public()}, Locker: "WAW-1"}
	for _, c := range []Claims{
		{Kind: Courier, Subject: "anna.k", Carrier: "DHL", Lockers: []string{"WAW-1", "WAW-2"}},
		{Kind: Courier, Subject: "x", Carrier: "UPS", Lockers: []string{AllLockers}},
		{Kind: Staff, Subject: "piotr", Lockers: []string{"WAW-1"}},
		{Kind: Pickup, Subject: "4711", Lockers: []string{"WAW-1"}},
	} {
		text := sign(t, testKey, c)
		if strings.Trim(text, qrAlphanumeric) != "" {
			t.Fatalf("%q does not fit the QR alphanumeric mode", text)
		}
		for _, in := range []string{text, strings.ToLower(text), " " + text + "\r\n"} {
			got, err := v.Verify(in, now)
			if err != nil {
				t.Fatalf("Verify(%q) = %v", in, err)
			}
			if got.Kind != c.Kind || got.Subject != c.Subject || got.Carrier != c.Carrier || !slices.Equal(got.Lockers, c.Lockers) ||
				got.KeyID != testKey.Public().ID() || len(got.ID) != 16 || !got.Expires.Equal(now.Add(12*time.Hour)) {
				t.Fatalf("Verify gave %+v for %+v", got, c)
			}
		}
		t.Logf("%s token: %d characters", c.Kind, len(text))
	}
}

func TestVerifyRefuses(t *testing.T) {
	v := Verifier{Keys: []PublicKey{testKey.Public()}, Locker: "WAW-1"}
	good := sign(t, testKey, Claims{Kind: Courier, Subject: "anna", Carrier: "DHL", Lockers: []string{"WAW-1"}})
	flip := func(s string, i int) string {
		b := []byte(s)
		b[i] = map[bool]byte{true: 'B', false: 'A'}[b[i] == 'A']
		return string(b)
	}
	tests := []struct {
		name string
		text string
		want error
	}{
		{"another operator's key", sign(t, oldKey, Claims{Kind: Courier, Subject: "anna", Carrier: "DHL", Lockers: []string{"WAW-1"}}), ErrUnknownKey},
		{"a body bit changed", flip(good, 20), ErrBadToken},
		{"the signature changed", flip(good, len(good)-3), ErrBadToken},
		{"kind swapped", good[:5] + "S" + good[6:], ErrBadToken},
		{"expired", sign(t, testKey, Claims{Kind: Staff, Subject: "p", Lockers: []string{"WAW-1"}, IssuedAt: now.Add(-2 * time.Hour), Expires: now}), ErrExpired},
		{"another locker", sign(t, testKey, Claims{Kind: Staff, Subject: "p", Lockers: []string{"WAW-2"}}), ErrNotHere},
		{"truncated", good[:len(good)-10], ErrBadToken},
		{"garbage after", good + "AAAA", ErrBadToken},
		{"the locker's own HMAC token", "PUDO1C:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", ErrBadToken},
		{"empty", "", ErrBadToken},
		{"a pickup code", "7YHN-ZT93", ErrBadToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := v.Verify(tt.text, now); !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := (Verifier{Keys: v.Keys}).Verify(good, now); !errors.Is(err, ErrNotHere) {
		t.Fatalf("a verifier with no locker id accepted a scoped token: %v", err)
	}
}

func TestSignRefusesClaimsNoTokenCarries(t *testing.T) {
	for _, c := range []Claims{
		{Kind: Courier, Subject: "anna", Lockers: []string{"A"}},                          // no carrier
		{Kind: Staff, Subject: "p", Carrier: "DHL", Lockers: []string{"A"}},               // carrier on a badge
		{Kind: Staff, Subject: "p"},                                                       // no locker
		{Kind: Staff, Subject: "p", Lockers: []string{"A", "A"}},                          // twice
		{Kind: Staff, Subject: "p", Lockers: []string{"*", "A"}},                          // * not alone
		{Kind: Pickup, Subject: "12", Lockers: []string{"*"}},                             // app token everywhere
		{Kind: Pickup, Subject: "12", Lockers: []string{"A", "B"}},                        // two lockers
		{Kind: Pickup, Subject: "abc", Lockers: []string{"A"}},                            // not a rent id
		{Kind: Staff, Subject: "has space", Lockers: []string{"A"}},                       // not visible ASCII
		{Kind: Staff, Subject: strings.Repeat("x", maxSubject+1), Lockers: []string{"A"}}, // too long
		{Kind: 'Z', Subject: "p", Lockers: []string{"A"}},
		{Kind: Staff, Subject: "p", Lockers: []string{"A"}, Expires: now.Add(-time.Hour)}, // expires before issued
	} {
		if c.Expires.IsZero() {
			c.Expires = now.Add(time.Hour)
		}
		c.IssuedAt = now
		if text, err := Sign(testKey, c); !errors.Is(err, ErrClaims) {
			t.Errorf("Sign(%+v) = %q, %v; want ErrClaims", c, text, err)
		}
	}
}

func TestPublicKeyText(t *testing.T) {
	k := testKey.Public()
	got, err := ParsePublicKey(" " + k.String() + "\n")
	if err != nil || got.String() != k.String() || got.ID() != k.ID() {
		t.Fatalf("ParsePublicKey(%q) = %v, %v", k.String(), got, err)
	}
	for _, s := range []string{"", "ed25519:", "ed25519:AAAA", "rsa:" + k.String()[8:], k.String()[8:]} {
		if _, err := ParsePublicKey(s); !errors.Is(err, ErrBadKey) {
			t.Errorf("ParsePublicKey(%q) = %v, want ErrBadKey", s, err)
		}
	}
}

func TestRevocations(t *testing.T) {
	c := Claims{Kind: Courier, ID: "00112233aabbccdd", Subject: "anna", Carrier: "DHL", Lockers: []string{"A"},
		IssuedAt: now, Expires: now.Add(time.Hour), KeyID: testKey.Public().ID()}
	for _, tt := range []struct {
		name string
		r    Revocations
		want bool
	}{
		{"empty", Revocations{Version: 1}, false},
		{"the token", Revocations{Version: 1, Tokens: []string{"00112233AABBCCDD"}}, true},
		{"another token", Revocations{Version: 1, Tokens: []string{"00112233aabbccde"}}, false},
		{"the courier", Revocations{Version: 1, Subjects: []SubjectRevocation{{Kind: "courier", ID: "anna"}}}, true},
		{"the courier, issued before", Revocations{Version: 1, Subjects: []SubjectRevocation{{Kind: "courier", ID: "anna", IssuedBefore: now.Add(time.Second)}}}, true},
		{"the courier, reissued since", Revocations{Version: 1, Subjects: []SubjectRevocation{{Kind: "courier", ID: "anna", IssuedBefore: now}}}, false},
		{"a staff member of the same name", Revocations{Version: 1, Subjects: []SubjectRevocation{{Kind: "staff", ID: "anna"}}}, false},
		{"the carrier", Revocations{Version: 1, Subjects: []SubjectRevocation{{Kind: "carrier", ID: "DHL"}}}, true},
		{"the key", Revocations{Version: 1, Keys: []string{testKey.Public().ID()}}, true},
	} {
		if err := tt.r.Check(); err != nil {
			t.Fatalf("%s: Check = %v", tt.name, err)
		}
		if got, why := tt.r.Revoked(c); got != tt.want {
			t.Errorf("%s: Revoked = %v (%s), want %v", tt.name, got, why, tt.want)
		}
	}
	for _, r := range []Revocations{
		{}, {Version: 1, Tokens: []string{"xyz"}}, {Version: 1, Keys: []string{"0011"}},
		{Version: 1, Subjects: []SubjectRevocation{{Kind: "shop", ID: "x"}}}, {Version: 1, Subjects: []SubjectRevocation{{Kind: "staff"}}},
		{Version: 1, Tokens: make([]string, MaxRevocations+1)},
	} {
		if err := r.Check(); !errors.Is(err, ErrBadRevocations) {
			t.Errorf("Check(%+v) = %v, want ErrBadRevocations", r, err)
		}
	}
}

// FuzzVerify: whatever the text, Verify never panics, answers with one of
// its errors, and accepts only what the key signed: a token that verifies
// re-signs to claims that verify the same.
func FuzzVerify(f *testing.F) {
	v := Verifier{Keys: []PublicKey{testKey.Public()}, Locker: "WAW-1"}
	for _, c := range []Claims{
		{Kind: Courier, Subject: "anna", Carrier: "DHL", Lockers: []string{"WAW-1"}},
		{Kind: Staff, Subject: "p", Lockers: []string{AllLockers}},
		{Kind: Pickup, Subject: "7", Lockers: []string{"WAW-1"}},
	} {
		f.Add(sign(f, testKey, c))
	}
	f.Fuzz(func(t *testing.T, in string) {
		c, err := v.Verify(in, now)
		if err != nil {
			if !errors.Is(err, ErrBadToken) && !errors.Is(err, ErrExpired) && !errors.Is(err, ErrNotHere) {
				t.Fatalf("Verify(%q): untyped error %v", in, err)
			}
			return
		}
		again, err := v.Verify(sign(t, testKey, c), now)
		if err != nil || again.ID != c.ID || again.Subject != c.Subject || !slices.Equal(again.Lockers, c.Lockers) {
			t.Fatalf("re-signing %+v gave %+v, %v", c, again, err)
		}
	})
}

// FuzzParse drives the decoder alone, past the signature check, so the
// fuzzer reaches every field: whatever parses must be claims Sign accepts.
func FuzzParse(f *testing.F) {
	f.Add(sign(f, testKey, Claims{Kind: Courier, Subject: "anna", Carrier: "DHL", Lockers: []string{"A", "B"}}))
	f.Add("PUDO2S:AAAA")
	f.Fuzz(func(t *testing.T, in string) {
		c, _, sig, err := parse(in)
		if err != nil {
			if !errors.Is(err, ErrBadToken) {
				t.Fatalf("parse(%q): %v", in, err)
			}
			return
		}
		if len(sig) != ed25519.SignatureSize || c.check() != nil {
			t.Fatalf("parse(%q) gave %+v", in, c)
		}
	})
}

// BenchmarkVerify is a courier token's whole check beside the bare
// Ed25519 verification it contains, in the same run.
func BenchmarkVerify(b *testing.B) {
	text := sign(b, testKey, Claims{Kind: Courier, Subject: "anna.k", Carrier: "DHL", Lockers: []string{"WAW-1", "WAW-2"}})
	v := Verifier{Keys: []PublicKey{oldKey.Public(), testKey.Public()}, Locker: "WAW-2"}
	_, msg, sig, err := parse(text)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("token", func(b *testing.B) {
		for b.Loop() {
			if _, err := v.Verify(text, now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bare-ed25519", func(b *testing.B) {
		for b.Loop() {
			if !ed25519.Verify(testKey.Public().key, msg, sig) {
				b.Fatal("bad signature")
			}
		}
	})
}
