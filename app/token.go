package app

import "time"

// Token is one of the operator's tokens (a courier's QR, a staff badge, an
// app pickup token) as a locker knows it: never the token itself or its
// id, only its Ref.
type Token struct {
	Ref      string // a name for it: hex of the SHA-256 of its id
	Kind     string // courier, staff or pickup; "" for one revoked before it was seen
	Subject  string // the courier id, staff name or rent id
	Carrier  string
	Expires  time.Time // zero: not known (revoked before it was seen)
	LastSeen time.Time // zero: never shown here
	Issued   bool      // signed by this locker
	Revoked  time.Time // zero: not revoked here
}
