package session

import (
	"pudo/app"
)

// doorFollow is the door a person was sent to, as a session follows it:
// its opening as the engine settles it, and whether its sensor can be
// read. It never decides whether the door opened; it only remembers what
// the engine said.
type doorFollow struct {
	f           *Front
	task        app.DoorTask
	door        app.Door
	op          app.Opening
	lookAgain   bool // the person said it did not open; the sensor sees it open
	unconfirmed bool // the door's sensor cannot be read
	retried     bool // the engine retried this door once already
}

// doorEvent is what a notice meant for the door followed.
type doorEvent uint8

const (
	evNone      doorEvent = iota // nothing for this door, or nothing new
	evChanged                    // show the door again
	evNotOpened                  // its opening settled as not opened
	evClosed                     // the door closed (it may not have opened)
	evLeftOpen                   // the door is open too long
	evUnknown                    // nobody can tell whether it opened: ask the person
)

// follow makes op the opening followed, at its door.
func (w *doorFollow) follow(op app.Opening) {
	w.op, w.door = op, w.f.door(op.DoorID)
	w.unconfirmed = op.Pending() && !op.Confirmable
	w.lookAgain = false
}

// notice says what n means for the door; notOpened is whether the person
// is being told it did not open (an unreadable sensor changes nothing then).
func (w *doorFollow) notice(n app.Notice, notOpened bool) doorEvent {
	if n.Kind == app.NoticeSettled && n.Opening != nil && n.Opening.ID == w.op.ID {
		if !w.op.Pending() && n.Opening.Outcome == w.op.Outcome {
			return evNone // already known, from the call that started it
		}
		w.op = *n.Opening
		switch w.op.Outcome {
		case app.OutcomeNotOpened:
			return evNotOpened
		case app.OutcomeUnknown:
			return evUnknown
		}
		w.unconfirmed = false
		return evChanged
	}
	if n.Door.ID != w.door.ID {
		return evNone
	}
	switch n.Kind {
	case app.NoticeClosed:
		return evClosed
	case app.NoticeLeftOpen:
		if w.op.Outcome == app.OutcomeOpened {
			return evLeftOpen
		}
	case app.NoticeSensorUnknown:
		if !notOpened {
			w.unconfirmed = true
			return evChanged
		}
	case app.NoticeSensorKnown:
		if w.unconfirmed {
			w.unconfirmed = false
			if n.Door.Sensor == app.SensorClosed && w.op.Outcome == app.OutcomeOpened {
				return evClosed // it closed while nobody could see it
			}
			return evChanged
		}
	}
	return evNone
}

// seenOpen reports whether the door's opening settled as opened; now is
// the opening as the engine knows it now, for a settling the session has
// not heard of yet.
func (w *doorFollow) seenOpen(now app.Opening) bool {
	if w.op.Outcome != app.OutcomeOpened && now.ID == w.op.ID && now.Outcome == app.OutcomeOpened {
		w.op = now
	}
	return w.op.Outcome == app.OutcomeOpened
}

// verdict follows the engine's answer to a did-not-open report; false
// means the person is sent to support.
func (w *doorFollow) verdict(v app.Verdict) bool {
	w.f.log.Warn("the door did not open, says the person", "door", w.door.ID, "verdict", v.Kind.String())
	switch v.Kind {
	case app.VerdictLookAgain:
		w.follow(v.Opening)
		w.lookAgain = true
	case app.VerdictRetried, app.VerdictOtherDoor:
		// The parcel's one retry: a pickup's at the same door, a
		// drop-off's at another.
		w.follow(v.Opening)
		w.retried = true
	case app.VerdictWait:
		w.follow(v.Opening)
	default:
		return false
	}
	return true
}

// view is the door screen, the did-not-open screen once the opening
// settled as not opened (a retry can be refused at once), or the question
// when nobody could tell whether it opened.
func (w *doorFollow) view(more int, code string) app.View {
	switch w.op.Outcome {
	case app.OutcomeNotOpened:
		return w.notOpenedView()
	case app.OutcomeUnknown:
		return w.askView()
	}
	return &app.DoorView{Task: w.task, Door: w.door, Opening: w.op, More: more, Code: code,
		LookAgain: w.lookAgain, Unconfirmed: w.unconfirmed}
}

// askView asks what no sensor could tell: a shopper whether the door
// opened and the parcel is theirs now, a courier whether it is in.
func (w *doorFollow) askView() app.View {
	if w.task == app.TaskDrop || w.task == app.TaskReturn {
		return &app.AskInDoorView{Task: w.task, Door: w.door}
	}
	return &app.AskOpenedView{Task: w.task, Door: w.door}
}

func (w *doorFollow) notOpenedView() app.View {
	return &app.NotOpenedView{Task: w.task, Door: w.door, Retried: w.retried}
}

func (w *doorFollow) support() app.View {
	return &app.ProblemView{Trouble: app.TroubleDidNotOpen, Door: w.door.ID}
}
