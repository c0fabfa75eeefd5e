package fleet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"pudo/app/cred"
	"pudo/app/fleet/fleetsign"
)

// Sign signs command name for target (a locker id, or "_all") with the
// operator's key: the key file `pudo token keygen` writes, whose public key
// the lockers list in [operator] public_keys. It signs the command as it
// stands, so the header (Prepare) comes first.
func Sign(key cred.PrivateKey, fleet, target, name string, c *Command) {
	c.Signature = ""
	body, _ := json.Marshal(c)
	// A Command always marshals to one object, which Canonical takes.
	c.Signature, _ = fleetsign.Sign(key, signHeader(fleet, target, name, *c), body)
}

func signHeader(fleet, target, name string, c Command) fleetsign.Header {
	return fleetsign.Header{Fleet: fleet, Locker: target, Name: name, CommandID: c.CommandID, IssuedAt: c.IssuedAt, ExpiresAt: c.ExpiresAt}
}

// errUnsigned is a command the operator did not sign for this locker, or
// signed with a key the applied revocation list names.
var errUnsigned = errors.New("not signed for this locker by a key it trusts ([operator] public_keys)")

// SignedBy names what signs and sends a command of name: pudo fleet's
// own command for those it has, central (serve --key) for the rest.
func SignedBy(name string) string {
	switch name {
	case CmdBook, CmdCancel, CmdOpen, CmdRevoke:
		return "pudo fleet " + name + " --key"
	}
	return "pudo central serve --key signs what central sends"
}

// authorize checks a command's signature over payload, as it came, for
// this locker (or, when it came fleet-wide, for _all), and returns the key
// that made it. Nothing the broker can write passes: the locker and the
// fleet are the link's own, and the body is signed byte for byte.
func (l *Link) authorize(ctx context.Context, name, target string, c Command, payload []byte) (cred.PublicKey, error) {
	k, err := fleetsign.Verify(l.keys, signHeader(l.cfg.Fleet, target, name, c), payload, c.Signature)
	if errors.Is(err, fleetsign.ErrUnsigned) {
		return k, fmt.Errorf("not signed: every command needs the operator's signature (%s)", SignedBy(name))
	}
	if err != nil {
		return k, errUnsigned
	}
	cur, err := l.core.Revocations(ctx)
	if err != nil {
		return k, err
	}
	if slices.ContainsFunc(cur.Keys, func(id string) bool { return strings.EqualFold(id, k.ID()) }) {
		return k, fmt.Errorf("signed by key %s, which revocation list %d revokes", k.ID(), cur.Version)
	}
	return k, nil
}

// unauthorized logs a command refused for its signature, at most
// refusedLogsPerMinute a minute (whoever can publish on the broker can
// send them as fast as it likes), and counts it for state/health.
func (l *Link) unauthorized(in inbound, c Command, err error) {
	n := l.refused.Add(1)
	if ok, _ := l.refusedLog.Take(); !ok {
		return
	}
	l.log.Warn("fleet: command refused: not signed by the operator for this locker", "name", clip(in.name),
		"command", clip(c.CommandID), "fleet_wide", in.fleetWide, "resent", in.fromSync, "reason", err, "refused_since_start", n)
}

const refusedLogsPerMinute = 10

// target is whom a command was sent to: this locker, or the whole fleet.
func (l *Link) target(in inbound) string {
	if in.fleetWide {
		return allLockers
	}
	return l.id
}

// decodeRevocations reads a revoke command's list, refusing unknown
// fields as for every command.
func decodeRevocations(raw json.RawMessage) (cred.Revocations, error) {
	var list cred.Revocations
	if len(raw) == 0 {
		return list, errors.New("revoke needs revocations, the operator's whole list with its version")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&list); err != nil {
		return list, fmt.Errorf("revocations: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if err := list.Check(); err != nil {
		return list, errors.New(strings.TrimPrefix(err.Error(), "cred: "))
	}
	return list, nil
}

// Prepare fills a command's header: a fresh id and nonce, issued now,
// expiring after ttl.
func Prepare(c *Command, ttl time.Duration) {
	now := time.Now().UTC()
	if c.CommandID == "" {
		c.CommandID = newID()
	}
	if c.IssuedAt.IsZero() {
		c.IssuedAt = now
	}
	if c.ExpiresAt.IsZero() {
		c.ExpiresAt = c.IssuedAt.Add(ttl)
	}
	if c.Nonce == "" {
		c.Nonce = newID()
	}
}
