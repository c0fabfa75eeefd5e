package ui

import (
	"runtime"
	"testing"
)

// TestRedrawsKeepNoMemory draws home and staff screens again and again:
// the heap must not grow with each drawing. A theme override around part
// of a screen once cost 19 MB a drawing of home, kept for good (Fyne
// parses its fonts again for each override's scope, button_render.go);
// the hardware screen's dense lines were drawn in one too (denseLayout).
func TestRedrawsKeepNoMemory(t *testing.T) {
	if raceOn {
		t.Skip("drawing has no data races to find, and the heap is what -race grows; make test runs this without -race")
	}
	heap := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	for _, scene := range []string{"home", "admin-doors", "admin-hardware"} {
		f := newFixture(t) // each scene from the start
		sceneNamed(t, scene).setup(t, f)
		draw := func(n int) {
			for range n {
				f.k.refresh(f.k.shown)
				f.w.Canvas().Capture()
			}
		}
		draw(2) // what the first drawings cache for good
		before := heap()
		draw(10)
		if grew := int64(heap()) - int64(before); grew > 10<<20 {
			t.Errorf("%s: 10 more drawings kept %d MB", scene, grew>>20)
		}
	}
}
