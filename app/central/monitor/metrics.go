package monitor

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"pudo/app/central/store"
)

// Counter is one of an instance's own counts, for /metrics.
type Counter struct {
	Name, Help string
	Value      func() int64
}

// Metrics renders /metrics in the Prometheus text format: per locker
// (online, backlog, stored seq, duplicates, refused) and for the fleet
// (lockers, online, open alerts by kind), read from the database at each
// scrape a page at a time, and this instance's own counters.
func Metrics(st *store.Store, instance string, counters []Counter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		bw := bufio.NewWriter(w)
		defer bw.Flush()
		if err := writeMetrics(ctx, bw, st, instance, counters); err != nil {
			fmt.Fprintf(bw, "# error: %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
		}
	})
}

func writeMetrics(ctx context.Context, w *bufio.Writer, st *store.Store, instance string, counters []Counter) error {
	inst := `instance_name="` + esc(instance) + `"`
	for _, c := range counters {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s{%s} %d\n", c.Name, c.Help, c.Name, c.Name, inst, c.Value())
	}
	alerts, err := st.AlertCounts(ctx)
	if err != nil {
		return err
	}
	kinds := make([]string, 0, len(alerts))
	for k := range alerts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	fmt.Fprintf(w, "# HELP pudo_central_alerts_open Open alerts by kind.\n# TYPE pudo_central_alerts_open gauge\n")
	for _, k := range kinds {
		fmt.Fprintf(w, "pudo_central_alerts_open{kind=\"%s\"} %d\n", esc(k), alerts[k])
	}
	per := []struct{ name, help, typ string }{
		{"pudo_central_locker_online", "1 when the locker's last birth is newer than its Will.", "gauge"},
		{"pudo_central_locker_backlog", "Events the locker reports that are not stored here.", "gauge"},
		{"pudo_central_locker_stored_seq", "Every event of the locker through this seq is stored.", "gauge"},
		{"pudo_central_locker_duplicates_total", "Events received again and dropped by (locker, seq).", "counter"},
		{"pudo_central_locker_refused_total", "Messages on the locker's topics naming another locker.", "counter"},
	}
	var total, online, never int
	var lines [5][]string
	after := ""
	for {
		page, err := st.Lockers(ctx, after, 1000)
		if err != nil {
			return err
		}
		for _, l := range page {
			total++
			on := 0
			if l.Online {
				online++
				on = 1
			}
			var h struct {
				LastSeq int64 `json:"last_seq"`
			}
			if l.Health != nil {
				json.Unmarshal(l.Health, &h)
			}
			lb := `{locker="` + esc(l.ID) + `"} `
			vals := []int64{int64(on), max(h.LastSeq, l.MaxSeq) - l.StoredThrough, l.StoredThrough, l.Duplicates, l.Refused}
			for i, v := range vals {
				// A locker never connected has no link state and no
				// backlog yet: no sample, never an online 0 that reads
				// as offline.
				if l.NeverConnected && i < 2 {
					continue
				}
				lines[i] = append(lines[i], per[i].name+lb+strconv.FormatInt(v, 10))
			}
			if l.NeverConnected {
				never++
			}
		}
		if len(page) < 1000 {
			break
		}
		after = page[len(page)-1].ID
	}
	for i, ls := range lines {
		m := per[i]
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", m.name, m.help, m.name, m.typ)
		for _, l := range ls {
			w.WriteString(l)
			w.WriteByte('\n')
		}
	}
	fmt.Fprintf(w, "# HELP pudo_central_lockers Lockers in the registry.\n# TYPE pudo_central_lockers gauge\npudo_central_lockers %d\n", total)
	fmt.Fprintf(w, "# HELP pudo_central_lockers_online Lockers online.\n# TYPE pudo_central_lockers_online gauge\npudo_central_lockers_online %d\n", online)
	fmt.Fprintf(w, "# HELP pudo_central_lockers_never_connected Lockers enrolled and never heard from (neither online nor offline).\n"+
		"# TYPE pudo_central_lockers_never_connected gauge\npudo_central_lockers_never_connected %d\n", never)
	return nil
}

// esc escapes a label value.
func esc(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}
