package fleet

import (
	"encoding/json"
	"time"
)

// The JSON of every message. They are ours, not the store's: the AsyncAPI
// document (asyncapi.json) describes each, and a test holds it to these.

// Event is one entry of the locker's event log, as published on evt. A
// consumer drops duplicates by (locker, seq); seq has no holes, so a jump
// is a loss it can see.
type Event struct {
	Fleet       string    `json:"fleet"`
	Locker      string    `json:"locker"`
	Seq         int64     `json:"seq"`
	Boot        int64     `json:"boot"`
	At          time.Time `json:"at"`
	ClockSynced bool      `json:"clock_synced"`
	Kind        string    `json:"kind"`
	Actor       string    `json:"actor"`
	RentID      int64     `json:"rent_id,omitempty"`
	DoorID      int64     `json:"door_id,omitempty"`
	Detail      string    `json:"detail,omitempty"`
	// On the rent.stored of a walk-in only: the carrier its pickup code is
	// for and the code sealed for that carrier alone (package carrier), or
	// CodeSealed false when the carrier has no key at the locker.
	Carrier    string `json:"carrier,omitempty"`
	CodeSealed *bool  `json:"code_sealed,omitempty"`
	SealedCode string `json:"sealed_code,omitempty"`
}

// Online is the retained state/online: the birth a locker publishes on
// connecting, and the Will the broker publishes for it after will_delay.
// Birth grows with every connection: an offline message whose birth is
// older than the newest online one is a late Will, and says nothing.
type Online struct {
	Locker  string    `json:"locker"`
	Online  bool      `json:"online"`
	Birth   int64     `json:"birth"`
	Boot    int64     `json:"boot"`
	At      time.Time `json:"at"`
	Version string    `json:"version,omitempty"`
}

// Health is the retained state/health.
type Health struct {
	Locker      string    `json:"locker"`
	At          time.Time `json:"at"`
	Boot        int64     `json:"boot"`
	UptimeS     int64     `json:"uptime_s"`
	Version     string    `json:"version,omitempty"`
	LockBus     string    `json:"lock_bus"` // up, down or unknown
	Store       string    `json:"store"`    // ok or failing
	ClockSynced bool      `json:"clock_synced"`
	LastSeq     int64     `json:"last_seq"`
	AckedSeq    int64     `json:"acked_seq"`
	// ConfirmedSeq is the operator's confirmation the locker holds: below
	// what the operator confirmed, the confirmation was lost on its way
	// and the operator sends it again.
	ConfirmedSeq int64 `json:"confirmed_seq"`
	Faults       int   `json:"faults"` // doors that did not open last time or are out of service
	// RevocationVersion is the operator's revocation list applied (0: none).
	RevocationVersion int64 `json:"revocation_version"`
	// UnauthorizedCommands counts the commands refused since start
	// because no trusted operator key signed them for this locker: above
	// zero, someone who can publish on the broker tries what only the
	// operator may.
	UnauthorizedCommands int64 `json:"unauthorized_commands"`
}

// Doors is the retained state/doors. It stays within its topic's cap for
// any locker: at most doorsHeadBytes and doorBytes a door, and a locker
// with more doors than fit lists the first and counts the rest (Omitted).
type Doors struct {
	Locker  string    `json:"locker"`
	At      time.Time `json:"at"`
	Doors   []Door    `json:"doors"`
	Omitted int       `json:"omitted,omitempty"`
}

// Door is one door in state/doors; false and zero fields are left out.
type Door struct {
	ID     int64  `json:"id"`
	Size   string `json:"size"`
	Column int    `json:"column"`
	Row    int    `json:"row"`
	Low    bool   `json:"low,omitempty"`
	State  string `json:"state"` // free, out_of_service or the rent's state
	Sensor string `json:"sensor"`
	Fault  bool   `json:"fault,omitempty"`
	RentID int64  `json:"rent_id,omitempty"`
}

// The bound of state/doors: the fields around the doors (a 64-character
// locker id, a time with nanoseconds, omitted) and one door with every
// field at its longest (door 65,536, column and row 256, out_of_service,
// the largest rent id), with its comma. A test holds them.
const (
	doorsHeadBytes = 160
	doorBytes      = 145
)

// Capacity is the retained state/capacity: free doors per size.
type Capacity struct {
	Locker string         `json:"locker"`
	At     time.Time      `json:"at"`
	Free   map[string]int `json:"free"`
	Total  map[string]int `json:"total"`
}

