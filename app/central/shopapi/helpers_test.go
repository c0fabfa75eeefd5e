package shopapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"pudo/app/central/fleettest"
	"pudo/app/central/pgtest"
	"pudo/app/central/shopapi"
	"pudo/app/central/store"
	"pudo/app/httpapi"
)

var (
	pgOnce sync.Once
	pgSrv  *pgtest.Server
)

// keep hands the first test's T to pgtest but keeps the server for the
// whole package: TestMain stops it.
type keep struct{ *testing.T }

func (k *keep) Cleanup(func()) {}

func TestMain(m *testing.M) {
	code := m.Run()
	if pgSrv != nil {
		pgSrv.Close()
	}
	if code != 0 {
		panic(fmt.Sprintf("exit %d", code))
	}
}

// rig is a fleet with the shop API in front of it.
type rig struct {
	*fleettest.Fleet
	srv  *shopapi.Server
	http *httptest.Server
	keys int
}

func newRig(t *testing.T, cfg shopapi.Config) *rig {
	t.Helper()
	pgOnce.Do(func() { pgSrv = pgtest.Start(&keep{T: t}) })
	if pgSrv == nil {
		t.Skip("no PostgreSQL")
	}
	f := fleettest.New(t, pgSrv)
	cfg.Webhooks.AllowPlain, cfg.Webhooks.AllowPrivate = true, true
	if cfg.Webhooks.BackoffMin == 0 {
		cfg.Webhooks.BackoffMin, cfg.Webhooks.BackoffMax = 10*time.Millisecond, 50*time.Millisecond
	}
	if cfg.AnswerWait == 0 {
		// A ceiling for the locker's answer in the tests where it answers.
		cfg.AnswerWait = 2 * time.Minute
	}
	s := shopapi.New(cfg, f.Store, f.Central, fleettest.Log().With("part", "shopapi"))
	ctx, cancel := context.WithCancel(f.Ctx)
	var wg sync.WaitGroup
	wg.Go(func() { s.Run(ctx) })
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		hs.Close()
		cancel()
		wg.Wait()
	})
	return &rig{Fleet: f, srv: s, http: hs}
}

// shop makes a shop and a key with the scopes given (all when none).
func (r *rig) shop(name string, scopes ...string) string {
	r.T.Helper()
	if len(scopes) == 0 {
		scopes = shopapi.Scopes
	}
	sh, err := r.Store.ShopByName(r.Ctx, name)
	if err != nil {
		if sh, err = r.Store.AddShop(r.Ctx, name); err != nil {
			r.T.Fatal(err)
		}
	}
	key, _ := httpapi.NewKey()
	r.keys++
	if err := r.Store.AddShopKey(r.Ctx, sh.ID, fmt.Sprintf("key%d-%s", r.keys, strings.Join(scopes, "+")), httpapi.KeyDigest(key), scopes); err != nil {
		r.T.Fatal(err)
	}
	return key
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("answer %d %s: %v", a.status, a.body, err)
	}
}

func (a answer) code() string {
	var e httpapi.ErrorBody
	json.Unmarshal(a.body, &e)
	return e.Error.Code
}

// withoutRequestID is an answer's body with its request id blanked, to
// compare two answers byte for byte.
func (a answer) withoutRequestID() string {
	return regexp.MustCompile(`"request_id": "[0-9a-f]+"`).ReplaceAllString(string(a.body), `"request_id": ""`)
}

// do sends a request; headers are name, value pairs.
func (r *rig) do(method, path, key, body string, headers ...string) answer {
	r.T.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, r.http.URL+path, rd)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.T.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

var idemN int

func newIdem() string {
	idemN++
	return fmt.Sprintf("idem-%d-%d", time.Now().UnixNano(), idemN)
}

