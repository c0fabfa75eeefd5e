package enrol

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A central started without the operator's CA says so to whoever tries to
// enrol, instead of answering that there is no such endpoint.
func TestEnrolOffSaysWhy(t *testing.T) {
	rec := httptest.NewRecorder()
	Off().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/enrol", strings.NewReader(`{"locker":"WAW-0042"}`)))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "--ca-cert") {
		t.Fatalf("%d %q", rec.Code, rec.Body.String())
	}
}
