package fleet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"pudo/app/cred"
)

// revoke pushes the operator's revocation list, signed with the operator's
// key, to one locker or to all. The list is whole: it replaces the older
// one a locker holds, so it must carry every entry still wanted.
func (c *cli) revoke() error {
	if c.keyFile == "" || c.all == (c.locker != "") {
		return usageError("revoke needs --locker L or --all, --version N, --key FILE (the operator's key) and the entries " +
			"(--token, --courier, --staff, --carrier, --key-id, or --list FILE.json)")
	}
	list, err := c.revocationList()
	if err != nil {
		return err
	}
	key, err := cred.ReadPrivateKey(c.keyFile)
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "cred: "))
	}
	target := c.locker
	if c.all {
		target = allLockers
		err = c.dial()
	} else {
		err = c.needLocker()
	}
	if err != nil {
		return err
	}
	if err := c.openJournal(); err != nil {
		return err
	}
	if prev, had, err := c.journal.LastRevocations(c.ctx, target); err == nil && had {
		if gone := dropped(prev, list); len(gone) > 0 && prev.Version < list.Version {
			fmt.Fprintf(c.errw, "pudo fleet revoke: note: list %d leaves out what list %d (in the journal) revoked: %s; "+
				"the lockers will accept those again\n", list.Version, prev.Version, strings.Join(gone, ", "))
		}
	}
	raw, err := json.Marshal(list)
	if err != nil {
		return err
	}
	cmd := Command{Operator: os.Getenv("USER"), Revocations: raw}
	Prepare(&cmd, commandTTL[CmdRevoke])
	Sign(key, c.fleet, target, CmdRevoke, &cmd)
	if c.all {
		return c.revokeAll(cmd)
	}
	r, err := c.send(CmdRevoke, cmd)
	if err != nil {
		return err
	}
	if err := c.printResult(r); err != nil || c.jsonOut {
		return err
	}
	if r.State == "unchanged" {
		fmt.Fprintf(c.out, "%s holds revocation list %d already; nothing changed.\n", r.Locker, r.RevocationVersion)
		return nil
	}
	fmt.Fprintf(c.out, "Revocation list %d applied at %s: %s.\n", r.RevocationVersion, r.Locker, entries(list))
	return nil
}

// revocationList is the list of --list (if any) with the entries and the
// version of the flags.
func (c *cli) revocationList() (cred.Revocations, error) {
	var list cred.Revocations
	if c.listFile != "" {
		b, err := os.ReadFile(c.listFile)
		if err != nil {
			return list, err
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&list); err != nil {
			return list, usageError(fmt.Sprintf("--list %s: %s", c.listFile, strings.TrimPrefix(err.Error(), "json: ")))
		}
	}
	if c.revVersion != 0 {
		list.Version = c.revVersion
	}
	var before time.Time
	if c.issuedBefore != "" {
		t, err := time.Parse(time.RFC3339, c.issuedBefore)
		if err != nil {
			return list, usageError(fmt.Sprintf("--issued-before %q is not RFC 3339 (2026-06-01T18:00:00+02:00)", c.issuedBefore))
		}
		before = t.UTC()
	}
	list.Tokens = append(list.Tokens, c.tokens...)
	list.Keys = append(list.Keys, c.keyIDs...)
	for _, s := range []struct {
		kind string
		ids  []string
	}{{"courier", c.couriers}, {"staff", c.staff}, {"carrier", c.carriers}} {
		for _, id := range s.ids {
			list.Subjects = append(list.Subjects, cred.SubjectRevocation{Kind: s.kind, ID: id, IssuedBefore: before})
		}
	}
	if list.Version <= 0 {
		return list, usageError("--version N is needed (or a version in --list): a number above the list the lockers hold (pudo fleet status shows it)")
	}
	if err := list.Check(); err != nil {
		return list, usageError(strings.TrimPrefix(err.Error(), "cred: "))
	}
	return list, nil
}

