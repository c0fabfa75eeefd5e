package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"pudo/app/central/store"
)

// client is a plain HTTP client with one session, its cookie set by hand
// (Go's cookie jar keeps a Secure cookie for https only).
type client struct {
	t      *testing.T
	base   string
	cookie string
	csrf   string
}

func (s *site) client(name, password string) *client {
	s.t.Helper()
	c := &client{t: s.t, base: s.srv.URL}
	resp := c.post("/login", url.Values{"name": {name}, "password": {password}})
	if resp.status != http.StatusSeeOther {
		s.t.Fatalf("login as %s: %d %s", name, resp.status, resp.body)
	}
	for _, sc := range resp.header.Values("Set-Cookie") {
		if v, ok := strings.CutPrefix(sc, "__Host-pudo-session="); ok {
			c.cookie, _, _ = strings.Cut(v, ";")
			if !strings.Contains(sc, "Secure") || !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") {
				s.t.Fatalf("the session cookie is %q", sc)
			}
		}
	}
	home := c.get("/")
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(home.body)
	if m == nil {
		s.t.Fatalf("no form token on the lockers page:\n%s", home.body)
	}
	c.csrf = m[1]
	return c
}

type answer struct {
	status int
	header http.Header
	body   string
}

func (c *client) do(req *http.Request) answer {
	c.t.Helper()
	if c.cookie != "" {
		req.AddCookie(&http.Cookie{Name: "__Host-pudo-session", Value: c.cookie})
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, string(b)}
}

func (c *client) get(path string) answer {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) answer {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// Every page answers for a signed-in account, with the headers that keep
// it to this site; without a session a page sends to the login.
func TestPagesAnswer(t *testing.T) {
	s := newSite(t)
	s.seed()
	anon := &client{t: t, base: s.srv.URL}
	if p := anon.get("/lockers/WAW-0042"); p.status != http.StatusSeeOther || p.header.Get("Location") != "/login?next=%2Flockers%2FWAW-0042" {
		t.Fatalf("a page without a session: %d %q", p.status, p.header.Get("Location"))
	}
	c := s.client(operatorName, operatorPass)
	for path, want := range map[string]string{
		"/":                          "WAW-0043",
		"/?state=offline":            "WAW-0043",
		"/lockers/WAW-0042":          "SHOPX-1001",
		"/lockers/WAW-0043":          "last report",
		"/lockers/NOPE":              "never heard",
		"/alerts":                    "lockbus",
		"/alerts?show=cleared":       "All quiet",
		"/events":                    "door.open.failed",
		"/events?kind=rent.&rent=10": "rent.stored",
		"/parcels":                   "SHOPX-1003",
		"/nowhere":                   "nothing at",
	} {
		p := c.get(path)
		if !strings.Contains(p.body, want) {
			t.Errorf("GET %s: %d, lacks %q:\n%s", path, p.status, want, p.body)
		}
		if csp := p.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("GET %s: Content-Security-Policy %q", path, csp)
		}
	}
}

// rowOf is the lockers table's row of one locker, as served.
func rowOf(t *testing.T, page, id string) string {
	t.Helper()
	i := strings.Index(page, `<a class="id" href="/lockers/`+id+`">`)
	if i < 0 {
		t.Fatalf("no row for %s:\n%s", id, page)
	}
	start := strings.LastIndex(page[:i], "<tr")
	end := strings.Index(page[i:], "</tr>")
	return page[start : i+end]
}

