package fleetcli

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"pudo/app/central/store"
	"pudo/app/cred"
	"pudo/app/fleet"
)

// commandTTL is how long a command stays valid: a booking may wait a day
// for an offline locker; an opening must be now.
var commandTTL = map[string]time.Duration{fleet.CmdBook: 24 * time.Hour, fleet.CmdCancel: 24 * time.Hour,
	fleet.CmdOpen: 2 * time.Minute, fleet.CmdRevoke: 90 * 24 * time.Hour}

// cmdFlags are the flags of the commands that change a locker.
type cmdFlags struct {
	key                           string
	operator                      string
	size, parcelRef, recipientRef string
	bookingID, until, commandID   string
	rentID                        int64
	preferLow                     bool
}

// signer reads the operator's key. A booking reads it before it takes a
// version from central's counter, so a missing key costs no version.
func (f *cmdFlags) signer() (cred.PrivateKey, error) {
	if f.key == "" {
		return cred.PrivateKey{}, usageError("--key is required (or PUDO_OPERATOR_KEY): every command is signed with the operator's key")
	}
	key, err := cred.ReadPrivateKey(f.key)
	if err != nil {
		return cred.PrivateKey{}, errors.New(strings.TrimPrefix(err.Error(), "cred: "))
	}
	return key, nil
}

// who names the person sending a command, for the locker's audit log
// and central's commands table: --operator, else PUDO_FLEET_OPERATOR,
// else the login name ($USER, $LOGNAME). The signing key and the
// operator's certificate are the network's, shared by every operator:
// neither names one. The commands a locker audits by name (open,
// revoke) are refused without one.
func (f *cmdFlags) who(what string) (string, error) {
	name := f.name()
	if name == "" {
		return "", usageError(what + " needs --operator NAME (or PUDO_FLEET_OPERATOR; else $USER): the locker's audit log " +
			"and central's commands table name who sent it")
	}
	return name, nil
}

// name is the operator's name as given, or the login name; "" when
// there is neither.
func (f *cmdFlags) name() string {
	return strings.TrimSpace(cmp.Or(f.operator, os.Getenv("USER"), os.Getenv("LOGNAME")))
}

func (c *cli) commandFlags() *cmdFlags {
	f := &cmdFlags{}
	c.wait = 15 * time.Second // a locker on a mobile network answers in seconds
	c.fs.StringVar(&f.key, "key", os.Getenv("PUDO_OPERATOR_KEY"), "the operator's signing key file (pudo token keygen): every command is signed")
	c.fs.StringVar(&f.operator, "operator", os.Getenv("PUDO_FLEET_OPERATOR"),
		"who sends the command (default $USER): named in central's commands table and, for open and revoke, which need one, in the locker's audit log")
	c.fs.StringVar(&f.size, "size", "", "door size S, M or L (book)")
	c.fs.StringVar(&f.parcelRef, "parcel-ref", "", "the shop's parcel reference, as the courier scans it (book)")
	c.fs.StringVar(&f.recipientRef, "recipient-ref", "", "your reference for the recipient (book)")
	c.fs.StringVar(&f.until, "until", "", "drop-off deadline, RFC 3339 or a duration such as 48h (book)")
	c.fs.BoolVar(&f.preferLow, "prefer-low", false, "a door reachable from a wheelchair (book)")
	c.fs.StringVar(&f.bookingID, "booking-id", "", "the booking (book: default a new id; cancel, open)")
	c.fs.Int64Var(&f.rentID, "rent", 0, "the rent id (open)")
	c.fs.StringVar(&f.commandID, "command", "", "a command id kept by central (resend)")
	return f
}

// send keeps a command in central's table, signs and publishes it, and
// waits for the locker's answer on its res topic. The answer reaches
// central too, which keeps it without any pickup code.
func (c *cli) send(f *cmdFlags, name string, cmd fleet.Command, b *store.Booking) (fleet.Result, error) {
	id, payload, err := c.keep(f, c.locker, name, cmd, b)
	if err != nil {
		return fleet.Result{}, err
	}
	return c.publishAwait(name, id, payload)
}

