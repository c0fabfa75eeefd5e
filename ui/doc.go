// Package ui draws the kiosk's screens with Fyne and turns taps and key
// presses into calls on the locker's flows (package app/core). Work that can
// block (the lock board, the database) runs off the UI goroutine; its
// results come back through fyne.Do.
package ui
