package fleet

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/eclipse/paho.golang/paho"
)

const fleetUsage = `usage: pudo fleet COMMAND [flags]

The operator's view of the fleet, over the operator's MQTT broker:

  status [--json] [--locker L]       each locker: online or offline since when, health, free doors, faults
  watch [--json] [--locker L]        events as they come (JSON lines with --json)
  book --locker L --size S|M|L --parcel-ref R [--recipient-ref X] [--until T] [--booking-id B] --key FILE
                                     book a door; prints the pickup code once
  cancel --locker L --booking-id B --key FILE
                                     cancel a booking not yet dropped off
  open --locker L --booking-id B|--rent N --key FILE
                                     open one stored parcel's door
  revoke --locker L|--all --version N --key FILE [--token ID]... [--courier ID]... [--staff NAME]...
         [--carrier C]... [--key-id K]... [--issued-before T] [--list FILE.json]
                                     push the operator's whole revocation list (it replaces an older one)
  doors [--json] L                   the doors of one locker
  resend --command ID                send a journalled command again (a duplicate gets its first answer)
  serve                              answer the lockers' sync requests from the journal until stopped

A locker takes only commands signed with the operator's key (--key FILE, or PUDO_FLEET_KEY:
the file pudo token keygen writes; the lockers trust its public key in [operator] public_keys).

Every command takes the broker flags (or the environment variables named):
  --broker URL (PUDO_FLEET_BROKER)  --fleet NAME (PUDO_FLEET)  --ca FILE (PUDO_FLEET_CA)
  --cert FILE --cert-key FILE (PUDO_FLEET_CERT, PUDO_FLEET_CERT_KEY)  --username (PUDO_FLEET_USERNAME)
  password: PUDO_FLEET_PASSWORD   --journal FILE (PUDO_FLEET_JOURNAL)`

// Main is `pudo fleet ...`.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stderr, fleetUsage)
		return 2
	}
	cmds := map[string]func(*cli) error{
		"status": (*cli).status, "watch": (*cli).watch, "book": (*cli).book, "cancel": (*cli).cancel,
		"open": (*cli).open, "doors": (*cli).doors, "resend": (*cli).resend, "serve": (*cli).serve,
		"revoke": (*cli).revoke, "keygen": (*cli).moved, "pubkey": (*cli).moved,
	}
	run, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "pudo fleet: unknown command %q\n\n%s\n", args[0], fleetUsage)
		return 2
	}
	c := newCLI(ctx, args[0], stdout, stderr)
	if err := c.fs.Parse(args[1:]); err != nil {
		return 2
	}
	err := run(c)
	if c.op != nil {
		c.op.Close()
	}
	if c.journal != nil {
		c.journal.Close()
	}
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "pudo fleet "+args[0]+":", err)
		return 2
	}
	fmt.Fprintln(stderr, "pudo fleet "+args[0]+":", err)
	return 1
}

type usageError string

func (e usageError) Error() string { return string(e) }

// cli holds one run of pudo fleet: its flags and, once needed, the broker
// connection and the journal.
type cli struct {
	ctx            context.Context
	name           string
	out, errw      io.Writer
	fs             *flag.FlagSet
	broker, fleet  string
	ca, cert, ckey string
	user, journalF string
	jsonOut        bool
	locker         string
	wait           time.Duration
	// Flags of some commands only.
	size, parcelRef, recipientRef string
	bookingID, keyFile, commandID string
	until                         string
	rentID                        int64
	preferLow                     bool
	// revoke
	all                               bool
	revVersion                        int64
	tokens, couriers, staff, carriers listFlag
	keyIDs                            listFlag
	issuedBefore, listFile            string

	op      *Operator
	journal *Journal
}

