package cred

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"pudo/app/keyfile"
)

// MaxValid bounds --valid: a badge that outlives a year is a badge nobody
// remembers handing out.
const MaxValid = 366 * 24 * time.Hour

const usage = `usage:
  pudo token keygen --out FILE
      make an operator key pair: FILE (private, 0600) and FILE.pub; prints
      the public key for [operator] public_keys
  pudo token pubkey --key FILE
      print the public key of a private key file (for [operator] public_keys)
  pudo token new --key FILE --courier ID --carrier C --lockers L1,L2 [--valid 12h] [--qr FILE]
  pudo token new --key FILE --staff NAME --lockers L1 [--valid 720h] [--qr FILE]
  pudo token new --key FILE --pickup RENT_ID --lockers L1 [--valid 72h] [--qr FILE]
      sign a courier token, a staff badge or a shopper's app pickup token;
      prints the token and writes its QR code as PNG (--lockers '*': every
      locker that trusts the key)
  pudo token show TOKEN
      print what a token says, without checking its signature
`

// Main is `pudo token`.
func Main(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "keygen":
		return keygenMain(args[1:], stdout, stderr)
	case "pubkey":
		return pubkeyMain(args[1:], stdout, stderr)
	case "new":
		return newMain(args[1:], stdout, stderr)
	case "show":
		return showMain(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "pudo token: unknown command %q\n%s", args[0], usage)
	return 2
}

func keygenMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pudo token keygen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "operator.key", "`file` for the private key; the public key goes to FILE.pub")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "pudo token keygen: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	k := GenerateKey()
	pub := k.Public().String()
	if err := keyfile.WritePair(*out, func(path string) error { return WritePrivateKey(path, k) }, pub); err != nil {
		fmt.Fprintln(stderr, "pudo token keygen:", err)
		return 1
	}
	fmt.Fprintf(stdout, `Operator key %s written to %s (keep it off the lockers, mode 0600) and %s.pub.
Trust it on each locker: add to the kiosk's configuration and restart it:

[operator]
public_keys = [%q]
`, k.Public().ID(), *out, *out, pub)
	return 0
}

func pubkeyMain(args []string, stdout, stderr io.Writer) int {
	return keyfile.PubkeyMain("pudo token pubkey", "the operator's private key `file`", keyfile.PublicOf(ReadPrivateKey), args, stdout, stderr)
}

func newMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pudo token new", flag.ContinueOnError)
	fs.SetOutput(stderr)
	keyPath := fs.String("key", "", "the operator's private key `file` (from pudo token keygen)")
	courier := fs.String("courier", "", "courier `id`: a courier token")
	carrier := fs.String("carrier", "", "the courier's `carrier`")
	staff := fs.String("staff", "", "staff member's `name` (as on the locker): a staff badge")
	pickup := fs.String("pickup", "", "`rent id`: a shopper's app pickup token for one locker")
	lockers := fs.String("lockers", "", "comma-separated locker `ids` (kiosk.id) where it is valid, or '*'")
	valid := fs.Duration("valid", 12*time.Hour, "how long it is valid (at most 8784h)")
	qr := fs.String("qr", "", "PNG `file` for the QR code (default KIND-ID.png)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "pudo token new: "+format+"\n", a...)
		return code
	}
	if fs.NArg() > 0 {
		return fail(2, "unexpected argument %q", fs.Arg(0))
	}
	c, err := claimsFromFlags(*courier, *carrier, *staff, *pickup, *lockers, *valid)
	if err != nil {
		return fail(2, "%v", err)
	}
	if *keyPath == "" {
		return fail(2, "--key is needed: the operator's private key file")
	}
	k, err := ReadPrivateKey(*keyPath)
	if err != nil {
		return fail(1, "%v", err)
	}
	text, err := Sign(k, c)
	if err != nil {
		return fail(2, "%v", err)
	}
	if *qr == "" {
		*qr = c.Kind.String() + "-" + fileSafe(c.Subject) + ".png"
	}
	if err := WriteQRFile(*qr, text); err != nil {
		return fail(1, "%v", err)
	}
	fmt.Fprintln(stdout, text)
	fmt.Fprintf(stderr, "pudo token new: %s token %s for %s at %s, valid until %s, key %s; QR in %s\n",
		c.Kind, c.ID, c.Subject, strings.Join(c.Lockers, ","), c.Expires.UTC().Format(time.RFC3339), k.Public().ID(), *qr)
	return 0
}

func claimsFromFlags(courier, carrier, staff, pickup, lockers string, valid time.Duration) (Claims, error) {
	var c Claims
	n := 0
	for _, s := range []string{courier, staff, pickup} {
		if s != "" {
			n++
		}
	}
	switch {
	case n != 1:
		return c, errors.New("give exactly one of --courier, --staff and --pickup")
	case courier != "":
		c = Claims{Kind: Courier, Subject: courier, Carrier: carrier}
		if carrier == "" {
			return c, errors.New("a courier token needs --carrier")
		}
	case carrier != "":
		return c, errors.New("--carrier goes with --courier only")
	case staff != "":
		c = Claims{Kind: Staff, Subject: staff}
	default:
		c = Claims{Kind: Pickup, Subject: pickup}
	}
	if lockers == "" {
		return c, errors.New("--lockers is needed: the locker ids (kiosk.id) where it is valid, or '*'")
	}
	for _, l := range strings.Split(lockers, ",") {
		c.Lockers = append(c.Lockers, strings.TrimSpace(l))
	}
	if valid <= 0 || valid > MaxValid {
		return c, fmt.Errorf("--valid %s is outside 1s..%s", valid, MaxValid)
	}
	c.ID, c.IssuedAt = NewID(), time.Now()
	c.Expires = c.IssuedAt.Add(valid)
	return c, nil
}

// WriteQRFile writes text's QR code as a PNG file (0600: it is a
// credential), replacing one that is there.
func WriteQRFile(path, text string) error {
	tmp := path + ".partial"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := WriteQR(f, text); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, s)
}

func showMain(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprint(stderr, "usage: pudo token show TOKEN\n")
		return 2
	}
	c, _, _, err := parse(args[0])
	if err != nil {
		fmt.Fprintln(stderr, "pudo token show:", err)
		return 1
	}
	w := func(k, v string) { fmt.Fprintf(stdout, "%-9s %s\n", k+":", v) }
	w("kind", c.Kind.String())
	w("id", c.ID)
	w("subject", c.Subject)
	if c.Carrier != "" {
		w("carrier", c.Carrier)
	}
	w("lockers", strings.Join(c.Lockers, ","))
	w("issued", c.IssuedAt.Format(time.RFC3339))
	w("expires", c.Expires.Format(time.RFC3339))
	w("key", c.KeyID)
	w("length", strconv.Itoa(len(args[0]))+" characters (signature not checked)")
	return 0
}

// LoadOrCreateKey reads the private key at path, making it (0600) when
// there is none: for the demo locker's own operator key only.
func LoadOrCreateKey(path string) (k PrivateKey, created bool, err error) {
	k, err = ReadPrivateKey(path)
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		return k, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return k, false, fmt.Errorf("cred: %w", err)
	}
	k = GenerateKey()
	return k, true, WritePrivateKey(path, k)
}
