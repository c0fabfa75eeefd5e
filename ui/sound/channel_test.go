package sound

import (
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gen2brain/malgo"

	"pudo/app/testenv"
)

func level(n int, v int16) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// drain plays everything on the speech channel through fill, a buffer
// at a time, and returns the samples.
func drain(p *Player) []int16 {
	var got []int16
	out := make([]byte, 2*256)
	for {
		p.mu.Lock()
		left := len(p.speech)
		p.mu.Unlock()
		if left == 0 {
			return got
		}
		p.fill(out, nil, 256)
		for i := 0; i < min(256, left); i++ {
			got = append(got, int16(uint16(out[2*i])|uint16(out[2*i+1])<<8))
		}
	}
}

// A new screen's words come after the word being said: the old one is
// cut in the quiet after its word, never mid-word, and the rest of it is
// not said.
func TestSpliceAtWordBoundary(t *testing.T) {
	word1, word2 := level(1000, 8000), level(1000, 7000)
	p := &Player{nextAt: -1, speechGain: 1}
	p.speech = slices.Concat(word1, level(2*wordGap, 0), word2)
	p.speechID = 1
	var ids []uint64
	p.onSpeech = func(id uint64) { ids = append(ids, id) }
	p.fill(make([]byte, 2*100), nil, 100) // 100 samples into word 1
	p.splice(request{pcm: level(500, -5000), gain: 1, id: 2, cut: CutWord})
	got := drain(p)
	if n := count(got, 8000); n != 900 {
		t.Errorf("%d samples of word 1 after the splice, want its 900 left", n)
	}
	if count(got, 7000) != 0 {
		t.Error("word 2 of the old utterance was said")
	}
	if count(got, -5000) != 500 || got[len(got)-1] != -5000 {
		t.Errorf("the new utterance is not said whole at the end")
	}
	if !slices.Equal(ids, []uint64{1, 2}) {
		t.Errorf("heard %v", ids)
	}
}

func count(s []int16, v int16) (n int) {
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}

// The person's key cuts at once.
func TestSpliceNowCutsAtOnce(t *testing.T) {
	p := &Player{nextAt: -1, speechGain: 1, speech: level(5000, 8000), speechID: 1}
	p.splice(request{pcm: level(10, -5000), gain: 1, id: 2, cut: CutNow})
	got := drain(p)
	if count(got, 8000) != 0 || count(got, -5000) != 10 {
		t.Fatalf("got %d old, %d new samples", count(got, 8000), count(got, -5000))
	}
}

// An utterance spliced in but not begun gives way to a newer one: the
// old one still ends at its word, the middle one is never heard.
func TestSpliceReplacesOneNotBegun(t *testing.T) {
	p := &Player{nextAt: -1, speechGain: 1, speech: slices.Concat(level(300, 8000), level(2*wordGap, 0), level(3000, 7000)), speechID: 1}
	var ids []uint64
	p.onSpeech = func(id uint64) { ids = append(ids, id) }
	p.splice(request{pcm: level(100, -5000), gain: 1, id: 2, cut: CutWord})
	p.splice(request{pcm: level(100, -6000), gain: 1, id: 3, cut: CutWord})
	got := drain(p)
	if count(got, 8000) != 300 || count(got, 7000) != 0 || count(got, -5000) != 0 || count(got, -6000) != 100 {
		t.Fatalf("old %d, rest %d, middle %d, newest %d", count(got, 8000), count(got, 7000), count(got, -5000), count(got, -6000))
	}
	if !slices.Equal(ids, []uint64{1, 3}) {
		t.Fatalf("heard %v", ids)
	}
}

func TestWordEnd(t *testing.T) {
	for name, c := range map[string]struct {
		pcm  []int16
		want int
	}{
		"quiet after a word": {slices.Concat(level(100, 9000), level(wordGap, 0), level(100, 9000)), 100 + wordGap/2},
		"a stop inside it":   {slices.Concat(level(100, 9000), level(wordGap/4, 0), level(100, 9000)), 200 + wordGap/4},
		"no quiet at all":    {level(3*rate, 9000), maxWordDelay},
		"empty":              {nil, 0},
	} {
		if got := wordEnd(c.pcm); got != c.want {
			t.Errorf("%s: %d, want %d", name, got, c.want)
		}
	}
}

// With headphones configured, speech goes to them while they are plugged
// in and back to the loudspeaker when they are pulled out. The null
// backend lists one device, "NULL Playback Device": the headphones here.
func TestHeadphonesFollowThePlug(t *testing.T) {
	var pulled atomic.Bool
	list := func(ctx *malgo.AllocatedContext) ([]malgo.DeviceInfo, error) {
		if pulled.Load() {
			return nil, nil
		}
		return ctx.Devices(malgo.Playback)
	}
	p, err := open(nil, quiet, [][]malgo.Backend{{backendNull}},
		PlayerOptions{Headphones: "null playback", Poll: 10 * time.Millisecond, list: list})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	await := func(what string, private bool) {
		t.Helper()
		testenv.Await(t, what, func() bool { return p.Private() == private })
	}
	await("the headphones to be found", true)
	ch := heard(p)
	p.speak(level(rate, 5000), 1, 7, CutNow)
	if id := waitHeard(t, ch); id != 7 {
		t.Fatalf("heard %d on the headphones", id)
	}
	pulled.Store(true)
	await("the headphones to be pulled", false)
	p.speak(level(rate, 5000), 1, 8, CutNow)
	if id := waitHeard(t, ch); id != 8 {
		t.Fatalf("heard %d on the loudspeaker", id)
	}
}

// A newer utterance that comes in the pause between the old one's cut and
// the next one's start replaces the next one there.
func TestSpliceInThePause(t *testing.T) {
	p := &Player{nextAt: -1, speechGain: 1, speech: slices.Concat(level(300, 8000), level(2*wordGap, 0), level(3000, 7000)), speechID: 1}
	p.splice(request{pcm: level(100, -5000), gain: 1, id: 2, cut: CutWord})
	p.fill(make([]byte, 2*(p.cutAt+10)), nil, uint32(p.cutAt+10)) // into the pause
	p.splice(request{pcm: level(100, -6000), gain: 1, id: 3, cut: CutWord})
	got := drain(p)
	if count(got, -5000) != 0 || count(got, -6000) != 100 || count(got, 7000) != 0 {
		t.Fatalf("middle %d, newest %d, old rest %d", count(got, -5000), count(got, -6000), count(got, 7000))
	}
}
