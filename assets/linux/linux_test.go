package linux

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"pudo/app/config"

	"pudo/app/testenv"
)

// tool finds a program the test needs, or skips the test saying so.
func tool(t *testing.T, name string) string {
	t.Helper()
	return testenv.Tool(t, name, aptName(name))
}

func aptName(tool string) string {
	switch tool {
	case "systemd-analyze":
		return "systemd"
	case "udevadm":
		return "udev"
	case "Xvfb":
		return "xvfb"
	case "dpkg-deb":
		return "dpkg"
	case "desktop-file-validate":
		return "desktop-file-utils"
	}
	return tool
}

func repoRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

func TestUnitFileVerifies(t *testing.T) {
	analyze := tool(t, "systemd-analyze")
	dir := t.TempDir()
	unit, err := os.ReadFile("pudo-kiosk.service")
	if err != nil {
		t.Fatal(err)
	}
	// verify insists that ExecStart= is executable: point it at this copy
	// of the launcher rather than at the installed path.
	session, _ := filepath.Abs("pudo-session")
	unit = bytes.Replace(unit, []byte("ExecStart=/usr/lib/pudo/pudo-session"), []byte("ExecStart="+session), 1)
	if !bytes.Contains(unit, []byte(session)) {
		t.Fatal("pudo-kiosk.service: no ExecStart=/usr/lib/pudo/pudo-session")
	}
	path := filepath.Join(dir, "pudo-kiosk.service")
	if err := os.WriteFile(path, unit, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	// verify exits 0 on unknown keys and bad values, printing them:
	// any output is a finding.
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	for _, want := range []string{"Type=notify", "NotifyAccess=all", "WatchdogSec=", "Restart=always", "User=pudo", "StateDirectory=pudo"} {
		if !bytes.Contains(unit, []byte("\n"+want)) {
			t.Errorf("pudo-kiosk.service lacks %s", want)
		}
	}
}

// udevKey is one key of a rule: NAME or NAME{attr}, an operator, a quoted value.
var udevKey = regexp.MustCompile(`^([A-Z_]+)(\{[^}]+\})?(==|!=|\+=|-=|:=|=)"[^"]*"$`)

var udevKeys = map[string]bool{
	"ACTION": true, "DEVPATH": true, "KERNEL": true, "KERNELS": true, "NAME": true, "SYMLINK": true,
	"SUBSYSTEM": true, "SUBSYSTEMS": true, "DRIVER": true, "DRIVERS": true, "ATTR": true, "ATTRS": true,
	"ENV": true, "TAG": true, "TAGS": true, "GROUP": true, "OWNER": true, "MODE": true, "RUN": true,
	"TEST": true, "PROGRAM": true, "RESULT": true, "IMPORT": true, "LABEL": true, "GOTO": true, "OPTIONS": true,
}

func TestUdevRules(t *testing.T) {
	body, err := os.ReadFile("70-pudo.rules")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]int{}
	for i, line := range strings.Split(string(body), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		matches := 0
		for _, kv := range strings.Split(line, ", ") {
			m := udevKey.FindStringSubmatch(strings.TrimSpace(kv))
			if m == nil || !udevKeys[m[1]] {
				t.Errorf("70-pudo.rules:%d: bad key %q", i+1, kv)
				continue
			}
			if m[3] == "==" || m[3] == "!=" {
				matches++
			}
			if m[1] == "SYMLINK" {
				names[strings.Trim(strings.TrimPrefix(kv, "SYMLINK+="), `"`)]++
			}
		}
		if matches < 3 {
			t.Errorf("70-pudo.rules:%d: too loose, %d match keys: %s", i+1, matches, line)
		}
	}
	if names["pudo-lock"] == 0 || names["pudo-scanner"] == 0 {
		t.Errorf("symlinks named: %v, want pudo-lock and pudo-scanner", names)
	}

	udevadm := tool(t, "udevadm")
	if err := exec.Command(udevadm, "verify", "--help").Run(); err != nil {
		t.Log("this udevadm has no verify (systemd 254 or later has): only the syntax check above ran")
		return
	}
	if out, err := exec.Command(udevadm, "verify", "70-pudo.rules").CombinedOutput(); err != nil {
		t.Fatalf("udevadm verify: %v\n%s", err, out)
	}
}

