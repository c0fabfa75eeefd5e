package fleet

import (
	"bytes"
	"cmp"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"

	"pudo/app"
	"pudo/app/core"
	"pudo/app/cred"
	"pudo/storage"
)

// maxHold bounds a booking's drop-off deadline and an extension.
const maxHold = 30 * 24 * time.Hour

// commandLoop applies commands one at a time, in the order they came, and
// acknowledges each to the broker only after its result is recorded.
func (l *Link) commandLoop(ctx context.Context, cm *autopaho.ConnectionManager) {
	for {
		in, ok := l.cmds.pop(ctx)
		if !ok {
			return
		}
		res := l.handle(context.WithoutCancel(ctx), in)
		l.reply(ctx, cm, in, res)
		in.ack()
	}
}

// reply publishes a result on the command's response topic when that is
// res or one level below it (res/{instance}: the central side's instance
// that sent it), else on res: what comes in never makes the locker write
// anywhere else.
func (l *Link) reply(ctx context.Context, cm *autopaho.ConnectionManager, in inbound, res Result) {
	topic := l.topics.Res()
	if sub, ok := strings.CutPrefix(in.respTopic, topic+"/"); ok && idRE.MatchString(sub) {
		topic = in.respTopic
	}
	res.Message = clipBytes(res.Message, 1<<10)
	props := &paho.PublishProperties{CorrelationData: in.corr}
	if props.CorrelationData == nil && res.CommandID != "" {
		props.CorrelationData = []byte(res.CommandID)
	}
	if err := l.publishJSON(ctx, cm, topic, false, res, props); err != nil && ctx.Err() == nil {
		// Recorded already: a duplicate of the command gets it again.
		l.log.Info("fleet: result not published", "command", res.CommandID, "err", err)
	}
}

// handle decides one command: a duplicate gets its first result, a new one
// is checked, recorded as pending, applied through the core and recorded
// with its result.
func (l *Link) handle(ctx context.Context, in inbound) Result {
	res := Result{Name: clip(in.name), Locker: l.id, At: l.now().UTC()}
	if in.size > payloadCap[sufCmd] {
		return refuse(res, "too_large", fmt.Sprintf("a command is at most %d bytes; this one had %d", payloadCap[sufCmd], in.size))
	}
	var c Command
	if err := decodeCommand(in.payload, &c); err != nil {
		return refuse(res, "bad_command", err.Error())
	}
	res.CommandID, res.BookingID, res.Version = c.CommandID, c.BookingID, c.Version
	if err := checkHeader(c); err != nil {
		return refuse(res, "bad_command", err.Error())
	}
	// The signature comes before the store: what nobody trusted signed
	// leaves no trace there, so a flood of it fills nothing.
	signer, err := l.authorize(ctx, in.name, l.target(in), c, in.payload)
	if err != nil {
		l.unauthorized(in, c, err)
		return refuse(res, "unauthorized", "the command is "+err.Error())
	}
	fp, key := fingerprint(in.name, in.payload), sealKey(in.name, in.payload)
	var rec storage.FleetCommand
	err = l.db.View(ctx, func(tx *storage.Tx) (err error) {
		rec, err = tx.FleetCommand(c.CommandID)
		return err
	})
	switch {
	case err == nil && !bytes.Equal(rec.Fingerprint, fp):
		return refuse(res, "command_id_reused", "this command_id came before with another command; use a new id per command")
	case err == nil && rec.Done:
		return l.replay(res, rec, key)
	case err == nil:
		return l.resolve(ctx, in, c, rec, key, res)
	case !errors.Is(err, storage.ErrNotFound):
		return fail(res, "store", err)
	}
	rec = storage.FleetCommand{ID: c.CommandID, Name: in.name, IssuedAt: c.IssuedAt, ExpiresAt: c.ExpiresAt,
		Fingerprint: fp, BookingID: c.BookingID, Version: c.Version}
	if r, refused := l.precheck(ctx, in, c, res); refused {
		l.finish(ctx, rec, r, key, false)
		return r
	}
	if err := l.db.Update(ctx, func(tx *storage.Tx) error { return tx.BeginFleetCommand(rec) }); err != nil {
		return fail(res, "store", err)
	}
	res = l.apply(ctx, in.name, l.target(in), signer, c, res)
	l.finish(ctx, rec, res, key, true)
	return res
}

