package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"pudo/app/cred"
	"pudo/storage"
)

// Whoever can publish commands on the broker without the operator's key
// (the broker itself, or any certificate its ACL lets write a cmd topic;
// here the operator's own certificate without the key) changes nothing at
// a locker. Every command, unsigned, signed by a stranger, for another
// locker, for every locker, or as another command, and whether it comes
// on the locker's topic, the fleet-wide one or resent in a sync answer, is
// refused as unauthorized, leaves no trace in the store and no event, and
// is counted in state/health; the same commands signed by the operator
// are taken.
func TestBrokerHasNoAuthority(t *testing.T) {
	b := startBroker(t)
	k := newKiosk(t, b, "L-AUTH", func(c *Config) { c.RemoteOpen = true })
	op := newOperator(t, b)
	cfg := b.operatorConfig()
	cfg.SigningKey, cfg.ClientID = nil, "rogue"
	rogue, err := Dial(context.Background(), cfg, testLog(t))
	must(t, err)
	t.Cleanup(rogue.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if r := command(t, op, nil, k.id, CmdBook, Command{BookingID: "A1", Version: 1, Size: "S", ParcelRef: "AUTH-1"}); r.Status != StatusOK {
		t.Fatalf("signed book = %+v", r)
	}
	k.dropOff("AUTH-1")

	yes, off := true, "false"
	list, _ := json.Marshal(cred.Revocations{Version: 5, Tokens: []string{"00112233aabbccdd"}})
	cmds := map[string]Command{
		CmdBook:    {BookingID: "A2", Version: 2, Size: "S", ParcelRef: "AUTH-2"},
		CmdCancel:  {BookingID: "A1", Version: 3},
		CmdExtend:  {BookingID: "A1", Version: 4, Until: time.Now().Add(48 * time.Hour)},
		CmdOpen:    {BookingID: "A1"},
		CmdService: {DoorID: 1, OutOfService: &yes, Reason: "rogue"},
		CmdConfig:  {Key: "remote_open", Value: &off},
		CmdRevoke:  {Revocations: list},
		CmdState:   {},
		CmdRebirth: {},
		CmdResend:  {FromSeq: 1},
	}
	if len(cmds) != len(commandNames) {
		t.Fatalf("the test knows %d commands, the link %d", len(cmds), len(commandNames))
	}
	stranger := cred.GenerateKey()
	ways := []struct {
		name string
		sign func(name string, c *Command)
	}{
		{"unsigned", func(string, *Command) {}},
		{"signed by a stranger", func(n string, c *Command) { Sign(stranger, testFleet, k.id, n, c) }},
		{"signed for another locker", func(n string, c *Command) { Sign(testOperator, testFleet, "L-OTHER", n, c) }},
		{"signed for every locker", func(n string, c *Command) { Sign(testOperator, testFleet, allLockers, n, c) }},
		{"signed for another fleet", func(n string, c *Command) { Sign(testOperator, "other", k.id, n, c) }},
		{"signed as another command", func(n string, c *Command) {
			Sign(testOperator, testFleet, k.id, map[bool]string{true: CmdState, false: CmdConfig}[n != CmdState], c)
		}},
		{"signed, then changed", func(n string, c *Command) {
			Sign(testOperator, testFleet, k.id, n, c)
			c.Reason += "!"
		}},
	}
	before := snapshot(t, k)
	var ids []string
	for _, name := range commandNames {
		for _, w := range ways {
			t.Run(name+"/"+w.name, func(t *testing.T) {
				c := cmds[name]
				Prepare(&c, time.Hour)
				w.sign(name, &c)
				ids = append(ids, c.CommandID)
				if r := command(t, rogue, nil, k.id, name, c); r.Status != StatusRefused || r.Error != "unauthorized" {
					t.Fatalf("answer %+v, want refused unauthorized", r)
				}
			})
		}
	}
	// Fleet-wide, a command signed for one locker only.
	c := cmds[CmdConfig]
	Prepare(&c, time.Hour)
	Sign(testOperator, testFleet, k.id, CmdConfig, &c)
	ids = append(ids, c.CommandID)
	got := make(chan Result, 1)
	must(t, rogue.CommandAll(ctx, nil, CmdConfig, c, time.Hour, []string{k.id}, func(r Result) { got <- r }))
	if r := <-got; r.Error != "unauthorized" {
		t.Fatalf("fleet-wide config signed for one locker = %+v", r)
	}
	// Resent in a sync answer, which the locker's own tree carries.
	c = cmds[CmdService]
	Prepare(&c, time.Hour)
	ids = append(ids, c.CommandID)
	raw, _ := json.Marshal(c)
	body, _ := json.Marshal(SyncResponse{RequestID: "rogue", Commands: []SyncCommand{{Name: CmdService, Command: raw}}})
	must(t, rogue.Subscribe(ctx, k.link.topics.Res()))
	rogue.waiter(c.CommandID)
	_, err = rogue.cm.Publish(ctx, &paho.Publish{QoS: 1, Topic: k.link.topics.SyncRes(), Payload: body})
	must(t, err)
	if r, err := rogue.Await(ctx, c.CommandID); err != nil || r.Error != "unauthorized" {
		t.Fatalf("an unsigned command in a sync answer = %+v, %v", r, err)
	}

	if after := snapshot(t, k); !reflect.DeepEqual(before, after) {
		t.Fatalf("the locker changed:\nbefore %+v\n after %+v\nevents since: %v", before, after, eventsSince(t, k, before.lastSeq))
	}
	must(t, k.db.View(ctx, func(tx *storage.Tx) error {
		for _, id := range ids {
			if _, err := tx.FleetCommand(id); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("refused command %s left a record: %v", id, err)
			}
		}
		return nil
	}))
	want := int64(len(commandNames)*len(ways) + 2)
	if h := k.link.health(ctx); h.UnauthorizedCommands != want {
		t.Fatalf("state/health counts %d refused commands, want %d", h.UnauthorizedCommands, want)
	}

	// The operator's signature is what it takes.
	for _, name := range []string{CmdConfig, CmdService} {
		if r := command(t, op, nil, k.id, name, cmds[name]); r.Status != StatusOK {
			t.Fatalf("signed %s = %+v", name, r)
		}
	}
	if after := snapshot(t, k); after.settings["remote_open"] != "false" || !after.doors[0].OutOfService {
		t.Fatalf("the signed commands did not apply: %+v", after)
	}
}

