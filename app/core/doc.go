// Package core is the locker's engine: it applies the rules of package
// app (see app/RULES.md) to the SQLite store and the lock boards. *Locker
// satisfies app.Engine, and its flows are app's contract themselves, each
// its own type with its own lock: a pickup (*Pickup, app.Pickup), a
// drop-off or return (*DropOff), a courier's round (*Courier), a staff
// session (*Staff) and staff's door test. They hand out app's vocabulary
// and app's errors. The back office (the HTTP API, the fleet link) works
// through *Office: bookings, rents, remote opening, the revocation list.
//
// Every door opening goes through one mechanism (opening.go): refused
// while the door's board is silent or another opening of it is unsettled,
// its intent committed, the board told once, then settled from the
// evidence (settle.go, watch.go): the sensor first, the board's reply and
// status byte second, time (the engine's tick on the store's clock) third.
// Live openings are held in a registry (live.go) until they settle, and a
// drop-off seen open until its door closes. Notices go to every subscriber
// without waiting for any (notices.go). Reports of doors that did not open
// are weighed in report.go; flapping sensors in flap.go; the self-test and
// staff's door test in selftest.go and doortest.go; the reconcile at start
// in housekeep.go.
//
// The engine's fault scenarios, one file each, are in testdata/scenarios
// and run against the real driver and the emulator on a pty.
package core
