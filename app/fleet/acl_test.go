package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"pudo/app/testenv"
)

// Wherever the documents show the broker's ACL (the README's setup and
// trial, or the operator's guide), they show mosquitto.acl's rules.
func TestDocumentsShowTheACL(t *testing.T) {
	raw, err := os.ReadFile(aclFile)
	must(t, err)
	want := strings.Join(aclRules(string(raw)), "\n")
	if !strings.Contains(want, "user "+operatorID) {
		t.Fatalf("%s names no user %q", aclFile, operatorID)
	}
	shown := 0
	for _, doc := range []string{filepath.Join("..", "..", "README.md"), filepath.Join("..", "central", "OPERATING.md")} {
		text, err := os.ReadFile(doc)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		must(t, err)
		for _, re := range []*regexp.Regexp{
			regexp.MustCompile(`(?s)with the ACL file[^\n]*(?:\n[^\n]+)*?\n\n(.*?)\n\n`),
			regexp.MustCompile(`(?s)cat > acl <<'ACL'\n(.*?)\n\s*ACL\n`),
		} {
			for _, m := range re.FindAllSubmatch(text, -1) {
				shown++
				if got := strings.Join(aclRules(string(m[1])), "\n"); got != want {
					t.Errorf("%s shows the ACL\n%s\nbut %s is\n%s", doc, got, aclFile, want)
				}
			}
		}
	}
	if shown == 0 {
		t.Fatalf("no document shows the broker's ACL")
	}
	t.Logf("the documents show the ACL %d times", shown)
}

// mosquitto.acl, on a real mosquitto: a locker writes only its own
// events, state, results, sync and certificate requests; no certificate
// but the operator's writes a command topic or a confirmation, not even
// one whose common name is _all (a pattern with %u would give it the
// fleet-wide tree).
func TestBrokerACL(t *testing.T) {
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
		{"a locker", locker, root + "L-ACL/res/pudo-central-1", true},
		{"a locker", locker, root + "L-ACL/res/a/b", false},
		{"a locker", locker, root + "L-ACL/sync/req", true},
		{"a locker", locker, root + "L-ACL/confirm", false},
		{"a locker", locker, root + "L-ACL/cert/req", true},
		{"a locker", locker, root + "L-ACL/cert/res", false},
		{"the operator", op, root + "L-ACL/confirm", true},
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
			testenv.Await(t, "the sentinel "+sentinel, func() bool {
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

// A locker answers on the response topic a command names only when that
// is its res or one level below it; any other (its own command topic, the
// fleet-wide one) gets the answer on res.
func TestResponseTopic(t *testing.T) {
	b := startBroker(t)
	k := newKiosk(t, b, "L-RESP")
	op := newOperator(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	got := make(chan string, 8)
	op.OnMessage(func(p *paho.Publish) {
		if p.Properties != nil && strings.HasPrefix(string(p.Properties.CorrelationData), "resp-") && !strings.Contains(p.Topic, "/cmd/") {
			got <- string(p.Properties.CorrelationData) + " " + p.Topic
		}
	})
	must(t, op.Subscribe(ctx, k.link.topics.base()+"#"))
	res := k.link.topics.Res()
	for i, tt := range []struct{ asked, answered string }{
		{res + "/pudo-central-2", res + "/pudo-central-2"},
		{res, res},
		{k.link.topics.Cmd(CmdConfig), res},
		{k.link.topics.AllCmd(CmdConfig), res},
		{res + "/a/b", res},
		{"elsewhere/res", res},
	} {
		c := Command{}
		Prepare(&c, time.Hour)
		Sign(testOperator, testFleet, k.id, CmdState, &c)
		payload, _ := json.Marshal(c)
		corr := fmt.Sprintf("resp-%d", i)
		_, err := op.cm.Publish(ctx, &paho.Publish{QoS: 1, Topic: k.link.topics.Cmd(CmdState), Payload: payload,
			Properties: &paho.PublishProperties{ResponseTopic: tt.asked, CorrelationData: []byte(corr)}})
		must(t, err)
		if g := testenv.Receive(t, "the answer to a command asking for "+tt.asked, got); g != corr+" "+tt.answered {
			t.Errorf("asked for %s: answered %q, want on %s", tt.asked, g, tt.answered)
		}
	}
}
