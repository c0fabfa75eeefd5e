package lockio

import "time"

// BusState is where the port's connection stands.
type BusState string

const (
	BusStarting BusState = "starting"
	BusUp       BusState = "up"
	BusDown     BusState = "down" // reopening with backoff for DownAfter or longer
	// BusReconnecting: the port was lost moments ago and is being
	// reopened; it is called down only after DownAfter (Health says so).
	BusReconnecting BusState = "reconnecting"
	BusPermission   BusState = "permission-denied" // not retried until Reconnect
	BusClosed       BusState = "closed"
)

// Health is a snapshot for staff screens and `pudo doctor`.
type Health struct {
	Protocol   string
	Port       string
	State      BusState
	Since      time.Time // when State was entered
	Err        string    // why the bus is not up
	Reconnects int       // successful reopens after the first open
	// DroppedEvents counts events lost because the Events reader lagged.
	DroppedEvents int
	Boards        []BoardHealth
}

// BoardHealth is one board's polling record.
type BoardHealth struct {
	Address uint8
	// Answering: the board counts as answering, with hysteresis: it is
	// called down after missing answers for DownAfter and DownPolls polls
	// in a row, and up again after answering for UpAfter.
	Answering bool
	LastReply time.Time
	// Failures counts failed polls in a row; a board called down keeps
	// its count until it is called up again.
	Failures  int
	Timeouts  int    // polls with no reply at all, ever
	BadFrames int    // replies that failed validation, ever
	Extra     int    // replies followed by unexpected bytes (noise or a second board)
	Raw       uint64 // input lines as last read, before polarity: for commissioning
	ReplyLen  int    // status reply length learned from the board
	// RelaysOn holds the relays that may still be energised, bit 0 =
	// channel 1 (ModbusPulse "onoff"): an OFF was due and not confirmed.
	// Nonzero is a fault to raise: a held coil overheats and keeps its
	// lock open. The driver keeps sending OFF until it is confirmed.
	RelaysOn uint64
}

// Up reports whether the port is open and at least one board answers.
func (h Health) Up() bool {
	if h.State != BusUp {
		return false
	}
	for _, b := range h.Boards {
		if b.Answering {
			return true
		}
	}
	return false
}

// RelaysOn lists the doors whose relay may have been left energised.
func (h Health) RelaysOn() []Door {
	var ds []Door
	for _, b := range h.Boards {
		for ch := 1; ch <= 64; ch++ {
			if b.RelaysOn&(1<<(ch-1)) != 0 {
				ds = append(ds, Door{b.Address, uint8(ch)})
			}
		}
	}
	return ds
}

// Silent lists the boards that do not answer.
func (h Health) Silent() []uint8 {
	var s []uint8
	for _, b := range h.Boards {
		if !b.Answering {
			s = append(s, b.Address)
		}
	}
	return s
}

// Health returns a snapshot of the bus and its boards.
func (c *Controller) Health() Health {
	c.mu.Lock()
	defer c.mu.Unlock()
	h := c.health
	// A port lost for DownAfter is down; a shorter outage rides through.
	if h.State == BusReconnecting && time.Since(h.Since) >= c.cfg.DownAfter.Std() {
		h.State, h.Since = BusDown, h.Since.Add(c.cfg.DownAfter.Std())
	}
	h.DroppedEvents = c.dropped
	h.Boards = append([]BoardHealth(nil), c.health.Boards...)
	return h
}

func (c *Controller) setState(s BusState, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.health.State != s {
		c.health.State, c.health.Since = s, time.Now()
	}
	c.health.Err = ""
	if err != nil {
		c.health.Err = err.Error()
	}
}

func (c *Controller) boardHealth(i int, f func(*BoardHealth)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(&c.health.Boards[i])
}
