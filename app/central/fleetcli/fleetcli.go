// Package fleetcli is `pudo fleet`, the operator's tools. status, doors
// and watch read central's database (--db, PUDO_CENTRAL_DB): one row per
// locker, paged, whatever the broker holds. Without a database they read
// the broker's retained state directly, bounded in size per message and in
// time, and say that the table may be partial. The commands that change a
// locker are kept in central's database first (central resends them to a
// locker that was away) and go through the broker with the operator's
// signature. The lockers' sync requests are central's to answer (pudo
// central serve); the kiosk's link (app/fleet) holds none of this.
package fleetcli

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"pudo/app/central/store"
	"pudo/app/fleet"
)

const usage = `usage: pudo fleet COMMAND [flags]

The operator's tools. status, doors and watch read central's database
(--db or PUDO_CENTRAL_DB); with --direct, a broker without central, they
read the broker's retained state and say when a table may be partial.

  status [--json] [L]                every locker: online since when, lock bus, backlog, free S/M/L, faults, stored seq, revocations
  doors [--json] L                   the doors of one locker
  watch [--json] [L]                 events as central stores them, in seq order per locker

The commands that change a locker need central's database (central keeps
each one, and resends it to a locker that was away) and the operator's
signing key (--key FILE or PUDO_OPERATOR_KEY; pudo token keygen makes one).
--operator NAME (PUDO_FLEET_OPERATOR, else $USER) names who sends a command
in central's commands table and, for open and revoke, which need it, in the
locker's audit log:

  book --locker L --size S|M|L --parcel-ref R [--recipient-ref X] [--until T] [--booking-id B]
                                     book a door; prints the pickup code once
  cancel --locker L --booking-id B   cancel a booking not yet dropped off
  open --locker L --booking-id B|--rent N
                                     open one stored parcel's door
  revoke --locker L|--all --version N [--token ID]... [--courier ID]... [--staff NAME]...
         [--carrier C]... [--key-id K]... [--issued-before T] [--list FILE.json]
                                     push the operator's whole revocation list (it replaces an older one)
  resend --command ID                a kept command again (a duplicate gets its first answer)

The lockers' sync requests are answered by pudo central serve.

Broker flags (or the environment variables named):
  --broker URL (PUDO_FLEET_BROKER)  --fleet NAME (PUDO_FLEET)  --ca FILE (PUDO_FLEET_CA)
  --cert FILE --cert-key FILE (PUDO_FLEET_CERT, PUDO_FLEET_CERT_KEY)  --username (PUDO_FLEET_USERNAME)
  password: PUDO_FLEET_PASSWORD
  --dial-wait D (1m): how long connecting to the broker or central's database, and checking the identity's rights, may take

pudo fleet COMMAND --help lists a command's flags.`

// Main is `pudo fleet ...`.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	if msg, ok := gone[args[0]]; ok {
		fmt.Fprintln(stderr, "pudo fleet "+args[0]+": "+msg)
		return 2
	}
	c := newCLI(ctx, args[0], stdout, stderr)
	var run func() error
	switch args[0] {
	case "status":
		run = c.status
	case "doors":
		run = c.doors
	case "watch":
		run = c.watch
	case "book", "cancel", "open", "resend":
		f := c.commandFlags()
		run = map[string]func() error{"book": func() error { return c.book(f) }, "cancel": func() error { return c.cancelBooking(f) },
			"open": func() error { return c.open(f) }, "resend": func() error { return c.resend(f) }}[args[0]]
		run = c.withDB(run)
	case "revoke":
		f, rf := c.commandFlags(), c.revokeFlags()
		run = c.withDB(func() error { return c.revoke(f, rf) })
	default:
		fmt.Fprintf(stderr, "pudo fleet: unknown command %q\n\n%s\n", args[0], usage)
		return 2
	}
	if err := c.fs.Parse(args[1:]); err != nil {
		return 2
	}
	err := run()
	if c.st != nil {
		c.st.Close()
	}
	var ue usageError
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "pudo fleet "+args[0]+":", err)
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// gone are the commands that moved, with where to.
var gone = map[string]string{
	"serve":  "pudo central serve answers the lockers' sync requests now, from central's database (app/central/OPERATING.md, section 3)",
	"keygen": "moved: pudo token keygen --out FILE",
	"pubkey": "moved: pudo token pubkey --key FILE",
}

