// Package gs1 holds the rules of GS1's product numbers (EAN-8, UPC-E,
// UPC-A, EAN-13, GTIN-14): their check digit and which number a string of
// digits can be. It is the one copy of them: the scanner checks the
// digits it decoded from bars, and the engine tells a product's number
// typed or scanned as text from a pickup code. It imports nothing, so the
// engine takes it without the scanner's decoders.
package gs1

// Valid reports whether the last of the digits d is their GS1 mod-10
// check digit: weights 3 and 1 from the right, the check digit excluded.
// d must hold ASCII digits only, at least two.
func Valid[S ~string | ~[]byte](d S) bool {
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

// UPCEValid reports whether the eight digits d are a UPC-E number (number
// system 0 or 1, six digits, the check digit): its check digit is that of
// the UPC-A it stands for, so the EAN-8 rule fails on most of them.
func UPCEValid(d string) bool {
	if len(d) != 8 || (d[0] != '0' && d[0] != '1') {
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
	return Valid(d[0:1] + body + d[7:8])
}

// Format names the product number the digits d are ("EAN-8", "UPC-E",
// "UPC-A", "EAN-13", "GTIN-14"), "" when they are none.
func Format(d string) string {
	if len(d) < 8 || !digits(d) {
		return ""
	}
	if len(d) == 8 && UPCEValid(d) && !Valid(d) {
		return "UPC-E"
	}
	if !Valid(d) {
		return ""
	}
	switch len(d) {
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

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
