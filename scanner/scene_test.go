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

// Once the hard steps a scene allows have run, the decoder spends only the
// cheap stage's work on further frames of it, and works again when the
// scene changes.
func TestStillSceneStopsSpendingWork(t *testing.T) {
	d, err := NewDecoder(DefaultConfig().Formats)
	if err != nil {
		t.Fatal(err)
	}
	g := loadGray(t, "testdata/photos/falsepositives-2/10.png")
	cheap := newFrame(g)
	stages[0].run(d, cheap, 0)
	var costs []int64
	for range 40 {
		d.DecodeFrame(g)
		costs = append(costs, d.spent)
	}
	if costs[0] <= cheap.spent {
		t.Fatalf("first frame cost %d units, the cheap stage alone %d: no hard work done", costs[0], cheap.spent)
	}
	if last := costs[len(costs)-1]; last != cheap.spent {
		t.Fatalf("after 40 still frames a frame costs %d units, want the cheap stage's %d", last, cheap.spent)
	}
	moved := image.NewGray(g.Rect)
	for i := range moved.Pix {
		moved.Pix[i] = 255 - g.Pix[i]
	}
	d.DecodeFrame(moved)
	again := newFrame(moved)
	stages[0].run(d, again, 0)
	if d.spent <= again.spent {
		t.Fatal("the scene changed but the decoder did no hard work on it")
	}
}
