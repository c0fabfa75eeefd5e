package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/core"
	"pudo/app/cred"
	"pudo/app/testenv"
	"pudo/lockio"
	"pudo/storage"
)

// fakeLocks opens every door at once and shuts it again, as a board would
// whose shoppers shut doors instantly: the first sensor reading after an
// unlock says open (the engine settles the opening from it), every later
// one closed.
type fakeLocks struct {
	mu       sync.Mutex // protects following
	unlocked []lockio.Door
	popped   map[lockio.Door]bool
}

func (f *fakeLocks) Unlock(_ context.Context, d lockio.Door) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.unlocked = append(f.unlocked, d)
	if f.popped == nil {
		f.popped = map[lockio.Door]bool{}
	}
	f.popped[d] = true
	return nil
}

func (f *fakeLocks) Sensor(d lockio.Door) lockio.Sensor {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.popped[d] {
		delete(f.popped, d)
		return lockio.SensorOpen
	}
	return lockio.SensorClosed
}

func (f *fakeLocks) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.unlocked)
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// fixture is a real locker on a real SQLite file with the API in front of
// it on a loopback port.
type fixture struct {
	t      testing.TB
	dir    string // holds the database file, pudo.db
	db     *storage.DB
	locker *core.Locker
	locks  *fakeLocks
	srv    *Server
	url    string
	keys   map[string]string // name -> bearer key
	stop   func()
}

// testOperator signs the courier tokens of the fixtures' lockers.
var testOperator = cred.GenerateKey()

// testKeys are the integrations every fixture knows.
var testKeys = []struct{ name, scope string }{
	{"shopx", ScopeMerchant}, {"shopy", ScopeMerchant}, {"fleet", ScopeCarrier}, {"host", ScopeOperator},
}

func openLocker(t testing.TB, dir string, opts core.Options) (*storage.DB, *core.Locker, *fakeLocks) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(dir, "pudo.db"))
	if err != nil {
		t.Fatal(err)
	}
	locks := &fakeLocks{}
	opts.KioskID = "T1"
	opts.OperatorKeys = append([]cred.PublicKey{testOperator.Public()}, opts.OperatorKeys...)
	if opts.CodeCost == (core.CodeCost{}) {
		opts.CodeCost = core.CodeCost{Time: 1, Memory: 64} // tests book by the hundred
	}
	l := core.New(db, locks, []byte("0123456789abcdef0123456789abcdef"), opts, quietLog())
	doors, err := core.Layout(app.DemoColumns(), 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.SetUp(ctx, doors); err != nil {
		t.Fatal(err)
	}
	return db, l, locks
}

// newFixture starts the API over a fresh locker. edit adjusts the config.
func newFixture(t testing.TB, edit func(*Config)) *fixture {
	t.Helper()
	return newTunedFixture(t, edit, nil)
}

// newTunedFixture is newFixture with tune run on the server before it
// serves: tests pin clocks there.
func newTunedFixture(t testing.TB, edit func(*Config), tune func(*Server)) *fixture {
	t.Helper()
	return newFixtureOpts(t, core.Options{RemoteOpen: true}, edit, tune)
}

// newFixtureOpts is newTunedFixture over a locker with opts.
func newFixtureOpts(t testing.TB, opts core.Options, edit func(*Config), tune func(*Server)) *fixture {
	t.Helper()
	dir := t.TempDir()
	db, l, locks := openLocker(t, dir, opts)
	t.Cleanup(func() { db.Close() })
	f := &fixture{t: t, dir: dir, db: db, locker: l, locks: locks, keys: map[string]string{}}
	cfg := DefaultConfig()
	cfg.Enabled, cfg.KioskID = true, "T1"
	for _, k := range testKeys {
		key, hash := NewKey()
		f.keys[k.name] = key
		cfg.Keys = append(cfg.Keys, Key{Name: k.name, Scope: k.scope, Hash: hash})
	}
	if edit != nil {
		edit(&cfg)
	}
	f.start(cfg, tune)
	return f
}

// start runs a server on 127.0.0.1:0 until the test ends or f.stop.
func (f *fixture) start(cfg Config, tune func(*Server)) {
	f.t.Helper()
	srv, err := New(cfg, f.locker.Office(), f.db, quietLog())
	if err != nil {
		f.t.Fatal(err)
	}
	if tune != nil {
		tune(srv)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	f.srv, f.url = srv, "http://"+ln.Addr().String()
	var once sync.Once
	f.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				f.t.Errorf("Serve: %v", err)
			}
		})
	}
	f.t.Cleanup(f.stop)
}

// answer is a response with its body read.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("body %q: %v", a.body, err)
	}
}

func (a answer) errCode(t testing.TB) string {
	t.Helper()
	var e errorBody
	a.json(t, &e)
	return e.Error.Code
}

// do sends a request as the named key ("" for none).
func (f *fixture) do(method, path, key, body string, hdr ...string) answer {
	f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, f.url+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+f.keys[key])
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

