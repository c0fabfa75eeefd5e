package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"pudo/app/testenv"
)

// chromiumPath is Debian's chromium.
const chromiumPath = "/usr/bin/chromium"

// browser is a headless Chromium of the test's own: a fresh profile, no
// network of its own doings (updates, sync, first-run pages).
type browser struct {
	t    *testing.T
	ctx  context.Context
	shot string // where screenshots go
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		testenv.Missing(t, "chromium is not installed (%s; make deps installs it: apt-get install chromium)", chromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1440, 1000),
	}
	// A ceiling for a hung browser, not a budget: a loaded machine may
	// take minutes.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancel()
	})
	dir := os.Getenv("PUDO_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, ctx: bctx, shot: dir}
	b.run(chromedp.Navigate("about:blank"))
	// The test's own scripts (reading a field, taking a form's token out)
	// run through DevTools, beside the page's policy that allows none.
	if _, err := chromedp.Call(bctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *browser) run(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatal(err)
	}
}

// screenshot saves the whole page as name.png.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatal(err)
	}
	p := filepath.Join(b.shot, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s", p)
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatal(err)
	}
	return s
}

func (b *browser) login(base, name, password string) {
	b.t.Helper()
	b.run(chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), name),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
		chromedp.Click(chromedp.CSS(`#login button`)),
		chromedp.WaitVisible(chromedp.CSS(`#logout`)))
}

func (b *browser) has(sel string) bool {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
	if err != nil {
		b.t.Fatal(err)
	}
	return n > 0
}

