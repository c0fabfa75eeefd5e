package app

import (
	"fmt"
	"time"
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
func (vo Voice) keyArgs() []any {
	k := vo.Keys
	return []any{"Confirm", k.Spoken(KeyConfirm), "Delete", k.Spoken(KeyDelete), "ReadBack", k.Spoken(KeyReadBack),
		"Repeat", k.Spoken(KeyRepeat), "Language", k.Spoken(KeyLanguage), "Help", k.Spoken(KeyHelp)}
}

// way is the way to door d from where the person stands; a door off the
// map (it could not be read) is named by its number alone.
func (vo Voice) way(d Door) Phrase {
	if d.Col == 0 || d.Row == 0 {
		return Say("door.number", "Door", d.ID)
	}
	return vo.Cabinet.DoorWay(int(d.ID), d.Col, d.Row)
}

// refusalKeys are the printed texts of a refused code; they work aloud.
var refusalKeys = map[Refusal]string{
	RefusalWrongCode:  "code.wrong",
	RefusalExpired:    "code.expired",
	RefusalCollected:  "code.collected",
	RefusalNotAReturn: "return.wrong",
	RefusalReturnDone: "return.done",
}

// refusalTexts are refusalKeys' texts, to find them among what is said.
var refusalTexts = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range refusalKeys {
		m[k] = true
	}
	return m
}()

// troubleKeys are a problem's title and what to do, as the problem screen
// prints them (ui/problem.go holds the same, tested to agree).
var troubleKeys = map[Trouble][2]string{
	TroubleOther:          {"problem.title", "problem.what"},
	TroubleDidNotOpen:     {"problem.door", "problem.door.what"},
	TroubleOutOfService:   {"problem.oos", "problem.oos.what"},
	TroubleNoFreeDoor:     {"problem.nofree", "problem.nofree.what"},
	TroubleStillOpen:      {"problem.stillopen", "problem.stillopen.what"},
	TroubleReopenClosed:   {"problem.reopen", "problem.reopen.what"},
	TroubleReported:       {"report.title", "report.what"},
	TroubleCourierCode:    {"courier.bad", "courier.bad.what"},
	TroubleCourierExpired: {"courier.bad", "courier.expired.what"},
	TroubleBeingOpened:    {"problem.being", "problem.being.what"},
	TroubleDoorOutOfOrder: {"problem.ooo", "problem.ooo.what"},
	TroubleCannotConfirm:  {"problem.confirm", "problem.confirm.what"},
	// The printed texts point to the contact below; aloud, the spoken.*
	// variants say whom to call, which follows them.
	TroubleWrongParcel:     {"wrongparcel.title", "wrongparcel.what"},
	TroubleWrongParcelKept: {"wrongparcel.kept", "wrongparcel.kept.what"},
}

// TroubleKeys are the catalogue keys of a trouble's title and what to do.
func TroubleKeys(t Trouble) (title, what string) {
	k := troubleKeys[t]
	return k[0], k[1]
}

// doorWhatKeys are what a door screen says once the door was seen open.
var doorWhatKeys = map[DoorTask]string{TaskPickup: "door.take", TaskDrop: "door.put", TaskReturn: "door.put.return",
	TaskPutBack: "door.putback"}

// Spoken is what v says in audio mode when it comes up, and again on the
// repeat key: the screen's own texts in the order a person needs them,
// with their spoken variants where the printed text does not work aloud
// (the catalogue's spoken.* keys), the way to a door from where the person
// stands, and which key answers what. The views of couriers and staff say
// nothing: audio mode is the shopper's and ends when they come.
func Spoken(v View, vo Voice, now time.Time) []Phrase {
	keys := vo.keyArgs()
	switch v := v.(type) {
	case *HomeView:
		return []Phrase{Say("home.title"), Say("home.hint", keys...), vo.Cabinet.ScannerWay(), Say(SpokenPrefix+"keys.short", keys...)}
	case *HelpView:
		return []Phrase{Say("help.title"), Say("help.collect.title"), Say("help.collect"), Say("help.send.title"),
			Say("help.send"), Say("help.scanner.title"), vo.Cabinet.ScannerWay(), Say("help.audio.title"), Say("help.audio"),
			Say(SpokenPrefix+"help.keys", keys...)}
	case *OutOfOrderView:
		return append([]Phrase{Say("offline.title"), Say("offline.what")}, vo.support(0)...)
	case *CodeView:
		return spokenCode(v, vo, now)
	case *DoorView:
		return spokenDoor(v, vo)
	case *NotOpenedView:
		what, say := "drop.notopen.what", SpokenPrefix+"notopen.keys"
		switch {
		case v.Retried:
			what, say = "notopen.again.what", SpokenPrefix+"notopen.again.keys"
		case v.Task == TaskPickup || v.Task == TaskPutBack:
			what = "notopen.what.pickup"
		}
		return []Phrase{Say("drop.notopen", "Door", v.Door.ID), Say(what), Say(say, keys...)}
	case *LeftOpenView:
		return []Phrase{Say("leftopen.title", "Door", v.Door.ID), Say("leftopen.what"), vo.way(v.Door)}
	case *GotItView:
		k := SpokenPrefix + "got.keys"
		if !now.Before(v.ReopenUntil) {
			k += ".noreopen"
		}
		return []Phrase{Say("got.title"), Say(k, keys...)}
	case *ThanksView:
		sub := "thanks.pickup"
		if v.For == ThanksReturn {
			sub = "thanks.return"
		}
		return []Phrase{Say("thanks.title"), Say(sub)}
	case *ProblemView:
		title, what := TroubleKeys(v.Trouble)
		out := []Phrase{Say(title, "Door", v.Door), Say(what)}
		return append(append(out, vo.support(v.Door)...), Say(SpokenPrefix+"problem.keys", keys...))
	}
	return nil
}

