package fleet

import (
	"context"
	"io"
	"net"
	"pudo/app/testenv"
	"strconv"
	"sync"
	"testing"
	"time"
)

// proxy is a TCP relay the test controls, between a locker and the broker:
// it can pass, delay, drop (close everything and refuse), or go half-open
// (keep the sockets but move no byte, as a dead 4G link does).
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	mode   string // pass, delay, drop, blackhole
	delay  time.Duration
	conns  map[net.Conn]bool
	wg     sync.WaitGroup
}

func startProxy(tb testing.TB, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(tb, err)
	p := &proxy{ln: ln, target: target, mode: "pass", conns: map[net.Conn]bool{}}
	p.wg.Go(p.accept)
	tb.Cleanup(func() {
		ln.Close()
		p.set("drop", 0)
		p.wg.Wait()
	})
	return p
}

func (p *proxy) URL() string { return "mqtts://" + p.ln.Addr().String() }

// set changes the mode; drop also closes every relayed connection.
func (p *proxy) set(mode string, delay time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mode, p.delay = mode, delay
	if mode == "drop" {
		for c := range p.conns {
			c.Close()
		}
	}
}

func (p *proxy) state() (string, time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mode, p.delay
}

func (p *proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if m, _ := p.state(); m == "drop" {
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[up] = true, true
		p.mu.Unlock()
		p.wg.Go(func() { p.pipe(c, up) })
		p.wg.Go(func() { p.pipe(up, c) })
	}
}

// pipe copies one direction, obeying the mode chunk by chunk.
func (p *proxy) pipe(from, to net.Conn) {
	defer func() {
		from.Close()
		to.Close()
		p.mu.Lock()
		delete(p.conns, from)
		delete(p.conns, to)
		p.mu.Unlock()
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := from.Read(buf)
		if n > 0 {
			for {
				m, d := p.state()
				if m == "blackhole" {
					time.Sleep(20 * time.Millisecond) // hold the bytes: nothing moves
					continue
				}
				if m == "drop" {
					return
				}
				if m == "delay" {
					time.Sleep(d)
				}
				break
			}
			if _, werr := to.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				return
			}
			return
		}
	}
}

// A partition between the kiosk and the broker, through a relay the test
// controls: a slow link, a dropped one, and a half-open one that only the
// keep-alive notices. Events go out once and in order, and a booking sent
// during the partition is answered after it.
func TestPartitionThroughProxy(t *testing.T) {
	b := startBroker(t)
	px := startProxy(t, "127.0.0.1:"+strconv.Itoa(b.TLSPort))
	w := newWatcher(t, b, "watch-partition")
	k := newKiosk(t, b, "L-PART", func(c *Config) {
		c.Broker, c.KeepAlive = px.URL(), 5*time.Second
	})
	op := newOperator(t, b)
	k.churn(30)
	w.waitFor(k.id, k.lastSeq())

	px.set("delay", 150*time.Millisecond)
	k.churn(10)
	w.waitFor(k.id, k.lastSeq())

	px.set("drop", 0)
	k.churn(40)
	testenv.Await(t, "the link notices the drop", func() bool { return !k.link.Connected() })
	px.set("pass", 0)
	k.churn(5)
	w.waitFor(k.id, k.lastSeq())

	px.set("blackhole", 0)
	k.churn(20)
	c := Command{BookingID: "PB", Version: 1, Size: "L", ParcelRef: "PART-1"}
	Prepare(&c, time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience)
	defer cancel()
	op.waiter(c.CommandID)
	_, err := op.Send(ctx, k.id, CmdBook, c)
	must(t, err)
	testenv.Await(t, "the keep-alive notices the half-open link", func() bool { return !k.link.Connected() })
	px.set("drop", 0) // the dead sockets go
	px.set("pass", 0)
	r, err := op.Await(ctx, c.CommandID)
	if err != nil || r.Status != StatusOK {
		t.Fatalf("booking sent during the partition: %+v, %v", r, err)
	}
	k.churn(5)
	evs := w.waitFor(k.id, k.lastSeq())
	if n := rentsOf(t, k, "PB"); n != 1 {
		t.Fatalf("the partitioned booking made %d rents", n)
	}
	t.Logf("%d events across delay, drop and half-open; %d duplicates dropped by seq", len(evs), w.dups(k.id))
}
