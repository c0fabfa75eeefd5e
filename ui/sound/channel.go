package sound

// Cut is where a new utterance cuts the one being said.
type Cut uint8

const (
	// CutNow: at once. The person pressed a key or touched the screen:
	// what they did is answered before anything else.
	CutNow Cut = iota
	// CutWord: at the end of the word being said. A new screen follows
	// what the locker did; cut mid-word, the old phrase would leave a
	// half-word that sounds like another.
	CutWord
)

// A word boundary is a stretch of quiet between words: espeak-ng leaves
// 40 ms or more between most words, and 4 to 20 ms inside them (a stop
// consonant).
const (
	quietLevel   = 400
	wordGap      = rate * 40 / 1000
	maxWordDelay = rate // a word longer than this (it never is) is cut anyway
)

// splice puts the utterance of r on the speech channel: for CutNow in
// place of what is playing, for CutWord after the end of the word being
// said, a short pause between them. An utterance spliced in earlier that
// has not begun yet gives way to r. p.mu is held.
func (p *Player) splice(r request) {
	p.speechGain = r.gain
	if p.nextAt >= 0 { // the next one never began: the old one ends where it was cut
		p.speech, p.nextAt = p.speech[:p.cutAt], -1
	}
	if r.cut == CutNow || len(p.speech) == 0 {
		p.speech, p.speechID = r.pcm, r.id
		return
	}
	cut := wordEnd(p.speech)
	s := make([]int16, 0, cut+gap/2+len(r.pcm))
	s = append(append(append(s, p.speech[:cut]...), make([]int16, gap/2)...), r.pcm...)
	p.speech, p.cutAt, p.nextAt, p.nextID = s, cut, cut+gap/2, r.id
}

// wordEnd is where the word being said at the start of pcm ends: the
// middle of the first quiet stretch long enough to be between words, the
// end of pcm if it has none.
func wordEnd(pcm []int16) int {
	run := 0
	for i, v := range pcm {
		if i >= maxWordDelay && run == 0 {
			return i
		}
		if v > -quietLevel && v < quietLevel {
			run++
			if run == wordGap {
				return i + 1 - wordGap/2
			}
			continue
		}
		run = 0
	}
	return len(pcm)
}

// hear reports utterance id's first samples going to a device. p.mu is held.
func (p *Player) hear(id uint64) {
	if p.heard == id {
		return
	}
	p.heard = id
	if p.onSpeech != nil {
		p.onSpeech(id)
	}
}

// advance moves the splice point on by n samples played; the utterance
// spliced in is playing once it is passed. p.mu is held.
func (p *Player) advance(n int) {
	if p.nextAt < 0 {
		return
	}
	if p.nextAt < n {
		p.speechID, p.nextAt = p.nextID, -1
		p.hear(p.speechID)
		return
	}
	p.nextAt -= n
	p.cutAt = max(p.cutAt-n, 0) // in the pause between them, nothing of the old one is left
}

// saying reports whether utterance id is still to be heard, in part or
// whole.
func (p *Player) saying(id uint64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.nextAt >= 0 {
		return p.nextID == id
	}
	return p.speechID == id && len(p.speech) > 0
}