func (l *Link) replay(res Result, rec storage.FleetCommand, key []byte) Result {
	plain, err := unseal(key, rec.Result)
	if err != nil {
		return fail(res, "store", err)
	}
	var first Result
	if err := json.Unmarshal(plain, &first); err != nil {
		return fail(res, "store", err)
	}
	first.Replayed = true
	return first
}

// finish records the result; applied says the core was asked, so the
// booking's version moves.
func (l *Link) finish(ctx context.Context, rec storage.FleetCommand, res Result, key []byte, applied bool) {
	plain, _ := json.Marshal(res)
	sealed := seal(key, plain)
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		if !applied {
			if err := tx.BeginFleetCommand(rec); err != nil {
				return err
			}
		}
		if err := tx.FinishFleetCommand(rec.ID, sealed); err != nil {
			return err
		}
		if rec.Version > 0 {
			if applied {
				if err := tx.SetFleetBooking(rec.BookingID, rec.Version, res.RentID); err != nil {
					return err
				}
			}
			if _, err := tx.ProcessedVersion(rec.Version); err != nil {
				return err
			}
		}
		return tx.RaiseFleetValue(keyCursor, rec.IssuedAt.UnixMilli())
	})
	if err != nil {
		l.log.Error("fleet: command result not recorded", "command", rec.ID, "name", rec.Name, "err", err)
	}
}

// precheck refuses a command that must not be applied: expired, from the
// future, incomplete, stale, or fleet-wide where it names one locker's rent.
func (l *Link) precheck(ctx context.Context, in inbound, c Command, res Result) (Result, bool) {
	now := l.now()
	switch {
	case !now.Before(c.ExpiresAt):
		return refuse(res, "expired", fmt.Sprintf("the command expired at %s", c.ExpiresAt.UTC().Format(time.RFC3339))), true
	case c.IssuedAt.After(now.Add(l.cfg.MaxClockSkew)):
		return refuse(res, "not_yet_valid", fmt.Sprintf("issued_at %s lies ahead of the locker's clock (%s)",
			c.IssuedAt.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))), true
	case !slices.Contains(commandNames, in.name):
		return refuse(res, "unknown_command", fmt.Sprintf("%q is not one of %s", clip(in.name), strings.Join(commandNames, ", "))), true
	case in.fleetWide && !fleetWide[in.name]:
		return refuse(res, "not_fleet_wide", in.name+" names one locker's rent or door; send it to that locker's topic"), true
	}
	if err := checkFields(in.name, c, now); err != nil {
		return refuse(res, "bad_command", err.Error()), true
	}
	if c.Version > 0 {
		var v int64
		var ok bool
		err := l.db.View(ctx, func(tx *storage.Tx) (err error) {
			v, _, ok, err = tx.FleetBooking(c.BookingID)
			return err
		})
		if err != nil {
			return fail(res, "store", err), true
		}
		if ok && v >= c.Version {
			return refuse(res, "stale", fmt.Sprintf("booking %s is at version %d; version %d is not newer", c.BookingID, v, c.Version)), true
		}
	}
	return res, false
}

// owner names a fleet booking's rent in the core; it is written in the
// booking's own transaction, so after a crash the link can tell whether a
// booking went through.
func owner(bookingID string) string { return "fleet:" + bookingID }

