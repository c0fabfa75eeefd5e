package ui

import (
	"testing"
	"time"

	"pudo/app"
	"pudo/app/apptest"
)

// A staff badge scanned at the screen opens the PIN pad for its holder,
// greeted by name, even while the shared pad is paused (which tells the
// next person with a badge that they need not wait); their PIN signs them
// in. A badge that signs nobody in says so.
func TestBadgeAtTheScreen(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.Settings.IdleTimeout = time.Hour })
	f.eng.PausePINPad(f.clock.now.Add(3 * time.Minute))
	f.tapLogo(5)
	f.typeOnKeypad(t, staffPIN)
	f.tap(t, tr("keypad.enter"))
	if !f.shows("badge") || !f.shows("again in 2:5") {
		t.Fatalf("the paused shared pad: %q", f.texts())
	}
	f.scanned(apptest.BadgePrefix + "demo")
	f.want(t, &pinScreen{})
	if !f.shows("demo: your PIN") || f.shows("paused") {
		t.Fatalf("the badge's pad: %q", f.texts())
	}
	f.typeOnKeypad(t, staffPIN)
	f.tap(t, tr("keypad.enter"))
	f.want(t, &adminDoorsScreen{})
	f.tap(t, tr("admin.logout"))

	f.scanned(apptest.BadgePrefix + "mallory")
	f.want(t, &pinScreen{})
	if !f.shows(tr("admin.badge.refused")) {
		t.Fatalf("a badge of nobody here: %q", f.texts())
	}
}

// Staff reach the tokens from the settings and revoke one, the PIN asked
// again first; the row then says it is revoked.
func TestStaffRevokeATokenOnScreen(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.Settings.IdleTimeout = time.Hour })
	f.eng.AddToken(app.Token{Ref: "ab12cd34ef", Kind: "courier", Subject: "dhl-7", Carrier: "DHL",
		Expires: f.clock.now.Add(8 * time.Hour), LastSeen: f.clock.now})
	f.eng.AddToken(app.Token{Ref: "99887766aa", Kind: "staff", Subject: "ben", Expires: f.clock.now.Add(24 * time.Hour)})
	f.staffLogin(t)
	f.tap(t, tr("admin.settings"))
	f.tap(t, tr("admin.tokens"))
	f.want(t, &adminTokensScreen{})
	if !f.shows("Courier QR: dhl-7 (DHL)") || !f.shows("Staff badge: ben") {
		t.Fatalf("tokens: %q", f.texts())
	}
	f.tap(t, tr("admin.tokens.revoke")) // the first row's
	f.want(t, &pinAgainScreen{})
	if !f.shows("Courier QR: dhl-7 (DHL) stops working") {
		t.Fatalf("revoke asks: %q", f.texts())
	}
	f.typeOnKeypad(t, staffPIN)
	f.tap(t, tr("keypad.enter"))
	f.want(t, &adminTokensScreen{})
	if !f.shows(tr("admin.tokens.revoked")) || !f.shows(tr("admin.tokens.isrevoked")) || !f.called("staff revoke ab12cd34ef") {
		t.Fatalf("after revoking: %q calls %q", f.texts(), f.eng.Calls())
	}
}
