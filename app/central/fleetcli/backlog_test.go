package fleetcli_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"pudo/app/central/store"
)

// An offline locker's backlog is unknown: it may have recorded events
// since it last reported, so status never shows its last count as a
// current one (least of all a 0). The table says unknown with that count
// and its age; the JSON's events is null, beside last_known and at. An
// online locker's count is shown as it is.
func TestStatusOfflineBacklogIsUnknown(t *testing.T) {
	db, st := centralDB(t)
	ctx := context.Background()
	for _, l := range []struct {
		id      string
		online  bool
		last    string
		stored  int64
		verdict string
	}{
		{"ON", true, "10", 7, "3"},
		{"OFF", false, "5", 5, "unknown (last 0, "},
		{"OFF-BEHIND", false, "9", 5, "unknown (last 4, "},
	} {
		if _, err := st.SetOnline(ctx, l.id, store.Online{Online: true, Birth: 1, Body: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
		if err := st.SetState(ctx, l.id, "health", []byte(`{"locker":"`+l.id+`","last_seq":`+l.last+`,"lock_bus":"up"}`)); err != nil {
			t.Fatal(err)
		}
		if !l.online {
			if _, err := st.SetOnline(ctx, l.id, store.Online{Online: false, Birth: 1, Body: []byte(`{}`)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.Pool().Exec(ctx, `UPDATE lockers SET stored_through = $2 WHERE id = $1`, l.id, l.stored); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"PUDO_CENTRAL_DB": db}
	out, errw, code := run(t, env, "status")
	if code != 0 {
		t.Fatalf("status: exit %d\n%s%s", code, out, errw)
	}
	for id, want := range map[string]string{"ON": ` 3 `, "OFF": ` unknown \(last 0, \d+s ago\) `, "OFF-BEHIND": ` unknown \(last 4, \d+s ago\) `} {
		line := regexp.MustCompile(`(?m)^` + id + ` .*$`).FindString(out)
		if !regexp.MustCompile(want).MatchString(line) {
			t.Errorf("status of %s: %q; want its backlog %s", id, line, want)
		}
	}
	for id, want := range map[string]string{
		"ON":  `"backlog":{"events":3,"at":"`,
		"OFF": `"backlog":{"events":null,"last_known":0,"at":"`,
	} {
		out, errw, code = run(t, env, "status", "--json", id)
		var row map[string]json.RawMessage
		if code != 0 || json.Unmarshal([]byte(out), &row) != nil {
			t.Fatalf("status --json %s: exit %d\n%s%s", id, code, out, errw)
		}
		if !strings.Contains(out, want) {
			t.Errorf("status --json %s: %s; want %s", id, out, want)
		}
	}
}
