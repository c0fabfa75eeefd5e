package fleet

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"pudo/app/cred"
)

// commandTTL is how long a command of pudo fleet stays valid: a booking
// sent to an offline locker may wait for it a day; an opening must be now.
// A revocation list may wait long: applying an old one again is harmless
// (only a newer version replaces), and the journal resends the newest to
// a locker that returns with an older one while it is valid.
var commandTTL = map[string]time.Duration{CmdBook: 24 * time.Hour, CmdCancel: 24 * time.Hour, CmdOpen: 2 * time.Minute,
	CmdRevoke: 90 * 24 * time.Hour}

// needLocker checks the locker id against the fleet's retained state, so a
// typo is said at once instead of waiting for an answer that never comes.
func (c *cli) needLocker() error {
	if c.locker == "" {
		return usageError("--locker is required")
	}
	if !idRE.MatchString(c.locker) || c.locker == allLockers {
		return usageError(fmt.Sprintf("--locker %q is not a locker id", c.locker))
	}
	if err := c.dial(); err != nil {
		return err
	}
	_, err := c.states(c.locker)
	return err
}

// signingKey reads --key, which signs every command the connection sends.
func (c *cli) signingKey() (*cred.PrivateKey, error) {
	if c.keyFile == "" {
		return nil, nil
	}
	key, err := cred.ReadPrivateKey(c.keyFile)
	if err != nil {
		return nil, errors.New(strings.TrimPrefix(err.Error(), "cred: "))
	}
	return &key, nil
}

// send journals, sends and awaits one command, and says what happened.
func (c *cli) send(name string, cmd Command) (Result, error) {
	if c.keyFile == "" {
		return Result{}, usageError(name + " needs --key FILE (or PUDO_FLEET_KEY): a locker takes only commands the operator's key signed")
	}
	if err := c.openJournal(); err != nil {
		return Result{}, err
	}
	Prepare(&cmd, commandTTL[name])
	ctx, cancel := contextWithTimeout(c, c.wait)
	defer cancel()
	r, err := c.op.Command(ctx, c.journal, c.locker, name, cmd, commandTTL[name])
	if errors.Is(err, context.DeadlineExceeded) {
		return r, fmt.Errorf("no answer from %s within %s: it may be offline. The command (id %s) waits at the broker "+
			"and in the journal until %s; `pudo fleet resend --command %s` asks again for its answer",
			c.locker, c.wait, cmd.CommandID, cmd.ExpiresAt.Local().Format(time.RFC3339), cmd.CommandID)
	}
	return r, err
}

func (c *cli) printResult(r Result) error {
	if c.jsonOut {
		return json.NewEncoder(c.out).Encode(r)
	}
	if r.Status != StatusOK {
		return fmt.Errorf("%s refused by %s: %s (%s)", r.Name, r.Locker, r.Message, r.Error)
	}
	return nil
}

