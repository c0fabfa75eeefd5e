//go:build cgo

package doctor

import (
	"fmt"
	"strings"

	"github.com/gen2brain/malgo"
)

// checkSound initialises the audio library the kiosk plays its sounds
// with and lists the playback devices. No device is a warning: the kiosk
// works silently.
func checkSound() Result {
	ctx, err := malgo.InitContext(nil, malgo.ContextConfig{}, nil)
	if err != nil {
		return Result{"sound", Warn, "no audio backend: " + err.Error()}
	}
	defer func() {
		ctx.Uninit()
		ctx.Free()
	}()
	devs, err := ctx.Devices(malgo.Playback)
	if err != nil {
		return Result{"sound", Warn, "listing playback devices: " + err.Error()}
	}
	var names []string
	for i := range devs {
		n := devs[i].Name()
		// ALSA's null device ("Discard all samples") is there even with no
		// card, and miniaudio falls back to its own "NULL Playback Device".
		if l := strings.ToLower(n); strings.Contains(l, "discard") || strings.HasPrefix(l, "null ") {
			continue
		}
		if devs[i].IsDefault != 0 {
			n += " (default)"
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return Result{"sound", Warn, "no playback device: the kiosk will be silent"}
	}
	return Result{"sound", OK, fmt.Sprintf("%d playback device(s): %s", len(names), strings.Join(names, ", "))}
}
