package app

import "strings"

// The shape of a pickup code, the one source of it: the engine makes and
// checks codes, the keypads type them, audio mode spells them, and the
// fake engine refuses what the engine refuses.

// CodeLength is the characters of a pickup code (and of a return code
// after its prefix): 8 symbols, 40 bits.
const CodeLength = 8

// CodeAlphabet is Crockford's Base32, the alphabet of codes: no I, L, O
// or U, so a code read aloud or off a smudged screen has one spelling.
const CodeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// ReturnPrefix starts every return code, so a return code is never taken
// for a pickup code: RT-XXXX-XXXX.
const ReturnPrefix = "RT"

// NormalizeCode turns what a person typed into the canonical code: case is
// ignored, I and L read as 1, O as 0, spaces and dashes are dropped.
// ErrCodeFormat for anything that cannot be a code.
func NormalizeCode(in string) (string, error) {
	if len(in) > 64 { // no code is that long; keeps fuzzed and pasted input cheap
		return "", ErrCodeFormat
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
		if !strings.ContainsRune(CodeAlphabet, r) {
			return "", ErrCodeFormat
		}
		b.WriteRune(r)
	}
	if b.Len() != CodeLength {
		return "", ErrCodeFormat
	}
	return b.String(), nil
}

// FormatCode shows a canonical code as XXXX-XXXX.
func FormatCode(code string) string {
	if len(code) != CodeLength {
		return code
	}
	return code[:4] + "-" + code[4:]
}

// NormalizeReturnCode is NormalizeCode for return codes: "rt 7yhn-zt93"
// gives "RT7YHNZT93".
func NormalizeReturnCode(in string) (string, error) {
	s := strings.TrimLeft(in, " \t")
	if len(s) < 2 || !strings.EqualFold(s[:2], ReturnPrefix) {
		return "", ErrCodeFormat
	}
	code, err := NormalizeCode(s[2:])
	if err != nil {
		return "", err
	}
	return ReturnPrefix + code, nil
}

// FormatReturnCode shows a canonical return code as RT-XXXX-XXXX.
func FormatReturnCode(code string) string {
	if len(code) != len(ReturnPrefix)+CodeLength || !strings.HasPrefix(code, ReturnPrefix) {
		return code
	}
	return ReturnPrefix + "-" + FormatCode(code[len(ReturnPrefix):])
}