// apply does the command through the core; target is this locker's id, or
// _all for a command that came fleet-wide, and signer the operator's key
// that signed it.
func (l *Link) apply(ctx context.Context, name, target string, signer cred.PublicKey, c Command, res Result) Result {
	op := l.core.Operator(cmp.Or(c.Operator, "fleet"))
	switch name {
	case CmdBook:
		if r, refused := l.bookingTaken(ctx, c, res); refused {
			return r
		}
		b, err := l.core.Book(ctx, core.Booking{Size: strings.ToUpper(c.Size), ParcelRef: strings.TrimSpace(c.ParcelRef),
			RecipientRef: strings.TrimSpace(c.RecipientRef), ExpiresAt: c.Until, PreferLow: c.PreferLow, Owner: owner(c.BookingID)})
		if err != nil {
			return l.errResult(res, err)
		}
		res = ok(res)
		res.RentID, res.DoorID, res.State, res.ExpiresAt = b.Rent.ID, b.Rent.DoorID, string(b.Rent.State), b.Rent.ExpiresAt
		res.PickupCode, res.QR = app.FormatCode(b.Code), b.QR
		if err := sealSecrets(c.ReplyKey, &res); err != nil {
			// checkFields read the key: nothing here fails but a broken
			// random source. The rent stands; its code is not sent.
			res.PickupCode, res.QR = "", ""
			return fail(res, "internal", err)
		}
		l.log.Info("fleet: booked", "rent", b.Rent.ID, "door", b.Rent.DoorID, "booking", c.BookingID)
		return res
	case CmdCancel:
		id, r, found := l.bookingRent(ctx, c, res)
		if !found {
			return r
		}
		if err := l.core.Cancel(ctx, id); err != nil {
			return l.errResult(res, err)
		}
		res = ok(res)
		res.RentID, res.State = id, string(storage.RentCancelled)
		return res
	case CmdExtend:
		id, r, found := l.bookingRent(ctx, c, res)
		if !found {
			return r
		}
		if err := op.Extend(ctx, id, c.Until); err != nil {
			return l.errResult(res, err)
		}
		res = ok(res)
		res.RentID, res.ExpiresAt = id, c.Until.UTC()
		return res
	case CmdOpen:
		return l.open(ctx, signer, op, c, res)
	case CmdRevoke:
		return l.revoke(ctx, target, signer, c, res)
	case CmdService:
		if err := op.SetOutOfService(ctx, c.DoorID, *c.OutOfService, c.Reason); err != nil {
			return l.errResult(res, err)
		}
		res = ok(res)
		res.DoorID = c.DoorID
		return res
	case CmdConfig:
		if err := op.SetSetting(ctx, c.Key, *c.Value); err != nil {
			return l.errResult(res, err)
		}
		return ok(res)
	case CmdState:
		signal(l.force, false)
		if cur, err := l.core.Revocations(ctx); err == nil {
			res.RevocationVersion = cur.Version
		}
		return ok(res)
	case CmdRebirth:
		signal(l.force, true)
		return ok(res)
	case CmdResend:
		return l.resend(ctx, target, c, res)
	}
	return refuse(res, "unknown_command", name)
}

// bookingTaken refuses a second book for a booking whose rent is still
// active: a new version of a booking moves it, it does not double it.
func (l *Link) bookingTaken(ctx context.Context, c Command, res Result) (Result, bool) {
	var rentID int64
	err := l.db.View(ctx, func(tx *storage.Tx) (err error) {
		_, rentID, _, err = tx.FleetBooking(c.BookingID)
		return err
	})
	if err != nil {
		return fail(res, "store", err), true
	}
	if rentID == 0 {
		return res, false
	}
	r, err := l.core.Rent(ctx, rentID)
	if err == nil && r.State.Active() {
		res = refuse(res, "booking_exists", fmt.Sprintf("booking %s already holds rent %d (%s); cancel it first", c.BookingID, r.ID, r.State))
		res.RentID = r.ID
		return res, true
	}
	return res, false
}

