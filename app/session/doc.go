// Package session holds the sessions of the people at the locker's
// screen. Front is whoever stands there: between sessions it shows home
// (or Out of order, followed from the engine's availability notices) and
// tells what a code, a scan or a tap starts; while a session runs, taps,
// scans, notices and time go to it and the app.View it returns is what the
// screen shows.
//
//   - A shopper's pickup (PickupSession: one code, one or more doors, the
//     reopen grace, "the door was empty", "wrong parcel") and return
//     (ReturnSession).
//   - A courier's round (CourierSession): drop-offs booked or walk-in, one
//     door after another (the drop-off's steps: "too small", another door,
//     take it back), and the batches of expired parcels and returns.
//   - A staff session (AdminSession): the door grid, alerts, rents, the
//     log, the hardware, settings, and the door test (SelfTestSession).
//   - Audio mode (audio.go): a person who cannot see the screen hears every
//     view (package app/voice says what), answers by the tactile keypad
//     and types a code on it; it ends when they leave.
//
// Every session follows its doors alike (doorFollow): the engine's
// Opening, then its notices, weighed so that a door's evidence, never a
// guess, decides what the screen says next.
//
// Desk runs a Front for a screen: its calls, which block on the engine,
// one after another on one worker, with the engine's notices between them.
//
// KeyBurst tells a keyboard-mode scanner's burst from a person typing, for
// the screens that own the keyboard.
//
// The sessions call the engine (app.Engine) and nothing beneath it, so the
// screens that run them link neither the store, the lock boards nor the
// code readers. Their calls block on the engine: call them off the UI
// goroutine.
package session
