package fleetcli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"pudo/app/central/store"
	"pudo/app/cred"
	"pudo/app/fleet"
)

// revokeFlags are revoke's own flags.
type revokeFlags struct {
	all                               bool
	version                           int64
	tokens, couriers, staff, carriers listFlag
	keyIDs                            listFlag
	issuedBefore, listFile            string
}

func (c *cli) revokeFlags() *revokeFlags {
	r := &revokeFlags{}
	c.fs.BoolVar(&r.all, "all", false, "every locker of the fleet")
	c.fs.Int64Var(&r.version, "version", 0, "the list's version, above the one the lockers hold (pudo fleet status shows it)")
	c.fs.Var(&r.tokens, "token", "a token id to revoke, as pudo token new prints it; repeat for more")
	c.fs.Var(&r.couriers, "courier", "a courier id whose tokens to revoke; repeat for more")
	c.fs.Var(&r.staff, "staff", "a staff member whose badges to revoke; repeat for more")
	c.fs.Var(&r.carriers, "carrier", "a carrier whose courier tokens to revoke; repeat for more")
	c.fs.Var(&r.keyIDs, "key-id", "a signing key id whose tokens to revoke (8 hex digits); repeat for more")
	c.fs.StringVar(&r.issuedBefore, "issued-before", "", "revoke --courier/--staff/--carrier tokens issued before this time only, RFC 3339")
	c.fs.StringVar(&r.listFile, "list", "", "a JSON revocation list to start from (the format of app/fleet/asyncapi.json)")
	return r
}

// listFlag is a flag given once per value.
type listFlag []string

func (f *listFlag) String() string { return strings.Join(*f, ",") }
func (f *listFlag) Set(v string) error {
	*f = append(*f, v)
	return nil
}

// revoke pushes the operator's revocation list, signed with the operator's
// key, to one locker or to all, kept in central's commands table first so
// that a locker away gets it when it syncs. The list is whole: it replaces
// the older one a locker holds, so it must carry every entry still wanted.
func (c *cli) revoke(f *cmdFlags, rf *revokeFlags) error {
	c.arg()
	if rf.all == (c.locker != "") {
		return usageError("revoke needs --locker L or --all, --version N, --key FILE (the operator's key) and the entries " +
			"(--token, --courier, --staff, --carrier, --key-id, or --list FILE.json)")
	}
	op, err := f.who("revoke")
	if err != nil {
		return err
	}
	list, err := rf.list()
	if err != nil {
		return err
	}
	target := c.locker
	if rf.all {
		target = store.AllLockers
	} else if err := c.needLocker(); err != nil {
		return err
	}
	c.warnDropped(target, list)
	raw, err := json.Marshal(list)
	if err != nil {
		return err
	}
	cmd := fleet.Command{Operator: op, Revocations: raw}
	if rf.all {
		return c.revokeAll(f, cmd, list)
	}
	r, err := c.send(f, fleet.CmdRevoke, cmd, nil)
	if err != nil {
		return err
	}
	if err := c.result(r); err != nil || c.jsonOut {
		return err
	}
	if r.State == "unchanged" {
		fmt.Fprintf(c.out, "%s holds revocation list %d already; nothing changed.\n", r.Locker, r.RevocationVersion)
		return nil
	}
	fmt.Fprintf(c.out, "Revocation list %d applied at %s: %s.\n", r.RevocationVersion, r.Locker, entries(list))
	return nil
}

// warnDropped says what the newest list central sent there revoked and
// this one no longer does: the lockers will accept those tokens again.
func (c *cli) warnDropped(target string, next cred.Revocations) {
	raw, had, err := c.st.LastRevocations(c.ctx, target)
	if err != nil || !had {
		return
	}
	var prev cred.Revocations
	if json.Unmarshal(raw, &prev) != nil || prev.Version >= next.Version {
		return
	}
	if gone := dropped(prev, next); len(gone) > 0 {
		fmt.Fprintf(c.errw, "pudo fleet revoke: note: list %d leaves out what list %d (sent before) revoked: %s; "+
			"the lockers will accept those again\n", next.Version, prev.Version, strings.Join(gone, ", "))
	}
}

