package core

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"strings"

	"pudo/app"
)

// crockford is Crockford's Base32 alphabet: no I, L, O or U, so a code
// read aloud or off a smudged screen has one spelling.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// CodeLen is the length of a pickup code: 8 symbols, 40 bits.
const CodeLen = 8

// NewCode returns a fresh random pickup code in canonical form (no dash).
// It never returns an all-digit code, which a scanner could not tell from
// an EAN-8 product barcode (about 1 draw in 11,000 is redrawn).
func NewCode() string {
	for {
		var b [CodeLen]byte
		if _, err := rand.Read(b[:]); err != nil {
			panic("core: crypto/rand failed: " + err.Error()) // the OS RNG never fails on Linux
		}
		for i := range b {
			b[i] = crockford[b[i]&31]
		}
		if !allDigits(string(b[:])) {
			return string(b[:])
		}
	}
}

// NormalizeCode turns what a person typed into the canonical code: case is
// ignored, I and L read as 1, O as 0, spaces and dashes are dropped.
func NormalizeCode(in string) (string, error) {
	if len(in) > 64 { // no code is that long; keeps fuzzed and pasted input cheap
		return "", app.ErrCodeFormat
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(in) {
		switch r {
		case ' ', '-', '\t':
			continue
		case 'I', 'L':
			r = '1'
		case 'O':
			r = '0'
		}
		if !strings.ContainsRune(crockford, r) {
			return "", app.ErrCodeFormat
		}
		b.WriteRune(r)
	}
	if b.Len() != CodeLen {
		return "", app.ErrCodeFormat
	}
	return b.String(), nil
}

// FormatCode shows a canonical code as XXXX-XXXX.
func FormatCode(code string) string {
	if len(code) != CodeLen {
		return code
	}
	return code[:4] + "-" + code[4:]
}

// codeMAC is what the store keeps instead of the code: an HMAC under the
// locker's own secret, so a copied database does not reveal codes and
// cannot be brute-forced without the secret.
func codeMAC(secret []byte, code string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("pickup:"))
	m.Write([]byte(code))
	return m.Sum(nil)
}

// returnMAC is codeMAC for return codes, under its own label so that a
// pickup code and a return code never share a MAC.
func returnMAC(secret []byte, code string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("return:"))
	m.Write([]byte(code))
	return m.Sum(nil)
}

// ReturnPrefix starts every return code, so a return code is never taken
// for a pickup code: RT-XXXX-XXXX.
const ReturnPrefix = "RT"

// NewReturnCode returns a fresh random return code in canonical form.
func NewReturnCode() string { return ReturnPrefix + NewCode() }

// NormalizeReturnCode is NormalizeCode for return codes: "rt 7yhn-zt93"
// gives "RT7YHNZT93".
func NormalizeReturnCode(in string) (string, error) {
	s := strings.TrimLeft(in, " \t")
	if len(s) < 2 || !strings.EqualFold(s[:2], ReturnPrefix) {
		return "", app.ErrCodeFormat
	}
	code, err := NormalizeCode(s[2:])
	if err != nil {
		return "", err
	}
	return ReturnPrefix + code, nil
}

// FormatReturnCode shows a canonical return code as RT-XXXX-XXXX.
func FormatReturnCode(code string) string {
	if len(code) != len(ReturnPrefix)+CodeLen || !strings.HasPrefix(code, ReturnPrefix) {
		return code
	}
	return ReturnPrefix + "-" + FormatCode(code[len(ReturnPrefix):])
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
