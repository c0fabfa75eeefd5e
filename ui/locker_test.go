package ui

import (
	"math"
	"strconv"
	"testing"

	"fyne.io/fyne/v2"
)

// pictured is where each door is drawn on the locker's picture on show.
func pictured(t *testing.T, f *fixture) map[int64][2]fyne.Position {
	t.Helper()
	out := map[int64][2]fyne.Position{}
	for _, o := range f.visibleObjects() {
		c, ok := o.(*fyne.Container)
		if !ok {
			continue
		}
		l, ok := c.Layout.(*cabinetLayout)
		if !ok {
			continue
		}
		for i, p := range l.parts {
			if p.number == nil {
				continue
			}
			id, _ := strconv.ParseInt(p.number.Text, 10, 64)
			o := c.Objects[i]
			out[id] = [2]fyne.Position{o.Position(), fyne.NewPos(o.Size().Width, o.Size().Height)}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no picture of the locker on %s", screenName(f.k.shown))
	}
	return out
}

// The door map draws each door as tall as its size makes it, in every
// column alike (a Medium door is not as tall as a Large one because its
// column has fewer doors), and it is the same picture as Help's: the
// doors' places and sizes agree, at any scale.
func TestDoorMapToScale(t *testing.T) {
	for _, panel := range []fyne.Size{landscape, portrait} {
		f := newFixture(t)
		f.w.Resize(panel)
		f.tap(t, tr("home.help"))
		help := pictured(t, f)
		f.tap(t, tr("common.home"))
		toDoorScene(t, f)
		door := pictured(t, f)
		h := func(m map[int64][2]fyne.Position, id int64) float64 { return float64(m[id][1].Y) }
		for _, c := range []struct {
			a, b int64
			want float64
		}{{11, 5, 40.0 / 30}, {7, 1, 1}, {13, 5, 1}, {17, 1, 2}} { // L/M, S/S, M/M, L/S by the demo's heights
			if got := h(door, c.a) / h(door, c.b); math.Abs(got-c.want) > 0.06 {
				t.Errorf("%v: door %d is %.2f times door %d's height, want %.2f", panel, c.a, got, c.b, c.want)
			}
		}
		unit := func(m map[int64][2]fyne.Position) float64 { return h(m, 1) }
		for id := range help {
			for k := range 2 {
				hp, dp := help[id][k], door[id][k]
				hx, dx := float64(hp.X-help[1][0].X*float32(1-k))/unit(help), float64(dp.X-door[1][0].X*float32(1-k))/unit(door)
				hy, dy := float64(hp.Y-help[1][0].Y*float32(1-k))/unit(help), float64(dp.Y-door[1][0].Y*float32(1-k))/unit(door)
				if math.Abs(hx-dx) > 0.1 || math.Abs(hy-dy) > 0.1 {
					t.Errorf("%v: door %d is drawn at %v on help, %v on the door map (in door 1's heights)", panel, id, [2]float64{hx, hy}, [2]float64{dx, dy})
				}
			}
		}
	}
}
