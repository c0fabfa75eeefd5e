package fleetcli_test

import (
	"context"
	"maps"
	"strings"
	"testing"
)

// A remote opening names its operator: --operator, else
// PUDO_FLEET_OPERATOR, else the login name, in the signed command the
// locker audits and in central's commands table. Without any of them
// nothing is kept or sent: the locker's log would say operator="".
func TestOpenNamesItsOperator(t *testing.T) {
	r := newRig(t)
	r.kiosk("K1")
	ctx := context.Background()
	nobody := maps.Clone(r.env)
	nobody["PUDO_FLEET_OPERATOR"], nobody["USER"], nobody["LOGNAME"] = "", "", ""
	for _, what := range []string{"open", "revoke"} {
		args := map[string][]string{"open": {"open", "--locker", "K1", "--booking-id", "B1"},
			"revoke": {"revoke", "--locker", "K1", "--version", "1", "--courier", "ben"}}[what]
		_, errw, code := run(t, nobody, args...)
		if code != 2 || !strings.Contains(errw, what+" needs --operator NAME") {
			t.Fatalf("%s without an operator: exit %d %q", what, code, errw)
		}
	}
	var n int
	r.st.Pool().QueryRow(ctx, `SELECT count(*) FROM commands`).Scan(&n)
	if n != 0 {
		t.Fatalf("central keeps %d commands sent by nobody", n)
	}
	named := func(id string) (string, string) {
		t.Helper()
		var op, by string
		if err := r.st.Pool().QueryRow(ctx, `SELECT coalesce(convert_from(payload, 'UTF8')::jsonb->>'operator', ''), sent_by FROM commands
			WHERE name = 'open' AND booking_id = $1`, id).Scan(&op, &by); err != nil {
			t.Fatalf("the open command for %s: %v", id, err)
		}
		return op, by
	}
	// The kiosk refuses either opening (remote opening is off there):
	// what is checked is what was sent.
	run(t, nobody, "open", "--locker", "K1", "--booking-id", "B1", "--operator", "anna")
	if op, by := named("B1"); op != "anna" || by != "pudo fleet anna" {
		t.Errorf("open --operator anna: the command names %q, sent by %q", op, by)
	}
	ben := maps.Clone(nobody)
	ben["PUDO_FLEET_OPERATOR"] = "ben"
	run(t, ben, "open", "--locker", "K1", "--booking-id", "B2")
	if op, by := named("B2"); op != "ben" || by != "pudo fleet ben" {
		t.Errorf("open with PUDO_FLEET_OPERATOR=ben: the command names %q, sent by %q", op, by)
	}
	login := maps.Clone(nobody)
	login["USER"] = "carol"
	run(t, login, "open", "--locker", "K1", "--booking-id", "B3")
	if op, by := named("B3"); op != "carol" || by != "pudo fleet carol" {
		t.Errorf("open as the login carol: the command names %q, sent by %q", op, by)
	}
}
