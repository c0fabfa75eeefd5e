package fleet

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"pudo/app/testenv"
)

// The tests run against Debian's real mosquitto, started here on loopback
// with persistence on, mutual TLS (require_certificate,
// use_identity_as_username) and the ACL pattern an operator would use. A
// machine without mosquitto skips them, except under CI, where that fails:
// make deps installs it.

func mosquittoPath(tb testing.TB) string {
	tb.Helper()
	for _, p := range []string{"mosquitto", "/usr/sbin/mosquitto"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	testenv.Missing(tb, "mosquitto not installed (make deps installs it: apt-get install mosquitto mosquitto-clients)")
	return ""
}

// pki is a test CA with certificates made on demand.
type pki struct {
	dir    string
	caKey  *ecdsa.PrivateKey
	caCert *x509.Certificate
	serial int64
}

func newPKI(tb testing.TB, dir string) *pki {
	tb.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "pudo test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	p := &pki{dir: dir, caKey: key, caCert: cert, serial: 1}
	writePEM(tb, p.path("ca.pem"), "CERTIFICATE", der)
	return p
}

func (p *pki) path(name string) string { return filepath.Join(p.dir, name) }

// issue makes a certificate for cn, signed by this CA (or by another,
// untrusted one when rogue), and returns the cert and key files.
func (p *pki) issue(tb testing.TB, cn string, server bool) (certFile, keyFile string) {
	tb.Helper()
	p.serial++
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(p.serial), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
		tmpl.DNSNames = []string{"localhost"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.caCert, &key.PublicKey, p.caKey)
	if err != nil {
		tb.Fatal(err)
	}
	certFile, keyFile = p.path(cn+".pem"), p.path(cn+".key")
	writePEM(tb, certFile, "CERTIFICATE", der)
	kder, _ := x509.MarshalECPrivateKey(key)
	writePEM(tb, keyFile, "EC PRIVATE KEY", kder)
	return certFile, keyFile
}

func writePEM(tb testing.TB, path, typ string, der []byte) {
	tb.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		tb.Fatal(err)
	}
}

// broker is one mosquitto process; Restart keeps its ports and store.
type broker struct {
	tb       testing.TB
	bin, dir string
	pki      *pki
	// TLSPort needs a client certificate; PlainPort (loopback, for the
	// username/password fallback) a password.
	TLSPort, PlainPort int
	cmd                *exec.Cmd
	exited             chan struct{}
}

const (
	operatorID = "operator"
	brokerPass = "s3cret-password"
	testFleet  = "test"
	passLocker = "PASS-1"
	rogueFleet = "rogue"
)

func startBroker(tb testing.TB) *broker {
	tb.Helper()
	bin := mosquittoPath(tb)
	dir := tb.TempDir()
	b := &broker{tb: tb, bin: bin, dir: dir, pki: newPKI(tb, dir), TLSPort: freePort(tb), PlainPort: freePort(tb)}
	b.pki.issue(tb, "server", true)
	b.pki.issue(tb, operatorID, false)
	b.writeConfig()
	b.start()
	tb.Cleanup(b.Stop)
	return b
}

