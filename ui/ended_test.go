package ui

import (
	"testing"

	"pudo/app"
)

// What comes back after the window went is dropped, not drawn: past
// Fyne's loop, fyne.Do runs on the caller's goroutine, and drawing there
// touches a GLFW already terminated (a kiosk stopped by a signal panicked
// so, a session's answer arriving as it stopped).
func TestNothingDrawnOnceTheKioskEnded(t *testing.T) {
	f := newFixture(t)
	f.want(t, &homeScreen{})
	f.k.deliver(&app.OutOfOrderView{Reason: "bus"}, byLocker)
	f.want(t, &outOfOrderScreen{})
	f.k.deliver(f.k.front.Start(t.Context()), byLocker)
	f.want(t, &homeScreen{})

	f.k.End() // as main does before it quits, and the window's close
	f.k.deliver(&app.OutOfOrderView{Reason: "bus"}, byLocker)
	f.want(t, &homeScreen{})
	ran := false
	f.k.Do(func() { ran = true })
	if ran {
		t.Fatal("the ended kiosk ran UI work")
	}
}