// keep signs a command for target (a locker, or store.AllLockers) and
// keeps it in central's commands table before it goes out: central
// resends it from there to a locker that syncs without it.
func (c *cli) keep(f *cmdFlags, target, name string, cmd fleet.Command, b *store.Booking) (string, []byte, error) {
	key, err := f.signer()
	if err != nil {
		return "", nil, err
	}
	fleet.Prepare(&cmd, commandTTL[name])
	c.reply = fleet.NewReplyKey(key)
	if name == fleet.CmdBook && cmd.ReplyKey == "" {
		cmd.ReplyKey = c.reply.Public()
	}
	fleet.Sign(key, c.fleetName, target, name, &cmd)
	payload, err := json.Marshal(cmd)
	if err != nil {
		return "", nil, err
	}
	if err := c.st.AddCommand(c.ctx, store.Command{ID: cmd.CommandID, Locker: target, Name: name, BookingID: cmd.BookingID,
		Version: cmd.Version, IssuedAt: cmd.IssuedAt, ExpiresAt: cmd.ExpiresAt, Payload: payload, SentBy: strings.TrimSpace("pudo fleet " + f.name())}, b); err != nil {
		return "", nil, err
	}
	return cmd.CommandID, payload, nil
}

func (c *cli) publishAwait(name, id string, payload []byte) (fleet.Result, error) {
	d, err := c.dialDirect()
	if err != nil {
		return fleet.Result{}, err
	}
	defer d.close()
	t := fleet.Topics{Fleet: c.fleetName, Locker: c.locker}
	got := make(chan fleet.Result, 1)
	d.mu.Lock()
	d.handler = func(topic string, body []byte) {
		var r fleet.Result
		if topic != t.Res() || json.Unmarshal(body, &r) != nil || r.CommandID != id {
			return
		}
		select {
		case got <- r:
		default:
		}
	}
	d.mu.Unlock()
	if err := d.subscribe(c.ctx, t.Res()); err != nil {
		return fleet.Result{}, err
	}
	if err := d.publish(c.ctx, &paho.Publish{QoS: 1, Topic: t.Cmd(name), Payload: payload,
		Properties: &paho.PublishProperties{ContentType: "application/json", ResponseTopic: t.Res(), CorrelationData: []byte(id)}}); err != nil {
		return fleet.Result{}, fmt.Errorf("publish %s: %w", name, err)
	}
	ctx, cancel := context.WithTimeout(c.ctx, c.wait)
	defer cancel()
	select {
	case r := <-got:
		if err := c.reply.Open(&r); err != nil {
			fmt.Fprintf(c.errw, "pudo fleet: the answer's pickup code is sealed to the operator's key; give --key to open it\n")
		}
		return r, nil
	case <-d.lost.Done():
		return fleet.Result{}, fmt.Errorf("waiting for %s's answer to command %s: %w; central resends it when the locker syncs",
			c.locker, id, context.Cause(d.lost))
	case <-ctx.Done():
		return fleet.Result{}, fmt.Errorf("no answer from %s within %s: it may be offline. The command (id %s) waits at the broker and in central's "+
			"commands table, which central resends from when the locker syncs; `pudo fleet resend --command %s` asks again for its answer",
			c.locker, c.wait, id, id)
	}
}

func (c *cli) result(r fleet.Result) error {
	if c.jsonOut {
		return json.NewEncoder(c.out).Encode(r)
	}
	if r.Status != fleet.StatusOK {
		return fmt.Errorf("%s refused by %s: %s (%s)", r.Name, c.locker, r.Message, r.Error)
	}
	return nil
}

// needLocker checks the locker is in central's registry, so a typo is
// said at once.
func (c *cli) needLocker() error {
	c.arg()
	if c.locker == "" {
		return usageError("--locker is required")
	}
	if _, err := c.st.GetLocker(c.ctx, c.locker); err != nil {
		return fmt.Errorf("no locker %q in central's registry: it never connected, or the id is wrong (pudo fleet status lists them)", c.locker)
	}
	return nil
}

