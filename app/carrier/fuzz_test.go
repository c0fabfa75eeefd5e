package carrier

import (
	"encoding/base64"
	"errors"
	"testing"
)

// FuzzParse feeds the sealed-field parser of `pudo carrier open` what a
// stranger could put on its standard input: it never panics, takes no
// box larger than a locker seals, and whatever it takes opens to nothing
// but ErrNotOpened under a key nobody sealed for.
func FuzzParse(f *testing.F) {
	k := GenerateKey()
	sealed, err := Seal(k.Public(), testCode)
	if err != nil {
		f.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString(sealed)
	f.Add([]byte(b64))
	f.Add([]byte(`"` + b64 + `"`))
	f.Add([]byte(`{"seq":9,"kind":"rent.stored","rent_id":17,"kiosk":"WAW-0042","carrier":"ACME","code_sealed":true,"sealed_code":"` + b64 + `"}`))
	f.Add([]byte(`{"locker":"WAW-0042","rent_id":17,"code_sealed":false,"carrier":"ACME"}` + "\n" + `{"seq":2}`))
	f.Add([]byte(`{"events":[{"rent_id":17,"sealed_code":"` + b64 + `"}],"next":"9"}`))
	f.Add([]byte(`{"events":[{"events":[]}]}`))
	f.Add([]byte(`{"rent_id":1,"code_sealed":true}`))
	stranger := GenerateKey()
	f.Fuzz(func(t *testing.T, in []byte) {
		found, err := Parse(in)
		if err != nil {
			if !errors.Is(err, ErrInput) {
				t.Fatalf("Parse error %v is not ErrInput", err)
			}
			return
		}
		for _, x := range found {
			if x.Sealed != (x.Box != nil) || len(x.Box) > MaxSealed || (x.Box != nil && len(x.Box) <= boxOverhead) {
				t.Fatalf("Parse took %+v", x)
			}
			if x.Box == nil {
				continue
			}
			if _, err := stranger.Open(x.Box); !errors.Is(err, ErrNotOpened) {
				t.Fatalf("a box opened under a stranger's key: %v", err)
			}
		}
	})
}

// FuzzPlain feeds the reader of an opened box's plaintext: anyone holding
// the carrier's public key can seal anything. What it accepts is a code a
// locker could have made, and seals again to the same.
func FuzzPlain(f *testing.F) {
	f.Add([]byte(`{"v":1,"locker":"WAW-0042","rent_id":17,"code":"MHA6-VG1X"}`))
	f.Add([]byte(`{"v":1,"locker":"WAW-0042","rent_id":17,"code":"MHA6-VG1X","x":1}`))
	f.Add([]byte(`{"v":2}`))
	f.Add([]byte(`null`))
	k := GenerateKey()
	f.Fuzz(func(t *testing.T, msg []byte) {
		c, err := parsePlain(msg)
		if err != nil {
			if !errors.Is(err, ErrBadCode) {
				t.Fatalf("parsePlain error %v is not ErrBadCode", err)
			}
			return
		}
		if c.check() != nil {
			t.Fatalf("parsePlain took %+v", c)
		}
		sealed, err := Seal(k.Public(), c)
		if err != nil {
			t.Fatalf("Seal(%+v): %v", c, err)
		}
		if back, err := k.Open(sealed); err != nil || back != c {
			t.Fatalf("round trip of %+v: %+v, %v", c, back, err)
		}
	})
}
