package scanner

import (
	"strings"
	"unicode/utf8"

	"github.com/makiuchi-d/gozxing"
)

// gozxing hands back the bytes a 1D symbol or a Data Matrix encodes, not
// the text they stand for: Code 128's extended characters (FNC4) and Data
// Matrix's upper shift and Base 256 bytes are ISO-8859-1 by their standards,
// but come out as single bytes above 0x7f, which are not UTF-8. Code 39
// comes out as its 43 characters, the full-ASCII pairs unread. symbolText
// gives the text as UTF-8. QR codes need nothing: gozxing decodes their
// byte segments through the ECI's character set (or its guess at one).

// symbolText returns the text of a gozxing result of the given format.
func symbolText(res *gozxing.Result, format string) string {
	text := res.GetText()
	switch format {
	case FormatCode128:
		return latin1(text)
	case FormatDataMatrix:
		// An ECI in the symbol (symbology identifier ]d4 to ]d6): gozxing
		// notes it but does not apply it. UTF-8 (ECI 26) is by far the most
		// used; bytes that are valid UTF-8 and hold a multi-byte sequence
		// are read as such, since Latin-1 text seldom is. Without an ECI the
		// standard's default, Latin-1, holds.
		if dataMatrixECI(res) && utf8.ValidString(text) {
			return text
		}
		return latin1(text)
	case FormatCode39:
		if full, ok := code39FullASCII(text); ok {
			return full
		}
	}
	return text
}

func dataMatrixECI(res *gozxing.Result) bool {
	id, _ := res.GetResultMetadata()[gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER].(string)
	return id == "]d4" || id == "]d5" || id == "]d6"
}

// latin1 reads every byte of s as the ISO-8859-1 character it encodes.
func latin1(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(2 * len(s))
	for i := 0; i < len(s); i++ {
		b.WriteRune(rune(s[i]))
	}
	return b.String()
}

// code39FullASCII decodes Code 39's full-ASCII pairs ($, %, / or + and a
// letter) where the reading is unambiguous: the text holds at least one
// pair, every $ % / + starts a valid pair, and every pair stands for a
// character that plain Code 39 cannot hold (so an encoder had to pair it).
// Otherwise the text is plain Code 39 ("10% OFF", "A/1", "-") and stays.
func code39FullASCII(s string) (string, bool) {
	if !strings.ContainsAny(s, "$%/+") {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !strings.ContainsRune("$%/+", rune(c)) {
			b.WriteByte(c)
			continue
		}
		if i+1 == len(s) {
			return "", false
		}
		d, ok := code39Pair(c, s[i+1])
		if !ok || code39Plain(d) {
			return "", false
		}
		b.WriteByte(d)
		i++
	}
	return b.String(), true
}

// code39Plain reports whether plain Code 39 encodes c by itself. $ % / +
// count as not: in full ASCII they are shifts and must be paired.
func code39Plain(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c == '-' || c == '.' || c == ' '
}

// code39Pair is the full-ASCII table (ISO/IEC 16388, annex): the character
// a shift and the letter after it stand for.
func code39Pair(shift, l byte) (byte, bool) {
	switch {
	case shift == '$' && l >= 'A' && l <= 'Z':
		return l - 'A' + 1, true // SOH to SUB
	case shift == '+' && l >= 'A' && l <= 'Z':
		return l - 'A' + 'a', true
	case shift == '/' && l >= 'A' && l <= 'O':
		return l - 'A' + '!', true // ! to /
	case shift == '/' && l == 'Z':
		return ':', true
	case shift == '%':
		switch {
		case l >= 'A' && l <= 'E':
			return l - 'A' + 0x1b, true // ESC to US
		case l >= 'F' && l <= 'J':
			return l - 'F' + ';', true // ; < = > ?
		case l >= 'K' && l <= 'O':
			return l - 'K' + '[', true // [ \ ] ^ _
		case l >= 'P' && l <= 'T':
			return l - 'P' + '{', true // { | } ~ DEL
		case l == 'U':
			return 0, true
		case l == 'V':
			return '@', true
		case l == 'W':
			return '`', true
		case l >= 'X' && l <= 'Z':
			return 0x7f, true // DEL, as %T
		}
	}
	return 0, false
}
