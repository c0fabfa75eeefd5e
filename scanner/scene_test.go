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

// After a full round of hard stages on an unchanged scene the decoder stops
// spending its budget there, and starts again when the scene changes.
func TestStillSceneStopsSpendingBudget(t *testing.T) {
	var s scene
	f := image.NewGray(image.Rect(0, 0, 64, 48))
	s.look(f)
	s.tried = 11
	if !s.exhausted(11) {
		t.Fatal("not exhausted after a full round")
	}
	g := image.NewGray(f.Rect)
	for i := range g.Pix {
		g.Pix[i] = 200
	}
	s.look(g)
	if s.exhausted(11) {
		t.Fatal("still exhausted after the scene changed")
	}
}
