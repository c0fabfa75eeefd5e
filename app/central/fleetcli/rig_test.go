package fleetcli_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
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
	"pudo/app/testenv"
	"pudo/lockio"
	"pudo/storage"
)

type nopLocks struct{}

func (nopLocks) Unlock(context.Context, lockio.Door) error { return nil }
func (nopLocks) Sensor(lockio.Door) lockio.Sensor          { return lockio.SensorClosed }

// rig is central (PostgreSQL, one instance) on a real mosquitto, with the
// environment pudo fleet reads, and the operator's key the kiosks trust.
type rig struct {
	t   *testing.T
	b   *mqtttest.Broker
	st  *store.Store
	key cred.PrivateKey
	env map[string]string
}

func newRig(t *testing.T, edit ...func(*rig, *link.Config)) *rig {
	t.Helper()
	r := &rig{t: t, b: mqtttest.Start(t), key: cred.GenerateKey()}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("mosquitto's log ends:\n%s", r.b.LogTail())
		}
	})
	db := pgtest.Start(t).NewDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	st, err := store.Open(ctx, db, 8)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	r.st = st
	keyFile := filepath.Join(t.TempDir(), "operator.key")
	if err := cred.WritePrivateKey(keyFile, r.key); err != nil {
		t.Fatal(err)
	}
	op := r.b.OperatorIdentity()
	cfg := link.Config{Broker: r.b.TLSURL(), Fleet: testFleet, CAFile: op.CAFile, CertFile: op.CertFile, KeyFile: op.KeyFile,
		Key: r.key, ConfirmEvery: 200 * time.Millisecond}
	for _, e := range edit {
		e(r, &cfg)
	}
	in, err := link.New(cfg, st, quiet)
	if err != nil {
		t.Fatal(err)
	}
	wg.Go(func() { in.Run(ctx) })
	r.env = brokerEnv(r.b, op)
	r.env["PUDO_CENTRAL_DB"], r.env["PUDO_OPERATOR_KEY"] = db, keyFile
	// Who sends the commands, as a login would name them ($USER may be
	// unset where tests run).
	r.env["PUDO_FLEET_OPERATOR"] = "rig-operator"
	return r
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// kiosk is a real kiosk's core over SQLite and its fleet link, trusting
// the rig's operator key; it can stop and start again on its own files.
type kiosk struct {
	r      *rig
	edit   []func(*fleet.Config)
	idn    mqtttest.Identity // its certificate, issued once
	id     string
	dir    string
	locker *core.Locker
	cancel context.CancelFunc
	done   chan struct{}
}

func (r *rig) kiosk(id string, edit ...func(*fleet.Config)) *kiosk {
	k := &kiosk{r: r, id: id, dir: r.t.TempDir(), edit: edit, idn: r.b.Locker(r.t, id)}
	k.start()
	r.t.Cleanup(k.stop)
	testenv.Await(r.t, "kiosk "+id+" registered by central", func() bool {
		l, err := r.st.GetLocker(context.Background(), id)
		return err == nil && l.Online
	})
	return k
}

func (k *kiosk) start() {
	t := k.r.t
	ctx, cancel := context.WithCancel(context.Background())
	sdb, err := storage.Open(ctx, filepath.Join(k.dir, "pudo.db"))
	if err != nil {
		t.Fatal(err)
	}
	keys := []cred.PublicKey{k.r.key.Public()}
	k.locker = core.New(sdb, nopLocks{}, []byte("test-secret-0123456789abcdef01234"), core.Options{KioskID: k.id, OperatorKeys: keys}, quiet)
	doors, _ := core.Layout(app.DemoColumns(), 2)
	if err := k.locker.SetUp(ctx, doors); err != nil {
		t.Fatal(err)
	}
	cfg := fleet.DefaultConfig()
	cfg.Enabled, cfg.Broker, cfg.Fleet = true, k.r.b.TLSURL(), testFleet
	cfg.CAFile, cfg.CertFile, cfg.KeyFile = k.idn.CAFile, k.idn.CertFile, k.idn.KeyFile
	cfg.ReconnectWindow = 200 * time.Millisecond
	cfg.RenewBefore = time.Hour // the test certificates last a day
	for _, e := range k.edit {
		e(&cfg)
	}
	kl, err := fleet.New(cfg, k.id, k.locker.Office(), sdb, fleet.Options{ClockSynced: func() bool { return true }, OperatorKeys: keys}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	k.cancel, k.done = cancel, make(chan struct{})
	go func() { defer close(k.done); kl.Run(ctx); sdb.Close() }()
}

func (k *kiosk) stop() {
	if k.cancel != nil {
		k.cancel()
		<-k.done
		k.cancel = nil
	}
}
