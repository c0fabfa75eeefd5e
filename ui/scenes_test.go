package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"pudo/app"
	"pudo/app/apptest"
)

// scene brings a fresh kiosk to one screen, the way a person would.
type scene struct {
	name  string
	setup func(t *testing.T, f *fixture)
}

// scenes are every screen of the kiosk, in the order a tour would see them.
var scenes = []scene{
	{"home", func(t *testing.T, f *fixture) {}},
	{"home-bigtext", func(t *testing.T, f *fixture) { f.tap(t, tr("home.bigtext.on")) }},
	{"code", func(t *testing.T, f *fixture) {
		f.tap(t, tr("home.collect"))
		f.typeOnKeypad(t, "7K3M")
	}},
	{"code-wrong", func(t *testing.T, f *fixture) {
		f.tap(t, tr("home.collect"))
		f.typeOnKeypad(t, "ZZZZZZZZ")
		f.tap(t, tr("keypad.ok"))
	}},
	{"help", func(t *testing.T, f *fixture) { f.tap(t, tr("home.help")) }},
	{"code-collected", func(t *testing.T, f *fixture) {
		toGotItScene(t, f)
		f.tap(t, tr("got.yes"))
		f.clock.advance(time.Minute)
		toDoorScene(t, f)
	}},
	{"code-expired", func(t *testing.T, f *fixture) {
		r, _ := f.eng.RentIn(f.demo[0].DoorID)
		f.eng.Expire(r.ID)
		toDoorScene(t, f)
	}},
	{"code-kept", func(t *testing.T, f *fixture) {
		f.eng.PauseCodes(f.clock.now.Add(2*time.Minute + 5*time.Second))
		toDoorScene(t, f)
	}},
	{"code-locked", func(t *testing.T, f *fixture) {
		f.eng.PauseCodes(f.clock.now.Add(14*time.Minute + 32*time.Second))
		f.tap(t, tr("home.collect"))
	}},
	{"door-opening", func(t *testing.T, f *fixture) {
		f.eng.SetBoard(f.demo[0].DoorID, apptest.Settles)
		toDoorScene(t, f)
	}},
	{"door", func(t *testing.T, f *fixture) {
		f.eng.Stock(f.demo[0].Code, 2)
		toDoorScene(t, f)
	}},
	{"door-look-again", func(t *testing.T, f *fixture) {
		toDoorScene(t, f)
		f.tap(t, tr("door.notopen"))
	}},
	{"door-unconfirmed", func(t *testing.T, f *fixture) {
		f.eng.SetBoard(f.demo[0].DoorID, apptest.Silent)
		toDoorScene(t, f)
	}},
	{"door-not-opened", func(t *testing.T, f *fixture) {
		f.eng.SetBoard(f.demo[0].DoorID, apptest.Refuses)
		toDoorScene(t, f)
	}},
	{"ask-opened", func(t *testing.T, f *fixture) {
		f.eng.SetBoard(f.demo[0].DoorID, apptest.Settles)
		toDoorScene(t, f)
		f.eng.Unseen(f.demo[0].DoorID) // nobody could see the door: the shopper is asked
		f.pump()
	}},
	{"code-out-of-order", func(t *testing.T, f *fixture) {
		f.tap(t, tr("home.collect"))
		f.eng.SetOutOfOrder(true, "lock bus down")
		f.pump()
		f.typeOnKeypad(t, f.demo[0].Code)
		f.tap(t, tr("keypad.ok"))
	}},
	{"gotit", toGotItScene},
	{"wrong-parcel", func(t *testing.T, f *fixture) {
		toGotItScene(t, f)
		f.tap(t, tr("got.wrong"))
	}},
	{"wrong-parcel-back", func(t *testing.T, f *fixture) {
		toGotItScene(t, f)
		f.tap(t, tr("got.wrong"))
		f.close(f.demo[0].DoorID)
	}},
	{"wrong-parcel-kept", func(t *testing.T, f *fixture) {
		f.eng.SetGrace(time.Second)
		toGotItScene(t, f)
		f.clock.advance(2 * time.Second) // past the reopen grace: the door no longer opens for it
		f.tap(t, tr("got.wrong"))
	}},
	{"thanks", func(t *testing.T, f *fixture) {
		toGotItScene(t, f)
		f.tap(t, tr("got.yes"))
	}},
	{"report", func(t *testing.T, f *fixture) {
		toGotItScene(t, f)
		f.tap(t, tr("got.empty"))
	}},
	{"more-time", func(t *testing.T, f *fixture) {
		f.tap(t, tr("home.collect"))
		f.clock.advance(f.k.settings.IdleTimeout + 3*time.Second)
	}},
	{"left-open", func(t *testing.T, f *fixture) { f.leftOpen(f.demo[1].DoorID) }},
	{"door-did-not-open", func(t *testing.T, f *fixture) {
		f.eng.SetBoard(f.demo[0].DoorID, apptest.Refuses)
		toDoorScene(t, f)
		f.tap(t, tr("drop.retry"))
		f.tap(t, tr("notopen.tellstaff"))
	}},
	{"being-opened", func(t *testing.T, f *fixture) {
		f.eng.SetBoard(f.demo[0].DoorID, apptest.Silent)
		toDoorScene(t, f)
		f.tap(t, tr("common.home"))
		toDoorScene(t, f)
	}},
	{"out-of-service", func(t *testing.T, f *fixture) {
		f.eng.PickupErr = app.ErrOutOfService
		toDoorScene(t, f)
	}},
	{"offline", func(t *testing.T, f *fixture) {
		f.eng.SetOutOfOrder(true, "lock bus down")
		f.pump()
	}},
	{"return", func(t *testing.T, f *fixture) {
		f.tap(t, tr("home.send"))
		f.typeOnKeypad(t, "RRRR22")
	}},
	{"return-door", func(t *testing.T, f *fixture) {
		f.tap(t, tr("home.send"))
		f.typeOnKeypad(t, returnKey)
		f.tap(t, tr("return.ok"))
	}},
	{"courier-menu", func(t *testing.T, f *fixture) { f.scanned(annaToken) }},
	{"courier-drop", func(t *testing.T, f *fixture) {
		f.scanned(annaToken)
		f.tap(t, tr("courier.drop"))
		f.scanned("PKG-UNKNOWN-77")
	}},
	{"courier-door", toCourierDoor},
	{"ask-in-door", func(t *testing.T, f *fixture) {
		f.eng.Default = apptest.Settles
		toCourierDoor(t, f)
		f.eng.Unseen(f.k.view.(*app.DoorView).Door.ID) // is the parcel in?
		f.pump()
	}},
	{"too-small", func(t *testing.T, f *fixture) {
		for id := int64(1); id <= 24; id++ {
			if f.eng.Door(id).Size == app.SizeL {
				f.eng.SetDoor(id, func(d *app.Door) { d.OutOfService, d.OOSReason = true, "hinge" })
			}
		}
		toCourierDoor(t, f)
		f.tap(t, tr("drop.larger"))
	}},
	{"too-small-largest", func(t *testing.T, f *fixture) {
		f.scanned(annaToken)
		f.tap(t, tr("courier.drop"))
		f.tap(t, tr("size.L"))
		f.tap(t, tr("drop.larger"))
	}},
	{"recipient-code", func(t *testing.T, f *fixture) {
		f.scanned(annaToken)
		f.tap(t, tr("courier.drop"))
		f.tap(t, tr("size.S"))
		f.close(f.doorShown(t))
	}},
	{"courier-not-open", func(t *testing.T, f *fixture) {
		f.eng.SetBoard(6, apptest.Refuses)
		toCourierDoor(t, f)
	}},
	{"courier-not-open-again", func(t *testing.T, f *fixture) {
		f.eng.Default = apptest.Refuses // the one retry, at another door, fails too
		toCourierDoor(t, f)
		f.tap(t, tr("drop.retry"))
		f.want(t, &notOpenedScreen{})
	}},
	{"courier-door-problem", func(t *testing.T, f *fixture) {
		f.eng.Default = apptest.Refuses
		toCourierDoor(t, f)
		f.tap(t, tr("drop.retry"))
		f.tap(t, tr("notopen.tellstaff"))
		f.want(t, &problemScreen{})
	}},
	{"courier-takeback", func(t *testing.T, f *fixture) {
		stockExpired(f)
		f.scanned(annaToken)
		f.tap(t, tr("courier.expired"))
		f.tap(t, trf("batch.start", "N", 3))
		f.close(4)
	}},
	{"staff-pin", func(t *testing.T, f *fixture) {
		f.tapLogo(5)
		f.typeOnKeypad(t, "1234")
	}},
	{"admin-doors", func(t *testing.T, f *fixture) {
		adminStates(f)
		f.staffLogin(t)
		test.Tap(f.doorCell(t, 9))
	}},
	{"admin-rents", func(t *testing.T, f *fixture) {
		f.staffLogin(t)
		f.tap(t, tr("admin.rents"))
	}},
	{"admin-events", func(t *testing.T, f *fixture) {
		for i := range 30 {
			f.eng.Log(app.Event{At: time.Date(2026, 3, 2, 10, 0, i, 0, time.UTC), Actor: "system", Kind: app.EvDoorClosed, DoorID: int64(i%24 + 1)})
		}
		f.staffLogin(t)
		f.tap(t, tr("admin.events"))
	}},
	{"admin-hardware", func(t *testing.T, f *fixture) {
		f.eng.Report = app.SelfTestReport{Started: f.clock.now, Checks: []app.Check{
			{Kind: app.CheckDoor, Name: "door 7", Detail: "reads open", DoorID: 7}}}
		f.staffLogin(t)
		f.tap(t, tr("admin.hardware"))
		f.scanned(annaToken)
		f.tap(t, tr("hw.selftest"))
	}},
	{"admin-doortest", func(t *testing.T, f *fixture) {
		f.eng.Default = apptest.Settles
		f.staffLogin(t)
		f.tap(t, tr("admin.hardware"))
		f.tap(t, tr("hw.doortest"))
		f.typeOnKeypad(t, staffPIN)
		f.tap(t, tr("keypad.enter"))
		f.open(2)
	}},
	{"admin-settings", func(t *testing.T, f *fixture) {
		f.staffLogin(t)
		f.tap(t, tr("admin.settings"))
	}},
	{"admin-openall", func(t *testing.T, f *fixture) {
		f.staffLogin(t)
		f.tap(t, tr("admin.openall"))
	}},
	{"admin-alerts", toStaffAlerts},
	{"admin-exit-confirm", func(t *testing.T, f *fixture) {
		f.staffLogin(t)
		f.tap(t, tr("admin.settings"))
		f.tap(t, tr("admin.exit"))
	}},
	{"admin-doors-states", func(t *testing.T, f *fixture) {
		gridStates(f)
		f.staffLogin(t)
		test.Tap(f.doorCell(t, 14))
	}},
	{"admin-oos-warning", func(t *testing.T, f *fixture) {
		f.staffLogin(t)
		test.Tap(f.doorCell(t, 14))
		f.tap(t, tr("admin.oos.on"))
	}},
	{"admin-pin-paused", func(t *testing.T, f *fixture) {
		f.eng.PausePINPad(f.clock.now.Add(2*time.Minute + 43*time.Second))
		f.tapLogo(5)
		f.typeOnKeypad(t, staffPIN)
		f.tap(t, tr("keypad.enter"))
	}},
	{"admin-badge-pin", func(t *testing.T, f *fixture) {
		f.scanned(apptest.BadgePrefix + "demo")
		f.typeOnKeypad(t, "1234")
	}},
	{"admin-tokens", func(t *testing.T, f *fixture) {
		stockTokens(f)
		f.staffLogin(t)
		f.tap(t, tr("admin.settings"))
		f.tap(t, tr("admin.tokens"))
	}},
	{"admin-revoke-confirm", func(t *testing.T, f *fixture) {
		stockTokens(f)
		f.staffLogin(t)
		f.tap(t, tr("admin.settings"))
		f.tap(t, tr("admin.tokens"))
		f.tap(t, tr("admin.tokens.revoke"))
	}},
}

