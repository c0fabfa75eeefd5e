// Package ui draws the kiosk's screens with Fyne. It holds no rule about
// rents or doors: the locker's sessions (package app/session, through session.Front)
// decide what the screen shows next as an app.View, and the screens send
// back what people do as app.Intents, scans and keys.
//
// Kiosk is a router: it draws each view with the screen type made for it
// (one type per screen: homeScreen, codeScreen, doorScreen, ...), built
// with the view and a small context of what that screen draws with,
// declared beside the screen (Kiosk.screenFor), places what the screen
// draws, keeps the idle clock, the language, big text and night mode, and owns the keyboard
// (see button: no control ever holds it). The Front's calls block on the
// locker, so they run in order on the worker of the sessions' desk
// (session.Desk, run by Kiosk.Run), which also hands the engine's notices
// to the Front; views come back to the UI goroutine through fyne.Do.
//
// ui imports only app, app/session, app/voice, Fyne, assets and ui/sound;
// a test holds it to that.
package ui