// An offline locker's backlog is unknown: it may have recorded events
// since it last reported, so the dashboard never shows its last count
// as a current one (least of all a 0), but says unknown with that count
// and its age. An online locker's count is shown as it is.
func TestOfflineBacklogIsUnknown(t *testing.T) {
	s := newSite(t)
	s.seed()
	ctx := context.Background()
	// POZ-0001 stopped with every event it had reported stored: its last
	// count is 0.
	if _, err := s.st.SetOnline(ctx, "POZ-0001", store.Online{Online: true, Birth: 1, Body: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if err := s.st.SetState(ctx, "POZ-0001", "health", []byte(`{"locker":"POZ-0001","last_seq":0,"clock_synced":true,"lock_bus":"up"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.st.SetOnline(ctx, "POZ-0001", store.Online{Online: false, Birth: 1, Body: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	c := s.client(operatorName, operatorPass)
	home := c.get("/").body
	backlog := regexp.MustCompile(`(?s)<td class="num backlog">(.*?)</td>`)
	for id, want := range map[string]string{
		"POZ-0001": `^<span class="muted" [^>]*>unknown</span> <span [^>]*>\(last 0, \d+ s ago\)</span>$`,
		"WAW-0043": `^<span class="muted" [^>]*>unknown</span> <span [^>]*>\(last 12, 2 h \d+ min ago\)</span>$`,
		"GDN-0101": `^0$`,
	} {
		m := backlog.FindStringSubmatch(rowOf(t, home, id))
		if m == nil {
			t.Fatalf("%s: no backlog cell in %s", id, rowOf(t, home, id))
		}
		if !regexp.MustCompile(want).MatchString(m[1]) {
			t.Errorf("%s's backlog cell is %q; want %s", id, m[1], want)
		}
	}
	for id, want := range map[string]string{
		"POZ-0001": "unknown while offline; 0 events not at central when it last reported",
		"WAW-0043": "unknown while offline; 12 events not at central when it last reported",
		"GDN-0101": ">0 events not at central",
	} {
		page := c.get("/lockers/" + id).body
		m := regexp.MustCompile(`(?s)<dd id="backlog">(.*?)</dd>`).FindStringSubmatch(page)
		if m == nil || !strings.Contains(m[0], want) {
			t.Errorf("%s's page says of its backlog %q; want %q", id, m, want)
		}
	}
}

// A locker enrolled and never connected is neither online nor offline:
// it shows as never connected with when it was enrolled, is not counted
// offline, and is listed under its own filter, not under Offline.
func TestNeverConnectedIsNotOffline(t *testing.T) {
	s := newSite(t)
	s.seed()
	ctx := context.Background()
	if err := s.st.SetCertificate(ctx, "NEW-0001", "0a", time.Now().Add(90*24*time.Hour), true); err != nil {
		t.Fatal(err)
	}
	c := s.client(operatorName, operatorPass)
	home := c.get("/").body
	row := rowOf(t, home, "NEW-0001")
	if !strings.Contains(row, "Never connected") || !strings.Contains(row, "enrolled ") || strings.Contains(row, "Offline") {
		t.Errorf("the enrolled locker's row: %s", row)
	}
	// Of the seed's four lockers WAW-0043 alone is offline.
	if m := regexp.MustCompile(`id="offline"><span class="n">(\d+)</span>`).FindStringSubmatch(home); m == nil || m[1] != "1" {
		t.Errorf("the offline tile: %v, want 1", m)
	}
	if m := regexp.MustCompile(`id="never" [^>]*><span class="n">(\d+)</span>`).FindStringSubmatch(home); m == nil || m[1] != "1" {
		t.Errorf("the never-connected tile: %v, want 1", m)
	}
	if p := c.get("/?state=offline").body; strings.Contains(p, "NEW-0001") || !strings.Contains(p, "WAW-0043") {
		t.Errorf("Offline lists the enrolled locker, or not the offline one:\n%s", p)
	}
	if p := c.get("/?state=never").body; !strings.Contains(p, "NEW-0001") || strings.Contains(p, "WAW-0043") {
		t.Errorf("Never connected lists the offline locker, or not the enrolled one:\n%s", p)
	}
	if p := c.get("/lockers/NEW-0001").body; !strings.Contains(p, "Never connected") || strings.Contains(p, "Offline") {
		t.Errorf("the enrolled locker's page:\n%s", p)
	}
}
