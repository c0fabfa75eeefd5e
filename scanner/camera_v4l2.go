//go:build linux

package scanner

import (
	"context"
	"errors"
	"fmt"
	"image"

	"github.com/blackjack/webcam"
)

// V4L2 pixel formats we can turn into luminance without RGBA.
const (
	fourccYUYV = webcam.PixelFormat('Y' | 'U'<<8 | 'Y'<<16 | 'V'<<24)
	fourccMJPG = webcam.PixelFormat('M' | 'J'<<8 | 'P'<<16 | 'G'<<24)
	fourccGREY = webcam.PixelFormat('G' | 'R'<<8 | 'E'<<16 | 'Y'<<24)
)

type v4l2Frames struct {
	cam       *webcam.Webcam
	format    webcam.PixelFormat
	w, h      int
	maxPixels int
	desc      string
}

// openV4L2 opens the device and starts streaming in the first format we can
// convert cheaply: GREY, then YUYV (Y plane is every other byte), then MJPEG.
func openV4L2(cfg CameraConfig, maxPixels int) (FrameSource, error) {
	cam, err := webcam.Open(cfg.Device)
	if err != nil {
		return nil, fmt.Errorf("scanner: camera %s: %w", cfg.Device, err)
	}
	f, err := startV4L2(cam, cfg, maxPixels)
	if err != nil {
		cam.Close()
		return nil, fmt.Errorf("scanner: camera %s: %w", cfg.Device, err)
	}
	return f, nil
}

func startV4L2(cam *webcam.Webcam, cfg CameraConfig, maxPixels int) (*v4l2Frames, error) {
	supported := cam.GetSupportedFormats()
	var format webcam.PixelFormat
	for _, f := range []webcam.PixelFormat{fourccGREY, fourccYUYV, fourccMJPG} {
		if _, ok := supported[f]; ok {
			format = f
			break
		}
	}
	if format == 0 {
		return nil, errors.New("no GREY, YUYV or MJPEG format")
	}
	format, w, h, err := cam.SetImageFormat(format, uint32(cfg.Width), uint32(cfg.Height))
	if err != nil {
		return nil, fmt.Errorf("set format: %w", err)
	}
	if err := checkSize(int(w), int(h), maxPixels); err != nil {
		return nil, fmt.Errorf("the driver chose %w", err)
	}
	_ = cam.SetFramerate(float32(cfg.FPS)) // not every driver supports it; the default rate works
	_ = cam.SetBufferCount(2)              // fewer buffers, fresher frames
	if err := cam.StartStreaming(); err != nil {
		return nil, fmt.Errorf("start streaming: %w", err)
	}
	return &v4l2Frames{
		cam: cam, format: format, w: int(w), h: int(h), maxPixels: maxPixels,
		desc: fmt.Sprintf("%s %dx%d %s", cfg.Device, w, h, fourccName(format)),
	}, nil
}

func fourccName(f webcam.PixelFormat) string {
	return string([]byte{byte(f), byte(f >> 8), byte(f >> 16), byte(f >> 24)})
}

func (v *v4l2Frames) Describe() string { return v.desc }
func (v *v4l2Frames) Close() error     { return v.cam.Close() }

// Next waits for a frame in short slices so ctx is noticed within a second.
func (v *v4l2Frames) Next(ctx context.Context) (*image.Gray, error) {
	for ctx.Err() == nil {
		err := v.cam.WaitForFrame(1)
		var timeout *webcam.Timeout
		if errors.As(err, &timeout) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("scanner: camera: wait: %w", err)
		}
		buf, idx, err := v.cam.GetFrame()
		if err != nil {
			return nil, fmt.Errorf("scanner: camera: read: %w", err)
		}
		if len(buf) == 0 {
			continue
		}
		// Convert before requeueing: the driver refills the buffer as soon as it is back.
		g, err := v.convert(buf)
		if rerr := v.cam.ReleaseFrame(idx); rerr != nil && err == nil {
			err = fmt.Errorf("scanner: camera: requeue: %w", rerr)
		}
		return g, err
	}
	return nil, ctx.Err()
}

// convert copies out of the driver's mmap buffer.
func (v *v4l2Frames) convert(buf []byte) (*image.Gray, error) {
	switch v.format {
	case fourccYUYV:
		return GrayFromYUYV(buf, v.w, v.h)
	case fourccMJPG:
		return GrayFromJPEG(buf, v.maxPixels)
	default:
		return GrayFromGrey(buf, v.w, v.h)
	}
}
