package emulator

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// PTY serves an emulator on a pseudo-terminal, like a USB-RS485 adapter
// with the boards behind it. With a link path it also keeps a symlink to
// the current slave, the way udev keeps /dev/serial/by-id/… pointing at
// whichever ttyUSBn the adapter came back as.
type PTY struct {
	e    *Emulator
	link string

	mu      sync.Mutex // protects following
	master  *os.File
	slave   *os.File // held open so the master never sees EIO between driver opens
	closed  bool
	replugT *time.Timer
	wg      sync.WaitGroup
}

// ServePTY creates a pty, serves the emulator on it and returns it. link
// may be empty.
func (e *Emulator) ServePTY(link string) (*PTY, error) {
	p := &PTY{e: e, link: link}
	if err := p.Replug(); err != nil {
		return nil, err
	}
	return p, nil
}

// Path is what a driver opens: the link if there is one, else the slave.
func (p *PTY) Path() string {
	if p.link != "" {
		return p.link
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.slave == nil {
		return ""
	}
	return p.slave.Name()
}

// Replug attaches a fresh pty, usually under a new /dev/pts number.
func (p *PTY) Replug() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.master != nil {
		return nil
	}
	m, s, err := pty.Open()
	if err != nil {
		return fmt.Errorf("emulator: pty: %w", err)
	}
	if m, err = pollable(m); err != nil {
		s.Close()
		return fmt.Errorf("emulator: pty: %w", err)
	}
	if err := makeRaw(s); err != nil {
		m.Close()
		s.Close()
		return fmt.Errorf("emulator: pty raw mode: %w", err)
	}
	if p.link != "" {
		if err := relink(s.Name(), p.link); err != nil {
			m.Close()
			s.Close()
			return err
		}
	}
	p.master, p.slave = m, s
	p.wg.Add(1)
	go p.serve(m)
	return nil
}

func (p *PTY) serve(m *os.File) {
	defer p.wg.Done()
	err := p.e.Serve(m)
	var u unplugError
	if errors.As(err, &u) {
		p.outage(u.d, u.shut)
	}
}

// outage pulls the adapter for d; with shut, every door is closed before
// it comes back, as after a power cut.
func (p *PTY) outage(d time.Duration, shut bool) {
	p.Unplug()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	if p.replugT != nil {
		p.replugT.Stop()
	}
	p.replugT = time.AfterFunc(d, func() {
		if shut {
			p.e.ShutAll()
		}
		p.Replug()
	})
}

// PowerLoss cuts the bus's power for d: nothing answers meanwhile, and
// every door reads closed when it is back.
func (p *PTY) PowerLoss(d time.Duration) { p.outage(d, true) }

// UnplugFor pulls the adapter for d, then plugs it back.
func (p *PTY) UnplugFor(d time.Duration) { p.outage(d, false) }

// Unplug pulls the adapter: the driver's next read fails and the path
// vanishes until Replug.
func (p *PTY) Unplug() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.unplugLocked()
}

func (p *PTY) unplugLocked() {
	if p.master == nil {
		return
	}
	if p.link != "" {
		os.Remove(p.link)
	}
	p.master.Close()
	p.slave.Close()
	p.master, p.slave = nil, nil
}

// Plugged reports whether the adapter is attached.
func (p *PTY) Plugged() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.master != nil
}

// Close unplugs for good and waits for the serving goroutine.
func (p *PTY) Close() error {
	p.mu.Lock()
	p.closed = true
	if p.replugT != nil {
		p.replugT.Stop()
	}
	p.unplugLocked()
	p.mu.Unlock()
	p.wg.Wait()
	return nil
}

// pollable returns the master on a non-blocking descriptor. pty.Open
// leaves it in blocking mode (it asks for the descriptor to set the pty
// up), and a blocking read is not woken by Close: Close waited for the
// serving goroutine forever whenever the driver's side stayed open.
func pollable(m *os.File) (*os.File, error) {
	fd, err := unix.Dup(int(m.Fd()))
	name := m.Name()
	m.Close()
	if err != nil {
		return nil, err
	}
	unix.CloseOnExec(fd)
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), name), nil
}

func relink(target, link string) error {
	tmp := link + ".new"
	os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("emulator: link %s: %w", link, err)
	}
	if err := os.Rename(tmp, link); err != nil {
		return fmt.Errorf("emulator: link %s: %w", link, err)
	}
	return nil
}

// makeRaw puts the slave in raw mode so nothing the emulator writes before
// the driver opens the port gets echoed or translated.
func makeRaw(f *os.File) error {
	fd := int(f.Fd())
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return err
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
	return unix.IoctlSetTermios(fd, unix.TCSETS, t)
}
