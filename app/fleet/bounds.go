package fleet

import (
	"errors"
	"fmt"
	"strings"
)

// payloadCap is the most bytes a message may carry on each topic below a
// locker's tree (cmd/ stands for every command, to one locker or to
// _all). The locker refuses more on what it reads and never publishes
// more; the operator's side may rely on the same caps. asyncapi.json gives
// each channel's cap as x-max-bytes, and a test holds the two alike.
var payloadCap = map[string]int{
	sufEvt:      8 << 10,
	sufOnline:   1 << 10,
	sufHealth:   2 << 10,
	sufDoors:    128 << 10,
	sufCapacity: 1 << 10,
	sufCmd:      16 << 10,
	sufRes:      8 << 10,
	sufSyncReq:  8 << 10,
	sufSyncRes:  256 << 10,
}

// MaxPacket is the MQTT 5 Maximum Packet Size the locker (and the
// operator's tools) ask for in CONNECT: the largest payload cap and room
// for the topic and properties. An MQTT 5 broker then drops a larger
// message for this client instead of sending it.
const MaxPacket = 256<<10 + 4<<10

// capOf is the payload cap of a topic suffix below a locker's tree.
func capOf(suffix string) int {
	if strings.HasPrefix(suffix, sufCmd) {
		return payloadCap[sufCmd]
	}
	if n, ok := payloadCap[suffix]; ok {
		return n
	}
	return payloadCap[sufEvt]
}

// errTooLarge is a payload above its topic's cap.
var errTooLarge = errors.New("fleet: payload above the topic's cap")

// checkCap refuses a payload above the cap of topic (one of this locker's).
func (l *Link) checkCap(topic string, body []byte) error {
	_, rest, _ := lockerOf(l.cfg.Fleet, topic)
	if n := capOf(rest); len(body) > n {
		return fmt.Errorf("%w: %d bytes on %s, at most %d", errTooLarge, len(body), rest, n)
	}
	return nil
}
