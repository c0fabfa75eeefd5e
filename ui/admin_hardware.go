package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"pudo/lockio"
)

// adminHardwareScreen tests the devices: the lock-board bus, the code
// readers with a live camera picture and the last code read, and sounds.
type adminHardwareScreen struct {
	busScan string // the last bus scan's outcome
}

func (s *adminHardwareScreen) idle() idleRule { return idleAdmin }

// scanned: any code read shows as the last one, so staff can test readers.
func (s *adminHardwareScreen) scanned(k *Kiosk, _ string) { k.refresh(s) }

func (s *adminHardwareScreen) draw(k *Kiosk) fyne.CanvasObject {
	left := container.NewVBox(title(tr("hw.board")))
	left.Add(k.boardStatus())
	if s.busScan != "" {
		left.Add(line(s.busScan))
	}
	right := container.NewVBox(title(tr("hw.scanner")))
	right.Add(k.scannerStatus())
	right.Add(say(trf("hw.lastread", "Text", orDash(k.lastScan))))
	preview := canvas.NewImageFromImage(nil)
	preview.FillMode = canvas.ImageFillContain
	preview.SetMinSize(fyne.NewSize(320, 240))
	right.Add(preview)
	sounds := row(
		k.button(tr("hw.sound.scan"), theme.VolumeUpIcon(), func() { k.play(SoundScan) }),
		k.button(tr("hw.sound.wrong"), theme.VolumeUpIcon(), func() { k.play(SoundWrong) }),
		k.button(tr("hw.sound.open"), theme.VolumeUpIcon(), func() { k.play(SoundOpen) }),
		k.button(tr("hw.sound.leftopen"), theme.VolumeUpIcon(), func() { k.play(SoundLeftOpen) }))
	controls := []fyne.CanvasObject{k.button(tr("hw.busscan"), theme.SearchIcon(), func() { s.scanBus(k) })}
	if k.opts.Board != nil && k.opts.Board.Health().State != lockio.BusUp {
		// The driver retries a vanished adapter by itself but not a
		// permission error: staff fix the cause, then say "try again".
		controls = append(controls, k.button(tr("hw.reconnect"), theme.ViewRefreshIcon(), func() {
			k.log.Info("staff asked the lock board to reconnect", "staff", k.staff.Name())
			k.opts.Board.Reconnect()
			k.refresh(s)
		}))
	}
	k.livePreview(preview)
	return k.adminFrame(tabHardware, tr("admin.hardware.title"), row(left, right), row(controls...), sounds)
}

// livePreview shows the newest camera frame twice a second; LastFrame is
// a snapshot under a mutex, not I/O.
func (k *Kiosk) livePreview(img *canvas.Image) {
	if k.opts.Scanners == nil {
		return
	}
	if f := k.opts.Scanners.LastFrame(); f != nil {
		img.Image = f
		img.Refresh()
	}
	k.later(500*time.Millisecond, func() { k.livePreview(img) })
}

func (k *Kiosk) boardStatus() fyne.CanvasObject {
	if k.opts.Board == nil {
		return say(tr("hw.none"))
	}
	h := k.opts.Board.Health()
	box := container.NewVBox(line(fmt.Sprintf("%s  %s  %s", h.Protocol, h.Port, tr("bus."+string(h.State)))))
	for _, b := range h.Boards {
		state := tr("hw.board.silent")
		if b.Answering {
			state = tr("hw.board.ok")
		}
		box.Add(line(fmt.Sprintf("%s %d: %s  %s %d  0x%X", tr("hw.board.addr"), b.Address, state,
			tr("hw.timeouts"), b.Timeouts, b.Raw)))
	}
	// A relay whose OFF was never confirmed may hold a lock coil energised:
	// staff must know which door to check.
	for _, d := range h.RelaysOn() {
		box.Add(warn(trf("hw.relayon", "Door", d.String())))
	}
	return box
}

func (k *Kiosk) scannerStatus() fyne.CanvasObject {
	if k.opts.Scanners == nil {
		return say(tr("hw.none"))
	}
	box := container.NewVBox()
	for _, s := range k.opts.Scanners.Status() {
		state := tr("hw.down")
		if s.Up {
			state = tr("hw.up")
		}
		box.Add(line(fmt.Sprintf("%s: %s (%d)", s.Source, state, s.Reads)))
	}
	return box
}

// scanBus asks every address on the bus who is there (commissioning).
func (s *adminHardwareScreen) scanBus(k *Kiosk) {
	b := k.opts.Board
	if b == nil {
		return
	}
	s.busScan = tr("hw.scanning")
	k.refresh(s)
	k.async(func() {
		found, err := b.Scan(context.Background())
		fyne.Do(func() {
			switch {
			case err != nil:
				k.log.Warn("bus scan", "err", err)
				s.busScan = tr("hw.scan.failed")
			case len(found) == 0:
				s.busScan = tr("hw.scan.none")
			default:
				text := tr("hw.scan.found")
				for _, f := range found {
					text += fmt.Sprintf(" %d", f.Address)
					if f.Collision {
						text += "(!)"
					}
				}
				s.busScan = text
			}
			k.refresh(s)
		})
	})
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
