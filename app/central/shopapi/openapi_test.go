package shopapi_test

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

	"pudo/app/central/shopapi"
)

func loadDoc(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(shopapi.OpenAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.") {
		t.Fatalf("openapi.json is version %q, want 3.x", v)
	}
	return doc
}

// path walks the document by keys.
func path(v any, keys ...string) any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

// TestRoutesMatchOpenAPI: every route the server handles is in the
// document, every operation in the document is a route, and the document
// says which need a key.
func TestRoutesMatchOpenAPI(t *testing.T) {
	doc := loadDoc(t)
	var inDoc, served []string
	for p, ops := range doc["paths"].(map[string]any) {
		for method := range ops.(map[string]any) {
			inDoc = append(inDoc, strings.ToUpper(method)+" "+p)
		}
	}
	for _, rt := range shopapi.Routes() {
		served = append(served, rt.Method+" "+rt.Pattern)
		sec := path(doc, "paths", rt.Pattern, strings.ToLower(rt.Method), "security")
		public := sec != nil && len(sec.([]any)) == 0
		if public != (rt.Scope == "") {
			t.Errorf("%s %s: document says public=%v, the server's scope is %q", rt.Method, rt.Pattern, public, rt.Scope)
		}
		summary, _ := path(doc, "paths", rt.Pattern, strings.ToLower(rt.Method), "summary").(string)
		if rt.Scope != "" && !strings.Contains(summary, "Scope "+rt.Scope) {
			t.Errorf("%s %s: the summary %q does not name scope %s", rt.Method, rt.Pattern, summary, rt.Scope)
		}
	}
	sort.Strings(inDoc)
	sort.Strings(served)
	if !slices.Equal(inDoc, served) {
		t.Fatalf("routes and openapi.json differ:\nserved: %v\ndocument: %v", served, inDoc)
	}
}

// TestErrorCodesDocumented: every code the server and httpapi can answer
// with is in the document's enum, and the enum has no code nobody sends.
func TestErrorCodesDocumented(t *testing.T) {
	doc := loadDoc(t)
	var enum []string
	for _, c := range path(doc, "components", "schemas", "Error", "properties", "error", "properties", "code", "enum").([]any) {
		enum = append(enum, c.(string))
	}
	codes := map[string]bool{"internal": true}
	re := regexp.MustCompile(`(?:Errorf\(http\.Status\w+,|Code:|, http\.Status\w+, )\s*"([a-z_]+)"`)
	files, _ := filepath.Glob("*.go")
	more, _ := filepath.Glob("../../httpapi/*.go")
	for _, name := range append(files, more...) {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			codes[m[1]] = true
		}
	}
	for c := range codes {
		if !slices.Contains(enum, c) {
			t.Errorf("error code %q is not in openapi.json", c)
		}
	}
	for _, c := range enum {
		if !codes[c] {
			t.Errorf("openapi.json lists %q, which nothing sends", c)
		}
	}
}

// TestSchemasAreTheJSON: Event and Booking in the document have the
// fields the server sends, no more, no fewer; the kinds and states too.
func TestSchemasAreTheJSON(t *testing.T) {
	doc := loadDoc(t)
	for name, v := range map[string]any{"Event": shopapi.EventJSON, "Booking": shopapi.BookingJSON} {
		var inDoc, sent []string
		for p := range path(doc, "components", "schemas", name, "properties").(map[string]any) {
			inDoc = append(inDoc, p)
		}
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			if tag := strings.Split(typ.Field(i).Tag.Get("json"), ",")[0]; tag != "" && tag != "-" {
				sent = append(sent, tag)
			}
		}
		sort.Strings(inDoc)
		sort.Strings(sent)
		if !slices.Equal(inDoc, sent) {
			t.Errorf("%s in openapi.json %v, sent %v", name, inDoc, sent)
		}
	}
	list := func(v any) (out []string) {
		for _, x := range v.([]any) {
			out = append(out, x.(string))
		}
		return out
	}
	if got := list(path(doc, "components", "schemas", "Event", "properties", "kind", "enum")); !slices.Equal(got, shopapi.EventKinds) {
		t.Errorf("Event kinds %v, the server's %v", got, shopapi.EventKinds)
	}
	if got := list(path(doc, "components", "schemas", "Booking", "properties", "state", "enum")); !slices.Equal(got, shopapi.States) {
		t.Errorf("Booking states %v, the server's %v", got, shopapi.States)
	}
}

func TestServedDocumentIsTheFile(t *testing.T) {
	r := newRig(t, shopapi.Config{})
	a := r.do("GET", "/v1/openapi.json", "", "")
	if a.status != http.StatusOK || string(a.body) != string(shopapi.OpenAPIDoc) {
		t.Fatalf("GET /v1/openapi.json: %d, %d bytes", a.status, len(a.body))
	}
}