// Command is what comes down cmd/{name}. The header is the same for every
// command; the other fields belong to some commands only (see the AsyncAPI
// document) and the locker refuses those that do not fit.
type Command struct {
	CommandID string    `json:"command_id"`
	IssuedAt  time.Time `json:"issued_at"`
	ExpiresAt time.Time `json:"expires_at"`
	// Nonce is random per command. The locker never stores it: the key that
	// seals the kept result derives from the whole command.
	Nonce string `json:"nonce,omitempty"`

	BookingID    string    `json:"booking_id,omitempty"`
	Version      int64     `json:"version,omitempty"`
	Size         string    `json:"size,omitempty"`
	ParcelRef    string    `json:"parcel_ref,omitempty"`
	RecipientRef string    `json:"recipient_ref,omitempty"`
	PreferLow    bool      `json:"prefer_low,omitempty"`
	Until        time.Time `json:"until,omitzero"`
	RentID       int64     `json:"rent_id,omitempty"`
	DoorID       int64     `json:"door_id,omitempty"`
	OutOfService *bool     `json:"out_of_service,omitempty"`
	Reason       string    `json:"reason,omitempty"`
	Key          string    `json:"key,omitempty"`
	Value        *string   `json:"value,omitempty"`
	Operator     string    `json:"operator,omitempty"`
	// FromSeq is the first event to send again (resend); ToSeq, when set,
	// the last: a hole's end, after which the outbox goes on from where
	// it was instead of sending again all that followed.
	FromSeq int64 `json:"from_seq,omitempty"`
	ToSeq   int64 `json:"to_seq,omitempty"`
	// ReplyKey (book) is the sender's X25519 public key, in standard
	// base64: the answer's pickup code and QR are sealed to it (reply.go).
	ReplyKey string `json:"reply_key,omitempty"`
	// Revocations is the operator's whole revocation list (revoke), kept
	// as it came: the signature covers these bytes.
	Revocations json.RawMessage `json:"revocations,omitempty"`
	// Signature is the operator's Ed25519 signature of the command for
	// this locker (package fleetsign); every command needs it.
	Signature string `json:"signature,omitempty"`
}

// Result is what the locker answers on res (or the command's MQTT 5
// response topic, with its correlation data). The ids are in the JSON too,
// so a 3.1.1 bridge that drops properties still pairs them.
type Result struct {
	CommandID string    `json:"command_id"`
	Name      string    `json:"name"`
	Locker    string    `json:"locker"`
	Status    string    `json:"status"` // ok, refused or failed
	Error     string    `json:"error,omitempty"`
	Message   string    `json:"message,omitempty"`
	At        time.Time `json:"at"`
	// Replayed is true on the answer to a duplicate: the command was not
	// applied again, this is the first result.
	Replayed bool `json:"replayed,omitempty"`

	BookingID string `json:"booking_id,omitempty"`
	Version   int64  `json:"version,omitempty"`
	RentID    int64  `json:"rent_id,omitempty"`
	DoorID    int64  `json:"door_id,omitempty"`
	Column    int    `json:"column,omitempty"`
	Row       int    `json:"row,omitempty"`
	// PickupCode and QR are in clear only on the sender's side, once it
	// opened Sealed; a locker sends them sealed to the book's reply_key.
	PickupCode string    `json:"pickup_code,omitempty"`
	QR         string    `json:"qr,omitempty"`
	Sealed     string    `json:"sealed,omitempty"`
	ExpiresAt  time.Time `json:"expires_at,omitzero"`
	State      string    `json:"state,omitempty"`
	// RevocationVersion is the revocation list applied at the locker
	// (revoke, state).
	RevocationVersion int64 `json:"revocation_version,omitempty"`
}

// Result statuses.
const (
	StatusOK      = "ok"
	StatusRefused = "refused"
	StatusFailed  = "failed"
)

// SyncRequest is what a locker sends on sync/req after every connect: how
// far it got, so the central side can resend what it missed.
type SyncRequest struct {
	RequestID string `json:"request_id"`
	Locker    string `json:"locker"`
	Boot      int64  `json:"boot"`
	Birth     int64  `json:"birth"`
	// BookingVersion is the newest booking version through which every
	// one was processed; VersionsAhead are those processed above it.
	BookingVersion int64   `json:"booking_version"`
	VersionsAhead  []int64 `json:"versions_ahead,omitempty"`
	// CommandCursor is the newest issued_at among the commands processed;
	// unversioned commands issued since, and not expired, are missing.
	CommandCursor time.Time `json:"command_cursor,omitzero"`
	LastSeq       int64     `json:"last_seq"`
	// RevocationVersion is the revocation list applied: the central side
	// resends its newest list when this is older, whatever the cursor.
	RevocationVersion int64 `json:"revocation_version"`
}

// SyncResponse is the central side's answer on sync/res: the commands the
// locker missed, in the order to apply them.
type SyncResponse struct {
	RequestID string        `json:"request_id"`
	Commands  []SyncCommand `json:"commands"`
}

// SyncCommand is one resent command.
type SyncCommand struct {
	Name string `json:"name"`
	// FleetWide says the command was sent to every locker (_all): a signed
	// one was signed for _all.
	FleetWide bool            `json:"fleet_wide,omitempty"`
	Command   json.RawMessage `json:"command"`
}