func freePort(tb testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func (b *broker) writeConfig() {
	acl, err := os.ReadFile(aclFile)
	must(b.tb, err)
	must(b.tb, os.WriteFile(filepath.Join(b.dir, "acl"), acl, 0o600))
	pw := filepath.Join(b.dir, "passwd")
	must(b.tb, os.WriteFile(pw, nil, 0o600))
	out, err := exec.Command(filepath.Join(filepath.Dir(b.bin), "..", "bin", "mosquitto_passwd"), "-b", pw, passLocker, brokerPass).CombinedOutput()
	if err != nil {
		out, err = exec.Command("mosquitto_passwd", "-b", pw, passLocker, brokerPass).CombinedOutput()
	}
	if err != nil {
		b.tb.Fatalf("mosquitto_passwd: %v\n%s", err, out)
	}
	// Run as root, mosquitto would drop to its own user and could not read
	// the test's files: stay whoever runs the test.
	me, err := user.Current()
	must(b.tb, err)
	conf := fmt.Sprintf(`user %[4]s
per_listener_settings false
allow_anonymous false
persistence true
persistence_location %[1]s/
autosave_interval 1
max_queued_messages 100000
max_inflight_messages 20
max_keepalive 600
acl_file %[1]s/acl
password_file %[1]s/passwd
log_dest file %[1]s/mosquitto.log
log_type error
log_type warning
log_type notice

listener %[2]d 127.0.0.1
cafile %[1]s/ca.pem
certfile %[1]s/server.pem
keyfile %[1]s/server.key
require_certificate true
use_identity_as_username true

listener %[3]d 127.0.0.1
`, b.dir, b.TLSPort, b.PlainPort, me.Username)
	must(b.tb, os.WriteFile(filepath.Join(b.dir, "mosquitto.conf"), []byte(conf), 0o600))
}

// aclFile is the broker's ACL as operators install it (mosquitto.acl);
// the tests' mosquitto runs it.
const aclFile = "mosquitto.acl"

// aclRules are the rules of an ACL text, without comments and blank lines.
func aclRules(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// start runs mosquitto and waits until both ports take connections. The
// shell raises the file limit first: a thousand lockers need more than
// the usual 1024.
func (b *broker) start() {
	b.tb.Helper()
	b.cmd = exec.Command("sh", "-c", `ulimit -n 16384 2>/dev/null || ulimit -n $(ulimit -Hn); exec "$0" -c "$1"`,
		b.bin, filepath.Join(b.dir, "mosquitto.conf"))
	stderr, err := os.OpenFile(filepath.Join(b.dir, "stderr"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	must(b.tb, err)
	defer stderr.Close()
	b.cmd.Stderr = stderr
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	must(b.tb, b.cmd.Start())
	b.exited = make(chan struct{})
	go func(c *exec.Cmd, done chan struct{}) { c.Wait(); close(done) }(b.cmd, b.exited)
	deadline := time.Now().Add(testenv.Patience)
	for _, port := range []int{b.TLSPort, b.PlainPort} {
		for {
			c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 200*time.Millisecond)
			if err == nil {
				c.Close()
				break
			}
			select {
			case <-b.exited:
				log, _ := os.ReadFile(filepath.Join(b.dir, "mosquitto.log"))
				b.tb.Fatalf("mosquitto exited at start:\n%s", log)
			default:
			}
			if time.Now().After(deadline) {
				b.tb.Fatalf("still waiting after %v for mosquitto to listen on %d", testenv.Patience, port)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// Stop shuts mosquitto down cleanly (it saves its store) and waits.
func (b *broker) Stop() {
	if b.cmd == nil {
		return
	}
	b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.exited:
	case <-time.After(testenv.Patience):
		b.tb.Errorf("mosquitto still running %v after SIGTERM: killed, its store unsaved", testenv.Patience)
		b.cmd.Process.Kill()
		<-b.exited
	}
	b.cmd = nil
}

// Restart stops and starts mosquitto on the same ports and store.
func (b *broker) Restart() {
	b.Stop()
	b.start()
}

func (b *broker) TLSURL() string   { return "mqtts://127.0.0.1:" + strconv.Itoa(b.TLSPort) }
func (b *broker) PlainURL() string { return "mqtt://127.0.0.1:" + strconv.Itoa(b.PlainPort) }

// lockerConfig is the [fleet] section of a locker with its own certificate.
func (b *broker) lockerConfig(tb testing.TB, id string) Config {
	cert, key := b.pki.issue(tb, id, false)
	c := DefaultConfig()
	c.Enabled, c.Broker, c.Fleet = true, b.TLSURL(), testFleet
	c.CAFile, c.CertFile, c.KeyFile = b.pki.path("ca.pem"), cert, key
	c.ReconnectWindow = 200 * time.Millisecond
	c.PublishRate, c.HealthEvery = 1000, time.Minute
	// The test certificates last a day: renewing them is a test of its own.
	c.RenewBefore = time.Hour
	return c
}

// operatorConfig is the operator's identity, signing its commands with
// the key the test kiosks trust.
func (b *broker) operatorConfig() OperatorConfig {
	return OperatorConfig{Broker: b.TLSURL(), Fleet: testFleet, CAFile: b.pki.path("ca.pem"),
		CertFile: b.pki.path(operatorID + ".pem"), KeyFile: b.pki.path(operatorID + ".key"), SigningKey: &testOperator}
}
