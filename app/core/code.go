package core

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"

	"pudo/app"
)

// NewCode returns a fresh random pickup code in canonical form (no dash).
// It never returns an all-digit code, which a scanner could not tell from
// an EAN-8 product barcode (about 1 draw in 11,000 is redrawn).
func NewCode() string {
	for {
		var b [app.CodeLength]byte
		if _, err := rand.Read(b[:]); err != nil {
			panic("core: crypto/rand failed: " + err.Error()) // the OS RNG never fails on Linux
		}
		for i := range b {
			b[i] = app.CodeAlphabet[b[i]&31]
		}
		if !allDigits(string(b[:])) {
			return string(b[:])
		}
	}
}

// codeMAC is what the store kept of a code before codeHash: an HMAC
// under the locker's own secret. A copied database alone reveals nothing,
// but with locker.key beside it every 40-bit code falls to a GPU in
// minutes. Rents booked before codeHash still hold it, until their code is
// checked once and rehashed (codeCreds).
func codeMAC(secret []byte, code string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("pickup:"))
	m.Write([]byte(code))
	return m.Sum(nil)
}

// returnMAC is codeMAC for return codes, under its own label so that a
// pickup code and a return code never share a MAC; like codeMAC, only
// rents booked before codeHash hold it.
func returnMAC(secret []byte, code string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("return:"))
	m.Write([]byte(code))
	return m.Sum(nil)
}

// NewReturnCode returns a fresh random return code in canonical form.
func NewReturnCode() string { return app.ReturnPrefix + NewCode() }

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
