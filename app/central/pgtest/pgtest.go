// Package pgtest starts a PostgreSQL server for tests from Debian's
// binaries (/usr/lib/postgresql/15/bin): initdb into a temporary
// directory, postgres on 127.0.0.1 on a free port with its unix socket in
// that directory, stopped when the test ends. A machine without
// PostgreSQL skips the test, except under CI, where that fails: make deps
// installs it.
package pgtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"pudo/app/testenv"
)

// BinDir is where Debian keeps PostgreSQL 15's server binaries.
const BinDir = "/usr/lib/postgresql/15/bin"

// Server is one postgres process. Restart keeps its port and data.
type Server struct {
	tb     testing.TB
	dir    string
	Port   int
	cred   *syscall.Credential
	cmd    *exec.Cmd
	exited chan struct{}
	dbs    atomic.Int64
}

// Bin returns the path of a PostgreSQL binary, skipping (or failing under
// CI) when it is not installed.
func Bin(tb testing.TB, name string) string {
	tb.Helper()
	p := filepath.Join(BinDir, name)
	if _, err := os.Stat(p); err != nil {
		testenv.Missing(tb, "PostgreSQL 15 is not installed (%s missing; make deps installs it: apt-get install postgresql)", p)
	}
	return p
}

// Start initialises a cluster in a fresh directory and starts it.
func Start(tb testing.TB) *Server {
	tb.Helper()
	initdb := Bin(tb, "initdb")
	// The data directory must belong to whoever runs postgres, and
	// postgres refuses to run as root: as root, the tests run it as the
	// postgres user Debian's package makes, in a directory it can reach.
	dir, err := os.MkdirTemp("", "pudo-pg-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	s := &Server{tb: tb, dir: dir}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			tb.Fatalf("pgtest: running as root needs the postgres user (Debian's postgresql package makes it): %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			tb.Fatal(err)
		}
	}
	cmd := exec.Command(initdb, "-D", s.data(), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("initdb: %v\n%s", err, out)
	}
	s.Port = freePort(tb)
	s.start()
	tb.Cleanup(s.Stop)
	return s
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

func freePort(tb testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// start runs postgres and waits until it takes connections. After a kill
// the old server's backends may hold its shared memory for a moment, and
// the new one refuses to start: it is started again until it stays up.
func (s *Server) start() {
	s.tb.Helper()
	for try := 0; ; try++ {
		if s.launch(try == 20) {
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// launch starts postgres once and reports whether it takes connections;
// last: fail the test instead of returning false.
func (s *Server) launch(last bool) bool {
	s.tb.Helper()
	logf, err := os.OpenFile(filepath.Join(s.dir, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o666)
	if err != nil {
		s.tb.Fatal(err)
	}
	defer logf.Close()
	// fsync stays on: the tests kill instances and restart the server,
	// and a commit must mean what it says.
	s.cmd = exec.Command(Bin(s.tb, "postgres"), "-D", s.data(), "-h", "127.0.0.1", "-p", strconv.Itoa(s.Port),
		"-k", s.dir, "-c", "max_connections=300", "-c", "shared_buffers=128MB", "-c", "log_min_messages=warning")
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Pdeathsig: syscall.SIGKILL}
	if err := s.cmd.Start(); err != nil {
		s.tb.Fatal(err)
	}
	s.exited = make(chan struct{})
	go func(c *exec.Cmd, done chan struct{}) { c.Wait(); close(done) }(s.cmd, s.exited)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		c, err := pgx.Connect(ctx, s.URL("postgres"))
		cancel()
		if err == nil {
			c.Close(context.Background())
			return true
		}
		select {
		case <-s.exited:
			if !last {
				s.cmd = nil
				return false
			}
			s.tb.Fatalf("postgres exited at start:\n%s", s.LogTail())
		default:
		}
		if time.Now().After(deadline) {
			s.tb.Fatalf("postgres does not take connections on %d after 2 minutes: %v\n%s", s.Port, err, s.LogTail())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// URL is the connection string of database db.
func (s *Server) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.Port, db)
}

// NewDB creates an empty database and returns its URL.
func (s *Server) NewDB(tb testing.TB) string {
	tb.Helper()
	name := fmt.Sprintf("t%d", s.dbs.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatal(err)
	}
	return s.URL(name)
}

// Stop shuts postgres down (a fast shutdown: sessions end, the data is
// consistent) and waits.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.exited:
	case <-time.After(time.Minute):
		s.cmd.Process.Kill()
		<-s.exited
	}
	s.cmd = nil
}

// Kill stops postgres the hard way: it recovers from its WAL at the next
// start.
func (s *Server) Kill() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
	// Its children (the backends) see the postmaster gone and exit; the
	// next start waits for the old shared memory to be released.
}

// Restart stops and starts postgres on the same port and data.
func (s *Server) Restart() {
	s.Stop()
	s.start()
}

// Close stops postgres and removes its directory, for a server kept for a
// whole package run (started with a T whose Cleanup does nothing).
func (s *Server) Close() {
	s.Stop()
	os.RemoveAll(s.dir)
}

// Start again after Stop or Kill.
func (s *Server) Start() { s.start() }

// LogTail is the end of the server's log, for a failing test's message.
func (s *Server) LogTail() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "postgres.log"))
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-20):], "\n")
}
