package fleet

import (
	"strings"

	"pudo/app/fleet/fleetsign"
)

// Every topic of the link sits under pudo/v1/{fleet}/{locker}/. The broker's
// ACL pattern pudo/v1/+/%u/# gives each locker its own tree and nothing
// else; fleet-wide commands come under pudo/v1/{fleet}/_all/.
const (
	topicRoot  = "pudo/v1"
	allLockers = fleetsign.AllLockers
)

// Topic suffixes below a locker's tree. The AsyncAPI document names each
// of them, and a test holds the two to each other.
const (
	sufEvt      = "evt"
	sufOnline   = "state/online"
	sufHealth   = "state/health"
	sufDoors    = "state/doors"
	sufCapacity = "state/capacity"
	sufCmd      = "cmd/"
	sufRes      = "res"
	sufSyncReq  = "sync/req"
	sufSyncRes  = "sync/res"
)

// Command names, as the last level of cmd/{name}.
const (
	CmdBook    = "book"
	CmdCancel  = "cancel"
	CmdExtend  = "extend"
	CmdOpen    = "open"
	CmdService = "service"
	CmdConfig  = "config"
	CmdState   = "state"
	CmdRebirth = "rebirth"
	CmdRevoke  = "revoke"
	// CmdResend asks the locker to publish its events again from a seq:
	// the operator found a hole, or events a broker lost.
	CmdResend = "resend"
)

// commandNames are every command the locker takes.
var commandNames = []string{CmdBook, CmdCancel, CmdExtend, CmdOpen, CmdService, CmdConfig, CmdState, CmdRebirth, CmdRevoke, CmdResend}

// fleetWide are the commands that may come to every locker at once; the
// others name one locker's rent or door and come only to it.
var fleetWide = map[string]bool{CmdState: true, CmdRebirth: true, CmdConfig: true, CmdRevoke: true}

// Topics builds one locker's topic names.
type Topics struct {
	Fleet, Locker string
}

func (t Topics) base() string           { return topicRoot + "/" + t.Fleet + "/" + t.Locker + "/" }
func (t Topics) all() string            { return topicRoot + "/" + t.Fleet + "/" + allLockers + "/" }
func (t Topics) Evt() string            { return t.base() + sufEvt }
func (t Topics) Online() string         { return t.base() + sufOnline }
func (t Topics) Health() string         { return t.base() + sufHealth }
func (t Topics) Doors() string          { return t.base() + sufDoors }
func (t Topics) Capacity() string       { return t.base() + sufCapacity }
func (t Topics) Cmd(name string) string { return t.base() + sufCmd + name }
func (t Topics) AllCmd(name string) string {
	return t.all() + sufCmd + name
}
func (t Topics) Res() string     { return t.base() + sufRes }
func (t Topics) SyncReq() string { return t.base() + sufSyncReq }
func (t Topics) SyncRes() string { return t.base() + sufSyncRes }

// command returns the command name of a cmd topic of this locker or of the
// whole fleet.
func (t Topics) command(topic string) (string, bool) {
	for _, p := range []string{t.base() + sufCmd, t.all() + sufCmd} {
		if name, ok := strings.CutPrefix(topic, p); ok && name != "" && !strings.Contains(name, "/") {
			return name, true
		}
	}
	return "", false
}

// lockerOf returns the locker level of a topic under pudo/v1/{fleet}/.
func lockerOf(fleet, topic string) (locker, rest string, ok bool) {
	r, ok := strings.CutPrefix(topic, topicRoot+"/"+fleet+"/")
	if !ok {
		return "", "", false
	}
	locker, rest, ok = strings.Cut(r, "/")
	return locker, rest, ok
}
