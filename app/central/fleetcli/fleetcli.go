// Package fleetcli is `pudo fleet`, the operator's tools. status, doors
// and watch read central's database (--db, PUDO_CENTRAL_DB): one row per
// locker, paged, whatever the broker holds. Without a database they read
// the broker's retained state directly, bounded in size per message and in
// time, and say that the table may be partial. The commands that change a
// locker go through the broker with the operator's signature.
package fleetcli

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"pudo/app/central/store"
	"pudo/app/fleet"
)

// Delegate runs the subcommands fleetcli does not hold itself.
type Delegate func(ctx context.Context, args []string, stdout, stderr io.Writer) int

// Main is `pudo fleet ...`: status, doors and watch here, the others by
// next.
func Main(next Delegate) func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		if len(args) == 0 {
			return next(ctx, args, stdout, stderr)
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
			if !withCentral(args) {
				// A broker without central: the tools' own journal.
				return next(ctx, args, stdout, stderr)
			}
			f := c.commandFlags()
			run = map[string]func() error{"book": func() error { return c.book(f) }, "cancel": func() error { return c.cancelBooking(f) },
				"open": func() error { return c.open(f) }, "resend": func() error { return c.resend(f) }}[args[0]]
			run = c.withDB(run)
		default:
			return next(ctx, args, stdout, stderr)
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
	perLocker         int

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
	pctx, cancel := context.WithTimeout(c.ctx, 10*time.Second)
	defer cancel()
	if err := st.Ping(pctx); err != nil {
		st.Close()
		return false, fmt.Errorf("central's database does not answer (%v); --direct reads the broker instead", err)
	}
	c.st = st
	return true, nil
}

// withCentral says whether a command names central's database.
func withCentral(args []string) bool {
	for _, a := range args {
		if a == "--direct" || a == "-direct" {
			return false
		}
		if a == "--db" || a == "-db" || strings.HasPrefix(a, "--db=") || strings.HasPrefix(a, "-db=") {
			return true
		}
	}
	return os.Getenv("PUDO_CENTRAL_DB") != ""
}

// withDB runs fn with central's database open.
func (c *cli) withDB(fn func() error) func() error {
	return func() error {
		db, err := c.useDB()
		if err != nil {
			return err
		}
		if !db {
			return usageError("this command needs central's database (--db or PUDO_CENTRAL_DB)")
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
