package fleet

import (
	"strings"
	"testing"
	"time"
)

// A command off the network is decoded and checked without panicking,
// whatever it holds, and a decoded one re-checks the same way.
func FuzzDecodeCommand(f *testing.F) {
	for _, s := range []string{
		`{"command_id":"a","issued_at":"2025-01-01T00:00:00Z","expires_at":"2025-01-02T00:00:00Z","booking_id":"B","version":1,"size":"S","parcel_ref":"P"}`,
		`{"command_id":"a","issued_at":"2025-01-01T00:00:00Z","expires_at":"2025-01-02T00:00:00Z","value":""}`,
		`{"out_of_service":true,"door_id":-1}`, `[]`, `{}{}`, `{"nope":1}`, "", `{"until":"x"}`,
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, b []byte) {
		var c Command
		if err := decodeCommand(b, &c); err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error spans lines: %q", err)
			}
			return
		}
		if checkHeader(c) != nil {
			return
		}
		for _, name := range commandNames {
			checkFields(name, c, now)
		}
	})
}