func TestScriptsParse(t *testing.T) {
	sc := tool(t, "shellcheck")
	for _, f := range []string{"pudo-session", "postinst", "prerm", "postrm", "boot-test"} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode()&0o111 == 0 {
			t.Errorf("%s is not executable", f)
		}
		if out, err := exec.Command("sh", "-n", f).CombinedOutput(); err != nil {
			t.Errorf("sh -n %s: %v\n%s", f, err, out)
		}
		if out, err := exec.Command(sc, "-s", "sh", f).CombinedOutput(); err != nil {
			t.Errorf("shellcheck %s: %v\n%s", f, err, out)
		}
	}
}

func TestDesktopFile(t *testing.T) {
	v := tool(t, "desktop-file-validate")
	if out, err := exec.Command(v, "eu.pudo.kiosk.desktop").CombinedOutput(); err != nil || len(out) > 0 {
		t.Fatalf("desktop-file-validate: %v\n%s", err, out)
	}
	body, err := os.ReadFile("eu.pudo.kiosk.desktop")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"[Desktop Entry]\n", "\nType=Application\n", "\nExec=pudo", "\nIcon=eu.pudo.kiosk\n"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("desktop file lacks %q", want)
		}
	}
}

var (
	pudoOnce sync.Once
	pudoBin  string
	pudoErr  error
)

// buildPudo builds the real binary once (a link when CI's `go build ./...`
// warmed the cache, two minutes cold).
func buildPudo(t *testing.T) string {
	t.Helper()
	pudoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "pudo-linux-test-")
		if err != nil {
			pudoErr = err
			return
		}
		pudoBin = filepath.Join(dir, "pudo")
		cmd := exec.Command("go", "build", "-o", pudoBin, ".")
		cmd.Dir = repoRoot(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			pudoErr = &buildError{err, out}
		}
	})
	if pudoErr != nil {
		t.Fatal(pudoErr)
	}
	return pudoBin
}

type buildError struct {
	err error
	out []byte
}

func (e *buildError) Error() string { return "go build: " + e.err.Error() + "\n" + string(e.out) }

func TestMain(m *testing.M) {
	code := m.Run()
	if pudoBin != "" {
		os.RemoveAll(filepath.Dir(pudoBin))
	}
	os.Exit(code)
}

