// Package mqtttest starts Debian's mosquitto for tests, on loopback with
// persistence on, mutual TLS (require_certificate,
// use_identity_as_username) and the fleet's ACL (app/fleet/mosquitto.acl). A
// machine without mosquitto skips the tests, except under CI, where that
// fails: make deps installs it.
package mqtttest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
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
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"pudo/app/testenv"
)

func MosquittoPath(tb testing.TB) string {
	tb.Helper()
	if p, err := exec.LookPath("/usr/sbin/mosquitto"); err == nil {
		return p
	}
	return testenv.Tool(tb, "mosquitto", "mosquitto")
}

// PKI is a test CA with certificates made on demand.
type PKI struct {
	dir    string
	caKey  *ecdsa.PrivateKey
	caCert *x509.Certificate
	serial int64

	mu      sync.Mutex // protects serial, leafKey, pool
	leafKey *ecdsa.PrivateKey
	pool    *x509.CertPool
}

func NewPKI(tb testing.TB, dir string) *PKI {
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
	p := &PKI{dir: dir, caKey: key, caCert: cert, serial: 1}
	writePEM(tb, p.Path("ca.pem"), "CERTIFICATE", der)
	kder, _ := x509.MarshalPKCS8PrivateKey(key)
	writePEM(tb, p.Path("ca.key"), "PRIVATE KEY", kder)
	return p
}

func (p *PKI) Path(name string) string { return filepath.Join(p.dir, name) }

// Issue makes a certificate for cn, signed by this CA (or by another,
// untrusted one when rogue), and returns the cert and key files.
func (p *PKI) Issue(tb testing.TB, cn string, server bool) (certFile, keyFile string) {
	tb.Helper()
	p.mu.Lock()
	p.serial++
	serial := p.serial
	p.mu.Unlock()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
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
	certFile, keyFile = p.Path(cn+".pem"), p.Path(cn+".key")
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

// Broker is one mosquitto process; Restart keeps its ports and store.
type Broker struct {
	tb       testing.TB
	bin, dir string
	PKI      *PKI
	// TLSPort needs a client certificate; PlainPort (loopback, for the
	// username/password fallback) a password.
	TLSPort, PlainPort int
	cmd                *exec.Cmd
	exited             chan struct{}
}

// Identities of the test broker.
const (
	// Operator is the common name of the operator's certificate: it reads
	// and writes every locker's tree.
	Operator = "operator"
	// PassLocker signs in with Password on the plain port.
	PassLocker = "PASS-1"
	Password   = "s3cret-password"
)

// Start runs a broker until the test ends.
func Start(tb testing.TB) *Broker {
	tb.Helper()
	bin := MosquittoPath(tb)
	dir := tb.TempDir()
	b := &Broker{tb: tb, bin: bin, dir: dir, PKI: NewPKI(tb, dir), TLSPort: freePort(tb), PlainPort: freePort(tb)}
	b.PKI.Issue(tb, "server", true)
	b.PKI.Issue(tb, Operator, false)
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

func (b *Broker) writeConfig() {
	acl := ACL(b.tb)
	must(b.tb, os.WriteFile(filepath.Join(b.dir, "acl"), []byte(acl), 0o600))
	pw := filepath.Join(b.dir, "passwd")
	must(b.tb, os.WriteFile(pw, nil, 0o600))
	out, err := exec.Command(filepath.Join(filepath.Dir(b.bin), "..", "bin", "mosquitto_passwd"), "-b", pw, PassLocker, Password).CombinedOutput()
	if err != nil {
		out, err = exec.Command("mosquitto_passwd", "-b", pw, PassLocker, Password).CombinedOutput()
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
max_inflight_messages 1000
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

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// start runs mosquitto and waits until both ports take connections. The
// shell raises the file limit first: a thousand lockers need more than
// the usual 1024.
func (b *Broker) start() {
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
	// A loaded machine may take long to start it: the one ceiling, not a
	// budget of seconds.
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
				b.tb.Fatalf("mosquitto does not listen on %d after %s", port, testenv.Patience)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// Stop shuts mosquitto down cleanly (it saves its store) and waits.
func (b *Broker) Stop() {
	if b.cmd == nil {
		return
	}
	b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.exited:
	case <-time.After(testenv.Patience):
		// Killed, it keeps no store: a restart would then lose what the
		// test means to keep, so only a broker hung for minutes gets it.
		b.cmd.Process.Kill()
		<-b.exited
	}
	b.cmd = nil
}

// Restart stops and starts mosquitto on the same ports and store.
func (b *Broker) Restart() {
	b.Stop()
	b.start()
}

func (b *Broker) TLSURL() string   { return "mqtts://127.0.0.1:" + strconv.Itoa(b.TLSPort) }
func (b *Broker) PlainURL() string { return "mqtt://127.0.0.1:" + strconv.Itoa(b.PlainPort) }

// Identity is a client's TLS files.
type Identity struct {
	CAFile, CertFile, KeyFile string
}

// Locker issues a certificate whose common name is the locker id.
func (b *Broker) Locker(tb testing.TB, id string) Identity {
	cert, key := b.PKI.Issue(tb, id, false)
	return Identity{CAFile: b.PKI.Path("ca.pem"), CertFile: cert, KeyFile: key}
}

// OperatorIdentity is the operator's certificate.
func (b *Broker) OperatorIdentity() Identity {
	return Identity{CAFile: b.PKI.Path("ca.pem"), CertFile: b.PKI.Path(Operator + ".pem"), KeyFile: b.PKI.Path(Operator + ".key")}
}

// LogTail is the end of mosquitto's log.
func (b *Broker) LogTail() string {
	log, _ := os.ReadFile(filepath.Join(b.dir, "mosquitto.log"))
	lines := strings.Split(strings.TrimSpace(string(log)), "\n")
	return strings.Join(lines[max(0, len(lines)-20):], "\n")
}

// ClientTLS is a TLS configuration with a certificate for cn made in
// memory (one key for all: thousands of simulated lockers start fast).
func (p *PKI) ClientTLS(tb testing.TB, cn string) *tls.Config {
	tb.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.leafKey == nil {
		p.leafKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		p.pool = x509.NewCertPool()
		p.pool.AddCert(p.caCert)
	}
	p.serial++
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(p.serial), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.caCert, &p.leafKey.PublicKey, p.caKey)
	if err != nil {
		tb.Fatal(err)
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: p.pool, ServerName: "127.0.0.1",
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: p.leafKey}}}
}

// Kill stops mosquitto without letting it save its store: what it held
// since its last autosave is gone, as after a power cut.
func (b *Broker) Kill() {
	if b.cmd == nil {
		return
	}
	b.cmd.Process.Kill()
	<-b.exited
	b.cmd = nil
}

// Start starts mosquitto again after Stop or Kill, on the same ports and
// store.
func (b *Broker) Start() { b.start() }

// ACL is the broker's ACL as operators install it (app/fleet/mosquitto.acl),
// so central's tests run the broker the fleet link's tests run.
func ACL(tb testing.TB) string {
	tb.Helper()
	_, here, _, ok := runtime.Caller(0)
	if !ok {
		tb.Fatal("mqtttest: no source path to find app/fleet/mosquitto.acl from")
	}
	acl, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "..", "fleet", "mosquitto.acl"))
	must(tb, err)
	if !strings.Contains(string(acl), "user "+Operator+"\n") {
		tb.Fatalf("mosquitto.acl names no user %q", Operator)
	}
	return string(acl)
}