// stockTokens gives the locker a few tokens staff can revoke: a courier's
// QR used today, a staff badge, one revoked already, one revoked before it
// was ever used here.
func stockTokens(f *fixture) {
	now := f.clock.now
	f.eng.AddToken(app.Token{Ref: "ab12cd34ef56", Kind: "courier", Subject: "dhl-berlin-17", Carrier: "DHL",
		Expires: now.Add(8 * time.Hour), LastSeen: now.Add(-20 * time.Minute)})
	f.eng.AddToken(app.Token{Ref: "99887766aabb", Kind: "staff", Subject: "ben", Expires: now.Add(60 * 24 * time.Hour),
		LastSeen: now.Add(-26 * time.Hour)})
	f.eng.AddToken(app.Token{Ref: "5566778899aa", Kind: "courier", Subject: "ups-4", Carrier: "UPS",
		Expires: now.Add(3 * time.Hour), LastSeen: now.Add(-2 * time.Hour), Revoked: now.Add(-time.Hour)})
	f.eng.AddToken(app.Token{Ref: "f00dfeedbeef", Revoked: now.Add(-3 * time.Hour)})
}

func toDoorScene(t *testing.T, f *fixture) {
	t.Helper()
	f.tap(t, tr("home.collect"))
	f.typeOnKeypad(t, f.demo[0].Code)
	f.tap(t, tr("keypad.ok"))
}

func toGotItScene(t *testing.T, f *fixture) {
	t.Helper()
	toDoorScene(t, f)
	f.close(f.demo[0].DoorID)
}

func toCourierDoor(t *testing.T, f *fixture) {
	t.Helper()
	f.scanned(annaToken)
	f.tap(t, tr("courier.drop"))
	f.tap(t, tr("size.M"))
}
