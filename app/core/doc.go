// Package core holds the locker's rules and flows: pickup codes, rents moving
// through their life cycle, which door to open and the audit trail of every
// opening. It knows nothing of Fyne or of the screens; it reaches the lock
// boards and the store through the small interfaces it declares, so the same
// rules serve the kiosk screen, the API and the tests.
package core
