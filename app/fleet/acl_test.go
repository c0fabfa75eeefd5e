package fleet

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"
)

// The README's ACL, on a real mosquitto: a locker writes only its own
// events, state, results and sync requests; no certificate but the
// operator's writes a command topic, not even one whose common name is
// _all (a pattern with %u would give it the fleet-wide tree).
func TestReadmeACL(t *testing.T) {
	b := startBroker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dial := func(cn string) *Operator {
		t.Helper()
		cert, key := b.pki.issue(t, cn, false)
		cfg := b.operatorConfig()
		cfg.CertFile, cfg.KeyFile, cfg.ClientID = cert, key, cn
		o, err := Dial(ctx, cfg, testLog(t))
		if err != nil {
			t.Fatalf("%s: %v", cn, err)
		}
		t.Cleanup(o.Close)
		return o
	}
	op := newOperator(t, b)
	var mu sync.Mutex
	var heard []string
	op.OnMessage(func(p *paho.Publish) {
		mu.Lock()
		heard = append(heard, string(p.Payload))
		mu.Unlock()
	})
	must(t, op.Subscribe(ctx, topicRoot+"/#"))
	all, locker := dial(allLockers), dial("L-ACL")
	root := topicRoot + "/" + testFleet + "/"
	tests := []struct {
		who   string
		as    *Operator
		topic string
		ok    bool
	}{
		{"_all", all, root + "_all/cmd/config", false},
		{"_all", all, root + "_all/cmd/revoke", false},
		{"_all", all, root + "L-ACL/cmd/config", false},
		{"a locker", locker, root + "_all/cmd/config", false},
		{"a locker", locker, root + "L-ACL/cmd/config", false},
		{"a locker", locker, root + "L-OTHER/evt", false},
		{"a locker", locker, root + "L-ACL/sync/res", false},
		{"a locker", locker, root + "L-ACL/evt", true},
		{"a locker", locker, root + "L-ACL/state/doors", true},
		{"a locker", locker, root + "L-ACL/res", true},
		{"a locker", locker, root + "L-ACL/sync/req", true},
		{"the operator", op, root + "_all/cmd/state", true},
		{"the operator", op, root + "L-ACL/cmd/config", true},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprintf("%s writes %s", tt.who, strings.TrimPrefix(tt.topic, root)), func(t *testing.T) {
			msg, sentinel := fmt.Sprintf("case-%d", i), fmt.Sprintf("sentinel-%d", i)
			_, err := tt.as.cm.Publish(ctx, &paho.Publish{QoS: 1, Topic: tt.topic, Payload: []byte(msg)})
			if (err == nil) != tt.ok {
				t.Errorf("publish: %v, want allowed %v", err, tt.ok)
			}
			// The broker settled that publish before it takes the
			// operator's next one on the same topic: once the sentinel is
			// heard, whatever got through was heard before it.
			_, err = op.cm.Publish(ctx, &paho.Publish{QoS: 1, Topic: tt.topic, Payload: []byte(sentinel)})
			must(t, err)
			waitUntil(t, "the sentinel "+sentinel, time.Minute, func() bool {
				mu.Lock()
				defer mu.Unlock()
				return strings.Contains(strings.Join(heard, " "), sentinel)
			})
			mu.Lock()
			got := strings.Contains(strings.Join(heard, " ")+" ", msg+" ")
			mu.Unlock()
			if got != tt.ok {
				t.Fatalf("delivered %v, want %v", got, tt.ok)
			}
		})
	}
}
