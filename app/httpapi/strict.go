package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
)

// strictKeys refuses what encoding/json lets through silently: a key given
// twice in one object (the last would win), and keys that differ from a
// field's name only by case (encoding/json matches names case-blind, so
// {"size":"S","SIZE":"L"} would book an L). A proxy or a logger reading the
// first "size" would then disagree with the server about what was booked.
// known are the field names of the top-level object; every other key is
// left to DisallowUnknownFields. The body is valid UTF-8; bad JSON is left
// for the decoder to name.
func strictKeys(body []byte, known []string) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := walkValue(dec, known, 0); err != nil && err != errBadJSON {
		return err
	}
	return nil
}

// errBadJSON stops the walk at the first syntax error: the decoder does not
// move past a token it refuses, so walking on would loop for ever. The
// decoder proper then names what is wrong.
var errBadJSON = errors.New("bad JSON")

// maxDepth bounds nesting: no request of ours nests, and a deep one must
// not cost a deep stack.
const maxDepth = 32

func walkValue(dec *json.Decoder, known []string, depth int) error {
	if depth > maxDepth {
		return Errorf(http.StatusBadRequest, "malformed_json", "the body nests deeper than %d levels", maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return errBadJSON
	}
	switch tok {
	case json.Delim('{'):
		return walkObject(dec, known, depth)
	case json.Delim('['):
		for dec.More() {
			if err := walkValue(dec, nil, depth+1); err != nil {
				return err
			}
		}
		dec.Token()
	}
	return nil
}

func walkObject(dec *json.Decoder, known []string, depth int) error {
	seen := map[string]string{} // folded -> as sent
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return errBadJSON
		}
		key, _ := tok.(string)
		folded := strings.ToLower(key)
		if first, dup := seen[folded]; dup {
			if first == key {
				return Errorf(http.StatusBadRequest, "duplicate_key", "%q is given twice; send each field once", Clip(key))
			}
			return Errorf(http.StatusBadRequest, "duplicate_key", "%q and %q name the same field; send each field once, in lower case", Clip(first), Clip(key))
		}
		seen[folded] = key
		for _, k := range known {
			if key != k && strings.EqualFold(key, k) {
				return Errorf(http.StatusBadRequest, "unknown_field", "%q is not a field of this request; field names are case-sensitive: %s", Clip(key), k)
			}
		}
		if err := walkValue(dec, nil, depth+1); err != nil {
			return err
		}
	}
	dec.Token()
	return nil
}

// FieldNames lists the JSON names of dst's struct fields.
func FieldNames(dst any) []string {
	t := reflect.TypeOf(dst)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}
