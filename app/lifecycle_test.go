package app

import "testing"

func TestLifecycle(t *testing.T) {
	for _, tt := range []struct {
		move Move
		from RentState
		kind RentKind
		ok   bool
		to   RentState
	}{
		{MoveDropOff, RentReserved, KindDelivery, true, RentStored},
		{MoveDropOff, RentReserved, KindReturn, true, RentStored},
		{MoveDropOff, RentStored, KindDelivery, false, ""},
		{MovePickup, RentStored, KindDelivery, true, RentCollected},
		{MovePickup, RentStored, KindReturn, false, ""},
		{MoveCollectReturn, RentStored, KindReturn, true, RentCollected},
		{MoveExpire, RentStored, KindDelivery, true, RentExpired},
		{MoveExpire, RentStored, KindReturn, false, ""},
		{MoveReclaim, RentExpired, KindDelivery, true, RentReclaimed},
		{MoveReclaim, RentStored, KindDelivery, false, ""},
		{MoveCancel, RentReserved, KindDelivery, true, RentCancelled},
		{MoveCancel, RentStored, KindDelivery, false, ""},
		{"teleport", RentStored, KindDelivery, false, ""},
	} {
		s, ok := Allowed(tt.move, tt.from, tt.kind)
		if ok != tt.ok || (ok && s.To != tt.to) {
			t.Errorf("Allowed(%s, %s, %s) = %v %v, want %v %v", tt.move, tt.from, tt.kind, s.To, ok, tt.to, tt.ok)
		}
	}
	for _, s := range RentStates {
		want := s == RentReserved || s == RentStored || s == RentExpired
		if s.Active() != want {
			t.Errorf("%s active %v, want %v", s, s.Active(), want)
		}
	}
}
