package voice

import (
	"fmt"
	"time"

	"pudo/app"
)

// Voice is what the spoken texts need besides the view: where the doors
// and the scanner are, the tactile keypad's keys to name in hints, and
// whom to call.
type Voice struct {
	Cabinet Cabinet // the way to each door and to the scanner
	Keys    Keymap  // the keys named in hints ("press Enter")
	Locker  string  // the kiosk's id, said in a support reference
	Phone   string  // support's phone number; "" when none is configured
}

// keyArgs names every action key, for the texts that mention keys.
func (vo Voice) KeyArgs() []any {
	k := vo.Keys
	return []any{"Confirm", k.Spoken(KeyConfirm), "Delete", k.Spoken(KeyDelete), "ReadBack", k.Spoken(KeyReadBack),
		"Repeat", k.Spoken(KeyRepeat), "Language", k.Spoken(KeyLanguage), "Help", k.Spoken(KeyHelp)}
}

// way is the way to door d from where the person stands; a door off the
// map (it could not be read) is named by its number alone.
func (vo Voice) way(d app.Door) Phrase {
	if d.Col == 0 || d.Row == 0 {
		return Say("door.number", "Door", d.ID)
	}
	return vo.Cabinet.DoorWay(int(d.ID), d.Col, d.Row)
}

// refusalKeys are the printed texts of a refused code; they work aloud.
var refusalKeys = map[app.Refusal]string{
	app.RefusalWrongCode:  "code.wrong",
	app.RefusalExpired:    "code.expired",
	app.RefusalCollected:  "code.collected",
	app.RefusalNotAReturn: "return.wrong",
	app.RefusalReturnDone: "return.done",
	app.RefusalOutOfOrder: "code.outoforder",
}

// troubleKeys are a problem's title and what to do, as the problem screen
// prints them (ui/problem.go holds the same, tested to agree).
var troubleKeys = map[app.Trouble][2]string{
	app.TroubleOther:          {"problem.title", "problem.what"},
	app.TroubleDidNotOpen:     {"problem.door", "problem.door.what"},
	app.TroubleOutOfService:   {"problem.oos", "problem.oos.what"},
	app.TroubleNoFreeDoor:     {"problem.nofree", "problem.nofree.what"},
	app.TroubleStillOpen:      {"problem.stillopen", "problem.stillopen.what"},
	app.TroubleReopenClosed:   {"problem.reopen", "problem.reopen.what"},
	app.TroubleReported:       {"report.title", "report.what"},
	app.TroubleCourierCode:    {"courier.bad", "courier.bad.what"},
	app.TroubleCourierExpired: {"courier.bad", "courier.expired.what"},
	app.TroubleCourierRevoked: {"courier.revoked.title", "courier.revoked.what"},
	app.TroubleBeingOpened:    {"problem.being", "problem.being.what"},
	app.TroubleDoorOutOfOrder: {"problem.ooo", "problem.ooo.what"},
	app.TroubleCannotConfirm:  {"problem.confirm", "problem.confirm.what"},
	// The printed texts point to the contact below; aloud, the spoken.*
	// variants say whom to call, which follows them.
	app.TroubleWrongParcel:     {"wrongparcel.title", "wrongparcel.what"},
	app.TroubleWrongParcelKept: {"wrongparcel.kept", "wrongparcel.kept.what"},
}

// TroubleKeys are the catalogue keys of a trouble's title and what to do.
func TroubleKeys(t app.Trouble) (title, what string) {
	k := troubleKeys[t]
	return k[0], k[1]
}

// ProblemKeys are the catalogue keys of a problem screen's title and what
// to do, for the screen and for audio mode alike: a courier whose door
// did not open holds the parcel, so is told to keep it, not that it is
// safe inside.
func ProblemKeys(v *app.ProblemView) (title, what string) {
	title, what = TroubleKeys(v.Trouble)
	if v.Courier && v.Trouble == app.TroubleDidNotOpen {
		what = "problem.door.what.courier"
	}
	return title, what
}

