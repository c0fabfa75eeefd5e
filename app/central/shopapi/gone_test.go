package shopapi_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"pudo/app/central/pgtest"
	"pudo/app/central/shopapi"
	"pudo/app/central/store"
	"pudo/app/httpapi"
	"pudo/app/testenv"
)

// logBuffer is a log kept for the test to read, every level.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A shop's client that hangs up while its request reads the database
// (the request's context canceled) is no error: the log says the client
// went away, at info, and so does the request's line. A request the
// database really fails stays an error.
func TestClientGoneIsNoError(t *testing.T) {
	pgOnce.Do(func() { pgSrv = pgtest.Start(&keep{T: t}) })
	if pgSrv == nil {
		t.Skip("no PostgreSQL")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, pgSrv.NewDB(t), 4)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sh, err := st.AddShop(ctx, "shopx")
	if err != nil {
		t.Fatal(err)
	}
	key, _ := httpapi.NewKey()
	if err := st.AddShopKey(ctx, sh.ID, "web", httpapi.KeyDigest(key), []string{"read"}); err != nil {
		t.Fatal(err)
	}
	var logs logBuffer
	api := shopapi.New(shopapi.Config{}, st, nil, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	hs := httptest.NewServer(api.Handler())
	defer hs.Close()
	get := func(ctx context.Context) (int, error) {
		req, _ := http.NewRequestWithContext(ctx, "GET", hs.URL+"/v1/lockers", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}

	tx, err := st.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `LOCK TABLE lockers IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	rctx, hangUp := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { _, err := get(rctx); done <- err }()
	testenv.Await(t, "the request's query waiting on the lockers table's lock", func() bool {
		var n int
		st.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM lockers%'`).Scan(&n)
		return n > 0
	})
	hangUp()
	testenv.Receive(t, "the client's request to end", done)
	testenv.Await(t, "the request's log line", func() bool { return strings.Contains(logs.String(), `msg="api request"`) })
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	got := logs.String()
	if strings.Contains(got, "level=ERROR") || !strings.Contains(got, `level=INFO msg="shopapi: client went away"`) ||
		!strings.Contains(got, "error=client_gone") {
		t.Errorf("a client that went away is logged as an error, or not as gone:\n%s", got)
	}

	// A real failure (the table gone) is still an error.
	if _, err := st.Pool().Exec(ctx, `ALTER TABLE lockers RENAME TO lockers_away`); err != nil {
		t.Fatal(err)
	}
	defer st.Pool().Exec(ctx, `ALTER TABLE lockers_away RENAME TO lockers`)
	if status, err := get(ctx); err != nil || status != http.StatusInternalServerError {
		t.Fatalf("the lockers without their table: %d %v", status, err)
	}
	got = logs.String()
	if !strings.Contains(got, `level=ERROR msg="shopapi: request failed"`) || strings.Count(got, `level=ERROR msg="api request"`) != 1 {
		t.Errorf("a request the database failed is not logged as an error:\n%s", got)
	}
}
