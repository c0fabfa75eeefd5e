package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
)

// courierMenuScreen is where a courier chooses the next task; they stay in
// it until they log out or walk away.
type courierMenuScreen struct{ v *app.CourierMenuView }

func (s *courierMenuScreen) idle() app.Idle { return s.v.Idle() }

func (s *courierMenuScreen) draw(k *Kiosk) fyne.CanvasObject {
	top := container.NewVBox(k.logo(), title(trf("courier.hello", "Name", s.v.Courier)), say(tr("courier.what")))
	return arrange(top,
		k.mainButton(tr("courier.drop"), theme.DownloadIcon(), func() { k.send(app.StartDrop{}) }),
		row(k.button(tr("courier.expired"), theme.HistoryIcon(), func() { k.sendWaiting(app.StartBatch{Kind: app.BatchExpired}) }),
			k.button(tr("courier.returns"), theme.UploadIcon(), func() { k.sendWaiting(app.StartBatch{Kind: app.BatchReturns}) })),
		k.button(tr("courier.logout"), theme.LogoutIcon(), func() { k.send(app.Logout{}) }))
}

// dropScreen asks for a parcel label, or a size for a parcel without one.
type dropScreen struct{ v *app.DropView }

func (s *dropScreen) idle() app.Idle { return s.v.Idle() }

func (s *dropScreen) draw(k *Kiosk) fyne.CanvasObject {
	v := s.v
	lines := []fyne.CanvasObject{title(tr("drop.title")), say(tr("drop.hint"))}
	if v.Stored != 0 {
		lines = append(lines, say(trf("drop.stored", "Door", v.Stored)))
	}
	if v.Unbooked != "" {
		lines = append(lines, warn(trf("drop.unknown", "Ref", v.Unbooked)))
	}
	low := tr("drop.low.off")
	if v.PreferLow {
		low = tr("drop.low.on")
	}
	lowB := k.button(low, theme.MoveDownIcon(), func() { k.send(app.TogglePreferLow{}) })
	if v.PreferLow {
		lowB.Importance = widget.HighImportance
	}
	size := func(z app.Size) fyne.CanvasObject {
		return k.mainButton(tr("size."+string(z)), nil, func() { k.sendWaiting(app.ChooseSize{Size: z}) })
	}
	return arrange(container.NewVBox(lines...), lowB, row(size(app.SizeS), size(app.SizeM), size(app.SizeL)),
		k.button(tr("courier.menu"), theme.MenuIcon(), func() { k.send(app.Back{}) }))
}
