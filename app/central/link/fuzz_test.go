package link

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeEvent feeds the ingest what any locker may publish on its evt
// topic: it never panics, never takes the locker from the body, and a
// body naming another locker, or none, is always refused.
func FuzzDecodeEvent(f *testing.F) {
	f.Add([]byte(`{"fleet":"test","locker":"A","seq":1,"boot":1,"at":"2026-01-01T00:00:00Z","clock_synced":true,"kind":"door.opened","actor":"system"}`))
	f.Add([]byte(`{"locker":"B","seq":6000,"kind":"rent.stored","at":"2026-01-01T00:00:00Z","sealed_code":"x"}`))
	f.Add([]byte(`{"seq":-1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := decodeEvent(msg{locker: "A", rest: "evt", payload: body})
		if err != nil {
			return
		}
		if e.Locker != "A" || e.Seq < 1 || e.Kind == "" {
			t.Fatalf("decoded %+v from %q", e, body)
		}
		// What central keeps is the body itself: whoever reads it later
		// reads the locker it names, which must be the topic's.
		var named struct{ Locker string }
		if json.Unmarshal(body, &named) != nil || named.Locker != "A" {
			t.Fatalf("kept %q, whose body names locker %q", body, named.Locker)
		}
	})
}
