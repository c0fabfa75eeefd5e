package voice

import (
	"strings"
	"testing"
)

var demoSizes = []string{"SSSSMM", "SSMMLL", "MMMLL", "SSSSSML"}

func TestDoorWay(t *testing.T) {
	cab := DemoWayfinding().Cabinet(demoSizes)
	tests := []struct {
		door, col, row int
		want           string
	}{
		{1, 1, 1, "door.where(Door=1 Column=col.left.2 Height=height.shoulder)"},
		{6, 1, 6, "door.where(Door=6 Column=col.left.2 Height=height.floor)"},
		{5, 1, 5, "door.where(Door=5 Column=col.left.2 Height=height.knee)"},
		{10, 2, 4, "door.where(Door=10 Column=col.left.1 Height=height.waist)"},
		{14, 3, 2, "door.where(Door=14 Column=col.right.1 Height=height.chest)"},
		{19, 4, 2, "door.where(Door=19 Column=col.right.2 Height=height.shoulder)"},
	}
	for _, tt := range tests {
		if got := phraseString(cab.DoorWay(tt.door, tt.col, tt.row)); got != tt.want {
			t.Errorf("door %d: %s, want %s", tt.door, got, tt.want)
		}
	}
	if got := phraseString(cab.ScannerWay()); got != "scanner.where(Place=col.below Height=height.waist)" {
		t.Errorf("scanner: %s", got)
	}
}

func TestDoorPlaceHeights(t *testing.T) {
	cab := DemoWayfinding().Cabinet(demoSizes)
	// Column 1, SSSSMM on a 10 cm plinth: M 10-40, M 40-70, S 70-90, ...
	for row, want := range map[int]int{6: 25, 5: 55, 4: 80, 1: 140} {
		p, ok := cab.DoorPlace(1, row)
		if !ok || p.Height != want || !p.Known || p.FromScreen != -2 {
			t.Errorf("row %d: %+v %v, want height %d", row, p, ok, want)
		}
	}
	if _, ok := cab.DoorPlace(5, 1); ok {
		t.Error("column 5 of 4 placed")
	}
	if _, ok := cab.DoorPlace(3, 6); ok {
		t.Error("row 6 of 5 placed")
	}
}

func TestDoorWayWithoutPlaces(t *testing.T) {
	w := DemoWayfinding()
	w.Columns = nil
	got := phraseString(w.Cabinet(demoSizes).DoorWay(14, 3, 2))
	if got != "door.grid(Door=14 Col=3 Row=2)" {
		t.Errorf("%s", got)
	}
}

func TestWayInTheScreensColumn(t *testing.T) {
	w := DemoWayfinding()
	w.Columns = []int{-1, 0, 1, 5}
	cab := w.Cabinet(demoSizes)
	for _, tt := range []struct {
		col, row int
		want     string
	}{
		{2, 6, "Column=col.below"}, {2, 1, "Column=col.above"}, {4, 1, "Column=col.right.many(N=5)"},
	} {
		if got := phraseString(cab.DoorWay(1, tt.col, tt.row)); !strings.Contains(got, tt.want) {
			t.Errorf("col %d row %d: %s, want %s", tt.col, tt.row, got, tt.want)
		}
	}
}

func TestWayfindingValidate(t *testing.T) {
	if err := DemoWayfinding().Validate(demoSizes); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		change func(*Wayfinding)
		want   string
	}{
		"count":     {func(w *Wayfinding) { w.Columns = []int{1, 2} }, "locker.wayfinding.columns: 2 places for 4"},
		"order":     {func(w *Wayfinding) { w.Columns = []int{1, -1, 2, 3} }, "must grow"},
		"twice":     {func(w *Wayfinding) { w.Columns = []int{-1, 1, 1, 2} }, "must grow"},
		"height":    {func(w *Wayfinding) { w.DoorHeights.M = 0 }, "door_heights"},
		"screen":    {func(w *Wayfinding) { w.ScreenHeight = 400 }, "screen_height"},
		"scanner":   {func(w *Wayfinding) { w.ScannerHeight = 0 }, "scanner_height"},
		"plinth":    {func(w *Wayfinding) { w.Plinth = -1 }, "plinth"},
		"no places": {func(w *Wayfinding) { w.Columns = nil }, ""},
	}
	for name, tt := range tests {
		w := DemoWayfinding()
		tt.change(&w)
		err := w.Validate(demoSizes)
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: %v, want %q", name, err, tt.want)
		}
	}
}
