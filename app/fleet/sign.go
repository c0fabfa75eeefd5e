package fleet

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"pudo/app/cred"
)

// signPurpose names the fleet's commands among the messages the operator's
// key signs (cred.SignMessage).
const signPurpose = "fleet-command"

// signed are the commands the link takes only when the operator signed
// them: a remote opening opens a door, and a revocation list decides which
// courier tokens and badges open doors, so that whoever may publish on the
// broker can neither open a door nor let a revoked token in again.
var signed = map[string]bool{CmdOpen: true, CmdRevoke: true, CmdResend: true}

// signedText is what the operator signs: bound to the command, the fleet
// and its target (one locker's id, or _all for a fleet-wide command), so
// it does nothing else anywhere else.
func signedText(name, fleet, target string, c Command) []byte {
	lines := []string{"pudo-fleet-" + name + "-v1", fleet, target, c.CommandID,
		c.IssuedAt.UTC().Format(time.RFC3339Nano), c.ExpiresAt.UTC().Format(time.RFC3339Nano)}
	switch name {
	case CmdOpen:
		lines = append(lines, strconv.FormatInt(c.RentID, 10), c.BookingID)
	case CmdRevoke:
		lines = append(lines, string(c.Revocations))
	case CmdResend:
		lines = append(lines, strconv.FormatInt(c.FromSeq, 10))
	}
	return []byte(strings.Join(lines, "\n"))
}

// Sign signs command name for target (a locker id, or "_all") with the
// operator's key: the key file `pudo token keygen` writes, whose public key
// the lockers list in [operator] public_keys.
func Sign(key cred.PrivateKey, fleet, target, name string, c *Command) {
	c.Signature = base64.StdEncoding.EncodeToString(key.SignMessage(signPurpose, signedText(name, fleet, target, *c)))
}

// errUnsigned is a command the operator did not sign, or signed with a key
// the applied revocation list names.
var errUnsigned = errors.New("not signed by an operator key this locker trusts ([operator] public_keys)")

// authorize checks a signed command's signature for this locker (or, when
// it came fleet-wide, for _all) and returns the key that made it.
func (l *Link) authorize(ctx context.Context, name, target string, c Command) (cred.PublicKey, error) {
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil {
		return cred.PublicKey{}, errUnsigned
	}
	k, ok := cred.VerifyMessage(l.keys, signPurpose, signedText(name, l.cfg.Fleet, target, c), sig)
	if !ok {
		return cred.PublicKey{}, errUnsigned
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
