package app

// Move names one step of a rent's life cycle.
type Move string

const (
	MoveDropOff       Move = "drop-off"       // the parcel went in
	MovePickup        Move = "pickup"         // the recipient took it
	MoveExpire        Move = "expire"         // the pickup window passed
	MoveReclaim       Move = "reclaim"        // a courier took an expired parcel back
	MoveCollectReturn Move = "collect-return" // a courier took a shopper's return
	MoveCancel        Move = "cancel"         // a booking or walk-in given up before its parcel went in
	MoveLapse         Move = "lapse"          // a booking's drop-off deadline passed with its door never opened
)

// Evidence is what a step needs to have happened at the door.
type Evidence uint8

const (
	// NoOpening: the step needs no door opening (time, a decision).
	NoOpening Evidence = iota
	// SeenOpen: the door sensor saw the rent's door open (opening settled
	// as opened).
	SeenOpen
	// SeenOpenThenClosed: the sensor saw the door open and then closed.
	SeenOpenThenClosed
)

// Step is one allowed move of the life cycle.
type Step struct {
	Move     Move
	From, To RentState
	Kind     RentKind // "" : either kind
	Evidence Evidence
}

// Lifecycle is the rent's life cycle: the only moves a rent may make.
// Every transition in the store is one transaction guarded by From.
//
//	reserved --drop-off--> stored --pickup--> collected
//	    |                    |--expire--> expired --reclaim--> reclaimed
//	    '--cancel/lapse--> cancelled
var Lifecycle = []Step{
	{MoveDropOff, RentReserved, RentStored, "", SeenOpenThenClosed},
	{MovePickup, RentStored, RentCollected, KindDelivery, SeenOpen},
	{MoveCollectReturn, RentStored, RentCollected, KindReturn, SeenOpen},
	{MoveExpire, RentStored, RentExpired, KindDelivery, NoOpening},
	{MoveReclaim, RentExpired, RentReclaimed, KindDelivery, SeenOpen},
	{MoveCancel, RentReserved, RentCancelled, "", NoOpening},
	{MoveLapse, RentReserved, RentCancelled, "", NoOpening},
}

// StepFor returns the step of move m; ok is false for an unknown move.
func StepFor(m Move) (s Step, ok bool) {
	for _, s := range Lifecycle {
		if s.Move == m {
			return s, true
		}
	}
	return Step{}, false
}

// Allowed reports whether a rent of kind k may make move m from state
// from, and returns the step.
func Allowed(m Move, from RentState, k RentKind) (Step, bool) {
	s, ok := StepFor(m)
	if !ok || s.From != from || (s.Kind != "" && s.Kind != k) {
		return Step{}, false
	}
	return s, true
}

// Active reports whether a rent in state s still holds its door: some
// step leaves s.
func (s RentState) Active() bool {
	for _, st := range Lifecycle {
		if st.From == s {
			return true
		}
	}
	return false
}

// ActiveStates lists the states that hold a door, in RentStates order.
func ActiveStates() []RentState {
	var out []RentState
	for _, s := range RentStates {
		if s.Active() {
			out = append(out, s)
		}
	}
	return out
}