func (c *cli) book() error {
	if c.size == "" || c.parcelRef == "" || c.keyFile == "" {
		return usageError("book needs --locker, --size S|M|L, --parcel-ref and --key (the operator's signing key)")
	}
	if err := c.needLocker(); err != nil {
		return err
	}
	cmd := Command{BookingID: cmp.Or(c.bookingID, newID()[:16]), Size: strings.ToUpper(c.size), ParcelRef: c.parcelRef,
		RecipientRef: c.recipientRef, PreferLow: c.preferLow}
	if c.until != "" {
		t, err := parseUntil(c.until)
		if err != nil {
			return usageError(err.Error())
		}
		cmd.Until = t
	}
	if err := c.openJournal(); err != nil {
		return err
	}
	v, err := c.journal.NextVersion(c.ctx, c.locker)
	if err != nil {
		return err
	}
	cmd.Version = v
	r, err := c.send(CmdBook, cmd)
	if err != nil {
		return err
	}
	if err := c.printResult(r); err != nil || c.jsonOut {
		return err
	}
	fmt.Fprintf(c.out, "Booked at %s: booking %s, rent %d, door %d; drop off by %s.\n", r.Locker, r.BookingID, r.RentID, r.DoorID,
		r.ExpiresAt.Local().Format("2006-01-02 15:04"))
	if r.PickupCode == "" {
		fmt.Fprintf(c.out, "No pickup code: %s\n", r.Message)
		return nil
	}
	fmt.Fprintf(c.out, "Pickup code (shown only now; the locker keeps no copy): %s\n", r.PickupCode)
	if r.Replayed {
		fmt.Fprintln(c.out, "(the answer to an earlier send of this command: it was booked once)")
	}
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

func (c *cli) cancel() error {
	if c.bookingID == "" || c.keyFile == "" {
		return usageError("cancel needs --locker, --booking-id and --key (the operator's signing key)")
	}
	if err := c.needLocker(); err != nil {
		return err
	}
	if err := c.openJournal(); err != nil {
		return err
	}
	v, err := c.journal.NextVersion(c.ctx, c.locker)
	if err != nil {
		return err
	}
	r, err := c.send(CmdCancel, Command{BookingID: c.bookingID, Version: v})
	if err != nil {
		return err
	}
	if err := c.printResult(r); err != nil || c.jsonOut {
		return err
	}
	fmt.Fprintf(c.out, "Cancelled booking %s at %s (rent %d); its door is free.\n", c.bookingID, r.Locker, r.RentID)
	return nil
}

func (c *cli) open() error {
	if c.keyFile == "" || (c.bookingID == "" && c.rentID == 0) {
		return usageError("open needs --locker, --booking-id or --rent, and --key (the operator's signing key)")
	}
	key, err := cred.ReadPrivateKey(c.keyFile)
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "cred: "))
	}
	if err := c.needLocker(); err != nil {
		return err
	}
	cmd := Command{BookingID: c.bookingID, RentID: c.rentID, Operator: os.Getenv("USER")}
	Prepare(&cmd, commandTTL[CmdOpen])
	Sign(key, c.fleet, c.locker, CmdOpen, &cmd)
	r, err := c.send(CmdOpen, cmd)
	if err != nil {
		return err
	}
	if err := c.printResult(r); err != nil || c.jsonOut {
		return err
	}
	fmt.Fprintf(c.out, "Opened door %d (column %d, row %d) at %s for rent %d.\n", r.DoorID, r.Column, r.Row, r.Locker, r.RentID)
	return nil
}

func (c *cli) resend() error {
	if c.commandID == "" {
		return usageError("resend needs --command ID")
	}
	if err := c.openJournal(); err != nil {
		return err
	}
	locker, name, payload, err := c.journal.Sent(c.ctx, c.commandID)
	if err != nil {
		return err
	}
	c.locker = locker
	if err := c.dial(); err != nil {
		return err
	}
	c.op.waiter(c.commandID)
	if err := c.op.SendRaw(c.ctx, locker, name, c.commandID, payload); err != nil {
		return err
	}
	ctx, cancel := contextWithTimeout(c, c.wait)
	defer cancel()
	r, err := c.op.Await(ctx, c.commandID)
	if err != nil {
		return fmt.Errorf("no answer from %s within %s", locker, c.wait)
	}
	if c.jsonOut {
		return json.NewEncoder(c.out).Encode(r)
	}
	b, _ := json.MarshalIndent(r, "", "  ")
	fmt.Fprintln(c.out, string(b))
	return nil
}

func (c *cli) serve() error {
	if err := c.openJournal(); err != nil {
		return err
	}
	if err := c.dial(); err != nil {
		return err
	}
	fmt.Fprintf(c.errw, "pudo fleet serve: answering sync requests of fleet %q from the journal; Ctrl-C stops\n", c.fleet)
	return c.op.ServeSync(c.ctx, c.journal)
}

// moved answers the subcommands that made and printed a key of the link's
// own: the operator has one key, for tokens and fleet commands alike.
func (c *cli) moved() error {
	if c.name == "pubkey" {
		return usageError("moved: the operator's key is the one that signs courier tokens; " +
			"pudo token pubkey --key FILE prints its public key for [operator] public_keys")
	}
	return usageError("moved: the operator has one key, for courier tokens, staff badges and fleet commands: " +
		"pudo token keygen --out FILE writes it and prints the [operator] public_keys line for the lockers")
}
