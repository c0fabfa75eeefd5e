package sound

import (
	"strings"
	"time"

	"github.com/gen2brain/malgo"
)

// phones is the headphone output: a playback device of its own (a USB
// headset, a headphone socket that is a card of its own), found by name
// among the devices malgo lists and looked for again every few seconds,
// so that speech follows the plug. Only the player's goroutine uses it.
type phones struct {
	want  string // part of the device's name; "": no headphones configured
	every time.Duration
	dev   *malgo.Device // open while plugged in
	name  string
	// list lists the playback devices (tests pull the plug with it); nil:
	// malgo's list.
	list func(ctx *malgo.AllocatedContext) ([]malgo.DeviceInfo, error)
}

// Private reports whether speech goes to the headphones now.
func (p *Player) Private() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.private
}

// lookForPhones opens the headphones when they were plugged in and closes
// them when they were pulled.
func (p *Player) lookForPhones(ctx *malgo.AllocatedContext) {
	list := p.phones.list
	if list == nil {
		list = func(ctx *malgo.AllocatedContext) ([]malgo.DeviceInfo, error) { return ctx.Devices(malgo.Playback) }
	}
	devs, err := list(ctx)
	if err != nil {
		p.log.Warn("sound: devices not listed, headphones not looked for", "err", err)
		return
	}
	var found *malgo.DeviceInfo
	for i, d := range devs {
		if strings.Contains(strings.ToLower(d.Name()), strings.ToLower(p.phones.want)) {
			found = &devs[i]
			break
		}
	}
	switch {
	case found != nil && p.phones.dev == nil:
		p.plug(ctx, found)
	case found == nil && p.phones.dev != nil:
		p.log.Info("sound: headphones pulled out: speech on the loudspeaker", "device", p.phones.name)
		p.unplug()
	}
}

func (p *Player) plug(ctx *malgo.AllocatedContext, d *malgo.DeviceInfo) {
	cfg := malgo.DefaultDeviceConfig(malgo.Playback)
	cfg.Playback.Format = malgo.FormatS16
	cfg.Playback.Channels = 1
	cfg.Playback.DeviceID = d.ID.Pointer()
	cfg.SampleRate = rate
	dev, err := malgo.InitDevice(ctx.Context, cfg, malgo.DeviceCallbacks{Data: p.fillPhones})
	if err == nil && p.on.Load() { // else it starts with the loudspeaker, for the next sound
		if err = dev.Start(); err != nil {
			dev.Uninit()
		}
	}
	if err != nil {
		p.log.Warn("sound: headphones found but not opened: speech on the loudspeaker", "device", d.Name(), "err", err)
		return
	}
	p.phones.dev, p.phones.name = dev, d.Name()
	p.mu.Lock()
	p.private = true
	p.mu.Unlock()
	p.log.Info("sound: headphones plugged in: speech goes to them", "device", d.Name())
}

// unplug closes the headphones, if open; speech goes back to the
// loudspeaker where it was.
func (p *Player) unplug() {
	if p.phones.dev == nil {
		return
	}
	p.mu.Lock()
	p.private = false
	p.mu.Unlock()
	p.phones.dev.Uninit()
	p.phones.dev, p.phones.name = nil, ""
}

// fillPhones is the headphones' callback: the speech alone.
func (p *Player) fillPhones(out, _ []byte, frames uint32) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.private {
		clear(out)
		return
	}
	p.mix(out, frames, false, true)
}

// startPhones and stopPhones start and stop the headphones with the
// loudspeaker, so that a kiosk nobody uses runs neither.
func (p *Player) startPhones() {
	if p.phones.dev != nil {
		if err := p.phones.dev.Start(); err != nil {
			p.log.Warn("sound: headphones did not start", "err", err)
		}
	}
}

func (p *Player) stopPhones() {
	if p.phones.dev != nil {
		if err := p.phones.dev.Stop(); err != nil {
			p.log.Warn("sound: headphones did not stop", "err", err)
		}
	}
}
