//go:build !linux

package scanner

import (
	"errors"
)

func openV4L2(cfg CameraConfig, _ int) (FrameSource, error) {
	return nil, errors.New("scanner: camera " + cfg.Device + ": V4L2 needs Linux")
}