// bookingRent finds the rent of a command's booking.
func (l *Link) bookingRent(ctx context.Context, c Command, res Result) (int64, Result, bool) {
	if c.BookingID == "" && c.RentID > 0 {
		return c.RentID, res, true
	}
	var rentID int64
	err := l.db.View(ctx, func(tx *storage.Tx) (err error) {
		_, rentID, _, err = tx.FleetBooking(c.BookingID)
		return err
	})
	if err != nil {
		return 0, fail(res, "store", err), false
	}
	if rentID == 0 {
		return 0, refuse(res, "not_found", fmt.Sprintf("booking %s has no rent at this locker", c.BookingID)), false
	}
	return rentID, res, true
}

// open is the operator's remote opening: off unless both this link's
// configuration and the locker's rule allow it, one stored parcel's door,
// rate-limited for the whole kiosk, in the name of the operator who sent
// it (the audit log's actor).
func (l *Link) open(ctx context.Context, key cred.PublicKey, op *core.Operator, c Command, res Result) Result {
	if !l.cfg.RemoteOpen {
		return refuse(res, "remote_open_disabled", "remote opening is switched off for the fleet link (fleet.remote_open)")
	}
	id, r, found := l.bookingRent(ctx, c, res)
	if !found {
		return r
	}
	if ok, wait := l.opens.Take(); !ok {
		return refuse(res, "rate_limited", fmt.Sprintf("too many remote openings at this kiosk; try again in %s", wait.Round(time.Second)))
	}
	d, err := op.RemoteOpen(ctx, id)
	if err != nil {
		return l.errResult(res, err)
	}
	res = ok(res)
	res.RentID, res.DoorID, res.Column, res.Row, res.State = id, d.ID, d.Col, d.Row, string(storage.RentCollected)
	l.log.Info("fleet: remote open", "rent", id, "door", d.ID, "operator", c.Operator, "key", key.ID())
	return res
}

// resolve settles a command a crash left pending, now that it came again.
// What the store shows decides: applied, it is answered as such; not
// applied, the pending record goes and the command is applied now; an
// opening whose outcome is unknown is never repeated.
func (l *Link) resolve(ctx context.Context, in inbound, c Command, rec storage.FleetCommand, key []byte, res Result) Result {
	applied, done := l.wasApplied(ctx, in.name, c, rec, res)
	if done {
		l.finish(ctx, rec, applied, key, true)
		l.log.Warn("fleet: command cut short by a restart, settled from the store", "command", c.CommandID, "name", in.name, "status", applied.Status)
		return applied
	}
	if err := l.db.Update(ctx, func(tx *storage.Tx) error { return tx.ForgetFleetCommand(c.CommandID) }); err != nil {
		return fail(res, "store", err)
	}
	return l.handle(ctx, in)
}

func (l *Link) wasApplied(ctx context.Context, name string, c Command, rec storage.FleetCommand, res Result) (Result, bool) {
	switch name {
	case CmdBook:
		var id int64
		err := l.db.View(ctx, func(tx *storage.Tx) (err error) {
			id, err = tx.RentOfOwner(owner(c.BookingID))
			return err
		})
		if err != nil {
			return res, false
		}
		r, err := l.core.Rent(ctx, id)
		if err != nil || r.CreatedAt.Before(rec.ReceivedAt) {
			return res, false // an earlier version's rent
		}
		res = ok(res)
		res.RentID, res.DoorID, res.State, res.ExpiresAt = r.ID, r.DoorID, string(r.State), r.ExpiresAt
		res.Error, res.Message = "code_lost", "booked, but the kiosk restarted before the answer was kept, and the locker keeps no pickup code: cancel and book again for a new code"
		return res, true
	case CmdCancel, CmdExtend:
		id, _, found := l.bookingRent(ctx, c, res)
		if !found {
			return res, false
		}
		r, err := l.core.Rent(ctx, id)
		if err != nil {
			return res, false
		}
		if name == CmdCancel && r.State == app.RentCancelled && r.EndedAt.After(rec.ReceivedAt.Add(-time.Millisecond)) {
			res = ok(res)
			res.RentID, res.State = id, string(r.State)
			return res, true
		}
		if name == CmdExtend && r.ExpiresAt.Equal(c.Until.UTC().Truncate(time.Millisecond)) {
			res = ok(res)
			res.RentID, res.ExpiresAt = id, r.ExpiresAt
			return res, true
		}
		return res, false
	case CmdRevoke:
		list, err := decodeRevocations(c.Revocations)
		cur, err2 := l.core.Revocations(ctx)
		if err != nil || err2 != nil || cur.Version != list.Version {
			return res, false // applying it again is harmless: only a newer list replaces
		}
		res = ok(res)
		res.RevocationVersion, res.State = cur.Version, "applied"
		return res, true
	case CmdOpen:
		return refuse(res, "outcome_unknown", "the kiosk restarted while opening; an opening is never repeated by itself: see the door's events"), true
	case CmdService:
		ds, err := l.core.DoorStates(ctx)
		if err != nil {
			return res, false
		}
		for _, d := range ds {
			if d.Door.ID == c.DoorID && d.Door.OutOfService == *c.OutOfService {
				res = ok(res)
				res.DoorID = c.DoorID
				return res, true
			}
		}
		return res, false
	case CmdConfig:
		set, err := l.core.Settings(ctx)
		if v, has := set[c.Key]; err == nil && v == *c.Value && (has || *c.Value == "") {
			return ok(res), true
		}
		return res, false
	}
	return res, false // state, rebirth: nothing to undo, do it again
}