func newCLI(ctx context.Context, name string, out, errw io.Writer) *cli {
	c := &cli{ctx: ctx, name: name, out: out, errw: errw, fs: flag.NewFlagSet("pudo fleet "+name, flag.ContinueOnError)}
	c.fs.SetOutput(errw)
	env := os.Getenv
	c.fs.StringVar(&c.broker, "broker", env("PUDO_FLEET_BROKER"), "the operator's broker, mqtts://HOST:8883")
	c.fs.StringVar(&c.fleet, "fleet", cmp.Or(env("PUDO_FLEET"), DefaultConfig().Fleet), "fleet name in the topics")
	c.fs.StringVar(&c.ca, "ca", env("PUDO_FLEET_CA"), "PEM CA bundle the broker's certificate chains to")
	c.fs.StringVar(&c.cert, "cert", env("PUDO_FLEET_CERT"), "the operator's TLS client certificate (PEM)")
	c.fs.StringVar(&c.ckey, "cert-key", env("PUDO_FLEET_CERT_KEY"), "its private key (PEM)")
	c.fs.StringVar(&c.user, "username", env("PUDO_FLEET_USERNAME"), "username, where the broker takes passwords (password: $PUDO_FLEET_PASSWORD)")
	c.fs.StringVar(&c.journalF, "journal", env("PUDO_FLEET_JOURNAL"), "the journal of sent commands (default: in the user's data dir)")
	c.fs.BoolVar(&c.jsonOut, "json", false, "JSON instead of tables, for scripts")
	c.fs.DurationVar(&c.wait, "wait", 15*time.Second, "how long to wait for an answer")
	c.fs.StringVar(&c.locker, "locker", "", "the locker id (book, cancel, open, status, watch)")
	c.fs.StringVar(&c.size, "size", "", "door size S, M or L (book)")
	c.fs.StringVar(&c.parcelRef, "parcel-ref", "", "the parcel's label, as the courier scans it (book)")
	c.fs.StringVar(&c.recipientRef, "recipient-ref", "", "your reference for the recipient (book)")
	c.fs.StringVar(&c.until, "until", "", "drop-off deadline, RFC 3339 or a duration such as 48h (book)")
	c.fs.BoolVar(&c.preferLow, "prefer-low", false, "a door reachable from a wheelchair (book)")
	c.fs.StringVar(&c.bookingID, "booking-id", "", "the booking (book: default a new id; cancel, open)")
	c.fs.Int64Var(&c.rentID, "rent", 0, "the rent id (open)")
	c.fs.StringVar(&c.keyFile, "key", env("PUDO_FLEET_KEY"), "the operator's private key file, as pudo token keygen writes it: it signs every command (book, cancel, open, revoke)")
	c.fs.StringVar(&c.commandID, "command", "", "a journalled command id (resend)")
	c.fs.BoolVar(&c.all, "all", false, "every locker of the fleet (revoke)")
	c.fs.Int64Var(&c.revVersion, "version", 0, "the revocation list's version, above the one the lockers hold (revoke)")
	c.fs.Var(&c.tokens, "token", "a token id to revoke, as pudo token new prints it; repeat for more (revoke)")
	c.fs.Var(&c.couriers, "courier", "a courier id whose tokens to revoke; repeat for more (revoke)")
	c.fs.Var(&c.staff, "staff", "a staff member whose badges to revoke; repeat for more (revoke)")
	c.fs.Var(&c.carriers, "carrier", "a carrier whose courier tokens to revoke; repeat for more (revoke)")
	c.fs.Var(&c.keyIDs, "key-id", "a signing key id whose tokens to revoke (8 hex digits); repeat for more (revoke)")
	c.fs.StringVar(&c.issuedBefore, "issued-before", "", "revoke --courier/--staff/--carrier tokens issued before this time only, RFC 3339 (revoke)")
	c.fs.StringVar(&c.listFile, "list", "", "a JSON revocation list to start from (revoke)")
	// keygen and pubkey moved to pudo token; their flags still parse, so
	// the pointer to the real command is what an old script sees.
	c.fs.String("out", "", "moved: pudo token keygen --out FILE")
	return c
}

// listFlag is a flag given once per value.
type listFlag []string

func (f *listFlag) String() string { return strings.Join(*f, ",") }
func (f *listFlag) Set(v string) error {
	*f = append(*f, v)
	return nil
}