// doorWhatKeys are what a door screen says once the door was seen open.
var doorWhatKeys = map[app.DoorTask]string{app.TaskPickup: "door.take", app.TaskDrop: "door.put", app.TaskReturn: "door.put.return",
	app.TaskPutBack: "door.putback"}

// Spoken is what v says in audio mode when it comes up, and again on the
// repeat key: the screen's own texts in the order a person needs them,
// with their spoken variants where the printed text does not work aloud
// (the catalogue's spoken.* keys), the way to a door from where the person
// stands, and which key answers what. The views of couriers and staff say
// nothing: audio mode is the shopper's and ends when they come.
func Spoken(v app.View, vo Voice, now time.Time) []Phrase {
	keys := vo.KeyArgs()
	switch v := v.(type) {
	case *app.HomeView:
		return []Phrase{Say("home.title"), Say("home.hint", keys...), vo.Cabinet.ScannerWay(), Say(SpokenPrefix+"keys.short", keys...)}
	case *app.HelpView:
		return []Phrase{Say("help.title"), Say("help.collect.title"), Say("help.collect"), Say("help.send.title"),
			Say("help.send"), Say("help.scanner.title"), vo.Cabinet.ScannerWay(), Say(SpokenPrefix+"help.keys", keys...)}
	case *app.OutOfOrderView:
		return append([]Phrase{Say("offline.title"), Say("offline.what")}, vo.support(0)...)
	case *app.CodeView:
		return spokenCode(v, vo, now)
	case *app.DoorView:
		return SpokenDoor(v, vo)
	case *app.NotOpenedView:
		what, say := "drop.notopen.what", SpokenPrefix+"notopen.keys"
		pickup := v.Task == app.TaskPickup || v.Task == app.TaskPutBack
		switch {
		case v.Retried && pickup:
			what, say = "notopen.again.what", SpokenPrefix+"notopen.again.keys"
		case v.Retried:
			what, say = "drop.notopen.again.what", SpokenPrefix+"notopen.again.keys"
		case pickup:
			what = "notopen.what.pickup"
		}
		return []Phrase{Say("drop.notopen", "Door", v.Door.ID), Say(what), Say(say, keys...)}
	case *app.LeftOpenView:
		return []Phrase{Say("leftopen.title", "Door", v.Door.ID), Say("leftopen.what"), vo.way(v.Door)}
	case *app.AskOpenedView:
		return []Phrase{Say("ask.opened.title", "Door", v.Door.ID), Say("ask.opened.what"),
			Say(SpokenPrefix+"ask.keys", keys...)}
	case *app.AskInDoorView:
		return []Phrase{Say("ask.indoor.title", "Door", v.Door.ID), Say("ask.indoor.what"),
			Say(SpokenPrefix+"ask.keys", keys...)}
	case *app.GotItView:
		k := SpokenPrefix + "got.keys"
		if !now.Before(v.ReopenUntil) {
			k += ".noreopen"
		}
		return []Phrase{Say("got.title"), Say(k, keys...)}
	case *app.ThanksView:
		sub := "thanks.pickup"
		if v.For == app.ThanksReturn {
			sub = "thanks.return"
		}
		return []Phrase{Say("thanks.title"), Say(sub)}
	case *app.ProblemView:
		title, what := ProblemKeys(v)
		out := []Phrase{Say(title, "Door", v.Door), Say(what)}
		return append(append(out, vo.support(v.Door)...), Say(SpokenPrefix+"problem.keys", keys...))
	}
	return nil
}

