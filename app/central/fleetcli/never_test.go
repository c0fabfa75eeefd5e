package fleetcli_test

import (
	"context"
	"encoding/json"
	"regexp"
	"testing"
	"time"
)

// A locker enrolled and never connected is neither online nor offline:
// status says never connected and when it was enrolled; its JSON has
// online null and never_connected true.
func TestStatusNeverConnected(t *testing.T) {
	db, st := centralDB(t)
	ctx := context.Background()
	if err := st.SetCertificate(ctx, "NEW", "0a", time.Now().Add(90*24*time.Hour), true); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"PUDO_CENTRAL_DB": db}
	out, errw, code := run(t, env, "status")
	line := regexp.MustCompile(`(?m)^NEW .*$`).FindString(out)
	if code != 0 || !regexp.MustCompile(`^NEW +never connected +enrolled \d{4}-\d\d-\d\d `).MatchString(line) {
		t.Fatalf("status: exit %d, NEW's line %q\n%s%s", code, line, out, errw)
	}
	out, errw, code = run(t, env, "status", "--json", "NEW")
	var row struct {
		Online         *bool
		NeverConnected bool      `json:"never_connected"`
		EnrolledAt     time.Time `json:"enrolled_at"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &row) != nil || row.Online != nil || !row.NeverConnected || row.EnrolledAt.IsZero() {
		t.Fatalf("status --json NEW: exit %d, %s%s; want online null, never_connected and enrolled_at", code, out, errw)
	}
}
