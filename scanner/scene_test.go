package scanner

import (
	"image"
	"testing"
)

func TestSceneNoticesMovementNotNoise(t *testing.T) {
	base := image.NewGray(image.Rect(0, 0, 640, 480))
	for i := range base.Pix {
		base.Pix[i] = uint8(i % 251)
	}
	noisy := stillScene([]*image.Gray{base}, 2)
	moved := image.NewGray(base.Rect)
	copy(moved.Pix, base.Pix)
	for y := 100; y < 380; y++ { // a phone held up: a bright patch
		for x := 200; x < 440; x++ {
			moved.Pix[y*moved.Stride+x] = 250
		}
	}
	var s scene
	steps := []struct {
		name  string
		frame *image.Gray
		want  bool
	}{
		{"first frame", base, true},
		{"same frame", base, false},
		{"sensor noise", noisy[0], false},
		{"other noise", noisy[1], false},
		{"a phone held up", moved, true},
		{"held still", moved, false},
	}
	for _, st := range steps {
		if got := s.look(st.frame); got != st.want {
			t.Errorf("%s: moved = %v, want %v", st.name, got, st.want)
		}
	}
	// A tiny frame cannot be divided into cells: always "moved", never a panic.
	if !s.look(image.NewGray(image.Rect(0, 0, 8, 8))) {
		t.Error("tiny frame: want moved")
	}
}

// After every hard step has run on an unchanged scene the decoder stops
// spending work there, and starts again when the scene changes.
func TestStillSceneStopsSpendingWork(t *testing.T) {
	d, err := NewDecoder(DefaultConfig().Formats)
	if err != nil {
		t.Fatal(err)
	}
	g := loadGray(t, "testdata/photos/falsepositives/01.png")
	for range 40 {
		d.DecodeFrame(g)
	}
	if !d.done() {
		t.Fatalf("after 40 still frames the decoder is still at %v of %d stages", d.next, len(stages))
	}
	moved := image.NewGray(g.Rect)
	for i := range moved.Pix {
		moved.Pix[i] = 255 - g.Pix[i]
	}
	d.DecodeFrame(moved)
	if d.done() {
		t.Fatal("the scene changed but the decoder did no hard work on it")
	}
}
