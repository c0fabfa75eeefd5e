// Package fleettest is a small fleet for central's tests: a mosquitto
// with the fleet's ACL (mqtttest), a fresh database (pgtest), one central
// instance (link) with the operator's key, and real kiosks (the core over
// a SQLite file, its fleet link) to book at. Lockers without a kiosk can
// be registered offline.
package fleettest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
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
	"pudo/lockio"
	"pudo/storage"
)

// Fleet is the whole rig; everything stops when the test ends.
type Fleet struct {
	T       testing.TB
	Ctx     context.Context
	Broker  *mqtttest.Broker
	DBURL   string
	Store   *store.Store
	Key     cred.PrivateKey
	Central *link.Ingest
	Name    string // the fleet's name in the topics

	wg sync.WaitGroup
}

// Log is the tests' log: quiet unless PUDO_TEST_LOG is set.
func Log() *slog.Logger {
	if os.Getenv("PUDO_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// New starts a broker and a central instance on a fresh database of pg,
// and waits until central is subscribed.
func New(t testing.TB, pg *pgtest.Server) *Fleet {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	f := &Fleet{T: t, Ctx: ctx, Broker: mqtttest.Start(t), DBURL: pg.NewDB(t), Key: cred.GenerateKey(), Name: "test"}
	st, err := store.Open(ctx, f.DBURL, 16)
	if err != nil {
		t.Fatal(err)
	}
	f.Store = st
	t.Cleanup(func() {
		cancel()
		f.wg.Wait()
		st.Close()
	})
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	op := f.Broker.OperatorIdentity()
	in, err := link.New(link.Config{Broker: f.Broker.TLSURL(), Fleet: f.Name, CAFile: op.CAFile, CertFile: op.CertFile, KeyFile: op.KeyFile,
		Instance: "1", Key: f.Key, ConfirmEvery: 200 * time.Millisecond, HoleWait: time.Second}, st, Log().With("part", "central"))
	if err != nil {
		t.Fatal(err)
	}
	f.Central = in
	f.wg.Go(func() { in.Run(ctx) })
	f.WaitFor("central subscribed to the broker", in.Ready)
	return f
}

// WaitFor polls cond until it holds, failing the test after minutes (a
// ceiling for a hang, never a budget).
func (f *Fleet) WaitFor(what string, cond func() bool) {
	f.T.Helper()
	WaitFor(f.T, what, cond)
}

// WaitFor polls cond until it holds; after 3 minutes the test fails
// naming what it awaited.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting after 3 minutes for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Register makes a locker known to central, offline, without a kiosk.
func (f *Fleet) Register(id string) {
	f.T.Helper()
	if _, err := f.Store.SetOnline(f.Ctx, id, store.Online{Online: false, Body: []byte(`{}`)}); err != nil {
		f.T.Fatal(err)
	}
}

// Kiosk is a real kiosk on the fleet: its core over a SQLite file, and
// its fleet link trusting the operator's key.
type Kiosk struct {
	ID     string
	Locker *core.Locker
	DB     *storage.DB
	Link   *fleet.Link

	f      *Fleet
	stop   context.CancelFunc
	done   chan struct{}
	closed bool
}

type closedDoors struct{}

func (closedDoors) Unlock(context.Context, lockio.Door) error { return nil }
func (closedDoors) Sensor(lockio.Door) lockio.Sensor          { return lockio.SensorClosed }

// Kiosk starts a kiosk with one column of doors of the sizes given (such
// as "SSMML"), and waits until central has heard its birth and its
// capacity and it listens for commands.
func (f *Fleet) Kiosk(id, sizes string) *Kiosk {
	f.T.Helper()
	db, err := storage.Open(f.Ctx, filepath.Join(f.T.TempDir(), "pudo.db"))
	if err != nil {
		f.T.Fatal(err)
	}
	l := core.New(db, closedDoors{}, []byte("fleettest-secret-0123456789abcdef"), core.Options{KioskID: id}, Log().With("kiosk", id))
	doors, err := core.Layout([]app.Column{{Board: 1, FirstChannel: 1, Sizes: sizes}}, 1)
	if err != nil {
		f.T.Fatal(err)
	}
	if err := l.SetUp(f.Ctx, doors); err != nil {
		f.T.Fatal(err)
	}
	k := &Kiosk{ID: id, Locker: l, DB: db, f: f}
	f.T.Cleanup(k.Stop)
	k.Start()
	return k
}

// Start connects the kiosk's fleet link (again) and waits for it.
func (k *Kiosk) Start() {
	f := k.f
	f.T.Helper()
	ident := f.Broker.Locker(f.T, k.ID)
	cfg := fleet.DefaultConfig()
	cfg.Enabled, cfg.Broker, cfg.Fleet = true, f.Broker.TLSURL(), f.Name
	cfg.CAFile, cfg.CertFile, cfg.KeyFile = ident.CAFile, ident.CertFile, ident.KeyFile
	cfg.ReconnectWindow = time.Millisecond
	kl, err := fleet.New(cfg, k.ID, k.Locker.Office(), k.DB, fleet.Options{ClockSynced: func() bool { return true },
		OperatorKeys: []cred.PublicKey{f.Key.Public()}}, Log().With("kiosk", k.ID))
	if err != nil {
		f.T.Fatal(err)
	}
	ctx, stop := context.WithCancel(f.Ctx)
	k.Link, k.stop, k.done = kl, stop, make(chan struct{})
	go func() {
		defer close(k.done)
		kl.Run(ctx)
	}()
	f.WaitFor(fmt.Sprintf("kiosk %s online at central with its capacity, and listening", k.ID), func() bool {
		l, err := f.Store.GetLocker(f.Ctx, k.ID)
		return err == nil && l.Online && l.Capacity != nil && kl.Ready()
	})
}

// Offline stops the kiosk's link (the kiosk itself keeps its store) and
// waits until central has the broker's Will for it.
func (k *Kiosk) Offline() {
	f := k.f
	f.T.Helper()
	k.stop()
	<-k.done
	f.WaitFor(fmt.Sprintf("central to see kiosk %s offline", k.ID), func() bool {
		l, err := f.Store.GetLocker(f.Ctx, k.ID)
		return err == nil && !l.Online
	})
}

// Stop ends the kiosk for good.
func (k *Kiosk) Stop() {
	if k.closed {
		return
	}
	k.closed = true
	if k.stop != nil {
		k.stop()
		<-k.done
	}
	k.DB.Close()
}