type bookedOut struct {
	rentJSON
	PickupCode string `json:"pickup_code"`
	QR         string `json:"qr"`
	// Local is the rent's id at the locker, as the kiosk and the
	// operator's key know it; ID is the one the booking key sees.
	Local int64 `json:"-"`
}

// book books a door as key and fails the test unless it worked.
func (f *fixture) book(key, parcel string) bookedOut {
	f.t.Helper()
	a := f.do("POST", "/v1/rents", key, `{"size":"S","parcel_ref":"`+parcel+`"}`)
	if a.status != http.StatusCreated {
		f.t.Fatalf("book %s: %d %s", parcel, a.status, a.body)
	}
	var b bookedOut
	a.json(f.t, &b)
	b.Local = f.local(key, b.ID)
	return b
}

// local is the locker's id of the rent key sees as id.
func (f *fixture) local(key string, id int64) int64 {
	f.t.Helper()
	v, err := f.srv.idsOwner(context.Background(), f.owner(key))
	if err != nil {
		f.t.Fatal(err)
	}
	n, ok := v.rentIn(id)
	if !ok {
		f.t.Fatalf("%s's rent %d names no rent", key, id)
	}
	return n
}

// owner is the owner key name stands for: "" for the operator's.
func (f *fixture) owner(name string) string {
	for _, k := range testKeys {
		if k.name == name && k.scope == ScopeOperator {
			return ""
		}
	}
	return name
}

// dropOff has a courier put the booked parcel in its door.
func (f *fixture) dropOff(parcel string) {
	f.t.Helper()
	ctx := context.Background()
	now := f.db.Now()
	token, err := cred.Sign(testOperator, cred.Claims{Kind: cred.Courier, Subject: "dhl-7", Carrier: "DHL",
		Lockers: []string{"T1"}, IssuedAt: now, Expires: now.Add(time.Hour)})
	if err != nil {
		f.t.Fatal(err)
	}
	c, err := f.locker.LoginCourier(ctx, token)
	if err != nil {
		f.t.Fatal(err)
	}
	d, err := c.DropBooked(ctx, parcel)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := d.Done(ctx); err != nil {
		f.t.Fatal(err)
	}
}

// counts is how many rents and events the store holds: "nothing written"
// means these stay put.
func (f *fixture) counts() (rents, events int) {
	f.t.Helper()
	err := f.db.View(context.Background(), func(tx *storage.Tx) error {
		rs, err := tx.Rents(storage.RentFilter{Limit: 1000})
		if err != nil {
			return err
		}
		evs, err := tx.Events(0, 100000)
		rents, events = len(rs), len(evs)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return rents, events
}

// receiver is a webhook endpoint that checks signatures and keeps what it
// got; fail says how many of the next requests it answers 503.
type receiver struct {
	secret []byte
	mu     sync.Mutex // protects following
	fail   int
	seen   []eventJSON
	tries  int
	got    chan eventJSON
}

func newReceiver(t testing.TB, secret string, fail int) (*receiver, string) {
	r := &receiver{secret: []byte(secret), fail: fail, got: make(chan eventJSON, 100)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: r}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return r, "http://" + ln.Addr().String() + "/hook"
}

// triesSoFar is how many requests reached the receiver.
func (r *receiver) triesSoFar() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tries
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tries++
	if r.fail > 0 {
		r.fail--
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	if err := Verify(r.secret, req.Header.Get(SignatureHeader), body, time.Now(), 5*time.Minute); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var e eventJSON
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&e); err != nil || req.Header.Get("Pudo-Event-Id") == "" {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	r.seen = append(r.seen, e)
	r.got <- e
}

func (r *receiver) setFail(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = n
}

// waitFor takes events off the receiver until one of kind for rent comes;
// it returns the kinds it saw for that rent on the way. It gives up only
// after a long while, so a loaded machine is no problem.
func (r *receiver) waitFor(t testing.TB, rentID int64, kind string) []string {
	t.Helper()
	var kinds []string
	for {
		e := testenv.Receive(t, fmt.Sprintf("a %s delivery for rent %d (got %v)", kind, rentID, kinds), r.got)
		if e.RentID != rentID {
			continue
		}
		kinds = append(kinds, e.Kind)
		if e.Kind == kind {
			return kinds
		}
	}
}

func testHook(url, secret string) Webhook {
	return Webhook{Name: "shop", URL: url, Secret: secret, Events: []string{"rent.*"},
		MaxAttempts: 20, BackoffMin: time.Millisecond, BackoffMax: 5 * time.Millisecond}
}

func init() { pollEvery = 20 * time.Millisecond }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// eventsOfKind lists the audit events of one kind.
func (f *fixture) eventsOfKind(t testing.TB, kind string) []storage.Event {
	t.Helper()
	var out []storage.Event
	err := f.db.View(context.Background(), func(tx *storage.Tx) error {
		es, err := tx.Events(0, 10000)
		for _, e := range es {
			if e.Kind == kind {
				out = append(out, e)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
