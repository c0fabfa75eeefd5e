package lockio

import (
	"slices"
	"testing"
	"time"
)

// TestTracker runs scripted readings through the debouncer. Each step is
// a reading ("o" open, "c" closed, "?" board silent, "u" unlock sent, or
// "+Ns" time passing) and the events it must raise.
func TestTracker(t *testing.T) {
	const known = EventSensorKnown
	cases := []struct {
		name  string
		steps []string
		want  []EventKind
	}{
		{"first reading makes the door known", []string{"c", "c"}, []EventKind{known}},
		{"unlock then open", []string{"c", "u", "o", "o"}, []EventKind{known, EventOpened}},
		{"bounce is ignored", []string{"c", "u", "o", "c", "c", "o", "o"}, []EventKind{known, EventOpened}},
		{"forced open", []string{"c", "o", "o"}, []EventKind{known, EventForcedOpen}},
		{"close", []string{"c", "u", "o", "o", "c", "c"}, []EventKind{known, EventOpened, EventClosed}},
		{"did not open", []string{"c", "u", "c", "+11s", "c"}, []EventKind{known, EventDidNotOpen}},
		{"left open", []string{"c", "u", "o", "o", "+61s", "o", "+61s", "o"}, []EventKind{known, EventOpened, EventLeftOpen}},
		{"already open when unlocked", []string{"o", "u"}, []EventKind{known, EventOpened}},
		{"silent board", []string{"c", "?", "?"}, []EventKind{known, EventSensorUnknown}},
		{"open seen after silence with command", []string{"c", "u", "?", "o"}, []EventKind{known, EventSensorUnknown, known, EventOpened}},
		{"silent through the deadline: no did-not-open", []string{"c", "u", "?", "+11s", "?"}, []EventKind{known, EventSensorUnknown}},
		{"back from silence closed", []string{"c", "?", "c"}, []EventKind{known, EventSensorUnknown, known}},
	}
	cfg := DefaultConfig()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []EventKind
			d := Door{1, 1}
			tr := newTracker(cfg, func(e Event) { got = append(got, e.Kind) }, func(Door, Sensor) {}, func(Door) {})
			now := time.Unix(1e9, 0)
			for _, s := range tc.steps {
				switch s {
				case "o":
					tr.observe(d, SensorOpen, now)
				case "c":
					tr.observe(d, SensorClosed, now)
				case "?":
					tr.unknown(d, now)
				case "u":
					tr.commanded(d, now)
				default:
					dur, err := time.ParseDuration(s[1:])
					if err != nil {
						t.Fatal(err)
					}
					now = now.Add(dur)
				}
				tr.tick(now)
				now = now.Add(500 * time.Millisecond)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("events %v, want %v", got, tc.want)
			}
		})
	}
}
