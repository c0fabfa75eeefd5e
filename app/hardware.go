package app

import "time"

// BusState is where the lock bus's connection stands.
type BusState string

const (
	BusStarting BusState = "starting"
	BusUp       BusState = "up"
	BusDown     BusState = "down" // the port is being reopened
	// BusReconnecting: the port was lost moments ago; it rides through a
	// short outage before it is called down.
	BusReconnecting BusState = "reconnecting"
	BusPermission   BusState = "permission-denied" // staff must fix it, then reconnect
	BusClosed       BusState = "closed"
)

// Hardware is the state of the devices, for the staff hardware screen.
type Hardware struct {
	Bus     BusHealth
	Readers []ReaderStatus
	// SelfTest is the last nightly (or staff-started) self-test; nil if
	// none ran since the kiosk started.
	SelfTest *SelfTestReport
}

// BusHealth is the lock bus and its boards.
type BusHealth struct {
	Protocol   string
	Port       string
	State      BusState
	Since      time.Time
	Err        string // why the bus is not up
	Reconnects int
	Boards     []BoardHealth
	// RelaysOn lists doors whose relay may still be energised (Modbus
	// "onoff" boards): a held coil overheats and keeps its lock open.
	RelaysOn []int64
}

// BoardHealth is one lock board's polling record.
type BoardHealth struct {
	Address   uint8
	Answering bool
	LastReply time.Time
	Timeouts  int
	BadFrames int
	Raw       uint64 // input lines as last read, for commissioning
}

// BoardFound is one address that answered a bus scan (commissioning).
type BoardFound struct {
	Address   uint8
	Answers   int
	Collision bool // two boards seem to share the address
	Inputs    int
	Detail    string
}

// ReaderStatus is one code reader (camera, serial scanner, keyboard
// scanner).
type ReaderStatus struct {
	Name     string
	Up       bool
	Detail   string
	Since    time.Time
	LastRead time.Time
	Reads    int
}

// CheckKind groups the self-test's checks.
type CheckKind string

const (
	CheckBoard    CheckKind = "board"    // every configured board answers
	CheckDoor     CheckKind = "door"     // every door reads closed
	CheckSensor   CheckKind = "sensor"   // no sensor changed without a command
	CheckRelay    CheckKind = "relay"    // no relay left on (onoff mode)
	CheckReader   CheckKind = "reader"   // the code readers deliver
	CheckDatabase CheckKind = "database" // PRAGMA integrity_check
	CheckEvents   CheckKind = "events"   // the event chain verifies
	CheckDisk     CheckKind = "disk"     // free space for the database
	CheckClock    CheckKind = "clock"    // the clock is plausible
)

// Check is one self-test finding.
type Check struct {
	Kind   CheckKind
	Name   string // "board 1", "door 7", "camera", ...
	OK     bool
	Detail string
	DoorID int64 // for door, sensor and relay checks
	// TookOut: a failing empty door was taken out of service for it.
	TookOut bool
}

// SelfTestReport is one run of the self-test. It opens no door.
type SelfTestReport struct {
	Started, Finished time.Time
	// Skipped: someone was at the screen, so the run waited or gave up.
	Skipped bool
	Checks  []Check
}

// OK reports whether every check passed.
func (r SelfTestReport) OK() bool {
	for _, c := range r.Checks {
		if !c.OK {
			return false
		}
	}
	return !r.Skipped
}

// DoorTestResult is one door of staff's "test empty doors".
type DoorTestResult struct {
	DoorID  int64
	Outcome DoorTestOutcome
	Opening Opening // the test's opening of the door
}

// DoorTestOutcome is how a tested door did.
type DoorTestOutcome uint8

const (
	DoorUntested DoorTestOutcome = iota
	DoorTesting                  // opened (or opening); waiting for the technician to close it
	DoorGood                     // seen open, then closed
	DoorFaulty                   // did not open (or its opening never settled); taken out of service
)

func (o DoorTestOutcome) String() string {
	switch o {
	case DoorTesting:
		return "testing"
	case DoorGood:
		return "good"
	case DoorFaulty:
		return "faulty"
	}
	return "untested"
}
