package carrier

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"pudo/app/cred"
	"pudo/app/keyfile"
)

const usage = `usage:
  pudo carrier keygen --carrier ID [--out FILE]
      make a carrier's seal key pair: FILE (private, 0600; it stays in the
      carrier's back office) and FILE.pub; prints the [carriers] line for
      every locker the carrier's couriers use
  pudo carrier pubkey --key FILE
      print the public key of a private key file (for [carriers])
  pudo carrier open --key FILE [--json] [INPUT]
      open the sealed pickup codes of walk-in drop-offs in INPUT (a file,
      default stdin): an event as GET /v1/events, a webhook or
      pudo fleet watch --json gives it (one or more), a page of
      GET /v1/events, or the bare sealed_code value; prints a line per code:
      the code, the locker and the rent, tab-separated (--json: a JSON
      object a line)
`

// Main is `pudo carrier`.
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
	case "open":
		return openMain(args[1:], os.Stdin, stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "pudo carrier: unknown command %q\n%s", args[0], usage)
	return 2
}

func keygenMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pudo carrier keygen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	id := fs.String("carrier", "", "the carrier's `id`, as its couriers' tokens name it (pudo token new --carrier)")
	out := fs.String("out", "carrier.key", "`file` for the private key; the public key goes to FILE.pub")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "pudo carrier keygen: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if !cred.ValidCarrier(*id) {
		fmt.Fprintf(stderr, "pudo carrier keygen: --carrier %q: give the carrier's id as its couriers' tokens name it (1..32 visible ASCII characters)\n", clip(*id))
		return 2
	}
	k := GenerateKey()
	pub := k.Public().String()
	if err := keyfile.WritePair(*out, func(path string) error { return WritePrivateKey(path, k) }, pub); err != nil {
		fmt.Fprintln(stderr, "pudo carrier keygen:", err)
		return 1
	}
	fmt.Fprintf(stdout, `Seal key of carrier %s written to %s (keep it in the back office, mode 0600) and %s.pub.
On each locker its couriers use, add to the kiosk's configuration and restart it:

[carriers]
%s = %q
`, *id, *out, *out, strconv.Quote(*id), pub)
	return 0
}

func pubkeyMain(args []string, stdout, stderr io.Writer) int {
	return keyfile.PubkeyMain("pudo carrier pubkey", "the carrier's private key `file`", keyfile.PublicOf(ReadPrivateKey), args, stdout, stderr)
}

// opened is one line of `open --json`.
type opened struct {
	Locker string `json:"locker"`
	RentID int64  `json:"rent_id"`
	Code   string `json:"code"`
}

func openMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pudo carrier open", flag.ContinueOnError)
	fs.SetOutput(stderr)
	keyPath := fs.String("key", "", "the carrier's private key `file` (from pudo carrier keygen)")
	asJSON := fs.Bool("json", false, "a JSON object a line instead of tab-separated text")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "pudo carrier open: "+format+"\n", a...)
		return code
	}
	if *keyPath == "" || fs.NArg() > 1 {
		return fail(2, "usage: pudo carrier open --key FILE [--json] [INPUT]")
	}
	k, err := ReadPrivateKey(*keyPath)
	if err != nil {
		return fail(1, "%v", err)
	}
	in := stdin
	if fs.NArg() == 1 && fs.Arg(0) != "-" {
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return fail(1, "%v", err)
		}
		defer f.Close()
		in = f
	}
	body, err := io.ReadAll(io.LimitReader(in, MaxInput+1))
	if err != nil {
		return fail(1, "%v", err)
	}
	found, err := Parse(body)
	if err != nil {
		return fail(1, "%v", err)
	}
	status, codes := 0, 0
	enc := json.NewEncoder(stdout)
	for _, f := range found {
		c, err := openOne(k, f)
		if err != nil {
			fmt.Fprintln(stderr, "pudo carrier open:", err)
			status = 1
			continue
		}
		codes++
		if *asJSON {
			enc.Encode(opened(c))
		} else {
			fmt.Fprintf(stdout, "%s\t%s\t%d\n", c.Code, c.Locker, c.RentID)
		}
	}
	if codes == 0 && status == 0 {
		return fail(1, "no sealed code in the input (a walk-in's rent.stored event carries one)")
	}
	return status
}

// openOne opens f and holds what the box says to what the event says.
func openOne(k PrivateKey, f Found) (Code, error) {
	if !f.Sealed {
		return Code{}, fmt.Errorf("rent %d at %s: carrier %s has no seal key at that locker, so no code was sent: the courier saw it on the screen",
			f.RentID, f.Locker, f.Carrier)
	}
	c, err := k.Open(f.Box)
	if err != nil {
		if f.RentID != 0 {
			return Code{}, fmt.Errorf("rent %d at %s: %w", f.RentID, f.Locker, err)
		}
		return Code{}, err
	}
	if (f.Locker != "" && f.Locker != c.Locker) || (f.RentID != 0 && f.RentID != c.RentID) {
		return Code{}, fmt.Errorf("%w: the box is for rent %d at %s but sits on an event of rent %d at %s: not using it",
			errMoved, c.RentID, c.Locker, f.RentID, f.Locker)
	}
	return c, nil
}

// errMoved means a box opened on an event it was not sealed for.
var errMoved = errors.New("carrier: a sealed code moved")
