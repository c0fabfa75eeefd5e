// Package app is the locker's vocabulary: doors, sensors, openings,
// notices, rents and their life cycle, events and alerts, the hardware's
// health, the errors a caller must tell apart, the interfaces of the
// engine (Engine and the ones it is made of), the views the screens draw
// and the intents they send back. It imports nothing of Pudo's. The
// sessions of the people at the screen are in app/session, what the
// locker says aloud in app/voice, and the engine that applies the rules to
// the SQLite store and the lock boards in app/core; a package importing
// app, app/session or app/voice (the screens) depends on neither storage,
// lockio nor scanner.
//
// # The door decides
//
// A board's acknowledgement is a claim, the door sensor is the evidence, a
// person's "it did not open" is a report. Every opening, whoever asks for
// it, goes through one mechanism in the engine that holds it from intent
// to a settled outcome (Opening, Outcome, Cause):
//
//   - The intent is written down before the board is told anything. After
//     a crash, intents are reconciled against the sensors, never replayed.
//   - A rent moves (collected, stored, reclaimed, returned) only when the
//     sensor saw its door open; with the sensor unknown, only when the board
//     acknowledged and the sensor later confirms. A drop-off is stored when
//     its door was seen open and then closed.
//   - The board's "lock failed" reply: not opened. Acknowledged but not
//     seen open within the did-not-open time (default 5 s): not opened; the
//     rent stays where it was, the door is marked faulty and leaves
//     assignment, the rent's clock pauses, staff are alerted.
//   - Outcome unknown (no reply, a garbled or late one, the adapter pulled):
//     the opening stays pending and the sensor settles it as soon as it
//     reads the door. Nothing is resent by itself. While an opening of a
//     door is pending no other opening of that door starts: the same code
//     gets *BeingOpenedError ("your door is being opened: door N").
//   - A door that may hold a parcel (a pending or failed opening, a
//     did-not-open report, a drop-off whose outcome is unknown) is never
//     assigned to another parcel until it is settled or staff clear it
//     (Door.Fault, Door.Unsettled).
//   - Sensor unknown: openings stay pending and Opening.Confirmable is
//     false (the screen says the locker cannot confirm the door), staff see
//     the door as unknown, and the reconcile at start settles what it can.
//   - "The door did not open" is weighed against the sensor (Verdict): open
//     means look again; a settled failure gets one retry through the same
//     mechanism, then support; every report is an audit event.
//   - Out of order is the engine's state (Availability): while the bus is
//     down or a board is silent, every entry point refuses openings of the
//     doors concerned with *OutOfOrderError, and NoticeAvailability says
//     so within 2 s of the change either way.
//   - A sensor that flaps flags its door once, with one alert; a late or
//     unknown sensor sends NoticeSensorUnknown, so no screen says "Door N
//     is open" forever.
//
// The rent's life cycle is the table Lifecycle; app/RULES.md has the rules
// at length, and app/PICKUP.md follows one pickup through the code.
//
// # For the sessions
//
// The engine's calls block on the store and, for an opening, on the
// board's reply; call them off the UI goroutine. An Opening comes back
// as the engine knows it then; Subscribe delivers what follows. The engine
// asks the sessions one thing: whether someone is at the screen, so the
// nightly self-test never runs under a person's hands. The router passes a
// value with a method Busy() bool to core (core.Presence).
package app