func (c *cli) dial() error {
	if c.broker == "" {
		return usageError("--broker is required (or PUDO_FLEET_BROKER), e.g. mqtts://broker.example:8883")
	}
	if !idRE.MatchString(c.fleet) {
		return usageError(fmt.Sprintf("--fleet %q is not a fleet name (A-Z a-z 0-9 _ . -)", c.fleet))
	}
	ctx, cancel := context.WithTimeout(c.ctx, 20*time.Second)
	defer cancel()
	signer, err := c.signingKey()
	if err != nil {
		return err
	}
	op, err := Dial(ctx, OperatorConfig{Broker: c.broker, Fleet: c.fleet, CAFile: c.ca, CertFile: c.cert, KeyFile: c.ckey,
		Username: c.user, Password: os.Getenv("PUDO_FLEET_PASSWORD"), SigningKey: signer}, slog.New(slog.NewTextHandler(c.errw, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("no connection to %s within 20s: is the address right, and does the broker answer there?", c.broker)
	}
	if err != nil {
		return err
	}
	c.op = op
	// The connection ends with the command, not with the dial's timeout.
	return nil
}

func (c *cli) openJournal() error {
	path := c.journalF
	if path == "" {
		dir := os.Getenv("XDG_DATA_HOME")
		if dir == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return err
			}
			dir = filepath.Join(home, ".local", "share")
		}
		path = filepath.Join(dir, "pudo", "fleet-journal.db")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	j, err := OpenJournal(c.ctx, path)
	c.journal = j
	return err
}

// states collects the retained state of the fleet (or one locker).
type lockerState struct {
	Locker   string    `json:"locker"`
	Online   *Online   `json:"online,omitempty"`
	Health   *Health   `json:"health,omitempty"`
	Capacity *Capacity `json:"capacity,omitempty"`
	Doors    *Doors    `json:"doors,omitempty"`
}

func (c *cli) states(locker string) (map[string]*lockerState, error) {
	var mu sync.Mutex
	got := map[string]*lockerState{}
	c.op.OnMessage(func(p *paho.Publish) {
		l, rest, ok := lockerOf(c.fleet, p.Topic)
		if !ok || (locker != "" && l != locker) {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		s := got[l]
		if s == nil {
			s = &lockerState{Locker: l}
			got[l] = s
		}
		switch rest {
		case sufOnline:
			s.Online = decodeTo[Online](p.Payload)
		case sufHealth:
			s.Health = decodeTo[Health](p.Payload)
		case sufCapacity:
			s.Capacity = decodeTo[Capacity](p.Payload)
		case sufDoors:
			s.Doors = decodeTo[Doors](p.Payload)
		}
	})
	who := "+"
	if locker != "" {
		who = locker
	}
	if err := c.op.Subscribe(c.ctx, topicRoot+"/"+c.fleet+"/"+who+"/state/#"); err != nil {
		return nil, err
	}
	// Retained state comes at once; a short quiet period ends the read.
	last, n := time.Now(), -1
	for time.Since(last) < 700*time.Millisecond {
		time.Sleep(100 * time.Millisecond)
		mu.Lock()
		m := len(got)
		mu.Unlock()
		if m != n {
			last, n = time.Now(), m
		}
	}
	mu.Lock()
	defer mu.Unlock()
	out := map[string]*lockerState{}
	for k, v := range got {
		out[k] = v
	}
	if locker != "" && out[locker] == nil {
		return nil, fmt.Errorf("no locker %q in fleet %q: it never connected to this broker, or the id is wrong (pudo fleet status lists them)", locker, c.fleet)
	}
	return out, nil
}

func decodeTo[T any](b []byte) *T {
	var v T
	if json.Unmarshal(b, &v) != nil {
		return nil
	}
	return &v
}

func (c *cli) status() error {
	if c.fs.NArg() > 0 {
		c.locker = c.fs.Arg(0)
	}
	if err := c.dial(); err != nil {
		return err
	}
	st, err := c.states(c.locker)
	if err != nil {
		return err
	}
	keys := make([]string, 0, len(st))
	for k := range st {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if c.jsonOut {
		list := make([]*lockerState, 0, len(keys))
		for _, k := range keys {
			st[k].Doors = nil
			list = append(list, st[k])
		}
		return json.NewEncoder(c.out).Encode(list)
	}
	if len(keys) == 0 {
		fmt.Fprintf(c.out, "no lockers in fleet %q have connected to this broker\n", c.fleet)
		return nil
	}
	tw := tabwriter.NewWriter(c.out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LOCKER\tSTATE\tSINCE\tLOCK BUS\tBACKLOG\tFREE S/M/L\tFAULTS\tREVOCATIONS")
	for _, k := range keys {
		s := st[k]
		state, since := "unknown", ""
		if s.Online != nil {
			state = map[bool]string{true: "online", false: "offline"}[s.Online.Online]
			if s.Online.Online {
				since = ago(s.Online.At)
			}
		}
		bus, backlog, faults, revs := "-", "-", "-", "-"
		if s.Health != nil {
			bus, backlog, faults = s.Health.LockBus, fmt.Sprint(s.Health.LastSeq-s.Health.AckedSeq), fmt.Sprint(s.Health.Faults)
			revs = "none"
			if s.Health.RevocationVersion > 0 {
				revs = fmt.Sprintf("list %d", s.Health.RevocationVersion)
			}
			if state == "offline" {
				since = "last seen " + ago(s.Health.At)
			}
		}
		free := "-"
		if s.Capacity != nil {
			free = fmt.Sprintf("%d/%d/%d", s.Capacity.Free["S"], s.Capacity.Free["M"], s.Capacity.Free["L"])
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k, state, since, bus, backlog, free, faults, revs)
	}
	return tw.Flush()
}

func ago(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04:05") + " (" + time.Since(t).Round(time.Second).String() + " ago)"
}

func (c *cli) doors() error {
	if c.fs.NArg() == 1 {
		c.locker = c.fs.Arg(0)
	}
	if c.locker == "" || c.fs.NArg() > 1 {
		return usageError("doors takes one locker id: pudo fleet doors L")
	}
	if err := c.dial(); err != nil {
		return err
	}
	st, err := c.states(c.locker)
	if err != nil {
		return err
	}
	d := st[c.locker].Doors
	if d == nil {
		return fmt.Errorf("locker %s has not published its doors yet", c.locker)
	}
	if c.jsonOut {
		return json.NewEncoder(c.out).Encode(d)
	}
	tw := tabwriter.NewWriter(c.out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DOOR\tSIZE\tCOLUMN\tROW\tSTATE\tSENSOR\tFAULT\tRENT")
	for _, x := range d.Doors {
		rent := ""
		if x.RentID > 0 {
			rent = fmt.Sprint(x.RentID)
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%s\t%s\t%v\t%s\n", x.ID, x.Size, x.Column, x.Row, x.State, x.Sensor, x.Fault, rent)
	}
	return tw.Flush()
}

func (c *cli) watch() error {
	if err := c.dial(); err != nil {
		return err
	}
	who := "+"
	if c.fs.NArg() > 0 {
		c.locker = c.fs.Arg(0)
	}
	if c.locker != "" {
		if _, err := c.states(c.locker); err != nil {
			return err
		}
		who = c.locker
	}
	var mu sync.Mutex
	seen := map[string]int64{}
	c.op.OnMessage(func(p *paho.Publish) {
		l, rest, ok := lockerOf(c.fleet, p.Topic)
		if !ok || rest != sufEvt {
			return
		}
		e := decodeTo[Event](p.Payload)
		if e == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		last := seen[l]
		if e.Seq <= last {
			return // a duplicate: dropped by (locker, seq)
		}
		if last > 0 && e.Seq != last+1 {
			fmt.Fprintf(c.errw, "pudo fleet watch: %s: events %d..%d missing\n", l, last+1, e.Seq-1)
		}
		seen[l] = e.Seq
		if c.jsonOut {
			json.NewEncoder(c.out).Encode(e)
			return
		}
		fmt.Fprintf(c.out, "%s  %-12s %6d  %-22s door=%-3d rent=%-5d %s %s\n", e.At.Local().Format("15:04:05.000"),
			l, e.Seq, e.Kind, e.DoorID, e.RentID, e.Actor, e.Detail)
	})
	if err := c.op.Subscribe(c.ctx, topicRoot+"/"+c.fleet+"/"+who+"/"+sufEvt); err != nil {
		return err
	}
	<-c.ctx.Done()
	return nil
}

func contextWithTimeout(c *cli, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.ctx, d)
}
