package fleetcli_test

import (
	"strings"
	"testing"

	"pudo/app/central/mqtttest"
)

// paho's pinger sends its first PINGREQ the moment the client connects,
// from its own goroutine, while the tool writes its first SUBSCRIBE; over
// TLS a packet is several writes, and the two must not interleave (the
// broker drops the connection as malformed). Many dials give the race
// its chances.
func TestDirectDialsNeverInterleavePackets(t *testing.T) {
	b := mqtttest.Start(t)
	publishAs(t, b, b.PKI.ClientTLS(t, "A"), "A", state("A", true))
	env := brokerEnv(b, b.OperatorIdentity())
	for i := range 30 {
		out, errw, code := run(t, env, "doors", "--direct", "A")
		if code != 0 || !strings.Contains(out, "DOOR") {
			t.Fatalf("doors --direct, dial %d: exit %d\n%s%s\nmosquitto's log ends:\n%s", i+1, code, out, errw, b.LogTail())
		}
	}
}
