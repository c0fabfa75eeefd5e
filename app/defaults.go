package app

import "time"

// The rules' defaults, in one place: app/config's defaults, the engine's
// and the screens' all read these, so a value set in the configuration
// is the one every part obeys.
const (
	// DefaultPickupWindow is how long a stored parcel waits for its
	// recipient before it expires.
	DefaultPickupWindow = 72 * time.Hour
	// DefaultRetention is how long ended rents and events are kept.
	DefaultRetention = 90 * 24 * time.Hour
	// DefaultBookingHold is how long a booked door waits for its parcel
	// when the booking names no deadline.
	DefaultBookingHold = 7 * 24 * time.Hour
	// DefaultReopenGrace is how long after a collection the shopper may
	// open the door again; MaxReopenGrace bounds it, since after that the
	// door may be given to someone else's parcel.
	DefaultReopenGrace = time.Minute
	MaxReopenGrace     = 5 * time.Minute
	// MaxReopens is how often one collected door may be opened again.
	MaxReopens = 2
	// DefaultDidNotOpen is how long a door may read closed after its
	// unlock before the opening is settled as not opened.
	DefaultDidNotOpen = 5 * time.Second
	// DefaultFlapLimit is how many sensor changes within a minute flag a
	// door as flapping.
	DefaultFlapLimit = 10
	// DefaultSelfTestAt is the nightly self-test's time of day (local).
	DefaultSelfTestAt = "03:30"
	// DefaultTapGuard is how long taps are ignored after a screen the
	// person did not cause came up (a door closed, a question the locker
	// asks): a tap meant for the screen before never lands on the new one.
	DefaultTapGuard = 700 * time.Millisecond
)

// The screens' defaults, the same way: app/config's defaults and the
// screens' own (for a kiosk started without them, as tests do) read these.
const (
	// DefaultIdleTimeout: any screen but home asks "Need more time?" after
	// this; DefaultMoreTime is how long the question waits for an answer.
	DefaultIdleTimeout = time.Minute
	DefaultMoreTime    = 20 * time.Second
	// DefaultAdminTaps on the logo within DefaultAdminTapWindow open the
	// staff PIN screen; a staff session ends after DefaultAdminIdle.
	DefaultAdminTaps      = 5
	DefaultAdminTapWindow = 3 * time.Second
	DefaultAdminIdle      = 2 * time.Minute
	// DefaultNightFrom and DefaultNightTo are the times of day night mode
	// starts and ends.
	DefaultNightFrom = 22 * time.Hour
	DefaultNightTo   = 6 * time.Hour
	// DefaultLongPress is how long a press anywhere starts audio mode.
	DefaultLongPress = 2 * time.Second
	// DefaultThanksFor is how long "thank you" stays up.
	DefaultThanksFor = 4 * time.Second
)

// Languages are the screen languages (ISO 639-1, the names of the files in
// assets/translations), in the order the home screen offers them. English
// comes first: it is the fallback for a missing text.
var Languages = []string{"en", "pl", "nl", "es", "fr"}
