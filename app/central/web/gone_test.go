package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

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

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// A browser that leaves while its page is read from the database (the
// request's context canceled) is no error: the log says the client went
// away, at info. A page the database really fails stays an error.
func TestClientGoneIsNoError(t *testing.T) {
	var logs logBuffer
	s := newSiteLogging(t, logs.logger())
	s.seed()
	c := s.client(operatorName, operatorPass)
	ctx := context.Background()

	// The lockers page waits on the table's lock while the browser
	// leaves.
	tx, err := s.st.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `LOCK TABLE lockers IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	rctx, leave := context.WithCancel(ctx)
	req, _ := http.NewRequestWithContext(rctx, "GET", s.srv.URL+"/", nil)
	req.AddCookie(&http.Cookie{Name: "__Host-pudo-session", Value: c.cookie})
	done := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	testenv.Await(t, "the lockers page's query waiting on the table's lock", func() bool {
		var n int
		s.st.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM lockers%'`).Scan(&n)
		return n > 0
	})
	leave()
	testenv.Receive(t, "the browser's request to end", done)
	testenv.Await(t, "the dashboard to log the page it could not finish", func() bool {
		return strings.Contains(logs.String(), " path=/")
	})
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if got := logs.String(); strings.Contains(got, "level=ERROR") || !strings.Contains(got, `level=INFO msg="web: client went away" path=/`) {
		t.Errorf("a client that went away is logged as an error, or not as gone:\n%s", got)
	}

	// A real failure (the table gone) is still an error.
	if _, err := s.st.Pool().Exec(ctx, `ALTER TABLE lockers RENAME TO lockers_away`); err != nil {
		t.Fatal(err)
	}
	defer s.st.Pool().Exec(ctx, `ALTER TABLE lockers_away RENAME TO lockers`)
	if p := c.get("/"); p.status != http.StatusInternalServerError {
		t.Fatalf("the lockers page without its table: %d", p.status)
	}
	if !strings.Contains(logs.String(), `level=ERROR msg="web: page failed"`) {
		t.Errorf("a page the database failed is not logged as an error:\n%s", logs.String())
	}
}
