package fleetcli_test

import (
	"net"
	"strings"
	"testing"

	"github.com/eclipse/paho.golang/packets"

	"pudo/app/testenv"
)

// A broker that takes the tool's subscription and drops the connection:
// the tool says the connection was lost as soon as it is, not "deadline
// exceeded" once --dial-wait is spent (paho forgets the pending request
// and would wait its whole PacketTimeout).
func TestDirectSaysTheConnectionWasLost(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		if _, err := packets.ReadPacket(c); err != nil { // CONNECT
			return
		}
		if _, err := packets.NewControlPacket(packets.CONNACK).WriteTo(c); err != nil {
			return
		}
		for { // up to the SUBSCRIBE, never answered (paho's PINGREQ may come first)
			p, err := packets.ReadPacket(c)
			if err != nil || p.Type == packets.SUBSCRIBE {
				return
			}
		}
	}()
	env := map[string]string{"PUDO_FLEET_BROKER": "mqtt://" + ln.Addr().String(), "PUDO_FLEET": testFleet, "PUDO_CENTRAL_DB": ""}
	// A dial bound far beyond the test's ceiling: only the lost
	// connection can end the wait before the test's own deadline.
	done := make(chan struct{})
	var errw string
	var code int
	go func() {
		defer close(done)
		_, errw, code = run(t, env, "status", "--direct", "--dial-wait", "1000h")
	}()
	testenv.Receive(t, "pudo fleet status --direct to end after the broker dropped the connection", done)
	if code != 1 || !strings.Contains(errw, "connection to the broker was lost") {
		t.Fatalf("status --direct at a broker that drops the connection: exit %d %q; want it to say the connection was lost", code, errw)
	}
}
