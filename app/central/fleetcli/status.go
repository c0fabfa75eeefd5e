package fleetcli

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"pudo/app/central/store"
	"pudo/app/fleet"
)

// row is one locker as status shows it, from either source.
type row struct {
	Locker   string          `json:"locker"`
	Online   *bool           `json:"online"`
	Since    time.Time       `json:"since,omitzero"`
	Health   *fleet.Health   `json:"health,omitempty"`
	Capacity *fleet.Capacity `json:"capacity,omitempty"`
	Stored   *int64          `json:"stored_through,omitempty"`
	// Refused counts the messages on the locker's topics whose body named
	// another locker (central's count; the broker's retained state has
	// none).
	Refused *int64 `json:"refused,omitempty"`
	// CertNotAfter is the end of the certificate central issued the
	// locker last (enrolment or renewal over the link).
	CertNotAfter time.Time `json:"cert_not_after,omitzero"`
	// NeverConnected: enrolled (EnrolledAt, when central enrolled it)
	// and never heard from; online is null, as it is neither online nor
	// offline.
	NeverConnected bool      `json:"never_connected,omitempty"`
	EnrolledAt     time.Time `json:"enrolled_at,omitzero"`
	Alerts         int       `json:"open_alerts,omitempty"`
	Truncated      bool      `json:"truncated,omitempty"`
	// Backlog is what is known of the events the locker holds that
	// central has not stored.
	Backlog *backlog `json:"backlog,omitempty"`
}

// backlog is a locker's events not stored at central. Only an online
// locker's report says what it holds now: an offline one may have
// recorded more since it last said, so its backlog is unknown (events
// null, never 0), with the count it last reported and when.
type backlog struct {
	Events    *int64    `json:"events"`
	LastKnown *int64    `json:"last_known,omitempty"`
	At        time.Time `json:"at,omitzero"`
}

// backlogOf is what r's health says of its backlog, reported at at: the
// locker's last seq beyond what central stores, or, without central
// (stored nil), beyond what the broker acknowledged.
func backlogOf(r row, at time.Time) *backlog {
	if r.Health == nil {
		return &backlog{}
	}
	n := r.Health.LastSeq - r.Health.AckedSeq
	if r.Stored != nil {
		n = max(0, r.Health.LastSeq-*r.Stored)
	}
	if r.Online != nil && *r.Online {
		return &backlog{Events: &n, At: at}
	}
	return &backlog{LastKnown: &n, At: at}
}

// String is the backlog as the table shows it.
func (b *backlog) String() string {
	switch {
	case b == nil:
		return "-"
	case b.Events != nil:
		return fmt.Sprint(*b.Events)
	case b.LastKnown != nil && b.At.IsZero():
		return fmt.Sprintf("unknown (last %d)", *b.LastKnown)
	case b.LastKnown != nil:
		return fmt.Sprintf("unknown (last %d, %s ago)", *b.LastKnown, short(time.Since(b.At)))
	}
	return "unknown"
}