func spokenCode(v *CodeView, vo Voice, now time.Time) []Phrase {
	title := "code.title"
	if v.For == EntryReturn {
		title = "return.title"
	}
	var out []Phrase
	if k, ok := refusalKeys[v.Refusal]; ok {
		out = append(out, Say(k))
	}
	if v.Refusal == RefusalCollected || v.Refusal == RefusalExpired {
		// As the screen shows: whom to ask about a parcel that is gone.
		out = append(out, vo.support(0)...)
	}
	if left := v.PausedUntil.Sub(now); left > 0 {
		return append(out, Say("code.locked", "Time", SpokenDuration(left)))
	}
	out = append(out, Say(title))
	if v.Refusal == RefusalNone { // once is enough: a refused code is typed again the same way
		out = append(out, Say("code.hint", vo.keyArgs()...))
	}
	return out
}

func spokenDoor(v *DoorView, vo Voice) []Phrase {
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
	if v.Task != TaskDrop && !v.Unconfirmed {
		out = append(out, Say(SpokenPrefix+"door.hint"))
	}
	return out
}

// support is whom to call and the reference to give, on a problem screen.
func (vo Voice) support(door int64) []Phrase {
	var out []Phrase
	if vo.Phone != "" {
		out = append(out, Say(SpokenPrefix+"support.call", "Phone", Chars(vo.Phone)))
	}
	if vo.Locker != "" {
		d := Say("support.door.none")
		if door != 0 {
			d = Say("support.door", "Door", door)
		}
		out = append(out, Say(SpokenPrefix+"support.ref", "Locker", Chars(vo.Locker), "Door", d))
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
	return []Phrase{Say("more.title"), Say(SpokenPrefix+"more.keys", vo.keyArgs()...), Say("more.left", "Time", SpokenDuration(left))}
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
func keyIntent(v View, k Key, now time.Time) (Intent, bool) {
	switch v := v.(type) {
	case *HomeView:
		switch k {
		case Key1, KeyConfirm:
			return Collect{}, true
		case Key2:
			return SendReturn{}, true
		}
	case *DoorView:
		if k == Key1 && v.Task != TaskDrop && !v.Unconfirmed {
			return DidNotOpen{}, true
		}
	case *NotOpenedView:
		if k == KeyConfirm {
			return DidNotOpen{}, true
		}
	case *GotItView:
		switch k {
		case KeyConfirm:
			return GotIt{}, true
		case Key1:
			if now.Before(v.ReopenUntil) {
				return Reopen{}, true
			}
		case Key2:
			return Report{What: ProblemEmpty}, true
		case Key3:
			return Report{What: ProblemWrongParcel}, true
		}
	case *ProblemView, *HelpView:
		if k == KeyConfirm {
			return Back{}, true
		}
	}
	return nil, false
}

// WaitsForScan reports whether v waits for a code to be read, so that a
// guidance tone helps a person who cannot see the scanner hold it right.
func WaitsForScan(v View) bool {
	switch v := v.(type) {
	case *HomeView:
		return v.Audio
	case *CodeView:
		return true
	}
	return false
}

// AudioView reports whether audio mode may run on v: a shopper's view (a
// courier's or staff's ends it).
func AudioView(v View) bool { return shopperView(v) }

// shopperView reports whether v is one a shopper sees, where audio mode
// may run; a courier's or staff's view ends it.
func shopperView(v View) bool {
	switch v.(type) {
	case *HomeView, *HelpView, *OutOfOrderView, *CodeView, *DoorView, *NotOpenedView, *LeftOpenView, *GotItView,
		*ThanksView, *ProblemView:
		return true
	}
	return false
}

// SpokenScreens are the views audio mode speaks, one of each kind and
// variant, with the name of the screen: for the list of spoken texts
// (assets/translations/SPOKEN.md) and for rendering ahead. door stands for
// any door; the views that name one are listed again for every door by
// SpokenAhead.
func SpokenScreens(door Door, now time.Time) []NamedView {
	op := Opening{ID: 1, DoorID: door.ID}
	opened := op
	opened.Outcome = OutcomeOpened
	out := []NamedView{
		{"home (audio mode)", &HomeView{Audio: true}},
		{"help", &HelpView{}},
		{"out of order", &OutOfOrderView{}},
		{"pickup code", &CodeView{For: EntryPickup}},
		{"return code", &CodeView{For: EntryReturn}},
	}
	for _, r := range []Refusal{RefusalWrongCode, RefusalExpired, RefusalCollected} {
		out = append(out, NamedView{"pickup code, refused: " + refusalKeys[r], &CodeView{For: EntryPickup, Refusal: r}})
	}
	for _, r := range []Refusal{RefusalNotAReturn, RefusalReturnDone} {
		out = append(out, NamedView{"return code, refused: " + refusalKeys[r], &CodeView{For: EntryReturn, Refusal: r}})
	}
	out = append(out,
		NamedView{"pickup code, paused", &CodeView{For: EntryPickup, Refusal: RefusalWrongCode, PausedUntil: now.Add(90 * time.Second)}},
		NamedView{"door, opening", &DoorView{Task: TaskPickup, Door: door, Opening: op}},
		NamedView{"door, open", &DoorView{Task: TaskPickup, Door: door, Opening: opened}},
		NamedView{"door, open, more parcels", &DoorView{Task: TaskPickup, Door: door, Opening: opened, More: 2}},
		NamedView{"door, open: look again", &DoorView{Task: TaskPickup, Door: door, Opening: opened, LookAgain: true}},
		NamedView{"door, cannot confirm", &DoorView{Task: TaskPickup, Door: door, Opening: op, Unconfirmed: true}},
		NamedView{"return door, open", &DoorView{Task: TaskReturn, Door: door, Opening: opened}},
		NamedView{"wrong parcel: its door, open to put it back", &DoorView{Task: TaskPutBack, Door: door, Opening: opened}},
		NamedView{"wrong parcel: its door did not open", &NotOpenedView{Task: TaskPutBack, Door: door}},
		NamedView{"door did not open", &NotOpenedView{Task: TaskPickup, Door: door}},
		NamedView{"door did not open after a retry", &NotOpenedView{Task: TaskPickup, Door: door, Retried: true}},
		NamedView{"return door did not open", &NotOpenedView{Task: TaskReturn, Door: door}},
		NamedView{"door left open", &LeftOpenView{Door: door}},
		NamedView{"did you get your parcel?", &GotItView{ReopenUntil: now.Add(time.Minute)}},
		NamedView{"did you get your parcel? (reopen over)", &GotItView{ReopenUntil: now}},
		NamedView{"thanks, pickup", &ThanksView{For: ThanksPickup}},
		NamedView{"thanks, return", &ThanksView{For: ThanksReturn}},
	)
	for t := TroubleOther; t <= TroubleWrongParcelKept; t++ {
		if t == TroubleCourierCode || t == TroubleCourierExpired {
			continue // a courier's: audio mode has ended
		}
		title, _ := TroubleKeys(t)
		out = append(out, NamedView{"problem: " + title, &ProblemView{Trouble: t, Door: door.ID}})
	}
	return out
}

// NamedView is a view with the name of its screen, for lists.
type NamedView struct {
	Name string
	View View
}

// SpokenAhead is every phrase audio mode may say on the locker's doors
// that can be rendered before anyone asks: every screen's texts, for every
// door, the closing of each door, "need more time?", and code entry's
// (EntryPhrases). Rendered ahead, a screen speaks as soon as it comes up.
func SpokenAhead(vo Voice, doors []Door) []Phrase {
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
		doors = []Door{{ID: 1}}
	}
	for i, d := range doors {
		for _, nv := range SpokenScreens(d, now) {
			if _, perDoor := nv.View.(*HomeView); perDoor && i > 0 {
				continue
			}
			add(Spoken(nv.View, vo, now)...)
		}
		add(Say(SpokenPrefix+"door.closed", "Door", d.ID))
	}
	add(Say(SpokenPrefix+"audio.on"), Say(SpokenPrefix+"audio.off"), Say(SpokenPrefix+"code.unlocked"),
		Say(SpokenPrefix+"keys.screen", vo.keyArgs()...))
	add(SpokenMoreTime(vo, 0)[:2]...)
	add(EntryPhrases(EntryOptions{Length: CodeLength, Keys: vo.Keys})...)
	return out
}
