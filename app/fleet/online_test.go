package fleet

import (
	"context"
	"encoding/json"
	"pudo/app/testenv"
	"sync"
	"testing"

	"github.com/eclipse/paho.golang/paho"
)

// A Will of an older connection that lands after the newer birth (the
// broker delays Wills; a 4G link may come back first) carries a lower
// birth: consumers can tell, and the locker puts its birth back.
func TestLateWillCannotOverwriteBirth(t *testing.T) {
	b := startBroker(t)
	k := newKiosk(t, b, "L-WILL")
	op := newOperator(t, b)
	testenv.Await(t, "the locker is up", k.link.Connected)
	var mu sync.Mutex
	var last Online
	sawLate := false
	op.OnMessage(func(p *paho.Publish) {
		if p.Topic == k.link.topics.Online() {
			mu.Lock()
			json.Unmarshal(p.Payload, &last)
			if !last.Online && last.Birth < k.link.birth.Load() {
				sawLate = true
			}
			mu.Unlock()
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience)
	defer cancel()
	must(t, op.Subscribe(ctx, k.link.topics.Online()))
	birth := k.link.birth.Load()
	testenv.Await(t, "the birth is retained", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return last.Online && last.Birth == birth
	})
	late, _ := json.Marshal(Online{Locker: k.id, Online: false, Birth: birth - 1})
	_, err := op.cm.Publish(ctx, &paho.Publish{QoS: 1, Retain: true, Topic: k.link.topics.Online(), Payload: late})
	must(t, err)
	testenv.Await(t, "the locker says its birth again after the late Will", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return sawLate && last.Online && last.Birth == birth
	})
	// A clean stop says offline with the same birth.
	k.stop()
	testenv.Await(t, "offline after a clean stop", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return !last.Online && last.Birth == birth
	})
}