// short is an age in its largest unit.
func short(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", max(0, int(d.Seconds())))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

const statusHeader = "%-16s %-15s %-38s %-8s %-24s %-10s %-6s %-9s %s\n"

func (c *cli) status() error {
	c.arg()
	db, err := c.useDB()
	if err != nil {
		return err
	}
	if db {
		c.header()
		return c.statusDB()
	}
	return c.statusDirect()
}

func (c *cli) header() {
	if !c.jsonOut {
		fmt.Fprintf(c.out, statusHeader, "LOCKER", "STATE", "SINCE", "LOCK BUS", "BACKLOG", "FREE S/M/L", "FAULTS", "STORED", "REVOCATIONS")
	}
}

// statusDB streams the registry a page at a time.
func (c *cli) statusDB() error {
	after, n := "", 0
	if c.locker != "" {
		l, err := c.st.GetLocker(c.ctx, c.locker)
		if err != nil {
			return fmt.Errorf("no locker %q in central's registry: it never connected, or the id is wrong", c.locker)
		}
		return c.print(fromDB(l))
	}
	for {
		page, err := c.st.Lockers(c.ctx, after, 500)
		if err != nil {
			return err
		}
		for _, l := range page {
			if err := c.print(fromDB(l)); err != nil {
				return err
			}
			n++
		}
		if len(page) < 500 {
			break
		}
		after = page[len(page)-1].ID
	}
	if n == 0 && !c.jsonOut {
		fmt.Fprintln(c.out, "no lockers in central's registry yet")
	}
	return nil
}

func fromDB(l store.Locker) row {
	r := row{Locker: l.ID, Online: &l.Online, Since: l.OnlineChanged, Stored: &l.StoredThrough, Refused: &l.Refused}
	if l.CertNotAfter.After(time.Unix(0, 0)) {
		r.CertNotAfter = l.CertNotAfter
	}
	if l.NeverConnected {
		r.Online, r.Since, r.NeverConnected, r.EnrolledAt = nil, time.Time{}, true, l.EnrolledAt
	}
	if l.Health != nil {
		r.Health = decode[fleet.Health](l.Health)
	}
	if l.Capacity != nil {
		r.Capacity = decode[fleet.Capacity](l.Capacity)
	}
	r.Backlog = backlogOf(r, l.HealthAt)
	return r
}

func decode[T any](b []byte) *T {
	var v T
	if json.Unmarshal(b, &v) != nil {
		return nil
	}
	return &v
}

func (c *cli) print(r row) error {
	if c.jsonOut {
		return json.NewEncoder(c.out).Encode(r)
	}
	state, since := "unknown", ""
	switch {
	case r.NeverConnected:
		state, since = "never connected", "enrolled "+ago(r.EnrolledAt)
		if r.EnrolledAt.IsZero() {
			since = "not enrolled by central"
		}
	case r.Online != nil:
		state = map[bool]string{true: "online", false: "offline"}[*r.Online]
		since = ago(r.Since)
	}
	bus, faults, revs, stored := "-", "-", "-", "-"
	if r.Health != nil {
		bus, faults = r.Health.LockBus, fmt.Sprint(r.Health.Faults)
		revs = "none"
		if r.Health.RevocationVersion > 0 {
			revs = fmt.Sprintf("list %d", r.Health.RevocationVersion)
		}
		if state == "offline" {
			since = "last seen " + ago(r.Health.At)
		}
	}
	if r.Stored != nil {
		stored = fmt.Sprint(*r.Stored)
	}
	free := "-"
	if r.Capacity != nil {
		free = fmt.Sprintf("%d/%d/%d", r.Capacity.Free["S"], r.Capacity.Free["M"], r.Capacity.Free["L"])
	}
	if r.Truncated {
		state += "*"
	}
	_, err := fmt.Fprintf(c.out, statusHeader, r.Locker, state, since, bus, r.Backlog, free, faults, stored, revs)
	return err
}

// statusDirect reads the retained state from the broker: online, health
// and capacity of every locker, at most --max-messages each, each message
// at most maxDirectMessage (the broker drops larger ones for this client),
// for --wait. It cannot know it heard every locker, and says so.
func (c *cli) statusDirect() error {
	d, err := c.dialDirect()
	if err != nil {
		return err
	}
	defer d.close()
	start := time.Now()
	rows := map[string]*row{}
	counts := map[string]int{}
	truncated := 0
	who := "+"
	if c.locker != "" {
		who = c.locker
	}
	base := "pudo/v1/" + c.fleetName + "/" + who + "/state/"
	err = d.read(c.ctx, []string{base + "online", base + "health", base + "capacity"}, c.wait, func(locker, rest string, payload []byte) {
		r := rows[locker]
		if r == nil {
			r = &row{Locker: locker}
			rows[locker] = r
		}
		if counts[locker]++; counts[locker] > c.perLocker {
			if !r.Truncated {
				truncated++
			}
			r.Truncated = true
			return
		}
		switch rest {
		case "state/online":
			if o := decode[fleet.Online](payload); o != nil && o.Locker == locker {
				r.Online, r.Since = &o.Online, o.At
			}
		case "state/health":
			if h := decode[fleet.Health](payload); h != nil && h.Locker == locker {
				r.Health = h
			}
		case "state/capacity":
			if cp := decode[fleet.Capacity](payload); cp != nil && cp.Locker == locker {
				r.Capacity = cp
			}
		}
	})
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(rows))
	for id := range rows {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	c.header()
	for _, id := range ids {
		r := rows[id]
		if r.Health != nil {
			// The locker's own clock: the broker keeps no time of its own.
			r.Backlog = backlogOf(*r, r.Health.At)
		}
		if err := c.print(*r); err != nil {
			return err
		}
	}
	if c.locker != "" && rows[c.locker] == nil {
		return fmt.Errorf("no retained state of locker %q at the broker within %s", c.locker, c.wait)
	}
	var notes []string
	if truncated > 0 {
		notes = append(notes, fmt.Sprintf("%d lockers (marked *) sent more than %d state messages and the rest were not read", truncated, c.perLocker))
	}
	fmt.Fprintf(c.errw, "pudo fleet status --direct: the broker's retained state as read in %s (%d lockers); a locker whose state did not arrive "+
		"in that time, or whose message is larger than %d KiB, is missing or partial here%s. Central's database (--db) holds the whole fleet.\n",
		time.Since(start).Round(time.Millisecond), len(rows), maxDirectMessage>>10, strings.Join(append([]string{""}, notes...), "; "))
	return nil
}
