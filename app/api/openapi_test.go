package api

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

type openAPIDocument struct {
	OpenAPI string                                `json:"openapi"`
	Paths   map[string]map[string]json.RawMessage `json:"paths"`
	Comp    struct {
		Schemas struct {
			Error struct {
				Properties struct {
					Error struct {
						Properties struct {
							Code struct {
								Enum []string `json:"enum"`
							} `json:"code"`
						} `json:"properties"`
					} `json:"error"`
				} `json:"properties"`
			} `json:"Error"`
		} `json:"schemas"`
	} `json:"components"`
}

func loadDoc(t *testing.T) openAPIDocument {
	t.Helper()
	var doc openAPIDocument
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi.json is version %q, want 3.x", doc.OpenAPI)
	}
	return doc
}

// TestRoutesMatchOpenAPI: every route the server handles is in the
// document, and every operation in the document is a route.
func TestRoutesMatchOpenAPI(t *testing.T) {
	doc := loadDoc(t)
	var inDoc, served []string
	for path, ops := range doc.Paths {
		for method := range ops {
			inDoc = append(inDoc, strings.ToUpper(method)+" "+path)
		}
	}
	for _, rt := range routes {
		served = append(served, rt.method+" "+rt.pattern)
	}
	sort.Strings(inDoc)
	sort.Strings(served)
	if !slices.Equal(inDoc, served) {
		t.Fatalf("routes and openapi.json differ:\nserved: %v\ndocument: %v", served, inDoc)
	}
	for _, rt := range routes {
		var op struct {
			Security *[]map[string][]string `json:"security"`
		}
		json.Unmarshal(doc.Paths[rt.pattern][strings.ToLower(rt.method)], &op)
		public := op.Security != nil && len(*op.Security) == 0
		if public != (rt.scopes == nil) {
			t.Errorf("%s %s: document says public=%v, server needs a key=%v", rt.method, rt.pattern, public, rt.scopes != nil)
		}
	}
}

// TestErrorCodesDocumented: every code the server can answer with is in
// the document's enum, so clients can branch on all of them.
func TestErrorCodesDocumented(t *testing.T) {
	doc := loadDoc(t)
	enum := doc.Comp.Schemas.Error.Properties.Error.Properties.Code.Enum
	codes := map[string]bool{"internal": true}
	for _, m := range errorMap {
		codes[m.code] = true
	}
	re := regexp.MustCompile(`(?:[eE]rrorf\(http\.Status\w+,|Code:)\s*"([a-z_]+)"`)
	// The rules shared with the network's shop API answer with codes of
	// their own (httpapi).
	shared, _ := filepath.Glob("../httpapi/*.go")
	for _, name := range append([]string{"book.go", "decode.go", "errors.go", "handlers.go", "middleware.go", "parked.go", "rents.go", "tokens.go"}, shared...) {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		for _, m := range re.FindAllStringSubmatch(string(readSource(t, name)), -1) {
			codes[m[1]] = true
		}
	}
	for c := range codes {
		if !slices.Contains(enum, c) {
			t.Errorf("error code %q is not in openapi.json", c)
		}
	}
}

func TestServedDocumentIsTheFile(t *testing.T) {
	f := newFixture(t, nil)
	a := f.do("GET", "/v1/openapi.json", "", "")
	if a.status != http.StatusOK || string(a.body) != string(openAPIDoc) {
		t.Fatalf("GET /v1/openapi.json: %d, %d bytes", a.status, len(a.body))
	}
}

func readSource(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEventSchemaIsTheJSON: the Event schema's properties are the fields
// the feed and the webhooks send, no more, no fewer.
func TestEventSchemaIsTheJSON(t *testing.T) {
	var doc struct {
		Comp struct {
			Schemas struct {
				Event struct {
					Properties map[string]json.RawMessage `json:"properties"`
				} `json:"Event"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	var inDoc, sent []string
	for p := range doc.Comp.Schemas.Event.Properties {
		inDoc = append(inDoc, p)
	}
	typ := reflect.TypeOf(eventJSON{})
	for i := range typ.NumField() {
		if tag := strings.Split(typ.Field(i).Tag.Get("json"), ",")[0]; tag != "" && tag != "-" {
			sent = append(sent, tag)
		}
	}
	sort.Strings(inDoc)
	sort.Strings(sent)
	if !slices.Equal(inDoc, sent) {
		t.Fatalf("Event in openapi.json %v, sent %v", inDoc, sent)
	}
}