func spokenCode(v *app.CodeView, vo Voice, now time.Time) []Phrase {
	title := "code.title"
	if v.For == app.EntryReturn {
		title = "return.title"
	}
	var out []Phrase
	if k, ok := refusalKeys[v.Refusal]; ok {
		out = append(out, Say(k))
	}
	if v.Refusal == app.RefusalCollected || v.Refusal == app.RefusalExpired {
		// As the screen shows: whom to ask about a parcel that is gone.
		out = append(out, vo.support(0)...)
	}
	if left := v.PausedUntil.Sub(now); left > 0 {
		return append(out, Say("code.locked", "Time", SpokenDuration(left)))
	}
	out = append(out, Say(title))
	if v.Refusal == app.RefusalNone { // once is enough: a refused code is typed again the same way
		out = append(out, Say("code.hint", vo.KeyArgs()...))
	}
	return out
}

func SpokenDoor(v *app.DoorView, vo Voice) []Phrase {
	out := []Phrase{vo.way(v.Door)}
	switch {
	case v.Unconfirmed:
		out = append(out, Say("door.unconfirmed"))
	case v.LookAgain:
		out = append(out, Say("door.lookagain"))
	case v.Open():
		out = append(out, Say(doorWhatKeys[v.Task]))
	default:
		out = append(out, Say("door.wait"))
	}
	if v.More > 0 {
		out = append(out, Say("door.more", "N", v.More))
	}
	if v.Task != app.TaskDrop && !v.Unconfirmed {
		out = append(out, Say(SpokenPrefix+"door.hint"))
	}
	return out
}

// support is whom to call and the reference to give, on a problem screen.
func (vo Voice) support(door int64) []Phrase {
	var out []Phrase
	if vo.Phone != "" {
		out = append(out, Say(SpokenPrefix+"support.call", "Phone", vo.Phone))
	}
	if vo.Locker != "" {
		d := Say("support.door.none")
		if door != 0 {
			d = Say("support.door", "Door", door)
		}
		out = append(out, Say(SpokenPrefix+"support.ref", "Locker", vo.Locker, "Door", d))
	}
	return out
}

// SpokenDuration says a time left, rounded up: seconds under two minutes
// (in fives, so that a repeat does not count every second), minutes after.
func SpokenDuration(d time.Duration) Phrase {
	if d <= 115*time.Second {
		s := int((d + 5*time.Second - 1) / (5 * time.Second) * 5)
		return Say(SpokenPrefix+"seconds", "N", max(s, 1))
	}
	return Say(SpokenPrefix+"minutes", "N", int((d+time.Minute-1)/time.Minute))
}

// SpokenMoreTime is "Need more time?" said aloud, with the keys that
// answer it (MoreTimeAnswer) and the time left.
func SpokenMoreTime(vo Voice, left time.Duration) []Phrase {
	return []Phrase{Say("more.title"), Say(SpokenPrefix+"more.keys", vo.KeyArgs()...), Say("more.left", "Time", SpokenDuration(left))}
}

// MoreTimeAnswer is what a key answers to "Need more time?": yes (Confirm),
// no (Delete), or nothing.
func MoreTimeAnswer(k Key) (answered, more bool) {
	switch k {
	case KeyConfirm:
		return true, true
	case KeyDelete:
		return true, false
	}
	return false, false
}

// TouchKey is what a key of the on-screen code keypad says while a finger
// rests on it in audio mode: its character, or its label (delete, OK,
// back) as printed.
func TouchKey(key string) Phrase {
	if len(key) == 1 {
		if c := key[0]; c >= '0' && c <= '9' {
			return Say(SpokenPrefix+"digit", "Digit", int(c-'0'))
		}
		return Say(SpokenPrefix+"letter", "Letter", key)
	}
	return Say(key)
}