type lockerSnapshot struct {
	settings    map[string]string
	doors       []storage.Door
	rent        storage.RentState
	lastSeq     int64
	revocations int64
}

// eventsSince are the kinds of k's events after seq, for a failure to show.
func eventsSince(t *testing.T, k *kiosk, seq int64) []string {
	var kinds []string
	must(t, k.db.View(context.Background(), func(tx *storage.Tx) error {
		evs, err := tx.Events(seq, 100)
		for _, e := range evs {
			kinds = append(kinds, fmt.Sprintf("%d %s", e.Seq, e.Kind))
		}
		return err
	}))
	return kinds
}

func snapshot(t *testing.T, k *kiosk) lockerSnapshot {
	t.Helper()
	ctx := context.Background()
	var s lockerSnapshot
	var err error
	s.settings, err = k.locker.Office().Settings(ctx)
	must(t, err)
	ds, err := k.locker.Office().DoorStates(ctx)
	must(t, err)
	for _, d := range ds {
		s.doors = append(s.doors, storage.Door{ID: d.Door.ID, OutOfService: d.Door.OutOfService})
		if d.Rent != nil {
			s.rent = storage.RentState(d.Rent.State)
		}
	}
	s.lastSeq = k.lastSeq()
	list, err := k.locker.Office().Revocations(ctx)
	must(t, err)
	s.revocations = list.Version
	return s
}
