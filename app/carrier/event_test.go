package carrier

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// fakeBox stands for a sealed box: Parse only carries it.
var fakeBox = bytes.Repeat([]byte{0x5a}, boxOverhead+40)

func TestParse(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString(fakeBox)
	apiEvent := `{"seq":9,"at":"2026-01-01T10:00:00Z","kind":"rent.stored","actor":"courier:c1","rent_id":4,"door_id":2,` +
		`"kiosk":"T1","carrier":"ACME","code_sealed":true,"sealed_code":"` + b64 + `"}`
	fleetEvent := `{"fleet":"f","locker":"L-1","seq":12,"boot":1,"at":"2026-01-01T10:00:00Z","clock_synced":true,` +
		`"kind":"rent.stored","actor":"courier:c1","rent_id":5,"carrier":"ACME","code_sealed":true,"sealed_code":"` + b64 + `"}`
	unsealed := `{"seq":10,"kind":"rent.stored","rent_id":6,"kiosk":"T1","carrier":"NOKEY","code_sealed":false}`
	other := `{"seq":11,"kind":"rent.collected","rent_id":4,"kiosk":"T1"}`
	sealedAPI := Found{Locker: "T1", RentID: 4, Seq: 9, Carrier: "ACME", Sealed: true, Box: fakeBox}
	sealedFleet := Found{Locker: "L-1", RentID: 5, Seq: 12, Carrier: "ACME", Sealed: true, Box: fakeBox}
	none := Found{Locker: "T1", RentID: 6, Seq: 10, Carrier: "NOKEY"}
	bare := Found{Sealed: true, Box: fakeBox}
	for _, tt := range []struct {
		name, in string
		want     []Found
	}{
		{"an API event", apiEvent, []Found{sealedAPI}},
		{"a fleet event", fleetEvent, []Found{sealedFleet}},
		{"a carrier without a key", unsealed, []Found{none}},
		{"watch --json lines", other + "\n" + fleetEvent + "\n" + unsealed + "\n", []Found{sealedFleet, none}},
		{"a page of the feed", `{"events":[` + other + `,` + apiEvent + `,` + unsealed + `],"next":"11"}`, []Found{sealedAPI, none}},
		{"an empty page", `{"events":[],"next":"0"}`, nil},
		{"no delivery", other, nil},
		{"the bare field", b64, []Found{bare}},
		{"the field quoted", `"` + b64 + `"` + "\n", []Found{bare}},
		{"sealed_code without code_sealed", `{"rent_id":4,"kiosk":"T1","sealed_code":"` + b64 + `"}`,
			[]Found{{Locker: "T1", RentID: 4, Sealed: true, Box: fakeBox}}},
	} {
		got, err := Parse([]byte(tt.in))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !sameFound(got, tt.want) {
			t.Errorf("%s: Parse = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString(fakeBox)
	for _, tt := range []struct{ name, in string }{
		{"empty", " \n"},
		{"says sealed, holds nothing", `{"rent_id":4,"code_sealed":true}`},
		{"holds a box, says not sealed", `{"rent_id":4,"code_sealed":false,"sealed_code":"` + b64 + `"}`},
		{"base64url", strings.NewReplacer("+", "-", "/", "_").Replace(base64.StdEncoding.EncodeToString(append(fakeBox, 0xfb, 0xff)))},
		{"unpadded", base64.RawStdEncoding.EncodeToString(fakeBox)},
		{"too short for a box", base64.StdEncoding.EncodeToString(fakeBox[:boxOverhead])},
		{"too long", base64.StdEncoding.EncodeToString(make([]byte, MaxSealed+1))},
		{"a number for a box", `{"rent_id":4,"sealed_code":5}`},
		{"broken JSON", `{"rent_id":4,"sealed_code":"` + b64},
		{"broken second line", `{"rent_id":1}` + "\n{"},
		{"a page in a page", `{"events":[{"events":[]}]}`},
		{"events not a list", `{"events":{"seq":1}}`},
		{"a list", `[` + b64 + `]`},
		{"a code in clear", `MHA6-VG1X`},
	} {
		if got, err := Parse([]byte(tt.in)); !errors.Is(err, ErrInput) {
			t.Errorf("%s: Parse = %+v, %v; want ErrInput", tt.name, got, err)
		}
	}
	if _, err := Parse(make([]byte, MaxInput+1)); !errors.Is(err, ErrInput) {
		t.Errorf("too much input: %v", err)
	}
}

func sameFound(a, b []Found) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Locker != y.Locker || x.RentID != y.RentID || x.Seq != y.Seq || x.Carrier != y.Carrier ||
			x.Sealed != y.Sealed || !bytes.Equal(x.Box, y.Box) {
			return false
		}
	}
	return true
}
