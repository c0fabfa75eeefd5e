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

// showAdminHardware tests the devices: the lock-board bus, the code
// readers with a live camera picture and the last code read, and sounds.
func (k *Kiosk) showAdminHardware() {
	left := container.NewVBox(title(tr("hw.board")))
	left.Add(k.boardStatus())
	if k.hwScan != "" {
		left.Add(line(k.hwScan))
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
	controls := []fyne.CanvasObject{k.button(tr("hw.busscan"), theme.SearchIcon(), k.busScan)}
	if k.opts.Board != nil && k.opts.Board.Health().State != lockio.BusUp {
		// The driver retries a vanished adapter by itself but not a
		// permission error: staff fix the cause, then say "try again".
		controls = append(controls, k.button(tr("hw.reconnect"), theme.ViewRefreshIcon(), func() {
			k.log.Info("staff asked the lock board to reconnect", "staff", k.staff.Name())
			k.opts.Board.Reconnect()
			k.showAdminHardware()
		}))
	}
	k.adminScreen("admin.hardware", tr("admin.hardware.title"), row(left, right), row(controls...), sounds)
	k.livePreview(preview)
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

// busScan asks every address on the bus who is there (commissioning).
func (k *Kiosk) busScan() {
	b := k.opts.Board
	if b == nil {
		return
	}
	k.hwScan = tr("hw.scanning")
	k.showAdminHardware()
	k.async(func() {
		found, err := b.Scan(context.Background())
		fyne.Do(func() {
			switch {
			case err != nil:
				k.log.Warn("bus scan", "err", err)
				k.hwScan = tr("hw.scan.failed")
			case len(found) == 0:
				k.hwScan = tr("hw.scan.none")
			default:
				s := tr("hw.scan.found")
				for _, f := range found {
					s += fmt.Sprintf(" %d", f.Address)
					if f.Collision {
						s += "(!)"
					}
				}
				k.hwScan = s
			}
			if k.screen == "admin.hardware" {
				k.showAdminHardware()
			}
		})
	})
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
