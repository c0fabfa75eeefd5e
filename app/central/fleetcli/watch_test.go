package fleetcli_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"pudo/app/central/fleetcli"
	"pudo/app/central/pgtest"
	"pudo/app/central/store"
	"pudo/app/testenv"
)

// lockedBuffer is a bytes.Buffer written by the watch and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// The operator's watch outlives a restart of central's database: it says
// so once, and then prints what was stored meanwhile, each event once,
// instead of exiting with the first failed query.
func TestWatchOutlivesADatabaseRestart(t *testing.T) {
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
	put := func(seq int64) error {
		_, err := st.StoreEvents(ctx, []store.Event{{Locker: "A", Seq: seq, At: time.Now(), Kind: "door.opened",
			Body: fmt.Appendf(nil, `{"seq":%d}`, seq)}})
		return err
	}
	if err := put(1); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PUDO_CENTRAL_DB", db)
	wctx, cancel := context.WithCancel(ctx)
	var out, errw lockedBuffer
	exited := make(chan int, 1)
	go func() {
		exited <- fleetcli.Main(wctx, []string{"watch", "--dial-wait", testenv.Patience.String()}, &out, &errw)
	}()
	defer func() {
		cancel()
		testenv.Receive(t, "the watch to end", exited)
	}()
	printed := func(seq int64) bool { return strings.Contains(out.String(), fmt.Sprintf(" %6d  door.opened", seq)) }
	// The watch prints what is stored after it started, and nothing says
	// when it has: store one event after another until one shows.
	next, last := int64(2), time.Time{}
	testenv.Await(t, "the watch to print an event stored after it started", func() bool {
		if strings.Contains(out.String(), "door.opened") {
			return true
		}
		if time.Since(last) > 200*time.Millisecond {
			if err := put(next); err != nil {
				t.Fatal(err)
			}
			next, last = next+1, time.Now()
		}
		return false
	})
	testenv.Await(t, "the watch to print the last event stored before the restart", func() bool { return printed(next - 1) })
	before := strings.Count(out.String(), "door.opened")

	pg.Stop()
	testenv.Await(t, "the watch to say the database stopped answering", func() bool {
		select {
		case code := <-exited:
			t.Fatalf("the watch exited (%d) with the database away: %s", code, errw.String())
		default:
		}
		return strings.Contains(errw.String(), "trying again")
	})
	pg.Start()
	testenv.AwaitOK(t, "an event stored after the restart", func() error { return put(next) })
	testenv.Await(t, "the watch to print the event stored after the restart", func() bool { return printed(next) })
	if n := strings.Count(out.String(), "door.opened"); n != before+1 {
		t.Fatalf("%d events printed, want %d (each once):\n%s", n, before+1, out.String())
	}
	testenv.Await(t, "the watch to say the database answers again", func() bool {
		return strings.Contains(errw.String(), "answers again")
	})
}
