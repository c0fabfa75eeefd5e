package lockio

import (
	"fmt"
	"os"
	"path/filepath"

	"pudo/lockio/emulator"
)

// startSim puts the emulator behind a pty so Port "sim" runs the same
// driver code, termios included, as a real adapter. The pty is reached
// through a symlink, as /dev/serial/by-id/… reaches a real one.
func (c *Controller) startSim() error {
	var boards []emulator.Board
	for _, b := range c.cfg.Boards {
		// In "onoff" mode the sim board has no flash registers, so the
		// demo proves the mode works where flash does not.
		boards = append(boards, emulator.Board{Address: b.Address, Channels: b.Channels, Feedback: b.Feedback,
			NoFlash: c.cfg.onOff()})
	}
	emu, err := emulator.New(emulator.Config{Protocol: c.cfg.Protocol, Boards: boards,
		AutoClose: c.cfg.SimAutoClose.Std(), Baud: c.cfg.Baud, Pace: true})
	if err != nil {
		return fmt.Errorf("lockio: sim: %w", err)
	}
	dir, err := os.MkdirTemp("", "pudo-lockboard-sim-")
	if err != nil {
		return fmt.Errorf("lockio: sim: %w", err)
	}
	pty, err := emu.ServePTY(filepath.Join(dir, "lockboard"))
	if err != nil {
		os.RemoveAll(dir)
		return fmt.Errorf("lockio: sim: %w", err)
	}
	c.sim, c.simPTY, c.simDir = emu, pty, dir
	return nil
}

func (c *Controller) stopSim() {
	if c.simPTY != nil {
		c.simPTY.Close()
		os.RemoveAll(c.simDir)
	}
}

// Sim is the built-in emulator when Port is "sim", else nil. The demo and
// tests use it to shut doors ("the shopper closed it") and inject faults.
func (c *Controller) Sim() *emulator.Emulator { return c.sim }

// SimPTY is the emulator's pty when Port is "sim", else nil; tests use it
// to pull the plug.
func (c *Controller) SimPTY() *emulator.PTY { return c.simPTY }
