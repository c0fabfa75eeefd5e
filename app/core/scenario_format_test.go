package core

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The scenario format: one step a line, "verb arg ...", "#" starts a
// comment. testdata/scenarios/README.md describes every verb.

// step is one line of a scenario.
type step struct {
	line int
	verb string
	args []string
}

func (s step) String() string { return strings.Join(append([]string{s.verb}, s.args...), " ") }

// arity is how many arguments a verb takes, and how they must look: "n"
// a door number, "d" a duration, "p" a parcel name, "w" any word, "..."
// any further words.
var arity = map[string][]string{
	// the locker and its parcels
	"option": {"w", "w"}, "parcel": {"p", "door", "n", "..."},
	// the board and the door, physically
	"jam": {"n"}, "unjam": {"n"}, "stick": {"n"}, "unstick": {"n"}, "break": {"n"}, "fix": {"n"},
	"force": {"n"}, "close": {"n"}, "flap": {"n", "n"}, "silence": {}, "resume": {},
	"fault": {"w", "..."}, "unplug": {"d"},
	// people
	"pickup": {"p"}, "scan": {"p"}, "keyboard": {"p"}, "remote": {"p"}, "concurrent": {"w", "p", "w", "p"},
	"didnotopen": {}, "next": {}, "reopen": {}, "report": {"w"}, "answer": {"w"}, "leave": {},
	"courier": {}, "dropnew": {"w"}, "larger": {}, "drop-didnotopen": {}, "done": {}, "abandon": {},
	"drop-answer": {"w"}, "hold": {},
	"staff": {"w", "n", "..."}, "power": {"d"}, "hiccup": {"d"},
	// time, crashes
	"wait": {"d"}, "intent": {"p"}, "restart": {},
	// checks
	"await": {"w", "..."}, "expect": {"w", "..."},
}

// parseScenario reads a scenario; every error names its line.
func parseScenario(text string) ([]step, error) {
	var out []step
	for i, raw := range strings.Split(text, "\n") {
		if c := strings.IndexByte(raw, '#'); c >= 0 {
			raw = raw[:c]
		}
		f := strings.Fields(raw)
		if len(f) == 0 {
			continue
		}
		s := step{line: i + 1, verb: f[0], args: f[1:]}
		if err := checkStep(s); err != nil {
			return nil, fmt.Errorf("line %d: %s: %w", s.line, s.verb, err)
		}
		out = append(out, s)
	}
	return out, nil
}

func checkStep(s step) error {
	want, ok := arity[s.verb]
	if !ok {
		return fmt.Errorf("unknown verb")
	}
	rest := len(want) > 0 && want[len(want)-1] == "..."
	fixed := want
	if rest {
		fixed = want[:len(want)-1]
	}
	if len(s.args) < len(fixed) || (!rest && len(s.args) > len(fixed)) {
		return fmt.Errorf("%d arguments, want %s", len(s.args), strings.Join(want, " "))
	}
	for i, kind := range fixed {
		if err := checkArg(kind, s.args[i]); err != nil {
			return fmt.Errorf("argument %d: %w", i+1, err)
		}
	}
	return nil
}

func checkArg(kind, a string) error {
	switch kind {
	case "n":
		if n, err := strconv.Atoi(a); err != nil || n < 1 || n > 64 {
			return fmt.Errorf("%q is not a door number", a)
		}
	case "d":
		if d, err := time.ParseDuration(a); err != nil || d < 0 {
			return fmt.Errorf("%q is not a duration", a)
		}
	case "p":
		if len(a) > 16 || strings.ContainsAny(a, "|,=") {
			return fmt.Errorf("%q is not a parcel name", a)
		}
	case "w":
	default:
		if a != kind {
			return fmt.Errorf("%q, want %q", a, kind)
		}
	}
	return nil
}

func door(a string) int64 {
	n, _ := strconv.Atoi(a)
	return int64(n)
}
