package fleet

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/packets"
)

// writeTimeout bounds one write to the broker: a write that cannot go out
// in this time means the link is dead, and the link must notice rather
// than wait for ever.
const writeTimeout = time.Minute

// ErrPacketTooLarge is a packet from the broker above the Maximum Packet
// Size this client asked for: a broker that ignores the limit.
var ErrPacketTooLarge = errors.New("fleet: the broker sent a packet above the Maximum Packet Size this locker asked for")

// dialer connects to the broker within timeout (TCP and TLS), and returns
// a connection that refuses an oversized packet at its header (and tells
// refused) and bounds every write.
func dialer(timeout time.Duration, maxPacket int, refused func(error)) func(context.Context, autopaho.ClientConfig, *url.URL) (net.Conn, error) {
	return func(ctx context.Context, cfg autopaho.ClientConfig, u *url.URL) (net.Conn, error) {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		var c net.Conn
		var err error
		switch u.Scheme {
		case "mqtts", "tls", "ssl":
			c, err = (&tls.Dialer{Config: cfg.TlsCfg}).DialContext(ctx, "tcp", u.Host)
		default:
			c, err = (&net.Dialer{}).DialContext(ctx, "tcp", u.Host)
		}
		if err != nil {
			return nil, err
		}
		return packets.NewThreadSafeConn(&boundedConn{Conn: c, guard: packetGuard{max: maxPacket}, refused: refused}), nil
	}
}

// boundedConn is the broker connection as paho uses it.
type boundedConn struct {
	net.Conn
	guard   packetGuard // the reading goroutine's own
	refused func(error)
}

func (c *boundedConn) Write(p []byte) (int, error) {
	if err := c.Conn.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

// Read passes on what the broker sent until a packet's header says it is
// too large; then nothing of that read is passed on, so paho never sees
// the length and never allocates for it, and the connection closes.
func (c *boundedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if gerr := c.guard.scan(p[:n]); gerr != nil {
		c.Conn.Close()
		// paho may report another error of the closed connection first.
		c.refused(gerr)
		return 0, gerr
	}
	return n, err
}

// packetGuard follows MQTT's framing (a type byte, a remaining length of
// one to four bytes, then that many bytes) through the stream.
type packetGuard struct {
	max    int
	left   int // body bytes of the current packet still to come
	hdr    int // header bytes seen of the next packet: 0 before its type byte
	length int
	shift  uint
}

func (g *packetGuard) scan(p []byte) error {
	for i := 0; i < len(p); {
		if g.left > 0 {
			n := min(g.left, len(p)-i)
			g.left -= n
			i += n
			continue
		}
		b := p[i]
		i++
		if g.hdr == 0 {
			g.hdr, g.length, g.shift = 1, 0, 0
			continue
		}
		g.length |= int(b&0x7f) << g.shift
		g.shift += 7
		g.hdr++
		if b&0x80 != 0 {
			if g.hdr > 4 {
				return fmt.Errorf("%w: a remaining length longer than four bytes", ErrPacketTooLarge)
			}
			continue
		}
		if total := g.hdr + g.length; total > g.max {
			return fmt.Errorf("%w: %d bytes, at most %d", ErrPacketTooLarge, total, g.max)
		}
		g.left, g.hdr = g.length, 0
	}
	return nil
}
