package fleetcli_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho"

	"pudo/app/central/fleetcli"
	"pudo/app/central/mqtttest"
	"pudo/app/central/pgtest"
	"pudo/app/central/store"
	"pudo/app/fleet"
	"pudo/app/testenv"
)

const testFleet = "test"

func run(t *testing.T, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	if len(args) > 0 && slices.Contains([]string{"book", "cancel", "open", "revoke", "resend"}, args[0]) {
		// An answer is awaited for at most --wait: on a loaded machine
		// the test's ceiling, not the tool's 15 s.
		args = append([]string{args[0], "--wait", testenv.Patience.String()}, args[1:]...)
	}
	if len(args) > 0 && slices.Contains([]string{"status", "doors", "watch", "book", "cancel", "open", "revoke", "resend"}, args[0]) {
		// Connecting and the rights probe get --dial-wait: the test's
		// ceiling, not the tool's minute.
		args = append([]string{args[0], "--dial-wait", testenv.Patience.String()}, args[1:]...)
	}
	var out, errw bytes.Buffer
	code := fleetcli.Main(context.Background(), args, &out, &errw)
	return out.String(), errw.String(), code
}

// publishAs publishes retained messages as a locker, with its own
// certificate, and waits for the broker to acknowledge each one.
func publishAs(t *testing.T, b *mqtttest.Broker, tc *tls.Config, id string, msgs map[string][]byte) {
	t.Helper()
	u, _ := url.Parse(b.TLSURL())
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience)
	defer cancel()
	conn, err := (&tls.Dialer{Config: tc}).DialContext(ctx, "tcp", u.Host)
	if err != nil {
		t.Fatalf("locker %s connecting to the broker: %v", id, err)
	}
	// paho waits 10 s for each answer by default: on a loaded machine
	// the broker's PUBACK of a 43 MB message comes later than that. Its
	// pinger writes as the client connects: writes over TLS are locked,
	// or they interleave with the PUBLISH (direct.go says more).
	c := paho.NewClient(paho.ClientConfig{Conn: packets.NewThreadSafeConn(conn), PacketTimeout: testenv.Patience})
	if _, err := c.Connect(ctx, &paho.Connect{ClientID: id, CleanStart: true, KeepAlive: 30}); err != nil {
		t.Fatalf("locker %s waiting (up to %v) for the broker's CONNACK: %v", id, testenv.Patience, err)
	}
	defer c.Disconnect(&paho.Disconnect{})
	for topic, body := range msgs {
		if _, err := c.Publish(ctx, &paho.Publish{QoS: 1, Retain: true, Topic: topic, Payload: body}); err != nil {
			t.Fatalf("locker %s waiting (up to %v) for the broker's PUBACK of %s (%d bytes): %v",
				id, testenv.Patience, topic, len(body), err)
		}
	}
}

func state(id string, online bool) map[string][]byte {
	t := fleet.Topics{Fleet: testFleet, Locker: id}
	on, _ := json.Marshal(fleet.Online{Locker: id, Online: online, Birth: 1, At: time.Now().UTC()})
	h, _ := json.Marshal(fleet.Health{Locker: id, At: time.Now().UTC(), LockBus: "up", LastSeq: 10, AckedSeq: 10})
	c, _ := json.Marshal(fleet.Capacity{Locker: id, Free: map[string]int{"S": 9, "M": 7, "L": 5}})
	d, _ := json.Marshal(fleet.Doors{Locker: id, Doors: []fleet.Door{{ID: 1, Size: "S", State: "free", Sensor: "closed"}}})
	return map[string][]byte{t.Online(): on, t.Health(): h, t.Capacity(): c, t.Doors(): d}
}

func brokerEnv(b *mqtttest.Broker, id mqtttest.Identity) map[string]string {
	return map[string]string{"PUDO_FLEET_BROKER": b.TLSURL(), "PUDO_FLEET": testFleet, "PUDO_FLEET_CA": id.CAFile,
		"PUDO_FLEET_CERT": id.CertFile, "PUDO_FLEET_CERT_KEY": id.KeyFile, "PUDO_CENTRAL_DB": ""}
}

// One locker floods 43 MB of retained doors: status --direct still lists
// every locker, and doors of another locker is unaffected. The time is
// logged (figures, not a test of speed).
func TestDirectStatusWithAFloodingLocker(t *testing.T) {
	b := mqtttest.Start(t)
	for _, id := range []string{"A", "B", "C"} {
		publishAs(t, b, b.PKI.ClientTLS(t, id), id, state(id, true))
	}
	flood := bytes.Repeat([]byte("x"), 43<<20)
	publishAs(t, b, b.PKI.ClientTLS(t, "B"), "B", map[string][]byte{fleet.Topics{Fleet: testFleet, Locker: "B"}.Doors(): flood,
		fleet.Topics{Fleet: testFleet, Locker: "B"}.Health(): flood})
	env := brokerEnv(b, b.OperatorIdentity())
	start := time.Now()
	out, errw, code := run(t, env, "status", "--direct")
	took := time.Since(start)
	if code != 0 {
		t.Fatalf("status --direct: exit %d\n%s%s", code, out, errw)
	}
	for _, id := range []string{"A", "B", "C"} {
		if !strings.Contains(out, "\n"+id+" ") {
			t.Errorf("locker %s missing from the table:\n%s", id, out)
		}
	}
	if !strings.Contains(errw, "missing or partial") {
		t.Errorf("direct mode does not warn that its table may be partial: %q", errw)
	}
	t.Logf("status --direct with one locker flooding 43 MB answered in %s", took.Round(time.Millisecond))
	out, errw, code = run(t, env, "doors", "--direct", "C")
	if code != 0 || !strings.Contains(out, "DOOR") {
		t.Fatalf("doors C: exit %d\n%s%s", code, out, errw)
	}
	_, errw, code = run(t, env, "doors", "--direct", "B")
	if code != 1 || !strings.Contains(errw, "larger than") {
		t.Fatalf("doors of the flooding locker: exit %d, %q; want a clear refusal", code, errw)
	}
}

