package core

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"pudo/app"
	"pudo/lockio"
	"pudo/storage"
)

// The store cannot import the life cycle's table, so it spells the active
// states once, and its schema spells them in the partial indexes: both
// are held to app.Lifecycle here.
func TestStoreFollowsTheLifecycle(t *testing.T) {
	var want []storage.RentState
	for _, s := range app.ActiveStates() {
		want = append(want, storage.RentState(s))
	}
	if !slices.Equal(storage.ActiveStates, want) {
		t.Fatalf("storage.ActiveStates = %v, app's table says %v", storage.ActiveStates, want)
	}
	schema, err := os.ReadFile(filepath.Join("..", "..", "storage", "testdata", "schema.sql"))
	if err != nil {
		t.Fatal(err)
	}
	quoted := func(ss []app.RentState) string {
		q := make([]string, len(ss))
		for i, s := range ss {
			q[i] = "'" + string(s) + "'"
		}
		return strings.Join(q, ", ")
	}
	if !strings.Contains(string(schema), "rents_one_active_per_door ON rents (door_id)\n\tWHERE state IN ("+quoted(app.ActiveStates())+")") &&
		!regexp.MustCompile(`rents_one_active_per_door ON rents \(door_id\)\s+WHERE state IN \(`+regexp.QuoteMeta(quoted(app.ActiveStates()))+`\)`).Match(schema) {
		t.Errorf("the schema's one-active-rent index does not cover exactly %s", quoted(app.ActiveStates()))
	}
	if !strings.Contains(string(schema), "CHECK (state IN ("+quoted(app.RentStates)+"))") {
		t.Errorf("the schema's rent states are not %s", quoted(app.RentStates))
	}
	for _, st := range app.Lifecycle {
		if storage.RentState(st.From).Active() != st.From.Active() || storage.RentState(st.To).Active() != st.To.Active() {
			t.Errorf("step %s: store and table disagree on what is active", st.Move)
		}
	}
}

// The engine's did-not-open default and the driver's are one value.
func TestDidNotOpenDefaultIsOne(t *testing.T) {
	if got := lockio.DefaultConfig().DidNotOpenAfter.Std(); got != app.DefaultDidNotOpen {
		t.Fatalf("lockio's did_not_open_after default %v, app's %v", got, app.DefaultDidNotOpen)
	}
	if got := New(nil, nil, nil, Options{}, nil).opts.DidNotOpen; got != app.DefaultDidNotOpen {
		t.Fatalf("the engine's default %v, app's %v", got, app.DefaultDidNotOpen)
	}
}