// The dashboard as an operator uses it, in a real Chromium: a page asks
// for the login, a wrong password is refused, the lockers show their link
// state, backlog, faults and free doors, one locker's doors are drawn in
// every state, an alert is acknowledged; a form without its token and a
// form from another site change nothing; a read-only account sees no
// button and is refused when it forges one.
func TestDashboardInChromium(t *testing.T) {
	s := newSite(t)
	s.seed()
	b := newBrowser(t)
	base := s.srv.URL

	b.run(chromedp.Navigate(base+"/alerts"), chromedp.WaitVisible(chromedp.CSS("#login")))
	b.run(chromedp.SendKeys(chromedp.CSS(`input[name=name]`), operatorName), chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "wrong-password"),
		chromedp.Click(chromedp.CSS(`#login button`)), chromedp.WaitVisible(chromedp.CSS(`.error`)))
	if got := b.text(".error"); !strings.Contains(got, "Wrong name or password") {
		t.Fatalf("a wrong password says %q", got)
	}
	b.screenshot("login-refused")
	b.login(base, operatorName, operatorPass)

	b.run(chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#lockers")))
	lockers := b.text("#lockers tbody")
	// WAW-0043 is offline: its backlog is unknown, its last count shown
	// with its age.
	for _, want := range []string{"WAW-0042", "WAW-0043", "Offline", "KRK-0007", "not synced", "down", "unknown (last 12, 2 h"} {
		if !strings.Contains(lockers, want) {
			t.Errorf("the lockers page lacks %q:\n%s", want, lockers)
		}
	}
	b.screenshot("lockers")

	b.run(chromedp.Click(chromedp.CSS(`a[href="/lockers/WAW-0042"]`)), chromedp.WaitVisible(chromedp.CSS("#doors")))
	for door, class := range map[int]string{1: "occupied", 3: "held", 2: "free"} {
		if !b.has(fmt.Sprintf(`#doors .door.%s[data-door="%d"]`, class, door)) {
			t.Errorf("door %d is not drawn %s", door, class)
		}
	}
	for door, badge := range map[int]string{7: "open", 16: "open", 8: "fault", 12: "out-of-service", 17: "out-of-service", 22: "unknown"} {
		if !b.has(fmt.Sprintf(`#doors .door[data-door="%d"] .b-%s`, door, badge)) {
			t.Errorf("door %d has no %s badge", door, badge)
		}
	}
	if !strings.Contains(b.text(`#doors .door[data-door="1"]`), "SHOPX-1001") {
		t.Errorf("door 1 does not show its parcel: %q", b.text(`#doors .door[data-door="1"]`))
	}
	b.screenshot("locker")
	b.run(chromedp.Navigate(base+"/lockers/WAW-0043"), chromedp.WaitVisible(chromedp.CSS("#doors.stale")))
	b.screenshot("locker-offline")

	b.run(chromedp.Navigate(base+"/alerts"), chromedp.WaitVisible(chromedp.CSS("#alerts")))
	id := s.alertID("KRK-0007", "lockbus")
	b.screenshot("alerts")
	b.run(chromedp.Click(chromedp.CSS(fmt.Sprintf("#ack-%d", id))), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if got := b.text(fmt.Sprintf(`tr[data-alert="%d"] .acked`, id)); !strings.Contains(got, operatorName) {
		t.Fatalf("the acknowledged alert shows %q", got)
	}
	if by := s.ackedBy(id); by != operatorName {
		t.Fatalf("the alert is acknowledged by %q in the database", by)
	}
	b.screenshot("alerts-acked")

	// A form whose token was taken out changes nothing.
	other := s.alertID("KRK-0007", "clock")
	b.run(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector("#ack-%d").form.querySelector("input[name=csrf]").remove()`, other)),
		chromedp.Click(chromedp.CSS(fmt.Sprintf("#ack-%d", other))), chromedp.WaitVisible(chromedp.CSS("section.notice")))
	if got := b.text("section.notice"); !strings.Contains(got, "lacks its token") {
		t.Fatalf("a form without its token: %q", got)
	}
	if by := s.ackedBy(other); by != "" {
		t.Fatalf("the alert was acknowledged by %q without the form's token", by)
	}
	b.screenshot("csrf-refused")

	// A page of another site posting the form, token and all, while the
	// operator is logged in.
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><form method="post" action="%s/alerts/%d/ack"><input name="csrf" value="x"><button id="go">Win a prize</button></form>`, base, other)
	}))
	defer evil.Close()
	b.run(chromedp.Navigate(evil.URL), chromedp.Click(chromedp.CSS("#go")), chromedp.WaitVisible(chromedp.CSS("section.notice")))
	if got := b.text("section.notice"); !strings.Contains(got, "another site") {
		t.Fatalf("a form from another site: %q", got)
	}
	if by := s.ackedBy(other); by != "" {
		t.Fatalf("the alert was acknowledged by %q from another site", by)
	}

	b.run(chromedp.Navigate(base+"/events?locker=WAW-0042"), chromedp.WaitVisible(chromedp.CSS("table.events")))
	if got := b.text("table.events"); !strings.Contains(got, "rent.stored") || !strings.Contains(got, "door.open.failed") {
		t.Errorf("the events page: %q", got)
	}
	b.screenshot("events")
	b.run(chromedp.Navigate(base+"/parcels?state=stored"), chromedp.WaitVisible(chromedp.CSS("#parcels")))
	if got := b.text("#parcels"); !strings.Contains(got, "SHOPX-1001") || strings.Contains(got, "SHOPX-1003") {
		t.Errorf("the stored parcels: %q", got)
	}
	b.screenshot("parcels")
	b.run(chromedp.Click(chromedp.CSS("#logout")), chromedp.WaitVisible(chromedp.CSS("#login")))

	// The read-only account: no button, and a forged form with its own
	// token is refused.
	b.login(base, readerName, readerPass)
	b.run(chromedp.Navigate(base+"/alerts"), chromedp.WaitVisible(chromedp.CSS("#alerts")))
	if b.has(`button[id^="ack-"]`) {
		t.Fatal("a read-only account is offered Acknowledge")
	}
	b.screenshot("alerts-read-only")
	b.run(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const f = document.createElement("form"); f.method = "post"; f.action = "/alerts/%d/ack";
		const c = document.querySelector("#logout").form.querySelector("input[name=csrf]").cloneNode();
		f.appendChild(c); document.body.appendChild(f); f.submit(); })()`, other)),
		chromedp.WaitVisible(chromedp.CSS("section.notice")))
	if got := b.text("section.notice"); !strings.Contains(got, "can look but not change") {
		t.Fatalf("a read-only account's forged form: %q", got)
	}
	if by := s.ackedBy(other); by != "" {
		t.Fatalf("a read-only account acknowledged the alert (%q)", by)
	}
}

func (s *site) alertID(locker, kind string) int64 {
	s.t.Helper()
	var id int64
	if err := s.st.Pool().QueryRow(context.Background(), `SELECT id FROM alerts WHERE locker = $1 AND kind = $2`, locker, kind).Scan(&id); err != nil {
		s.t.Fatal(err)
	}
	return id
}

func (s *site) ackedBy(id int64) string {
	var by *string
	s.st.Pool().QueryRow(context.Background(), `SELECT acked_by FROM alerts WHERE id = $1`, id).Scan(&by)
	if by == nil {
		return ""
	}
	return *by
}