// A locker's certificate reads only its own locker: status fails with a
// word about it, never a one-locker table with exit 0. A certificate of
// another CA is named as such.
func TestStatusWithTheWrongIdentity(t *testing.T) {
	b := mqtttest.Start(t)
	publishAs(t, b, b.PKI.ClientTLS(t, "A"), "A", state("A", true))
	out, errw, code := run(t, brokerEnv(b, b.Locker(t, "A")), "status", "--direct")
	if code == 0 || !strings.Contains(errw, "operator's rights") {
		t.Fatalf("status with a locker's certificate: exit %d\n%s%s", code, out, errw)
	}
	other := mqtttest.NewPKI(t, t.TempDir())
	cert, key := other.Issue(t, "operator", false)
	env := brokerEnv(b, b.OperatorIdentity())
	env["PUDO_FLEET_CERT"], env["PUDO_FLEET_CERT_KEY"] = cert, key
	_, errw, code = run(t, env, "status", "--direct")
	if code == 0 || !strings.Contains(errw, "another CA") {
		t.Fatalf("status with a certificate of another CA: exit %d, %q", code, errw)
	}
}

// With central's database, status, doors and watch read it: the whole
// registry, whatever the broker holds.
func TestStatusFromCentral(t *testing.T) {
	pg := pgtest.Start(t)
	db := pg.NewDB(t)
	ctx := context.Background()
	st, err := store.Open(ctx, db, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 1200 {
		id := fmt.Sprintf("L%04d", i)
		if _, err := st.SetOnline(ctx, id, store.Online{Online: i%2 == 0, Birth: 1, Body: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	st.SetState(ctx, "L0001", "doors", state("L0001", true)[fleet.Topics{Fleet: testFleet, Locker: "L0001"}.Doors()])
	env := map[string]string{"PUDO_CENTRAL_DB": db}
	start := time.Now()
	out, errw, code := run(t, env, "status")
	t.Logf("status of 1,200 lockers from central's database in %s", time.Since(start).Round(time.Millisecond))
	if code != 0 || strings.Count(out, "\n") != 1201 || !strings.Contains(out, "L1199 ") {
		t.Fatalf("status from central: exit %d, %d lines\n%s", code, strings.Count(out, "\n"), errw)
	}
	out, errw, code = run(t, env, "doors", "L0001")
	if code != 0 || !strings.Contains(out, "free") {
		t.Fatalf("doors from central: exit %d\n%s%s", code, out, errw)
	}
	// A locker whose messages named another locker: the count is in
	// status --json, as the operator's guide says.
	if err := st.CountRefused(ctx, "L0002", 3); err != nil {
		t.Fatal(err)
	}
	out, errw, code = run(t, env, "status", "--json", "L0002")
	var row struct{ Refused *int64 }
	if code != 0 || json.Unmarshal([]byte(out), &row) != nil || row.Refused == nil || *row.Refused != 3 {
		t.Fatalf("status --json L0002: exit %d, %s%s; want \"refused\": 3", code, out, errw)
	}
	_, errw, code = run(t, env, "status", "NOPE")
	if code != 1 || !strings.Contains(errw, "NOPE") {
		t.Fatalf("status of an unknown locker: exit %d %q", code, errw)
	}
}

// What a locker says of an unsigned command names a command that exists:
// pudo fleet's own where it has one, central's serve for the rest.
func TestUnsignedHintNamesRealCommands(t *testing.T) {
	for _, name := range []string{fleet.CmdBook, fleet.CmdCancel, fleet.CmdExtend, fleet.CmdOpen, fleet.CmdService, fleet.CmdConfig,
		fleet.CmdState, fleet.CmdRebirth, fleet.CmdRevoke, fleet.CmdResend} {
		hint := fleet.SignedBy(name)
		sub, ok := strings.CutPrefix(hint, "pudo fleet ")
		if !ok {
			if !strings.HasPrefix(hint, "pudo central serve --key") {
				t.Errorf("%s: hint %q names neither pudo fleet nor central", name, hint)
			}
			continue
		}
		sub, _, _ = strings.Cut(sub, " ")
		var out, errw strings.Builder
		fleetcli.Main(context.Background(), []string{sub, "--help"}, &out, &errw)
		if strings.Contains(errw.String(), "unknown command") {
			t.Errorf("%s: hint %q names a command pudo fleet does not have", name, hint)
		}
	}
}
