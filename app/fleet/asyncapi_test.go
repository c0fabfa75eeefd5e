package fleet

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"pudo/app/cred"
)

type asyncDoc struct {
	AsyncAPI string `json:"asyncapi"`
	Channels map[string]struct {
		Address  string `json:"address"`
		MaxBytes int    `json:"x-max-bytes"`
	} `json:"channels"`
	Components struct {
		Parameters map[string]struct {
			Enum []string `json:"enum"`
		} `json:"parameters"`
		Schemas map[string]struct {
			Properties map[string]struct {
				Enum []string `json:"enum"`
			} `json:"properties"`
		} `json:"schemas"`
	} `json:"components"`
}

func loadDoc(t *testing.T) asyncDoc {
	t.Helper()
	var d asyncDoc
	if err := json.Unmarshal(AsyncAPI, &d); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d.AsyncAPI, "3.") {
		t.Fatalf("asyncapi %q, want 3.x", d.AsyncAPI)
	}
	return d
}

// Every topic the code uses is a channel of the document, and no other.
func TestAsyncAPIChannelsAreTheTopics(t *testing.T) {
	d := loadDoc(t)
	p := Topics{Fleet: "{fleet}", Locker: "{locker}"}
	want := []string{p.Evt(), p.Online(), p.Health(), p.Doors(), p.Capacity(), p.Cmd("{name}"), p.AllCmd("{name}"),
		p.Res(), p.SyncReq(), p.SyncRes(), p.Confirm(), p.CertReq(), p.CertRes()}
	var got []string
	for _, c := range d.Channels {
		got = append(got, c.Address)
	}
	sort.Strings(got)
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("channels\n got %v\nwant %v", got, want)
	}
	if names := d.Components.Parameters["name"].Enum; !reflect.DeepEqual(names, commandNames) {
		t.Fatalf("command names: document %v, code %v", names, commandNames)
	}
}

// Every channel's payload cap in the document is the one the locker
// holds to, and the Maximum Packet Size it asks for is the document's.
func TestAsyncAPIPayloadCaps(t *testing.T) {
	d := loadDoc(t)
	for name, c := range d.Channels {
		suffix := c.Address
		for _, p := range []string{"pudo/v1/{fleet}/{locker}/", "pudo/v1/{fleet}/_all/"} {
			suffix = strings.TrimPrefix(suffix, p)
		}
		if c.MaxBytes == 0 || c.MaxBytes != capOf(suffix) {
			t.Errorf("channel %s: x-max-bytes %d, code %d", name, c.MaxBytes, capOf(suffix))
		}
		if c.MaxBytes > MaxPacket-1024 {
			t.Errorf("channel %s: a cap of %d leaves no room in a packet of %d", name, c.MaxBytes, MaxPacket)
		}
	}
	if !strings.Contains(string(AsyncAPI), fmt.Sprintf("Maximum Packet Size of %d bytes", MaxPacket)) {
		t.Errorf("the document does not give the Maximum Packet Size %d", MaxPacket)
	}
}

// Every payload's fields are the Go type's JSON fields.
func TestAsyncAPISchemasAreThePayloads(t *testing.T) {
	d := loadDoc(t)
	types := map[string]any{"Event": Event{}, "Online": Online{}, "Health": Health{}, "Doors": Doors{}, "Door": Door{},
		"Capacity": Capacity{}, "Command": Command{}, "Result": Result{}, "SyncRequest": SyncRequest{},
		"SyncResponse": SyncResponse{}, "SyncCommand": SyncCommand{}, "Confirm": Confirm{},
		"CertRequest": CertRequest{}, "CertResponse": CertResponse{},
		"Revocations": cred.Revocations{}, "SubjectRevocation": cred.SubjectRevocation{}}
	if len(types) != len(d.Components.Schemas) {
		t.Errorf("document has %d schemas, code %d", len(d.Components.Schemas), len(types))
	}
	for name, v := range types {
		s, ok := d.Components.Schemas[name]
		if !ok {
			t.Errorf("schema %s missing", name)
			continue
		}
		var got []string
		for f := range s.Properties {
			got = append(got, f)
		}
		want := jsonFields(reflect.TypeOf(v))
		sort.Strings(got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: document fields %v, code %v", name, got, want)
		}
	}
}

// Every error code the code can answer is in the document's enum, and the
// enum names no code the locker never sends.
func TestAsyncAPIErrorCodes(t *testing.T) {
	d := loadDoc(t)
	doc := d.Components.Schemas["Result"].Properties["error"].Enum
	re := regexp.MustCompile(`(?:refuse\(\w+, |fail\(\w+, |\{(?:core|app)\.Err\w+, |res\.Error, res\.Message = )"([a-z_]+)"`)
	seen := map[string]bool{}
	files, _ := os.ReadDir(".")
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".go") || strings.HasSuffix(f.Name(), "_test.go") {
			continue
		}
		src, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			seen[m[1]] = true
		}
	}
	var code []string
	for c := range seen {
		code = append(code, c)
	}
	sort.Strings(code)
	sorted := slices.Sorted(slices.Values(doc))
	if !reflect.DeepEqual(code, sorted) {
		t.Fatalf("error codes: document %v, code %v", sorted, code)
	}
}

func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("json"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		out = append(out, tag)
	}
	sort.Strings(out)
	return out
}