func (c *cli) book(f *cmdFlags) error {
	if f.size == "" || f.parcelRef == "" {
		return usageError("book needs --locker, --size S|M|L and --parcel-ref")
	}
	if err := c.needLocker(); err != nil {
		return err
	}
	if _, err := f.signer(); err != nil {
		return err
	}
	cmd := fleet.Command{BookingID: cmp.Or(f.bookingID, newID()), Size: strings.ToUpper(f.size), ParcelRef: f.parcelRef,
		RecipientRef: f.recipientRef, PreferLow: f.preferLow}
	if f.until != "" {
		t, err := parseUntil(f.until)
		if err != nil {
			return usageError(err.Error())
		}
		cmd.Until = t
	}
	v, err := c.st.NextVersion(c.ctx, c.locker)
	if err != nil {
		return err
	}
	cmd.Version = v
	r, err := c.send(f, fleet.CmdBook, cmd, &store.Booking{ID: cmd.BookingID, Size: cmd.Size, ParcelRef: cmd.ParcelRef, RecipientRef: cmd.RecipientRef})
	if err != nil {
		return err
	}
	if err := c.result(r); err != nil || c.jsonOut {
		return err
	}
	fmt.Fprintf(c.out, "Booked at %s: booking %s, rent %d, door %d; drop off by %s.\n", c.locker, r.BookingID, r.RentID, r.DoorID,
		r.ExpiresAt.Local().Format("2006-01-02 15:04"))
	if r.PickupCode == "" {
		fmt.Fprintf(c.out, "No pickup code: %s\n", r.Message)
		return nil
	}
	fmt.Fprintf(c.out, "Pickup code (shown only now; neither the locker nor central keeps it): %s\n", r.PickupCode)
	return nil
}

func (c *cli) cancelBooking(f *cmdFlags) error {
	if f.bookingID == "" {
		return usageError("cancel needs --locker and --booking-id")
	}
	if err := c.needLocker(); err != nil {
		return err
	}
	if _, err := f.signer(); err != nil {
		return err
	}
	v, err := c.st.NextVersion(c.ctx, c.locker)
	if err != nil {
		return err
	}
	r, err := c.send(f, fleet.CmdCancel, fleet.Command{BookingID: f.bookingID, Version: v}, nil)
	if err != nil {
		return err
	}
	if err := c.result(r); err != nil || c.jsonOut {
		return err
	}
	fmt.Fprintf(c.out, "Cancelled booking %s at %s (rent %d); its door is free.\n", f.bookingID, c.locker, r.RentID)
	return nil
}

func (c *cli) open(f *cmdFlags) error {
	if f.bookingID == "" && f.rentID == 0 {
		return usageError("open needs --locker, --booking-id or --rent, --key and --operator")
	}
	op, err := f.who("open")
	if err != nil {
		return err
	}
	if err := c.needLocker(); err != nil {
		return err
	}
	r, err := c.send(f, fleet.CmdOpen, fleet.Command{BookingID: f.bookingID, RentID: f.rentID, Operator: op}, nil)
	if err != nil {
		return err
	}
	if err := c.result(r); err != nil || c.jsonOut {
		return err
	}
	fmt.Fprintf(c.out, "Opened door %d (column %d, row %d) at %s for rent %d.\n", r.DoorID, r.Column, r.Row, c.locker, r.RentID)
	return nil
}

// resend publishes a kept command again, byte for byte: the locker
// answers a duplicate with its first result.
func (c *cli) resend(f *cmdFlags) error {
	if f.commandID == "" {
		return usageError("resend needs --command ID")
	}
	k, err := c.st.GetCommand(c.ctx, f.commandID)
	if err != nil {
		return fmt.Errorf("central keeps no command %s", f.commandID)
	}
	c.locker = k.Locker
	if key, err := f.signer(); err == nil {
		c.reply = fleet.NewReplyKey(key)
	}
	r, err := c.publishAwait(k.Name, k.ID, k.Payload)
	if err != nil {
		return err
	}
	if c.jsonOut {
		return json.NewEncoder(c.out).Encode(r)
	}
	b, _ := json.MarshalIndent(r, "", "  ")
	fmt.Fprintln(c.out, string(b))
	return nil
}

func parseUntil(s string) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return time.Now().Add(d).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, fmt.Errorf("--until %q is neither a duration (48h) nor RFC 3339 (2025-06-01T18:00:00+02:00)", s)
	}
	return t, nil
}

func newID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