// list is the list of --list (if any) with the entries and the version of
// the flags.
func (rf *revokeFlags) list() (cred.Revocations, error) {
	var list cred.Revocations
	if rf.listFile != "" {
		b, err := os.ReadFile(rf.listFile)
		if err != nil {
			return list, err
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&list); err != nil {
			return list, usageError(fmt.Sprintf("--list %s: %s", rf.listFile, strings.TrimPrefix(err.Error(), "json: ")))
		}
	}
	if rf.version != 0 {
		list.Version = rf.version
	}
	var before time.Time
	if rf.issuedBefore != "" {
		t, err := time.Parse(time.RFC3339, rf.issuedBefore)
		if err != nil {
			return list, usageError(fmt.Sprintf("--issued-before %q is not RFC 3339 (2026-06-01T18:00:00+02:00)", rf.issuedBefore))
		}
		before = t.UTC()
	}
	list.Tokens = append(list.Tokens, rf.tokens...)
	list.Keys = append(list.Keys, rf.keyIDs...)
	for _, s := range []struct {
		kind string
		ids  []string
	}{{"courier", rf.couriers}, {"staff", rf.staff}, {"carrier", rf.carriers}} {
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

// revokeAll sends the list to every locker at once (under _all) and waits
// for the answers of those online; the others take it from central when
// they sync.
func (c *cli) revokeAll(f *cmdFlags, cmd fleet.Command, list cred.Revocations) error {
	online, away, err := c.onlineLockers()
	if err != nil {
		return err
	}
	id, payload, err := c.keep(f, store.AllLockers, fleet.CmdRevoke, cmd, nil)
	if err != nil {
		return err
	}
	got, err := c.publishAll(fleet.CmdRevoke, id, payload, online)
	if err != nil {
		return err
	}
	var silent []string
	for _, l := range online {
		if _, ok := got[l]; !ok {
			silent = append(silent, l)
		}
	}
	ids := make([]string, 0, len(got))
	bad := 0
	for l, r := range got {
		ids = append(ids, l)
		if r.Status != fleet.StatusOK {
			bad++
		}
	}
	sort.Strings(ids)
	if err := c.printAll(id, ids, got, silent, away); err != nil {
		return err
	}
	switch {
	case bad > 0:
		return fmt.Errorf("%d of %d lockers did not apply revocation list %d (see above)", bad, len(got), list.Version)
	case len(silent) > 0:
		return fmt.Errorf("no answer within %s from %s, online a moment ago; central resends the list when they sync (command %s)",
			c.wait, strings.Join(silent, ", "), id)
	}
	return nil
}

// onlineLockers reads the registry a page at a time.
func (c *cli) onlineLockers() (online, away []string, err error) {
	after := ""
	for {
		page, err := c.st.Lockers(c.ctx, after, 500)
		if err != nil {
			return nil, nil, err
		}
		for _, l := range page {
			if l.Online {
				online = append(online, l.ID)
			} else {
				away = append(away, l.ID)
			}
		}
		if len(page) < 500 {
			return online, away, nil
		}
		after = page[len(page)-1].ID
	}
}

// publishAll publishes a fleet-wide command, without a response topic (a
// locker may not write under _all: each answers on its own res), and
// collects each locker's first answer until every one of expect answered
// or --wait passed.
func (c *cli) publishAll(name, id string, payload []byte, expect []string) (map[string]fleet.Result, error) {
	d, err := c.dialDirect()
	if err != nil {
		return nil, err
	}
	defer d.close()
	var mu sync.Mutex
	got := map[string]fleet.Result{}
	heard := make(chan struct{}, 1)
	d.mu.Lock()
	d.handler = func(topic string, body []byte) {
		locker, rest, ok := splitLocker(c.fleetName, topic)
		var r fleet.Result
		if !ok || rest != "res" || json.Unmarshal(body, &r) != nil || r.CommandID != id {
			return
		}
		r.Locker = locker // the topic says who answered
		mu.Lock()
		if _, dup := got[locker]; !dup {
			got[locker] = r
		}
		mu.Unlock()
		select {
		case heard <- struct{}{}:
		default:
		}
	}
	d.mu.Unlock()
	if err := d.subscribe(c.ctx, "pudo/v1/"+c.fleetName+"/+/res"); err != nil {
		return nil, err
	}
	t := fleet.Topics{Fleet: c.fleetName, Locker: store.AllLockers}
	if err := d.publish(c.ctx, &paho.Publish{QoS: 1, Topic: t.Cmd(name), Payload: payload,
		Properties: &paho.PublishProperties{ContentType: "application/json", CorrelationData: []byte(id)}}); err != nil {
		return nil, fmt.Errorf("publish %s: %w", name, err)
	}
	ctx, cancel := context.WithTimeout(c.ctx, c.wait)
	defer cancel()
	snapshot := func() map[string]fleet.Result {
		mu.Lock()
		defer mu.Unlock()
		return maps.Clone(got)
	}
	for !allIn(snapshot(), expect) {
		select {
		case <-heard:
		case <-d.lost.Done():
			return snapshot(), fmt.Errorf("waiting for the lockers' answers to command %s: %w; central resends it when they sync",
				id, context.Cause(d.lost))
		case <-ctx.Done():
			if c.ctx.Err() != nil {
				return snapshot(), c.ctx.Err()
			}
			return snapshot(), nil
		}
	}
	return snapshot(), nil
}

func allIn(got map[string]fleet.Result, want []string) bool {
	for _, l := range want {
		if _, ok := got[l]; !ok {
			return false
		}
	}
	return true
}

func (c *cli) printAll(id string, ids []string, got map[string]fleet.Result, silent, away []string) error {
	if c.jsonOut {
		out := struct {
			CommandID string         `json:"command_id"`
			Results   []fleet.Result `json:"results"`
			NoAnswer  []string       `json:"no_answer"`
			Offline   []string       `json:"offline"`
		}{id, []fleet.Result{}, silent, away}
		for _, l := range ids {
			out.Results = append(out.Results, got[l])
		}
		return json.NewEncoder(c.out).Encode(out)
	}
	tw := tabwriter.NewWriter(c.out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LOCKER\tRESULT\tLIST\tMESSAGE")
	for _, l := range ids {
		r := got[l]
		res := r.Status
		if r.Status == fleet.StatusOK {
			res = r.State
		} else if r.Error != "" {
			res += " (" + r.Error + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", l, res, r.RevocationVersion, r.Message)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(away) > 0 {
		fmt.Fprintf(c.out, "Offline: %s; each applies the list when it returns (central resends it when the locker syncs).\n",
			strings.Join(away, ", "))
	}
	return nil
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
