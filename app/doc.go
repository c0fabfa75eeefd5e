// Package app is what the screens see of the locker: its vocabulary (doors,
// openings, notices), the sessions of the people at the screen and the
// rules that need no store. The engine that applies those rules to the
// SQLite store and the lock boards lives beneath it in app/core, so that a
// package importing app (the screens) depends on neither.
package app
