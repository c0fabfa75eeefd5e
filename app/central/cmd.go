package central

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"pudo/app/central/enrol"
	"pudo/app/central/link"
	"pudo/app/central/monitor"
	"pudo/app/central/store"
	"pudo/app/cred"
)

const usage = `usage: pudo central COMMAND [flags]

The operator's service: the fleet's events, state, commands and alerts in
PostgreSQL, fed from the operator's MQTT broker. Run one instance or
several (each with its own --instance) against one database and broker.

  serve     ingest, confirm, repair gaps, answer sync requests, alerts, /metrics, enrolment
  migrate   apply the database migrations and exit
  enrol     make a one-time enrolment token for a locker id (--locker L [--valid 24h])
  operator  the dashboard's accounts: add|passwd|disable|enable|list (pudo central operator help)
  shop      the shop API's shops and keys: add|key|revoke|list (pudo central shop help)

Flags (or environment):
  --db URL (PUDO_CENTRAL_DB)            postgres://user@host/db
  --broker URL (PUDO_FLEET_BROKER)  --fleet NAME (PUDO_FLEET)  --ca FILE (PUDO_FLEET_CA)
  --cert FILE --cert-key FILE (PUDO_FLEET_CERT, PUDO_FLEET_CERT_KEY): the operator's client certificate
  --key FILE (PUDO_OPERATOR_KEY)        the operator's signing key (pudo token keygen): signs confirmations and commands
  --instance NAME (PUDO_CENTRAL_INSTANCE)  this instance's name: its MQTT client id is pudo-central-NAME
  --listen ADDR                         /metrics, POST /v1/enrol, the shop API (/v1/..., /healthz) and the dashboard (/) (default 127.0.0.1:9464)
  --ca-cert FILE --ca-key FILE          the operator's CA, for enrolment and renewal
  --offline-after D  --backlog-over N   alert thresholds`

// Env is what an extension of `pudo central serve` gets: the instance's
// database, its link (link.Ingest.Command sends a signed command and
// waits for the answer), the HTTP mux of --listen, and the log.
type Env struct {
	Store *store.Store
	Link  *link.Ingest
	Mux   *http.ServeMux
	Fleet string
	Log   *slog.Logger
}

// Extension adds to serve: routes on the mux, and work that runs until ctx
// ends (serve waits for it).
type Extension func(ctx context.Context, env Env) error

// MainWith is `pudo central ...` with extensions to serve (main wires the
// shop API and the dashboard this way).
func MainWith(ext ...Extension) func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		return run(ctx, args, stdout, stderr, ext)
	}
}

// Main is `pudo central ...`.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return run(ctx, args, stdout, stderr, nil)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, ext []Extension) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	if args[0] == "operator" || args[0] == "shop" {
		return accounts(ctx, args, os.Stdin, stdout, stderr)
	}
	o := &opts{out: stdout, errw: stderr, ext: ext}
	fs := o.flags(args[0])
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	var err error
	switch args[0] {
	case "serve":
		err = o.serve(ctx, log)
	case "migrate":
		err = o.migrate(ctx)
	case "enrol":
		err = o.enrol(ctx)
	default:
		fmt.Fprintf(stderr, "pudo central: unknown command %q\n\n%s\n", args[0], usage)
		return 2
	}
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "pudo central "+args[0]+":", err)
		return 2
	}
	fmt.Fprintln(stderr, "pudo central "+args[0]+":", err)
	return 1
}

type usageError string

func (e usageError) Error() string { return string(e) }

type opts struct {
	ext                    []Extension
	out, errw              io.Writer
	db                     string
	broker, fleet          string
	ca, cert, certKey      string
	key, instance, listen  string
	caCert, caKey          string
	locker                 string
	valid, offlineAfter    time.Duration
	backlogOver            int64
	confirmEvery, holeWait time.Duration
	alertEvery             time.Duration
}

func (o *opts) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("pudo central "+name, flag.ContinueOnError)
	fs.SetOutput(o.errw)
	env := os.Getenv
	fs.StringVar(&o.db, "db", env("PUDO_CENTRAL_DB"), "PostgreSQL URL")
	fs.StringVar(&o.broker, "broker", env("PUDO_FLEET_BROKER"), "the operator's broker, mqtts://HOST:8883")
	fs.StringVar(&o.fleet, "fleet", cmp.Or(env("PUDO_FLEET"), "default"), "fleet name in the topics")
	fs.StringVar(&o.ca, "ca", env("PUDO_FLEET_CA"), "PEM CA bundle the broker's certificate chains to")
	fs.StringVar(&o.cert, "cert", env("PUDO_FLEET_CERT"), "the operator's TLS client certificate")
	fs.StringVar(&o.certKey, "cert-key", env("PUDO_FLEET_CERT_KEY"), "its private key")
	fs.StringVar(&o.key, "key", env("PUDO_OPERATOR_KEY"), "the operator's signing key file (pudo token keygen)")
	fs.StringVar(&o.instance, "instance", cmp.Or(env("PUDO_CENTRAL_INSTANCE"), "1"), "this instance's name (its MQTT client id is pudo-central-NAME)")
	fs.StringVar(&o.listen, "listen", "127.0.0.1:9464", "address of /metrics, POST /v1/enrol, the shop API and the dashboard (empty: none)")
	fs.StringVar(&o.caCert, "ca-cert", env("PUDO_CENTRAL_CA_CERT"), "the operator's CA certificate, for enrolment and renewal over the link")
	fs.StringVar(&o.caKey, "ca-key", env("PUDO_CENTRAL_CA_KEY"), "the operator's CA key, for enrolment and renewal over the link")
	fs.StringVar(&o.locker, "locker", "", "the locker id (enrol)")
	fs.DurationVar(&o.valid, "valid", 24*time.Hour, "how long the enrolment token is good (enrol)")
	fs.DurationVar(&o.offlineAfter, "offline-after", 5*time.Minute, "alert when a locker is offline this long")
	fs.Int64Var(&o.backlogOver, "backlog-over", 1000, "alert when a locker holds more events than this not stored here")
	fs.DurationVar(&o.confirmEvery, "confirm-every", 2*time.Second, "how often stored events are confirmed to lockers")
	fs.DurationVar(&o.holeWait, "hole-wait", 10*time.Second, "how long a hole in a locker's events waits before a resend is asked")
	fs.DurationVar(&o.alertEvery, "alert-every", 15*time.Second, "how often the alert rules run")
	return fs
}

