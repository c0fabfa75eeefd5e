package doctor

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pudo/app/config"
	"pudo/app/core"
	"pudo/lockio"
	"pudo/storage"

	"pudo/app/testenv"
)

// packagedConfig is the file the .deb installs, with the data dir moved to
// a test directory and whatever else the test adds appended.
func packagedConfig(t *testing.T, dataDir, extra string) string {
	t.Helper()
	body := strings.Replace(string(config.Example), `data_dir = ""`, fmt.Sprintf("data_dir = %q", dataDir), 1)
	path := filepath.Join(t.TempDir(), "pudo.toml")
	if err := os.WriteFile(path, []byte(body+extra), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pudo.toml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// kioskData makes the data dir a kiosk leaves after a few events: a
// private directory, the database and the key it records.
func kioskData(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	db, _, err := core.OpenData(context.Background(), dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := range 3 {
		err := db.Update(context.Background(), func(tx *storage.Tx) error {
			_, err := tx.Append(storage.Event{Actor: "system", Kind: "test.event", Detail: fmt.Sprint(i)})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func results(r Report) map[string]Result {
	m := map[string]Result{}
	for _, res := range r.Results {
		m[res.Check] = res
	}
	return m
}

func want(t *testing.T, r Report, check string, st Status, detail string) {
	t.Helper()
	res, ok := results(r)[check]
	if !ok {
		t.Fatalf("no %s result in %+v", check, r.Results)
	}
	if res.Status != st || !strings.Contains(res.Detail, detail) {
		t.Errorf("%s = %s %q, want %s containing %q", check, res.Status, res.Detail, st, detail)
	}
}

func noDevices() string {
	return "\n[scanner.serial]\nport = \"/nonexistent/pudo-scanner\"\n[scanner.camera]\ndevice = \"/nonexistent/video0\"\n"
}

// The packaged config on the simulated board: the demo locker a fresh
// install starts. Nothing a shopper would notice is broken.
func TestDoctorOnSimulator(t *testing.T) {
	dir := kioskData(t)
	xdir := fakeXServer(t, 0, xSuccess("Fake X", 1280, 800))
	r := Run(context.Background(), Options{
		ConfigPath: packagedConfigWithoutDevices(t, dir), x11Dir: xdir, Display: ":0",
	})
	var out bytes.Buffer
	r.WriteText(&out)
	t.Log("\n" + out.String())
	if r.Failed() {
		t.Fatalf("doctor failed on the simulator:\n%s", out.String())
	}
	want(t, r, "config", OK, "kiosk PUDO-DEMO, 24 doors on 1 board(s)")
	want(t, r, "display", OK, "screen 1280x800")
	want(t, r, "lock-port", Warn, "simulated board")
	want(t, r, "lock-bus", OK, "board 1 (24 inputs")
	want(t, r, "scanner", Warn, "/nonexistent/pudo-scanner: missing")
	want(t, r, "camera", Warn, "/nonexistent/video0: missing")
	want(t, r, "database", OK, "integrity ok, schema current")
	want(t, r, "event-chain", OK, "3 events verified")
	want(t, r, "locker-key", OK, "matches pudo.db")
	want(t, r, "data-dir", OK, "private")
	if got := len(r.Results); got != len(checkNames) {
		t.Errorf("%d results, want %d", got, len(checkNames))
	}
	if !strings.Contains(out.String(), "no failures") {
		t.Errorf("verdict missing:\n%s", out.String())
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// packagedConfigWithoutDevices points the scanner and camera at paths that
// cannot exist, so the test does not depend on the machine's devices.
func packagedConfigWithoutDevices(t *testing.T, dataDir string) string {
	body := mustRead(t, packagedConfig(t, dataDir, ""))
	body = strings.Replace(body, `port = "/dev/ttyACM0"`, `port = "/nonexistent/pudo-scanner"`, 1)
	body = strings.Replace(body, `device = "/dev/video0"`, `device = "/nonexistent/video0"`, 1)
	return writeConfig(t, body)
}

// The command as a technician runs it: exit status and the printed lines.
func TestMainExitStatus(t *testing.T) {
	dir := kioskData(t)
	for _, tc := range []struct {
		name   string
		config string
		code   int
		lines  []string
	}{
		{"simulator", packagedConfigWithoutDevices(t, dir), 0,
			[]string{"WARN  lock-port", "OK    lock-bus", "SKIP  display", "no failures"}},
		{"bad value", writeConfig(t, "[lock]\nprotocol = \"nope\"\n"), 1,
			[]string{"FAIL  config", "lock.protocol", "SKIP  lock-port", "needs a valid config", "a shopper would notice"}},
		{"bad toml", writeConfig(t, "[kiosk\nid = 1\n"), 1,
			[]string{"FAIL  config", "line 2"}},
		{"missing file", filepath.Join(t.TempDir(), "nope.toml"), 1,
			[]string{"FAIL  config", "no such file"}},
		{"lock adapter unplugged", writeConfig(t, fmt.Sprintf("[kiosk]\ndata_dir = %q\n[lock]\nport = \"/nonexistent/pudo-lock\"\n%s", dir, noDevices())), 1,
			[]string{"FAIL  lock-port", "/nonexistent/pudo-lock: missing", "SKIP  lock-bus"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := Main(context.Background(), []string{"--as-root", "--config", tc.config, "--skip", "display,sound"}, &out, &errOut, "test")
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tc.code, out.String(), errOut.String())
			}
			for _, l := range tc.lines {
				if !strings.Contains(out.String(), l) {
					t.Errorf("output lacks %q:\n%s", l, out.String())
				}
			}
		})
	}
}

func TestMainJSON(t *testing.T) {
	var out bytes.Buffer
	code := Main(context.Background(), []string{"--as-root", "--json", "--config", writeConfig(t, "[lock]\nprotocol = \"nope\"\n"),
		"--skip", "display,sound"}, &out, os.Stderr, "test")
	var got struct {
		OK      bool
		Version string
		Results []Result
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	if code != 1 || got.OK || got.Version != "test" || got.Results[0].Check != "config" || got.Results[0].Status != Fail {
		t.Fatalf("exit %d, report %+v", code, got)
	}
}

func TestMainUsage(t *testing.T) {
	for _, args := range [][]string{{"--skip", "everything"}, {"extra"}, {"--no-such-flag"}} {
		if code := Main(context.Background(), args, &bytes.Buffer{}, &bytes.Buffer{}, "test"); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestDatabaseProblems(t *testing.T) {
	t.Run("no database yet", func(t *testing.T) {
		r := Run(context.Background(), Options{ConfigPath: packagedConfigWithoutDevices(t, t.TempDir()),
			Skip: map[string]bool{"display": true, "lock-port": true, "lock-bus": true, "sound": true}})
		want(t, r, "database", Warn, "none yet")
		want(t, r, "event-chain", Skip, "no database")
		want(t, r, "locker-key", OK, "made on first start")
		if r.Failed() {
			t.Fatalf("a fresh install fails: %+v", r.Results)
		}
	})
	t.Run("secret lost", func(t *testing.T) {
		dir := kioskData(t)
		os.Remove(filepath.Join(dir, "locker.key"))
		r := Run(context.Background(), Options{ConfigPath: packagedConfigWithoutDevices(t, dir),
			Skip: map[string]bool{"display": true, "lock-port": true, "lock-bus": true, "sound": true}})
		want(t, r, "locker-key", Fail, "locker.key is missing beside")
	})
	t.Run("not a database", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "pudo.db"), bytes.Repeat([]byte("garbage!"), 1024), 0o600)
		r := Run(context.Background(), Options{ConfigPath: packagedConfigWithoutDevices(t, dir),
			Skip: map[string]bool{"display": true, "lock-port": true, "lock-bus": true, "sound": true}})
		want(t, r, "database", Fail, "pudo.db")
		if !r.Failed() {
			t.Fatal("a garbage database passed")
		}
	})
}

func TestJudgeScan(t *testing.T) {
	boards := []lockio.BoardConfig{{Address: 1, Channels: 24}, {Address: 2, Channels: 24}}
	for _, tc := range []struct {
		name   string
		found  []lockio.BoardFound
		st     Status
		detail string
	}{
		{"all", []lockio.BoardFound{{Address: 1, Inputs: 24, Answers: 3, Probes: 3}, {Address: 2, Inputs: 24, Answers: 3, Probes: 3}}, OK, "board 2 (24 inputs, 3/3 answers)"},
		{"one silent", []lockio.BoardFound{{Address: 1, Inputs: 24}}, Fail, "board(s) 2 do not answer"},
		{"extra", []lockio.BoardFound{{Address: 1}, {Address: 2}, {Address: 9}}, Warn, "unconfigured board(s) 9"},
		{"collision", []lockio.BoardFound{{Address: 1, Collision: true}, {Address: 2}}, Fail, "two boards share"},
		{"none", nil, Fail, "board(s) 1, 2 do not answer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := judgeScan(boards, tc.found)
			if res.Status != tc.st || !strings.Contains(res.Detail, tc.detail) {
				t.Fatalf("judgeScan = %s %q, want %s containing %q", res.Status, res.Detail, tc.st, tc.detail)
			}
		})
	}
}

func TestCheckClock(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		now, last time.Time
		st        Status
	}{
		{"epoch", time.Unix(0, 0), time.Time{}, Fail},
		{"behind the log", now, now.Add(time.Hour), Warn},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if res := checkClock(tc.now, tc.last); res.Status != tc.st {
				t.Fatalf("checkClock = %+v, want %s", res, tc.st)
			}
		})
	}
	if res := checkClock(now, now.Add(-time.Hour)); res.Status == Fail {
		t.Fatalf("a sane clock failed: %+v", res)
	}
}

// fakeXServer answers one X11 connection setup per connection with reply,
// on display num in a directory of its own.
func fakeXServer(t *testing.T, num int, reply []byte) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "x11") // socket paths must stay short
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	l, err := net.Listen("unix", filepath.Join(dir, fmt.Sprintf("X%d", num)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			head := make([]byte, 12)
			if _, err := c.Read(head); err == nil && head[0] == 'l' && binary.LittleEndian.Uint16(head[2:]) == 11 {
				c.Write(reply)
			}
			c.Close()
		}
	}()
	return dir
}

func xSuccess(vendor string, w, h uint16) []byte {
	le := binary.LittleEndian
	body := make([]byte, 32)
	le.PutUint32(body[0:], 12101007)
	le.PutUint16(body[16:], uint16(len(vendor)))
	body[20], body[21] = 1, 1 // one screen, one pixmap format
	body = append(body, pad4([]byte(vendor))...)
	body = append(body, make([]byte, 8)...) // the format
	screen := make([]byte, 40)
	le.PutUint16(screen[20:], w)
	le.PutUint16(screen[22:], h)
	body = append(body, screen...)
	head := []byte{1, 0, 11, 0, 0, 0, 0, 0}
	le.PutUint16(head[6:], uint16(len(body)/4))
	return append(head, body...)
}

func xFailed(reason string) []byte {
	body := pad4([]byte(reason))
	head := []byte{0, byte(len(reason)), 11, 0, 0, 0, 0, 0}
	binary.LittleEndian.PutUint16(head[6:], uint16(len(body)/4))
	return append(head, body...)
}

func TestCheckDisplay(t *testing.T) {
	t.Setenv("XAUTHORITY", filepath.Join(t.TempDir(), "none"))
	opts := Options{Wait: time.Second}
	opts.x11Dir = fakeXServer(t, 3, xSuccess("The X.Org Foundation", 1920, 1080))
	opts.Display = ":3.0"
	if res := checkDisplay(context.Background(), opts); res.Status != OK || !strings.Contains(res.Detail, "The X.Org Foundation 12101007, screen 1920x1080") {
		t.Errorf("answering server: %+v", res)
	}
	opts.x11Dir = fakeXServer(t, 3, xFailed("Authorization required, but no authorization protocol specified"))
	if res := checkDisplay(context.Background(), opts); res.Status != Warn || !strings.Contains(res.Detail, "Authorization required") {
		t.Errorf("refusing server: %+v", res)
	}
	opts.Display = ":7"
	if res := checkDisplay(context.Background(), opts); res.Status != Fail || !strings.Contains(res.Detail, "no X server on :7") {
		t.Errorf("no server: %+v", res)
	}
	opts.Display = "nonsense"
	if res := checkDisplay(context.Background(), opts); res.Status != Fail {
		t.Errorf("bad name: %+v", res)
	}
}

func TestFindCookie(t *testing.T) {
	var b bytes.Buffer
	entry := func(family uint16, addr, num, name string, data []byte) {
		binary.Write(&b, binary.BigEndian, family)
		for _, f := range [][]byte{[]byte(addr), []byte(num), []byte(name), data} {
			binary.Write(&b, binary.BigEndian, uint16(len(f)))
			b.Write(f)
		}
	}
	entry(256, "locker", "1", "MIT-MAGIC-COOKIE-1", []byte{1, 1})
	entry(256, "locker", "0", "XDM-AUTHORIZATION-1", []byte{2, 2})
	entry(256, "locker", "0", "MIT-MAGIC-COOKIE-1", []byte{3, 3})
	name, data := findCookie(bytes.NewReader(b.Bytes()), "0")
	if name != "MIT-MAGIC-COOKIE-1" || !bytes.Equal(data, []byte{3, 3}) {
		t.Fatalf("findCookie = %q %v", name, data)
	}
	if name, _ := findCookie(bytes.NewReader(b.Bytes()), "5"); name != "" {
		t.Fatalf("found a cookie for display 5: %q", name)
	}
}

func TestCheckSpeech(t *testing.T) {
	_, err := exec.LookPath("espeak-ng")
	if err != nil && testenv.CI() {
		t.Fatal("espeak-ng is missing (make deps installs it)")
	}
	cfg := config.Default()
	if err == nil {
		res := checkSpeech(context.Background(), cfg)
		if res.Status != OK || !strings.Contains(res.Detail, "pl=pl") || !strings.Contains(res.Detail, "en=en-gb") {
			t.Errorf("with espeak-ng: %+v", res)
		}
		cfg.Speech.Voices["nl"] = "xx-nope"
		delete(cfg.Speech.Voices, "fr")
		res = checkSpeech(context.Background(), cfg)
		if res.Status != Warn || !strings.Contains(res.Detail, "silent in nl (voice xx-nope") || !strings.Contains(res.Detail, "fr (no voice") {
			t.Errorf("bad voices: %+v", res)
		}
	} else {
		t.Log("espeak-ng not installed: only its absence is checked")
	}
	cfg.Speech.Program = "/nonexistent/espeak-ng"
	if res := checkSpeech(context.Background(), cfg); res.Status != Warn || !strings.Contains(res.Detail, "works silently") {
		t.Errorf("without espeak-ng: %+v", res)
	}
}

// Data dirs where doctor once said OK: a replaced key, an empty database,
// and files others can read. Each is a FAIL, with the
// line the kiosk itself refuses to start with.
func TestDoctorFailsASecretAndDatabaseApart(t *testing.T) {
	skip := map[string]bool{"display": true, "lock-port": true, "lock-bus": true, "sound": true}
	for _, tt := range []struct {
		name   string
		spoil  func(dir string)
		checks map[string]string
	}{
		{"replaced key", func(dir string) {
			os.WriteFile(filepath.Join(dir, "locker.key"), bytes.Repeat([]byte{9}, 32), 0o600)
		}, map[string]string{"locker-key": "does not match"}},
		{"empty database", func(dir string) {
			os.Truncate(filepath.Join(dir, "pudo.db"), 0)
		}, map[string]string{"database": "is empty (no locker data) beside locker.key"}},
		{"0644 files", func(dir string) {
			os.Chmod(dir, 0o755)
			for _, f := range []string{"pudo.db", "locker.key"} {
				os.Chmod(filepath.Join(dir, f), 0o644)
			}
		}, map[string]string{"data-dir": "pudo.db 0644"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := kioskData(t)
			tt.spoil(dir)
			r := Run(context.Background(), Options{ConfigPath: packagedConfigWithoutDevices(t, dir), Skip: skip})
			var out bytes.Buffer
			r.WriteText(&out)
			t.Log("\n" + out.String())
			for check, says := range tt.checks {
				want(t, r, check, Fail, says)
			}
			if !r.Failed() {
				t.Fatal("doctor passed")
			}
		})
	}
}
