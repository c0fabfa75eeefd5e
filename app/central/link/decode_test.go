package link

import (
	"testing"
)

// TestEventBodyMustNameItsTopicsLocker: the locker is the topic's, and an
// event whose body names another locker, or none, is refused as one naming
// another. Central keeps the body as it came: one without a locker, carrying
// a code sealed for another locker's carrier, came out of `pudo carrier
// open` as that other locker's code.
func TestEventBodyMustNameItsTopicsLocker(t *testing.T) {
	const tail = `"seq":6000,"at":"2026-01-01T00:00:00Z","kind":"rent.stored","rent_id":4,"sealed_code":"x"}`
	for _, c := range []struct {
		name, body string
		refused    bool
	}{
		{"its own", `{"locker":"A",` + tail, false},
		{"another", `{"locker":"B",` + tail, true},
		{"empty", `{"locker":"",` + tail, true},
		{"absent", `{` + tail, true},
		{"null", `{"locker":null,` + tail, true},
		{"another in a second key of other case", `{"locker":"A","LOCKER":"B",` + tail, true},
		{"another in upper case alone", `{"LOCKER":"B",` + tail, true},
		{"its own in other case", `{"Locker":"a",` + tail, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, err := decodeEvent(msg{locker: "A", rest: "evt", payload: []byte(c.body)})
			switch {
			case c.refused && err != errOtherLocker:
				t.Fatalf("%s: decoded %+v, %v; want refused as naming another locker", c.body, e, err)
			case !c.refused && (err != nil || e.Locker != "A"):
				t.Fatalf("%s: %+v, %v; want locker A", c.body, e, err)
			}
		})
	}
}