// keyIntent is what a key of the tactile keypad asks for on a view in
// audio mode, where the spoken text names it; code entry has its own keys
// (CodeEntry).
func KeyIntent(v app.View, k Key, now time.Time) (app.Intent, bool) {
	switch v := v.(type) {
	case *app.HomeView:
		switch k {
		case Key1, KeyConfirm:
			return app.Collect{}, true
		case Key2:
			return app.SendReturn{}, true
		}
	case *app.DoorView:
		if k == Key1 && v.Task != app.TaskDrop && !v.Unconfirmed {
			return app.DidNotOpen{}, true
		}
	case *app.NotOpenedView:
		if k == KeyConfirm {
			return app.DidNotOpen{}, true
		}
	case *app.AskOpenedView, *app.AskInDoorView:
		switch k {
		case KeyConfirm:
			return app.Answer{Yes: true}, true
		case Key2:
			return app.Answer{Yes: false}, true
		}
	case *app.GotItView:
		switch k {
		case KeyConfirm:
			return app.GotIt{}, true
		case Key1:
			if now.Before(v.ReopenUntil) {
				return app.Reopen{}, true
			}
		case Key2:
			return app.Report{What: app.ProblemEmpty}, true
		case Key3:
			return app.Report{What: app.ProblemWrongParcel}, true
		}
	case *app.ProblemView, *app.HelpView:
		if k == KeyConfirm {
			return app.Back{}, true
		}
	}
	return nil, false
}

// WaitsForScan reports whether v waits for a code to be read, so that a
// guidance tone helps a person who cannot see the scanner hold it right.
func WaitsForScan(v app.View) bool {
	switch v := v.(type) {
	case *app.HomeView:
		return v.Audio
	case *app.CodeView:
		return true
	}
	return false
}

// shopperView reports whether v is one a shopper sees, where audio mode
// may run; a courier's or staff's view ends it.
func ShopperView(v app.View) bool {
	switch v := v.(type) {
	case *app.HomeView, *app.HelpView, *app.OutOfOrderView, *app.CodeView, *app.DoorView, *app.NotOpenedView, *app.LeftOpenView, *app.GotItView,
		*app.AskOpenedView, *app.ThanksView, *app.ProblemView:
		return true
	case *app.AskInDoorView:
		return v.Task == app.TaskReturn // a shopper's return; a courier's drop-off ends audio mode
	}
	return false
}