// The amd64 .deb as `make package` builds it, around a binary built here:
// its control data, its files, and the packaged binary running `pudo
// doctor` on the packaged config against the simulated board.
func TestDebPackage(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the package build takes a minute")
	}
	dpkgDeb := tool(t, "dpkg-deb")
	tool(t, "make")
	bin := buildPudo(t)
	out := t.TempDir()
	cmd := exec.Command("make", "--no-print-directory", "package-deb", "ARCH=amd64", "BIN="+bin, "OUT="+out, "PKG_VERSION=0.0.0+test")
	cmd.Dir = repoRoot(t)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make package-deb: %v\n%s", err, b)
	}
	deb := filepath.Join(out, "pudo_0.0.0+test_amd64.deb")
	info, err := exec.Command(dpkgDeb, "--info", deb).CombinedOutput()
	if err != nil {
		t.Fatalf("dpkg-deb --info: %v\n%s", err, info)
	}
	for _, want := range []string{"Package: pudo", "Architecture: amd64", "Depends: adduser", "xinit", "xserver-xorg-core", "postinst", "prerm", "postrm"} {
		if !bytes.Contains(info, []byte(want)) {
			t.Errorf("dpkg-deb --info lacks %q:\n%s", want, info)
		}
	}
	root := t.TempDir()
	if b, err := exec.Command(dpkgDeb, "--control", deb, filepath.Join(root, "DEBIAN")).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb --control: %v\n%s", err, b)
	}
	cf, _ := os.ReadFile(filepath.Join(root, "DEBIAN", "conffiles"))
	for _, want := range []string{"/etc/pudo/pudo.toml", "/etc/udev/rules.d/70-pudo.rules"} {
		if !bytes.Contains(cf, []byte(want)) {
			t.Errorf("conffiles lack %s:\n%s", want, cf)
		}
	}
	if b, err := exec.Command(dpkgDeb, "--extract", deb, root).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb --extract: %v\n%s", err, b)
	}
	for _, f := range []string{
		"usr/bin/pudo", "usr/lib/pudo/pudo-session", "usr/lib/systemd/system/pudo-kiosk.service",
		"etc/udev/rules.d/70-pudo.rules", "etc/pudo/pudo.toml", "usr/share/applications/eu.pudo.kiosk.desktop",
		"usr/share/icons/hicolor/256x256/apps/eu.pudo.kiosk.png",
	} {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			t.Errorf("package lacks %s", f)
		}
	}

	// The packaged config is the example with the installed paths.
	cfgPath := filepath.Join(root, "etc/pudo/pudo.toml")
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatalf("packaged config: %v", err)
	}
	if cfg.Kiosk.DataDir != "/var/lib/pudo" || cfg.Scanner.Serial.Port != "/dev/pudo-scanner" || cfg.Lock.Port != "sim" {
		t.Errorf("packaged config: data_dir %q, scanner port %q, lock port %q; want /var/lib/pudo, /dev/pudo-scanner, sim",
			cfg.Kiosk.DataDir, cfg.Scanner.Serial.Port, cfg.Lock.Port)
	}

	// A fresh install, checked: nothing a shopper would notice is broken.
	var stdout, stderr bytes.Buffer
	doctor := exec.Command(filepath.Join(root, "usr/bin/pudo"), "doctor", "--as-root", "--config", cfgPath,
		"--data-dir", t.TempDir(), "--skip", "display")
	doctor.Stdout, doctor.Stderr = &stdout, &stderr
	if err := doctor.Run(); err != nil {
		t.Fatalf("packaged pudo doctor: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	t.Logf("pudo doctor on a fresh install:\n%s", stdout.String())
	if !strings.Contains(stdout.String(), "OK    lock-bus") {
		t.Errorf("no bus scan result:\n%s", stdout.String())
	}
}

// The session launcher under Xvfb instead of Xorg: xinit starts the
// server and Pudo, Pudo alone says READY=1, then keeps pinging the watchdog.
func TestSessionNotifiesSystemd(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds and runs the kiosk")
	}
	for _, tl := range []string{"xinit", "xauth", "Xvfb"} {
		tool(t, tl)
	}
	bin := buildPudo(t)
	dir := t.TempDir()
	sock := filepath.Join(dir, "notify")
	l, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	display := freeDisplay(t)
	session, _ := filepath.Abs("pudo-session")
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience)
	defer cancel()
	cmd := exec.CommandContext(ctx, session)
	cmd.Env = append(os.Environ(),
		"HOME="+dir, "LANG=en_US.UTF-8", "XAUTHORITY=",
		"PUDO_BIN="+bin, "PUDO_ARGS=--data-dir "+filepath.Join(dir, "data"),
		"PUDO_X_SERVER="+tool(t, "Xvfb"), "PUDO_X_TTY=", "PUDO_X_ARGS=-screen 0 1280x800x24", "PUDO_DISPLAY="+display,
		"NOTIFY_SOCKET="+sock, "WATCHDOG_USEC=1500000", "WATCHDOG_PID=1",
	)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		cmd.Wait()
	}()
	var got []string
	buf := make([]byte, 256)
	for len(got) < 3 {
		l.SetReadDeadline(time.Now().Add(testenv.Patience))
		n, err := l.Read(buf)
		if err != nil {
			t.Fatalf("waiting for the next notification after %q: %v\nsession log:\n%s", got, err, log.String())
		}
		got = append(got, string(buf[:n]))
	}
	if want := []string{"READY=1", "WATCHDOG=1", "WATCHDOG=1"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("notifications %q, want %q (one READY=1, from Pudo, not the X server)", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, ".Xauthority")); err != nil {
		t.Errorf("no X cookie: %v", err)
	}
}

// freeDisplay picks an X display number nobody uses.
func freeDisplay(t *testing.T) string {
	for n := 70 + os.Getpid()%50; n < 200; n++ {
		if _, err := os.Stat("/tmp/.X11-unix/X" + strconv.Itoa(n)); os.IsNotExist(err) {
			if _, err := os.Stat("/tmp/.X" + strconv.Itoa(n) + "-lock"); os.IsNotExist(err) {
				return ":" + strconv.Itoa(n)
			}
		}
	}
	t.Fatal("no free X display")
	return ""
}
