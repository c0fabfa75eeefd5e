package gs1

import "testing"

func TestFormat(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"4006381333931", "EAN-13"},
		{"4006381333932", ""}, // a wrong check digit
		{"96385074", "EAN-8"},
		{"036000291452", "UPC-A"},
		{"04252614", "UPC-E"},
		{"01234565", "EAN-8"}, // a UPC-E whose digits pass as an EAN-8 too
		{"10012345678902", "GTIN-14"},
		{"1234567", ""},   // too short
		{"12345678A", ""}, // not digits
		{"", ""},
	} {
		if got := Format(c.in); got != c.want {
			t.Errorf("Format(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if !Valid([]byte("4006381333931")) {
		t.Error("Valid over bytes disagrees with Valid over a string")
	}
}

func FuzzFormat(f *testing.F) {
	for _, s := range []string{"4006381333931", "96385074", "01234565", "", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if Format(s) != "" && !digits(s) {
			t.Fatalf("Format(%q) named digits that are not", s)
		}
	})
}