func ok(r Result) Result { r.Status = StatusOK; return r }

func refuse(r Result, code, msg string) Result {
	r.Status, r.Error, r.Message = StatusRefused, code, msg
	return r
}

func fail(r Result, code string, err error) Result {
	r.Status, r.Error, r.Message = StatusFailed, code, err.Error()
	return r
}

// errResult names a core error for the operator.
func (l *Link) errResult(r Result, err error) Result {
	for _, m := range []struct {
		err  error
		code string
	}{
		{app.ErrNoFreeDoor, "no_free_door"}, {app.ErrBadBooking, "bad_command"}, {app.ErrBadSize, "bad_command"},
		{app.ErrNotFound, "not_found"}, {app.ErrDropStarted, "drop_started"}, {app.ErrRemoteOff, "remote_open_disabled"},
		{app.ErrNotPickup, "not_openable"}, {app.ErrOutOfService, "out_of_service"}, {core.ErrNotExtendable, "not_extendable"},
		{app.ErrBadSetting, "bad_setting"}, {app.ErrBeingOpened, "being_opened"}, {app.ErrOutOfOrder, "out_of_order"},
		{app.ErrNotStored, "wrong_state"}, {app.ErrAlreadyStored, "wrong_state"}, {app.ErrAlreadyCollected, "wrong_state"},
		{app.ErrCancelled, "wrong_state"}, {app.ErrExpired, "wrong_state"}, {app.ErrReclaimed, "wrong_state"},
	} {
		if errors.Is(err, m.err) {
			return refuse(r, m.code, err.Error())
		}
	}
	if errors.Is(err, app.ErrDoorDidNotOpen) {
		return fail(r, "door_did_not_open", err)
	}
	l.log.Error("fleet: command failed", "command", r.CommandID, "name", r.Name, "err", err)
	return fail(r, "internal", errors.New("the locker could not apply the command; see its log"))
}

// decodeCommand reads exactly one JSON object, refusing unknown fields.
func decodeCommand(body []byte, c *Command) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return fmt.Errorf("not a command object: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("one JSON object and nothing after it")
	}
	return nil
}

func checkHeader(c Command) error {
	switch {
	case c.CommandID == "" || len(c.CommandID) > 128 || !printable(c.CommandID):
		return errors.New("command_id must be 1..128 printable characters, such as a UUID")
	case c.IssuedAt.IsZero() || c.ExpiresAt.IsZero():
		return errors.New("issued_at and expires_at are required (RFC 3339)")
	case !c.ExpiresAt.After(c.IssuedAt):
		return errors.New("expires_at must come after issued_at")
	}
	return nil
}