type usageError string

func (e usageError) Error() string { return string(e) }

type cli struct {
	ctx       context.Context
	name      string
	out, errw io.Writer
	fs        *flag.FlagSet

	db                string
	direct            bool
	broker, fleetName string
	ca, cert, ckey    string
	user              string
	jsonOut           bool
	locker            string
	wait              time.Duration
	dialWait          time.Duration
	perLocker         int
	// reply opens a booking's sealed answer (the operator's key's).
	reply fleet.ReplyKey

	st *store.Store
}

func newCLI(ctx context.Context, name string, out, errw io.Writer) *cli {
	c := &cli{ctx: ctx, name: name, out: out, errw: errw, fs: flag.NewFlagSet("pudo fleet "+name, flag.ContinueOnError)}
	c.fs.SetOutput(errw)
	env := os.Getenv
	c.fs.StringVar(&c.db, "db", env("PUDO_CENTRAL_DB"), "central's database (PostgreSQL URL); without it, --direct")
	c.fs.BoolVar(&c.direct, "direct", false, "read the broker's retained state, not central's database (a broker without central)")
	c.fs.StringVar(&c.broker, "broker", env("PUDO_FLEET_BROKER"), "the operator's broker, mqtts://HOST:8883 (--direct, watch)")
	c.fs.StringVar(&c.fleetName, "fleet", cmp.Or(env("PUDO_FLEET"), fleet.DefaultConfig().Fleet), "fleet name in the topics")
	c.fs.StringVar(&c.ca, "ca", env("PUDO_FLEET_CA"), "PEM CA bundle the broker's certificate chains to")
	c.fs.StringVar(&c.cert, "cert", env("PUDO_FLEET_CERT"), "the operator's TLS client certificate (PEM)")
	c.fs.StringVar(&c.ckey, "cert-key", env("PUDO_FLEET_CERT_KEY"), "its private key (PEM)")
	c.fs.StringVar(&c.user, "username", env("PUDO_FLEET_USERNAME"), "username, where the broker takes passwords (password: $PUDO_FLEET_PASSWORD)")
	c.fs.BoolVar(&c.jsonOut, "json", false, "JSON instead of tables, for scripts")
	c.fs.StringVar(&c.locker, "locker", "", "one locker only")
	c.fs.DurationVar(&c.wait, "wait", 5*time.Second, "how long --direct reads the broker's retained state")
	c.fs.DurationVar(&c.dialWait, "dial-wait", time.Minute, "how long connecting to the broker or central's database, and checking the identity's rights, may take")
	c.fs.IntVar(&c.perLocker, "max-messages", 16, "--direct: at most this many state messages per locker are read")
	return c
}

// useDB says whether the tool reads central's database.
func (c *cli) useDB() (bool, error) {
	if c.direct || c.db == "" {
		if c.broker == "" {
			return false, usageError("give central's database (--db or PUDO_CENTRAL_DB) or, for a broker without central, --direct with --broker")
		}
		return false, nil
	}
	st, err := store.Open(c.ctx, c.db, 4)
	if err != nil {
		return false, err
	}
	pctx, cancel := context.WithTimeout(c.ctx, c.dialWait)
	defer cancel()
	if err := st.Ping(pctx); err != nil {
		st.Close()
		return false, fmt.Errorf("central's database does not answer (%v); --direct reads the broker instead", err)
	}
	c.st = st
	return true, nil
}

// withDB runs fn with central's database open.
func (c *cli) withDB(fn func() error) func() error {
	return func() error {
		db, err := c.useDB()
		if err != nil {
			return err
		}
		if !db {
			return usageError("this command needs central's database (--db or PUDO_CENTRAL_DB): central keeps every command " +
				"and resends it to a locker that was away")
		}
		return fn()
	}
}

func (c *cli) arg() {
	if c.fs.NArg() > 0 && c.locker == "" {
		c.locker = c.fs.Arg(0)
	}
}

func ago(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04:05") + " (" + time.Since(t).Round(time.Second).String() + " ago)"
}
