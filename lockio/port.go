package lockio

import (
	"errors"
	"io"
	"io/fs"
	"time"

	"go.bug.st/serial"
)

// Port is the part of go.bug.st/serial.Port the driver uses. A read that
// times out returns (0, nil), as go.bug.st/serial does.
type Port interface {
	io.ReadWriteCloser
	SetReadTimeout(time.Duration) error
	ResetInputBuffer() error
	Drain() error
}

// opener opens the port at path; tests replace it to script open errors.
type opener func(path string, baud int) (Port, error)

func openSerial(path string, baud int) (Port, error) {
	// Mode.InitialStatusBits stays nil: modem ioctls fail on ptys and on
	// some adapters, and RS485 direction is the adapter's job.
	p, err := serial.Open(path, &serial.Mode{BaudRate: baud})
	if err != nil {
		return nil, err // a nil interface, not a nil *unixPort
	}
	return p, nil
}

// isPermission tells "fix the udev rule" from "adapter not there yet".
// serial.PortError has no Unwrap, so look at its code.
func isPermission(err error) bool {
	var pe *serial.PortError
	if errors.As(err, &pe) && pe.Code() == serial.PermissionDenied {
		return true
	}
	return errors.Is(err, fs.ErrPermission)
}
