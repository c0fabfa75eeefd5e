// Package simbus puts the lock-board emulator behind a pty for a lock
// configuration, so the demo locker, `pudo doctor` and tests run the real
// driver, termios included, against emulated boards. It lives beside the
// driver, not in it: package lockio opens whatever port its caller names
// and links no emulator.
package simbus

import (
	"fmt"
	"os"
	"path/filepath"

	"pudo/lockio"
	"pudo/lockio/emulator"
)

// Bus is the emulated boards and the pty they answer on.
type Bus struct {
	Emu *emulator.Emulator
	PTY *emulator.PTY
	dir string
}

// Start builds the boards of cfg and serves them on a pty reached through
// a symlink, as /dev/serial/by-id/… reaches a real adapter. In modbus
// "onoff" mode the boards have no flash registers, so the demo proves the
// mode works where flash does not.
func Start(cfg lockio.Config) (*Bus, error) {
	return StartWith(cfg, nil)
}

// StartWith is Start with a hook that may adjust the emulator's
// configuration (unlock delay, request log) before it is built.
func StartWith(cfg lockio.Config, adjust func(*emulator.Config)) (*Bus, error) {
	protocol := cfg.Protocol
	if protocol == "" {
		protocol = lockio.DefaultConfig().Protocol
	}
	noFlash := protocol == "modbus" && cfg.ModbusPulse == lockio.PulseOnOff
	var boards []emulator.Board
	for _, b := range cfg.Boards {
		boards = append(boards, emulator.Board{Address: b.Address, Channels: b.Channels, Feedback: b.Feedback, NoFlash: noFlash})
	}
	ec := emulator.Config{Protocol: protocol, Boards: boards, AutoClose: cfg.SimAutoClose.Std(), Baud: cfg.Baud, Pace: true}
	if adjust != nil {
		adjust(&ec)
	}
	emu, err := emulator.New(ec)
	if err != nil {
		return nil, fmt.Errorf("simbus: %w", err)
	}
	dir, err := os.MkdirTemp("", "pudo-lockboard-sim-")
	if err != nil {
		return nil, fmt.Errorf("simbus: %w", err)
	}
	pty, err := emu.ServePTY(filepath.Join(dir, "lockboard"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("simbus: %w", err)
	}
	return &Bus{Emu: emu, PTY: pty, dir: dir}, nil
}

// Path is the port to open.
func (b *Bus) Path() string { return b.PTY.Path() }

// Close unplugs the pty for good and removes its link.
func (b *Bus) Close() error {
	err := b.PTY.Close()
	os.RemoveAll(b.dir)
	return err
}