// booked is a booking's answer as the tests read it.
type booked struct {
	ID         string    `json:"id"`
	State      string    `json:"state"`
	Locker     string    `json:"locker"`
	Lockers    []string  `json:"lockers"`
	Size       string    `json:"size"`
	ParcelRef  string    `json:"parcel_ref"`
	DoorID     int64     `json:"door_id"`
	RentID     int64     `json:"rent_id"`
	Refusal    string    `json:"refusal"`
	ExpiresAt  time.Time `json:"expires_at"`
	PickupCode string    `json:"pickup_code"`
	QR         string    `json:"qr"`
}

// receiver is a shop's webhook endpoint: it checks every signature and
// keeps the events in the order they came; fail makes it answer 500.
type receiver struct {
	t      *testing.T
	srv    *httptest.Server
	secret []byte

	mu     sync.Mutex
	fail   bool
	events []map[string]any
	ids    []string
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{t: t}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if err := httpapi.Verify(rc.secret, req.Header.Get(httpapi.SignatureHeader), body, time.Now(), 5*time.Minute); err != nil {
			t.Errorf("delivery with a bad signature: %v", err)
		}
		if rc.fail {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		var e map[string]any
		json.Unmarshal(body, &e)
		rc.events = append(rc.events, e)
		rc.ids = append(rc.ids, req.Header.Get("Pudo-Event-Id"))
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) setFail(on bool) {
	rc.mu.Lock()
	rc.fail = on
	rc.mu.Unlock()
}

// kinds are the "booking kind" of the events received so far.
func (rc *receiver) kinds() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []string
	for _, e := range rc.events {
		out = append(out, fmt.Sprint(e["kind"]))
	}
	return out
}

// hook registers the receiver as an endpoint of the shop whose key this is.
func (r *rig) hook(key string, rc *receiver, kinds ...string) {
	r.T.Helper()
	body, _ := json.Marshal(map[string]any{"url": rc.srv.URL + "/events", "kinds": kinds})
	a := r.do("POST", "/v1/webhooks", key, string(body))
	var w struct {
		Secret string `json:"secret"`
	}
	a.json(r.T.(*testing.T), &w)
	if a.status != http.StatusCreated || !strings.HasPrefix(w.Secret, "whsec_") {
		r.T.Fatalf("add webhook: %d %s", a.status, a.body)
	}
	rc.mu.Lock()
	rc.secret = []byte(w.Secret)
	rc.mu.Unlock()
}

// feedKinds are the shop's feed from the start, as kinds.
func (r *rig) feedKinds(key string) []string {
	r.T.Helper()
	a := r.do("GET", "/v1/events?limit=500", key, "")
	var out struct {
		Events []struct {
			Kind string `json:"kind"`
		} `json:"events"`
	}
	a.json(r.T.(*testing.T), &out)
	var ks []string
	for _, e := range out.Events {
		ks = append(ks, e.Kind)
	}
	return ks
}

func contains(haystack []string, seq ...string) bool {
	i := 0
	for _, h := range haystack {
		if i < len(seq) && h == seq[i] {
			i++
		}
	}
	return i == len(seq)
}

func jsonBody(v any) string {
	var b bytes.Buffer
	json.NewEncoder(&b).Encode(v)
	return b.String()
}

// storeHolds says whether any text column of central's tables holds s.
func storeHolds(t *testing.T, st *store.Store, s string) []string {
	t.Helper()
	ctx := context.Background()
	var where []string
	for _, q := range []string{
		`SELECT 'commands' FROM commands WHERE convert_from(payload, 'UTF8') LIKE $1 OR coalesce(result::text, '') LIKE $1`,
		`SELECT 'events' FROM events WHERE body::text LIKE $1`,
		`SELECT 'shop_idempotency' FROM shop_idempotency WHERE encode(coalesce(response, ''::bytea), 'escape') LIKE $1`,
		`SELECT 'shop_events' FROM shop_events WHERE kind LIKE $1`,
		`SELECT 'bookings' FROM bookings WHERE parcel_ref LIKE $1 OR recipient_ref LIKE $1`,
	} {
		var name string
		if st.Pool().QueryRow(ctx, q+` LIMIT 1`, "%"+s+"%").Scan(&name) == nil {
			where = append(where, name)
		}
	}
	return where
}
