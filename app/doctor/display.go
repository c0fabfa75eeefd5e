package doctor

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// checkDisplay connects to the X server the kiosk draws on and completes
// the X11 connection handshake, as any client's first step: a server that
// answers has a screen, and its size is reported. (Fyne is built for X11
// here; under a Wayland compositor it would go through XWayland, which
// answers the same way.)
func checkDisplay(ctx context.Context, opts Options) Result {
	name := opts.Display
	if name == "" {
		name = os.Getenv("DISPLAY")
	}
	if name == "" {
		name = ":0"
	}
	host, num, err := parseDisplay(name)
	if err != nil {
		return Result{"display", Fail, err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Wait)
	defer cancel()
	conn, err := dialX(ctx, host, num, opts.x11Dir)
	if err != nil {
		return Result{"display", Fail, fmt.Sprintf("no X server on %s: %v: is pudo-kiosk.service running?", name, err)}
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	authName, authData := xauthCookie(num)
	info, err := xHandshake(conn, authName, authData)
	var refused *xRefused
	switch {
	case errors.As(err, &refused):
		// The screen is up; this user just may not draw on it.
		return Result{"display", Warn, fmt.Sprintf("X server on %s is up but refused this user (%s); run doctor as the kiosk user", name, refused.reason)}
	case err != nil:
		return Result{"display", Fail, fmt.Sprintf("X server on %s: handshake: %v", name, err)}
	}
	return Result{"display", OK, fmt.Sprintf("X server on %s: %s %d, screen %dx%d", name, info.vendor, info.release, info.width, info.height)}
}

// parseDisplay splits "[host]:N[.S]".
func parseDisplay(name string) (host string, num int, err error) {
	i := strings.LastIndexByte(name, ':')
	if i < 0 {
		return "", 0, fmt.Errorf("display %q: want [host]:N", name)
	}
	host, rest := name[:i], name[i+1:]
	if j := strings.IndexByte(rest, '.'); j >= 0 {
		rest = rest[:j]
	}
	num, err = strconv.Atoi(rest)
	if err != nil || num < 0 {
		return "", 0, fmt.Errorf("display %q: want [host]:N", name)
	}
	return host, num, nil
}

func dialX(ctx context.Context, host string, num int, dir string) (net.Conn, error) {
	var d net.Dialer
	if host == "" || host == "unix" {
		c, err := d.DialContext(ctx, "unix", filepath.Join(dir, "X"+strconv.Itoa(num)))
		if err != nil && dir == "/tmp/.X11-unix" {
			// Xorg also listens in the abstract namespace.
			if c2, err2 := d.DialContext(ctx, "unix", "@/tmp/.X11-unix/X"+strconv.Itoa(num)); err2 == nil {
				return c2, nil
			}
		}
		return c, err
	}
	return d.DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(6000+num)))
}

type xInfo struct {
	vendor        string
	release       uint32
	width, height uint16
}

// xRefused is the server's "Failed" or "Authenticate" answer.
type xRefused struct{ reason string }

func (e *xRefused) Error() string { return "refused: " + e.reason }

// xHandshake sends the connection setup request (X11 protocol, section
// "Connection Setup") and decodes the answer up to the first screen's size.
func xHandshake(rw io.ReadWriter, authName string, authData []byte) (xInfo, error) {
	le := binary.LittleEndian
	req := make([]byte, 12)
	req[0] = 'l' // little-endian
	le.PutUint16(req[2:], 11)
	le.PutUint16(req[6:], uint16(len(authName)))
	le.PutUint16(req[8:], uint16(len(authData)))
	req = append(req, pad4([]byte(authName))...)
	req = append(req, pad4(authData)...)
	if _, err := rw.Write(req); err != nil {
		return xInfo{}, err
	}
	head := make([]byte, 8)
	if _, err := io.ReadFull(rw, head); err != nil {
		return xInfo{}, err
	}
	body := make([]byte, int(le.Uint16(head[6:]))*4)
	if _, err := io.ReadFull(rw, body); err != nil {
		return xInfo{}, err
	}
	switch head[0] {
	case 0: // Failed: head[1] is the reason's length
		n := min(int(head[1]), len(body))
		return xInfo{}, &xRefused{strings.TrimSpace(string(body[:n]))}
	case 2: // Authenticate: the reason fills the body
		return xInfo{}, &xRefused{strings.TrimRight(strings.TrimSpace(string(body)), "\x00")}
	case 1:
	default:
		return xInfo{}, fmt.Errorf("unknown setup reply %d", head[0])
	}
	if len(body) < 32 {
		return xInfo{}, errors.New("short setup reply")
	}
	info := xInfo{release: le.Uint32(body[0:])}
	vlen := int(le.Uint16(body[16:]))
	nformats := int(body[21])
	if 32+vlen > len(body) {
		return xInfo{}, errors.New("short setup reply")
	}
	info.vendor = string(body[32 : 32+vlen])
	screen := 32 + (vlen+3)&^3 + 8*nformats
	if body[20] > 0 && screen+24 <= len(body) {
		info.width, info.height = le.Uint16(body[screen+20:]), le.Uint16(body[screen+22:])
	}
	return info, nil
}

func pad4(b []byte) []byte {
	return append(b, make([]byte, (4-len(b)%4)%4)...)
}

// xauthCookie finds an MIT-MAGIC-COOKIE-1 for display num in $XAUTHORITY,
// else ~/.Xauthority; none means connecting without authorization, which
// a server started without -auth accepts.
func xauthCookie(num int) (string, []byte) {
	path := os.Getenv("XAUTHORITY")
	if path == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", nil
		}
		path = filepath.Join(home, ".Xauthority")
	}
	f, err := os.Open(path)
	if err != nil {
		return "", nil
	}
	defer f.Close()
	return findCookie(bufio.NewReader(f), strconv.Itoa(num))
}

// findCookie reads Xauthority entries: family (2 bytes, big-endian), then
// address, display number, auth name and auth data, each a 2-byte length
// and bytes. Any host's entry for the display number will do: the kiosk has
// one display.
func findCookie(r io.Reader, num string) (string, []byte) {
	field := func() ([]byte, error) {
		var n uint16
		if err := binary.Read(r, binary.BigEndian, &n); err != nil {
			return nil, err
		}
		b := make([]byte, n)
		_, err := io.ReadFull(r, b)
		return b, err
	}
	for {
		var family uint16
		if err := binary.Read(r, binary.BigEndian, &family); err != nil {
			return "", nil
		}
		var fs [4][]byte
		for i := range fs {
			b, err := field()
			if err != nil {
				return "", nil
			}
			fs[i] = b
		}
		if (string(fs[1]) == num || len(fs[1]) == 0) && string(fs[2]) == "MIT-MAGIC-COOKIE-1" {
			return string(fs[2]), fs[3]
		}
	}
}
