package carrier

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Found is one walk-in's code delivery found in what `pudo carrier open`
// reads: where the event says it belongs, and the sealed box, or none when
// the carrier had no key at that locker.
type Found struct {
	Locker  string // the event's locker (fleet) or kiosk (API); "" for a bare field
	RentID  int64  // 0 for a bare field
	Seq     int64
	Carrier string
	Sealed  bool
	Box     []byte // nil unless Sealed
}

// MaxInput bounds what Parse reads: a full page of GET /v1/events is far
// less.
const MaxInput = 16 << 20

// ErrInput means the input is neither events nor a sealed field.
var ErrInput = errors.New("carrier: not an event, a page of events or a sealed_code value")

// event is what Parse reads of an event, whether the API's (kiosk) or the
// fleet link's (locker).
type event struct {
	Seq        int64           `json:"seq"`
	Kind       string          `json:"kind"`
	RentID     int64           `json:"rent_id"`
	Kiosk      string          `json:"kiosk"`
	Locker     string          `json:"locker"`
	Carrier    string          `json:"carrier"`
	CodeSealed *bool           `json:"code_sealed"`
	SealedCode *string         `json:"sealed_code"`
	Events     json.RawMessage `json:"events"` // a page of GET /v1/events
}

// Parse reads the deliveries in input: one or more events as JSON (GET
// /v1/events gives them, a webhook posts one, `pudo fleet watch --json`
// prints one a line), a page of GET /v1/events, or the bare sealed_code
// value, its base64 quoted or not. Events that deliver no code are
// skipped; an event that says its code is sealed but holds none, or the
// other way round, is an error.
func Parse(input []byte) ([]Found, error) {
	if len(input) > MaxInput {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrInput, MaxInput)
	}
	in := bytes.TrimSpace(input)
	if len(in) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrInput)
	}
	if in[0] != '{' {
		b, err := parseField(in)
		if err != nil {
			return nil, err
		}
		return []Found{{Sealed: true, Box: b}}, nil
	}
	var out []Found
	dec := json.NewDecoder(bytes.NewReader(in))
	for {
		var e event
		err := dec.Decode(&e)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInput, err)
		}
		if out, err = e.append(out); err != nil {
			return nil, err
		}
	}
}

// append adds e's delivery, or those of the page e is, to out.
func (e event) append(out []Found) ([]Found, error) {
	if e.Events != nil {
		var page []event
		if err := json.Unmarshal(e.Events, &page); err != nil {
			return nil, fmt.Errorf("%w: events: %v", ErrInput, err)
		}
		for _, x := range page {
			if x.Events != nil {
				return nil, fmt.Errorf("%w: a page inside a page", ErrInput)
			}
			var err error
			if out, err = x.append(out); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	f, ok, err := e.found()
	if ok {
		out = append(out, f)
	}
	return out, err
}

func (e event) found() (Found, bool, error) {
	if e.CodeSealed == nil && e.SealedCode == nil {
		return Found{}, false, nil
	}
	f := Found{Locker: e.Locker, RentID: e.RentID, Seq: e.Seq, Carrier: e.Carrier}
	if f.Locker == "" {
		f.Locker = e.Kiosk
	}
	where := fmt.Sprintf("event %d (rent %d)", e.Seq, e.RentID)
	switch {
	case e.SealedCode == nil && *e.CodeSealed:
		return f, false, fmt.Errorf("%w: %s says code_sealed but has no sealed_code", ErrInput, where)
	case e.SealedCode == nil:
		return f, true, nil
	case e.CodeSealed != nil && !*e.CodeSealed:
		return f, false, fmt.Errorf("%w: %s has a sealed_code but says code_sealed false", ErrInput, where)
	}
	b, err := decodeBox(*e.SealedCode)
	if err != nil {
		return f, false, fmt.Errorf("%s: %w", where, err)
	}
	f.Sealed, f.Box = true, b
	return f, true, nil
}

// parseField reads the bare value of sealed_code: its base64, or the JSON
// string holding it.
func parseField(in []byte) ([]byte, error) {
	s := string(in)
	if in[0] == '"' {
		if err := json.Unmarshal(in, &s); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInput, err)
		}
	}
	return decodeBox(s)
}

// decodeBox reads sealed_code: standard base64, with padding.
func decodeBox(s string) ([]byte, error) {
	if len(s) > base64.StdEncoding.EncodedLen(MaxSealed) {
		return nil, fmt.Errorf("%w: sealed_code of %d characters, at most %d", ErrInput, len(s), base64.StdEncoding.EncodedLen(MaxSealed))
	}
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: sealed_code is not base64: %v", ErrInput, err)
	}
	if len(b) > MaxSealed {
		return nil, fmt.Errorf("%w: sealed_code of %d bytes, at most %d", ErrInput, len(b), MaxSealed)
	}
	if len(b) <= boxOverhead {
		return nil, fmt.Errorf("%w: sealed_code of %d bytes is too short to hold a code", ErrInput, len(b))
	}
	return b, nil
}

// Field is the text of an event's sealed_code: the sealed box in standard
// base64 with padding, as the API and the fleet link send it and Parse
// reads it.
func Field(sealed []byte) string { return base64.StdEncoding.EncodeToString(sealed) }