func (c *cli) revokeAll(cmd Command) error {
	st, err := c.states("")
	if err != nil {
		return err
	}
	var online, away []string
	for id, s := range st {
		if s.Online != nil && s.Online.Online {
			online = append(online, id)
		} else {
			away = append(away, id)
		}
	}
	sort.Strings(online)
	sort.Strings(away)
	var mu sync.Mutex
	got := map[string]Result{}
	ctx, cancel := contextWithTimeout(c, c.wait)
	defer cancel()
	if err := c.openJournal(); err != nil {
		return err
	}
	err = c.op.CommandAll(ctx, c.journal, CmdRevoke, cmd, commandTTL[CmdRevoke], online, func(r Result) {
		mu.Lock()
		got[r.Locker] = r
		mu.Unlock()
	})
	if err != nil && ctx.Err() == nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	ids := sortedIDs(got)
	var silent []string
	for _, id := range online {
		if _, ok := got[id]; !ok {
			silent = append(silent, id)
		}
	}
	bad := 0
	for _, r := range got {
		if r.Status != StatusOK {
			bad++
		}
	}
	if c.jsonOut {
		out := struct {
			CommandID string   `json:"command_id"`
			Results   []Result `json:"results"`
			NoAnswer  []string `json:"no_answer"`
			Offline   []string `json:"offline"`
		}{cmd.CommandID, []Result{}, silent, away}
		for _, id := range ids {
			out.Results = append(out.Results, got[id])
		}
		if err := json.NewEncoder(c.out).Encode(out); err != nil {
			return err
		}
	} else {
		tw := tabwriter.NewWriter(c.out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "LOCKER\tRESULT\tLIST\tMESSAGE")
		for _, id := range ids {
			r := got[id]
			res := r.Status
			if r.Status == StatusOK {
				res = r.State
			} else if r.Error != "" {
				res += " (" + r.Error + ")"
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", id, res, r.RevocationVersion, r.Message)
		}
		tw.Flush()
		if len(away) > 0 {
			fmt.Fprintf(c.out, "Offline: %s; each applies the list when it returns (the broker's queue, or pudo fleet serve from the journal).\n",
				strings.Join(away, ", "))
		}
	}
	switch {
	case bad > 0:
		return fmt.Errorf("%d of %d lockers did not apply revocation list %s (see above)", bad, len(got), listVersion(cmd))
	case len(silent) > 0:
		return fmt.Errorf("no answer within %s from %s, online a moment ago; the list waits for them at the broker and in the journal (command %s)",
			c.wait, strings.Join(silent, ", "), cmd.CommandID)
	}
	return nil
}

func sortedIDs(m map[string]Result) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func listVersion(cmd Command) string {
	if l, err := decodeRevocations(cmd.Revocations); err == nil {
		return fmt.Sprint(l.Version)
	}
	return "?"
}

// entries says a list's entries in one line.
func entries(l cred.Revocations) string {
	return fmt.Sprintf("%d tokens, %d couriers/staff/carriers, %d keys", len(l.Tokens), len(l.Subjects), len(l.Keys))
}

// dropped names what prev revoked and next no longer does.
func dropped(prev, next cred.Revocations) []string {
	var out []string
	for _, t := range prev.Tokens {
		if !slices.ContainsFunc(next.Tokens, func(x string) bool { return strings.EqualFold(x, t) }) {
			out = append(out, "token "+t)
		}
	}
	for _, k := range prev.Keys {
		if !slices.ContainsFunc(next.Keys, func(x string) bool { return strings.EqualFold(x, k) }) {
			out = append(out, "key "+k)
		}
	}
	for _, s := range prev.Subjects {
		if !slices.ContainsFunc(next.Subjects, func(x cred.SubjectRevocation) bool { return x.Kind == s.Kind && x.ID == s.ID }) {
			out = append(out, s.Kind+" "+s.ID)
		}
	}
	return out
}
