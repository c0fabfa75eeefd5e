package fleet

import (
	"encoding/json"
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
	sufConfirm:  1 << 10,
	sufCertReq:  4 << 10,
	sufCertRes:  16 << 10,
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

// SyncPages splits a sync answer into messages within the cap of
// sync/res, in order; the locker takes each as it comes. Whoever answers a
// locker's sync request sends them all, each with the request's id.
func SyncPages(requestID string, cmds []SyncCommand) [][]byte {
	var pages [][]byte
	page := SyncResponse{RequestID: requestID, Commands: []SyncCommand{}}
	size := 0
	flush := func() {
		b, _ := json.Marshal(page)
		pages = append(pages, b)
		page.Commands, size = []SyncCommand{}, 0
	}
	for _, c := range cmds {
		n := len(c.Command) + len(c.Name) + 64
		if size > 0 && size+n > payloadCap[sufSyncRes]-1024 {
			flush()
		}
		page.Commands = append(page.Commands, c)
		size += n
	}
	if size > 0 || len(pages) == 0 {
		flush()
	}
	return pages
}
