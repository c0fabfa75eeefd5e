// Package enginetest is the contract of the locker's engine (app.Engine
// and the flows it hands out) written as tests. Every implementation runs
// the same suite: app/core's engine over a real SQLite file, and
// app/apptest's scriptable fake that the sessions' and the screens' tests
// use. So the fake cannot drift from the engine without a test saying
// where, and the session transcripts it plays stay true of the locker.
//
// An implementation hands the suite a Rig: the engine, and the hands
// around it that the contract leaves to the world (the back office that
// stocks and books doors, the door's sensor and lock board, the clock's
// did-not-open window, a courier's token, a staff PIN). Each Rig call
// returns once the engine has taken in what it did.
package enginetest
