package fleetsign

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"pudo/app/cred"
)

var (
	operator = cred.GenerateKey()
	issued   = time.Date(2026, 3, 1, 10, 0, 0, 123456789, time.UTC)
	header   = Header{Fleet: "acme", Locker: "WAW-1", Name: "config", CommandID: "c-1", IssuedAt: issued, ExpiresAt: issued.Add(time.Hour)}
	body     = []byte(`{"command_id":"c-1","issued_at":"2026-03-01T10:00:00.123456789Z","expires_at":"2026-03-01T11:00:00.123456789Z","key":"remote_open","value":"on"}`)
)

// A signature holds for exactly the command it was made for: every header
// field and every byte of the body's meaning are bound, and no other key
// or domain makes one.
func TestSignatureBindsEverything(t *testing.T) {
	sig, err := Sign(operator, header, body)
	if err != nil {
		t.Fatal(err)
	}
	trusted := []cred.PublicKey{cred.GenerateKey().Public(), operator.Public()}
	tests := []struct {
		name string
		h    func(*Header)
		body string
		sig  string
		keys []cred.PublicKey
		err  error
	}{
		{name: "as signed"},
		{name: "members in another order, spaces, the signature inside", body: ` { "value" : "on", "key":"remote_open", ` +
			`"expires_at":"2026-03-01T11:00:00.123456789Z","issued_at":"2026-03-01T10:00:00.123456789Z","command_id":"c-1","signature":"x"}`},
		{name: "another locker", h: func(h *Header) { h.Locker = "WAW-2" }, err: ErrBadSignature},
		{name: "every locker", h: func(h *Header) { h.Locker = AllLockers }, err: ErrBadSignature},
		{name: "another fleet", h: func(h *Header) { h.Fleet = "other" }, err: ErrBadSignature},
		{name: "another command", h: func(h *Header) { h.Name = "service" }, err: ErrBadSignature},
		{name: "another id", h: func(h *Header) { h.CommandID = "c-2" }, err: ErrBadSignature},
		{name: "later expiry", h: func(h *Header) { h.ExpiresAt = h.ExpiresAt.Add(time.Second) }, err: ErrBadSignature},
		{name: "issued earlier", h: func(h *Header) { h.IssuedAt = h.IssuedAt.Add(-time.Nanosecond) }, err: ErrBadSignature},
		{name: "same instant, another zone", h: func(h *Header) { h.ExpiresAt = h.ExpiresAt.In(time.FixedZone("x", 3600)) }},
		{name: "a value changed", body: strings.Replace(string(body), `"on"`, `"off"`, 1), err: ErrBadSignature},
		{name: "a member added", body: strings.Replace(string(body), `}`, `,"reason":"x"}`, 1), err: ErrBadSignature},
		{name: "a member twice", body: strings.Replace(string(body), `}`, `,"value":"off"}`, 1), err: ErrBadSignature},
		{name: "not an object", body: `[1]`, err: ErrBody},
		{name: "two objects", body: string(body) + `{}`, err: ErrBody},
		{name: "no signature", sig: "-", err: ErrUnsigned},
		{name: "not base64", sig: "!!", err: ErrBadSignature},
		{name: "a key not trusted", keys: []cred.PublicKey{cred.GenerateKey().Public()}, err: ErrBadSignature},
		{name: "no keys at all", keys: []cred.PublicKey{}, err: ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, b, s, keys := header, body, sig, trusted
			if tt.h != nil {
				tt.h(&h)
			}
			if tt.body != "" {
				b = []byte(tt.body)
			}
			switch tt.sig {
			case "-":
				s = ""
			case "":
			default:
				s = tt.sig
			}
			if tt.keys != nil {
				keys = tt.keys
			}
			k, err := Verify(keys, h, b, s)
			if !errors.Is(err, tt.err) {
				t.Fatalf("Verify = %v, want %v", err, tt.err)
			}
			if err == nil && k.ID() != operator.Public().ID() {
				t.Fatalf("signed by %s, want %s", k.ID(), operator.Public().ID())
			}
		})
	}
}

// The same key's signature for one command is none for another, nor is
// a token's or another message's signature.
func TestDomainPerCommand(t *testing.T) {
	msg := Message(header, mustCanonical(t, body))
	other := operator.SignMessage(Purpose("service"), msg)
	h := header
	if _, err := Verify([]cred.PublicKey{operator.Public()}, h, body, encode(other)); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("a signature made for service passed for config: %v", err)
	}
	plain := operator.SignMessage("fleet-command", msg)
	if _, err := Verify([]cred.PublicKey{operator.Public()}, h, body, encode(plain)); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("a signature of the old purpose passed: %v", err)
	}
}

// The length prefixes keep fields apart: moving a byte from one field to
// the next changes the message.
func TestMessageFieldsDoNotRunTogether(t *testing.T) {
	a, b := header, header
	a.Fleet, a.Locker = "acme", "WAW-1"
	b.Fleet, b.Locker = "acmeW", "AW-1"
	if bytes.Equal(Message(a, nil), Message(b, nil)) {
		t.Fatal("two headers made the same message")
	}
}

func TestCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"b":1,"a":{"d":[3,{"y":1,"x":2}],"c":"<&>"}}`, `{"a":{"c":"<&>","d":[3,{"x":2,"y":1}]},"b":1}`},
		{`{"signature":"s","n":1.50}`, `{"n":1.50}`},
		{`{"inner":{"signature":"kept"}}`, `{"inner":{"signature":"kept"}}`},
		{`{}`, `{}`},
	}
	for _, tt := range tests {
		got, err := Canonical([]byte(tt.in))
		if err != nil || string(got) != tt.want {
			t.Errorf("Canonical(%s) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{``, `null`, `[]`, `"x"`, `{"a":1}x`, `{"a":}`} {
		if _, err := Canonical([]byte(bad)); !errors.Is(err, ErrBody) {
			t.Errorf("Canonical(%q) = %v, want ErrBody", bad, err)
		}
	}
}

// Whatever comes off the network, Canonical does not panic, and what it
// makes is JSON it leaves as it is.
func FuzzCanonical(f *testing.F) {
	f.Add(body)
	for _, s := range []string{`{"a":[1,2,{"b":null}],"signature":"x"}`, `{"\u2028":"\ud800"}`, `{"n":1e400}`, `[]`, `{`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Canonical(b)
		if err != nil {
			return
		}
		if !json.Valid(c) {
			t.Fatalf("Canonical made invalid JSON %q", c)
		}
		again, err := Canonical(c)
		if err != nil || !bytes.Equal(again, c) {
			t.Fatalf("Canonical is not stable: %q then %q (%v)", c, again, err)
		}
	})
}

func mustCanonical(t *testing.T, b []byte) []byte {
	t.Helper()
	c, err := Canonical(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func encode(sig []byte) string {
	s, _ := json.Marshal(sig) // []byte marshals as standard base64
	return strings.Trim(string(s), `"`)
}