// SpokenScreens are the views audio mode speaks, one of each kind and
// variant, with the name of the screen: for the list of spoken texts
// (assets/translations/SPOKEN.md) and for rendering ahead. door stands for
// any door; the views that name one are listed again for every door by
// SpokenAhead.
func SpokenScreens(door app.Door, now time.Time) []NamedView {
	op := app.Opening{ID: 1, DoorID: door.ID}
	opened := op
	opened.Outcome = app.OutcomeOpened
	out := []NamedView{
		{"home (audio mode)", &app.HomeView{Audio: true}},
		{"help", &app.HelpView{}},
		{"out of order", &app.OutOfOrderView{}},
		{"pickup code", &app.CodeView{For: app.EntryPickup}},
		{"return code", &app.CodeView{For: app.EntryReturn}},
	}
	for _, r := range []app.Refusal{app.RefusalWrongCode, app.RefusalExpired, app.RefusalCollected, app.RefusalOutOfOrder} {
		out = append(out, NamedView{"pickup code, refused: " + refusalKeys[r], &app.CodeView{For: app.EntryPickup, Refusal: r}})
	}
	for _, r := range []app.Refusal{app.RefusalNotAReturn, app.RefusalReturnDone} {
		out = append(out, NamedView{"return code, refused: " + refusalKeys[r], &app.CodeView{For: app.EntryReturn, Refusal: r}})
	}
	out = append(out,
		NamedView{"pickup code, paused", &app.CodeView{For: app.EntryPickup, Refusal: app.RefusalWrongCode, PausedUntil: now.Add(90 * time.Second)}},
		NamedView{"door, opening", &app.DoorView{Task: app.TaskPickup, Door: door, Opening: op}},
		NamedView{"door, open", &app.DoorView{Task: app.TaskPickup, Door: door, Opening: opened}},
		NamedView{"door, open, more parcels", &app.DoorView{Task: app.TaskPickup, Door: door, Opening: opened, More: 2}},
		NamedView{"door, open: look again", &app.DoorView{Task: app.TaskPickup, Door: door, Opening: opened, LookAgain: true}},
		NamedView{"door, cannot confirm", &app.DoorView{Task: app.TaskPickup, Door: door, Opening: op, Unconfirmed: true}},
		NamedView{"return door, open", &app.DoorView{Task: app.TaskReturn, Door: door, Opening: opened}},
		NamedView{"wrong parcel: its door, open to put it back", &app.DoorView{Task: app.TaskPutBack, Door: door, Opening: opened}},
		NamedView{"wrong parcel: its door did not open", &app.NotOpenedView{Task: app.TaskPutBack, Door: door}},
		NamedView{"door did not open", &app.NotOpenedView{Task: app.TaskPickup, Door: door}},
		NamedView{"door did not open after a retry", &app.NotOpenedView{Task: app.TaskPickup, Door: door, Retried: true}},
		NamedView{"return door did not open", &app.NotOpenedView{Task: app.TaskReturn, Door: door}},
		NamedView{"return door did not open after a retry at another door", &app.NotOpenedView{Task: app.TaskReturn, Door: door, Retried: true}},
		NamedView{"door left open", &app.LeftOpenView{Door: door}},
		NamedView{"did the door open? (nobody could see it)", &app.AskOpenedView{Task: app.TaskPickup, Door: door}},
		NamedView{"is the return in the door? (nobody could see it)", &app.AskInDoorView{Task: app.TaskReturn, Door: door}},
		NamedView{"did you get your parcel?", &app.GotItView{ReopenUntil: now.Add(time.Minute)}},
		NamedView{"did you get your parcel? (reopen over)", &app.GotItView{ReopenUntil: now}},
		NamedView{"thanks, pickup", &app.ThanksView{For: app.ThanksPickup}},
		NamedView{"thanks, return", &app.ThanksView{For: app.ThanksReturn}},
	)
	for t := app.TroubleOther; t <= app.TroubleCourierRevoked; t++ {
		if t == app.TroubleCourierCode || t == app.TroubleCourierExpired || t == app.TroubleCourierRevoked {
			continue // a courier's: audio mode has ended
		}
		title, _ := TroubleKeys(t)
		out = append(out, NamedView{"problem: " + title, &app.ProblemView{Trouble: t, Door: door.ID}})
	}
	return out
}

// NamedView is a view with the name of its screen, for lists.
type NamedView struct {
	Name string
	View app.View
}

// SpokenAhead is every phrase audio mode may say on the locker's doors
// that can be rendered before anyone asks: every screen's texts, for every
// door, the closing of each door, "need more time?", and code entry's
// (EntryPhrases). Rendered ahead, a screen speaks as soon as it comes up.
func SpokenAhead(vo Voice, doors []app.Door) []Phrase {
	var out []Phrase
	seen := map[string]bool{}
	add := func(ps ...Phrase) {
		for _, p := range ps {
			if k := fmt.Sprint(p); !seen[k] {
				seen[k] = true
				out = append(out, p)
			}
		}
	}
	now := time.Time{}
	if len(doors) == 0 {
		doors = []app.Door{{ID: 1}}
	}
	for i, d := range doors {
		for _, nv := range SpokenScreens(d, now) {
			if _, perDoor := nv.View.(*app.HomeView); perDoor && i > 0 {
				continue
			}
			add(Spoken(nv.View, vo, now)...)
		}
		add(Say(SpokenPrefix+"door.closed", "Door", d.ID))
	}
	add(Say(SpokenPrefix+"audio.on"), Say(SpokenPrefix+"audio.off"), Say(SpokenPrefix+"code.unlocked"),
		Say(SpokenPrefix+"keys.screen", vo.KeyArgs()...))
	add(SpokenMoreTime(vo, 0)[:2]...)
	add(EntryPhrases(EntryOptions{Length: app.CodeLength, Keys: vo.Keys})...)
	return out
}