// checkFields checks the fields each command needs.
func checkFields(name string, c Command, now time.Time) error {
	versioned := func() error {
		if c.BookingID == "" || len(c.BookingID) > 128 || !printable(c.BookingID) {
			return errors.New("booking_id must be 1..128 printable characters")
		}
		if c.Version < 1 {
			return errors.New("version must be a positive number, higher for each change of a booking")
		}
		return nil
	}
	deadline := func(required bool) error {
		if c.Until.IsZero() && !required {
			return nil
		}
		if !c.Until.After(now) || c.Until.Sub(now) > maxHold {
			return errors.New("until must lie in the next 30 days")
		}
		return nil
	}
	switch name {
	case CmdBook:
		if err := versioned(); err != nil {
			return err
		}
		if _, err := parseReplyKey(c.ReplyKey); err != nil {
			return err
		}
		if s := strings.ToUpper(c.Size); s != "S" && s != "M" && s != "L" {
			return fmt.Errorf("size %q is not S, M or L", clip(c.Size))
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(c.ParcelRef)); n < 1 || n > 64 || !printable(c.ParcelRef) {
			return errors.New("parcel_ref must be 1..64 printable characters")
		}
		if utf8.RuneCountInString(c.RecipientRef) > 128 || !printable(c.RecipientRef) {
			return errors.New("recipient_ref must be at most 128 printable characters")
		}
		return deadline(false)
	case CmdCancel:
		return versioned()
	case CmdExtend:
		if err := versioned(); err != nil {
			return err
		}
		return deadline(true)
	case CmdOpen:
		if c.RentID <= 0 && c.BookingID == "" {
			return errors.New("open needs rent_id or booking_id")
		}
		// A door opened from afar is someone's act: the audit log names
		// who (the key that signed it is the network's, not a person's).
		if strings.TrimSpace(c.Operator) == "" {
			return errors.New("open needs the operator's name")
		}
	case CmdRevoke:
		if _, err := decodeRevocations(c.Revocations); err != nil {
			return err
		}
	case CmdService:
		if c.DoorID <= 0 || c.OutOfService == nil {
			return errors.New("service needs door_id and out_of_service")
		}
	case CmdConfig:
		if c.Key == "" || c.Value == nil {
			return errors.New("config needs key and value (\"\" restores the configured value)")
		}
	case CmdResend:
		if c.FromSeq < 1 {
			return errors.New("resend needs from_seq, the first event to send again")
		}
	}
	return nil
}

func printable(s string) bool {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return utf8.ValidString(s)
}

func clip(s string) string {
	if r := []rune(s); len(r) > 24 {
		return string(r[:24]) + "…"
	}
	return s
}

// fingerprint tells a true duplicate from a reused command_id.
func fingerprint(name string, payload []byte) []byte {
	h := sha256.New()
	h.Write([]byte("pudo fleet command fingerprint v1\x00" + name + "\x00"))
	h.Write(payload)
	return h.Sum(nil)
}

// A result may hold a pickup code, which the store must never keep in
// clear: it is sealed with AES-GCM under a key derived from the whole
// command, nonce included, which the locker does not keep. A duplicate
// brings the key with it; a copied database does not.
func sealKey(name string, payload []byte) []byte {
	k, _ := hkdf.Key(sha256.New, payload, nil, "pudo fleet result v1\x00"+name, 32)
	return k
}

func seal(key, plain []byte) []byte {
	blk, _ := aes.NewCipher(key)
	aead, _ := cipher.NewGCM(blk)
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	rand.Read(nonce)
	return aead.Seal(nonce, nonce, plain, nil)
}

func unseal(key, sealed []byte) ([]byte, error) {
	blk, _ := aes.NewCipher(key)
	aead, _ := cipher.NewGCM(blk)
	if len(sealed) < aead.NonceSize() {
		return nil, errors.New("fleet: kept result is damaged")
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], nil)
	if err != nil {
		return nil, errors.New("fleet: kept result does not open with this command")
	}
	return plain, nil
}
