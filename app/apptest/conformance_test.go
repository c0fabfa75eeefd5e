package apptest_test

import (
	"fmt"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/apptest"
	"pudo/app/enginetest"
)

// The fake keeps the contract the engine keeps, so the sessions' scripts
// played on it hold of the locker.
func TestConformance(t *testing.T) {
	enginetest.Run(t, func(t *testing.T) *enginetest.Rig {
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		e := apptest.New(func() time.Time { return now })
		token, pin := apptest.CourierPrefix+"c1", "24681357"
		e.AddCourier(token, "c1")
		e.AddStaff(pin, "demo")
		n := 0
		free := func(t testing.TB, size app.Size) int64 {
			for _, d := range apptest.DemoDoors() {
				if _, taken := e.RentIn(d.ID); !taken && (size == "" || d.Size == size) && e.Door(d.ID).Assignable() {
					return d.ID
				}
			}
			t.Fatalf("no free door of size %q", size)
			return 0
		}
		return &enginetest.Rig{
			Engine: e,
			Stock: func(t testing.TB) (string, int64) {
				n++
				code, door := fmt.Sprintf("K7M2Q%03d", n), free(t, "")
				e.Stock(code, door)
				return code, door
			},
			Book: func(t testing.TB, label string, size app.Size) int64 {
				door := free(t, size)
				e.Book(label, door)
				return door
			},
			BookReturn: func(t testing.TB) (string, int64) {
				n++
				code, door := fmt.Sprintf("RT-K7M2-Q%03d", n), free(t, app.SizeM)
				e.BookReturn(code, door)
				return code, door
			},
			Open:         func(_ testing.TB, id int64) { e.Open(id) },
			Close:        func(_ testing.TB, id int64) { e.Close(id) },
			NotOpened:    func(_ testing.TB, id int64) { e.NotOpened(id) },
			Unseen:       func(_ testing.TB, id int64) { e.Unseen(id) },
			Refuse:       func(_ testing.TB, id int64) { e.SetBoard(id, apptest.Refuses) },
			CourierToken: token,
			StaffPIN:     pin,
		}
	})
}
