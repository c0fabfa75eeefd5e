package carrier

import (
	"errors"
	"testing"

	"golang.org/x/crypto/nacl/box"
)

var testCode = Code{Locker: "WAW-0042", RentID: 17, Code: "MHA6-VG1X"}

func TestSealOpens(t *testing.T) {
	k, other := GenerateKey(), GenerateKey()
	sealed, err := Seal(k.Public(), testCode)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := k.Open(sealed); err != nil || got != testCode {
		t.Fatalf("Open = %+v, %v; want %+v", got, err, testCode)
	}
	if _, err := other.Open(sealed); !errors.Is(err, ErrNotOpened) {
		t.Fatalf("another carrier's key: %v, want ErrNotOpened", err)
	}
	again, _ := Seal(k.Public(), testCode)
	if string(again) == string(sealed) {
		t.Fatal("two seals of one code are alike: the box must be fresh each time")
	}
	for i := range sealed {
		bent := append([]byte{}, sealed...)
		bent[i] ^= 0x01
		if _, err := k.Open(bent); !errors.Is(err, ErrNotOpened) {
			t.Fatalf("byte %d flipped: %v, want ErrNotOpened", i, err)
		}
	}
	if _, err := k.Open(sealed[:len(sealed)-1]); !errors.Is(err, ErrNotOpened) {
		t.Fatalf("cut short: %v", err)
	}
	if _, err := (PrivateKey{}).Open(sealed); !errors.Is(err, ErrBadKey) {
		t.Fatalf("no key: %v", err)
	}
}

func TestSealRefuses(t *testing.T) {
	k := GenerateKey().Public()
	for _, tt := range []struct {
		name string
		to   PublicKey
		c    Code
		want error
	}{
		{"no key", PublicKey{}, testCode, ErrBadKey},
		{"no locker", k, Code{RentID: 1, Code: "MHA6-VG1X"}, ErrBadCode},
		{"no rent", k, Code{Locker: "L", Code: "MHA6-VG1X"}, ErrBadCode},
		{"no code", k, Code{Locker: "L", RentID: 1}, ErrBadCode},
		{"lower case", k, Code{Locker: "L", RentID: 1, Code: "mha6-vg1x"}, ErrBadCode},
	} {
		if _, err := Seal(tt.to, tt.c); !errors.Is(err, tt.want) {
			t.Errorf("%s: Seal = %v, want %v", tt.name, err, tt.want)
		}
	}
}

// What a box holds is read strictly: anyone with the public key can seal,
// so an opened box is not yet a locker's code.
func TestOpenReadsThePlaintextStrictly(t *testing.T) {
	k := GenerateKey()
	pub := [32]byte(k.Public().key)
	for _, tt := range []struct{ name, plain string }{
		{"good", `{"v":1,"locker":"WAW-0042","rent_id":17,"code":"MHA6-VG1X"}`},
		{"other version", `{"v":2,"locker":"WAW-0042","rent_id":17,"code":"MHA6-VG1X"}`},
		{"unknown field", `{"v":1,"locker":"WAW-0042","rent_id":17,"code":"MHA6-VG1X","door":3}`},
		{"two objects", `{"v":1,"locker":"WAW-0042","rent_id":17,"code":"MHA6-VG1X"}{}`},
		{"not json", `MHA6-VG1X`},
		{"code with a space", `{"v":1,"locker":"WAW-0042","rent_id":17,"code":"MHA6 VG1X"}`},
		{"locker with a newline", `{"v":1,"locker":"WAW\n0042","rent_id":17,"code":"MHA6-VG1X"}`},
		{"negative rent", `{"v":1,"locker":"WAW-0042","rent_id":-1,"code":"MHA6-VG1X"}`},
	} {
		sealed, err := box.SealAnonymous(nil, []byte(tt.plain), &pub, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := k.Open(sealed)
		if tt.name == "good" {
			if err != nil || got != testCode {
				t.Errorf("good: %+v, %v", got, err)
			}
			continue
		}
		if !errors.Is(err, ErrBadCode) {
			t.Errorf("%s: Open = %+v, %v; want ErrBadCode", tt.name, got, err)
		}
	}
}