func (o *opts) open(ctx context.Context) (*store.Store, error) {
	if o.db == "" {
		return nil, usageError("--db is required (or PUDO_CENTRAL_DB), e.g. postgres://pudo@localhost/pudo")
	}
	st, err := store.Open(ctx, o.db, 16)
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := st.Ping(pctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("no answer from the database: %w", err)
	}
	return st, nil
}

func (o *opts) migrate(ctx context.Context) error {
	st, err := o.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	applied, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.out, "migrations applied: %v\n", applied)
	return nil
}

func (o *opts) enrol(ctx context.Context) error {
	if o.locker == "" {
		return usageError("enrol needs --locker ID")
	}
	st, err := o.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	tok, err := enrol.Token(ctx, st, o.locker, o.valid)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.out, "Enrolment token for %s (once, until %s): %s\n", o.locker, time.Now().Add(o.valid).Format(time.RFC3339), tok)
	return nil
}

// serve runs one instance: the ingest, the alert rules and the HTTP
// listener, until ctx ends; it waits for each.
func (o *opts) serve(ctx context.Context, log *slog.Logger) error {
	if o.broker == "" {
		return usageError("--broker is required (or PUDO_FLEET_BROKER)")
	}
	var key cred.PrivateKey
	if o.key != "" {
		k, err := cred.ReadPrivateKey(o.key)
		if err != nil {
			return err
		}
		key = k
	} else {
		log.Warn("central: no --key: confirmations and resends are not sent; lockers keep their events")
	}
	st, err := o.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	var ca *enrol.CA
	if o.caCert != "" {
		if ca, err = enrol.LoadCA(o.caCert, o.caKey); err != nil {
			return err
		}
	}
	in, err := link.New(link.Config{Broker: o.broker, Fleet: o.fleet, CAFile: o.ca, CertFile: o.cert, KeyFile: o.certKey,
		Instance: o.instance, Key: key, ConfirmEvery: o.confirmEvery, HoleWait: o.holeWait, CA: ca}, st, log)
	if err != nil {
		return usageError(err.Error())
	}
	w := monitor.New(st, monitor.Rules{OfflineAfter: o.offlineAfter, BacklogOver: o.backlogOver, Every: o.alertEvery}, log)
	mux := http.NewServeMux()
	mux.Handle("/metrics", monitor.Metrics(st, o.instance, counters(in)))
	if ca != nil {
		mux.Handle("/v1/enrol", enrol.Handler(st, ca, log))
	} else {
		mux.Handle("/v1/enrol", enrol.Off())
	}
	var wg sync.WaitGroup
	for _, x := range o.ext {
		wg.Go(func() {
			if err := x(ctx, Env{Store: st, Link: in, Mux: mux, Fleet: o.fleet, Log: log}); err != nil {
				log.Error("central: an extension stopped", "err", err)
			}
		})
	}
	if o.listen != "" {
		ln, err := net.Listen("tcp", o.listen)
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		wg.Go(func() { srv.Serve(ln) })
		wg.Go(func() {
			<-ctx.Done()
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			srv.Shutdown(sctx)
		})
	}
	wg.Go(func() { w.Run(ctx) })
	wg.Go(func() {
		t := time.NewTicker(24 * time.Hour)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := st.Partitions(ctx); err != nil {
					log.Warn("central: partitions not made", "err", err)
				}
			}
		}
	})
	log.Info("central: serving", "instance", o.instance, "fleet", o.fleet, "broker", o.broker, "listen", o.listen)
	err = in.Run(ctx)
	wg.Wait()
	return err
}

func counters(in *link.Ingest) []monitor.Counter {
	s := &in.Stats
	c := func(name, help string, v func() int64) monitor.Counter {
		return monitor.Counter{Name: "pudo_central_" + name, Help: help, Value: v}
	}
	return []monitor.Counter{
		c("events_stored_total", "Events this instance stored.", s.Events.Load),
		c("duplicates_total", "Events this instance dropped as duplicates.", s.Duplicates.Load),
		c("refused_total", "Messages this instance refused for naming another locker than their topic.", s.Refused.Load),
		c("malformed_total", "Messages this instance could not read.", s.Malformed.Load),
		c("batches_total", "Transactions this instance committed.", s.Batches.Load),
		c("confirms_total", "Confirmations this instance published.", s.Confirms.Load),
		c("resends_total", "Resend commands this instance sent.", s.Resends.Load),
		c("syncs_total", "Sync requests this instance answered.", s.Syncs.Load),
	}
}
