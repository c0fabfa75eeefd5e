package fleetcli_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/central/link"
	"pudo/app/central/mqtttest"
	"pudo/app/central/pgtest"
	"pudo/app/central/store"
	"pudo/app/core"
	"pudo/app/cred"
	"pudo/app/fleet"
	"pudo/lockio"
	"pudo/storage"
)

type nopLocks struct{}

func (nopLocks) Unlock(context.Context, lockio.Door) error { return nil }
func (nopLocks) Sensor(lockio.Door) lockio.Sensor          { return lockio.SensorClosed }

// A booking made with pudo fleet book against central: its version comes
// from central's counter, the real kiosk link books it once, the pickup
// code is printed and stored nowhere, and central's rent carries the
// shop's parcel reference. Cancelling takes the next version.
func TestBookThroughCentral(t *testing.T) {
	b := mqtttest.Start(t)
	pg := pgtest.Start(t)
	db := pg.NewDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	st, err := store.Open(ctx, db, 8)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	key := cred.GenerateKey()
	keyFile := filepath.Join(t.TempDir(), "operator.key")
	if err := cred.WritePrivateKey(keyFile, key); err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	op := b.OperatorIdentity()
	in, err := link.New(link.Config{Broker: b.TLSURL(), Fleet: testFleet, CAFile: op.CAFile, CertFile: op.CertFile, KeyFile: op.KeyFile,
		Key: key, ConfirmEvery: 200 * time.Millisecond}, st, quiet)
	if err != nil {
		t.Fatal(err)
	}
	wg.Go(func() { in.Run(ctx) })
	// The real kiosk: core over SQLite, the fleet link.
	sdb, err := storage.Open(ctx, filepath.Join(t.TempDir(), "pudo.db"))
	if err != nil {
		t.Fatal(err)
	}
	l := core.New(sdb, nopLocks{}, []byte("test-secret-0123456789abcdef01234"), core.Options{KioskID: "K1"}, quiet)
	doors, _ := core.Layout(app.DemoColumns(), 2)
	if err := l.SetUp(ctx, doors); err != nil {
		t.Fatal(err)
	}
	id := b.Locker(t, "K1")
	cfg := fleet.DefaultConfig()
	cfg.Enabled, cfg.Broker, cfg.Fleet, cfg.CAFile, cfg.CertFile, cfg.KeyFile = true, b.TLSURL(), testFleet, id.CAFile, id.CertFile, id.KeyFile
	kl, err := fleet.New(cfg, "K1", l.Office(), sdb, fleet.Options{ClockSynced: func() bool { return true }, OperatorKeys: []cred.PublicKey{key.Public()}}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	wg.Go(func() { kl.Run(ctx); sdb.Close() })
	waitFor(t, "the kiosk registered by central", func() bool { _, err := st.GetLocker(ctx, "K1"); return err == nil })
	env := brokerEnv(b, op)
	env["PUDO_CENTRAL_DB"], env["PUDO_OPERATOR_KEY"] = db, keyFile
	out, errw, code := run(t, env, "book", "--locker", "K1", "--size", "M", "--parcel-ref", "SHOP-PKG-1", "--booking-id", "B1")
	if code != 0 || !strings.Contains(out, "Pickup code") {
		t.Fatalf("book: exit %d\n%s%s", code, out, errw)
	}
	code1 := out[strings.LastIndex(out, ": ")+2:]
	waitFor(t, "central's rent with the shop's parcel reference", func() bool {
		var ref string
		st.Pool().QueryRow(ctx, `SELECT coalesce(parcel_ref, '') FROM rents WHERE locker = 'K1' AND booking_id = 'B1'`).Scan(&ref)
		return ref == "SHOP-PKG-1"
	})
	var results string
	st.Pool().QueryRow(ctx, `SELECT result::text FROM commands WHERE booking_id = 'B1' AND name = 'book'`).Scan(&results)
	if results == "" || strings.Contains(results, strings.TrimSpace(code1)) {
		t.Fatalf("central's kept result is %q: it must be there, without the pickup code", results)
	}
	out, errw, code = run(t, env, "book", "--locker", "K1", "--size", "S", "--parcel-ref", "SHOP-PKG-2", "--booking-id", "B2")
	if code != 0 || !strings.Contains(out, "Pickup code") {
		t.Fatalf("second book: exit %d\n%s%s", code, out, errw)
	}
	out, errw, code = run(t, env, "cancel", "--locker", "K1", "--booking-id", "B1")
	if code != 0 || !strings.Contains(out, "Cancelled") {
		t.Fatalf("cancel: exit %d\n%s%s", code, out, errw)
	}
	var version int64
	waitFor(t, "central to keep the cancel's answer", func() bool {
		var state string
		st.Pool().QueryRow(ctx, `SELECT state, version FROM bookings WHERE booking_id = 'B1'`).Scan(&state, &version)
		return state == "cancelled"
	})
	if n, _ := st.NextVersion(ctx, "K1"); n != 4 || version != 1 {
		t.Fatalf("the booking's version %d and the locker's next %d; want 1 and 4 (book 1, book 2, cancel 3)", version, n)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting after 3 minutes for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
