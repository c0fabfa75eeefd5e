package core

import (
	"context"
	"sync"

	"pudo/app"
)

// noticeBuffer is how far a subscriber may fall behind before it loses
// the oldest notices: a whole locker's doors going unknown at once fits.
const noticeBuffer = 512

// notifier hands every notice to every subscriber without ever waiting
// for one: the goroutine that publishes is the one settling openings.
type notifier struct {
	mu   sync.Mutex // protects subs and the sends on their channels
	subs map[chan app.Notice]struct{}
}

// Subscribe delivers every notice from now on until ctx ends; then the
// channel is closed.
func (l *Locker) Subscribe(ctx context.Context) <-chan app.Notice {
	ch := make(chan app.Notice, noticeBuffer)
	n := &l.notes
	n.mu.Lock()
	if n.subs == nil {
		n.subs = map[chan app.Notice]struct{}{}
	}
	n.subs[ch] = struct{}{}
	n.mu.Unlock()
	context.AfterFunc(ctx, func() {
		n.mu.Lock()
		defer n.mu.Unlock()
		delete(n.subs, ch)
		close(ch)
	})
	return ch
}

// publish sends nt to every subscriber; one that lags loses its oldest.
func (l *Locker) publish(nt app.Notice) {
	n := &l.notes
	n.mu.Lock()
	defer n.mu.Unlock()
	for ch := range n.subs {
		for {
			select {
			case ch <- nt:
			default:
				select {
				case old := <-ch:
					l.log.Warn("notice subscriber lagging, dropped its oldest notice", "kind", old.Kind.String())
				default:
				}
				continue
			}
			break
		}
	}
}
