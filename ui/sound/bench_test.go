package sound

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"pudo/app/voice"
	"pudo/assets"
)

// uncachedDoor numbers the uncached phrases across the benchmark's runs.
var uncachedDoor = 1000

// BenchmarkSpeakToFirstSample is the time from asking to speak to the
// first sample of it reaching the audio device's callback (miniaudio's
// real null backend, which pulls samples in real time as a sound card
// does, a period of 10 ms at a time): a pre-generated tone handed to the player (the baseline: the
// device's own latency), a catalogue phrase from the memory cache, one
// from the disk cache, and the way to a door that espeak-ng must render
// first.
func BenchmarkSpeakToFirstSample(b *testing.B) {
	// Each request comes at a random point of the device's period, as a
	// screen change does, not just after the callback that heard the last.
	settle := func(b *testing.B) {
		b.StopTimer()
		time.Sleep(time.Duration(rand.IntN(10_000)) * time.Microsecond)
		b.StartTimer()
	}
	p := nullPlayer(b)
	ch := heard(p)
	b.Run("tone", func(b *testing.B) {
		tone := make([]int16, rate/2)
		for i := range tone {
			tone[i] = int16(8000 * math.Sin(2*math.Pi*440*float64(i)/rate))
		}
		var id uint64
		for b.Loop() {
			id++
			settle(b)
			p.speak(tone, 1, 1<<40+id)
			for waitHeard(b, ch) != 1<<40+id {
			}
		}
	})
	eng := requireEspeak(b)
	s := testSpeech(b, p, eng, SpeechOptions{Catalogue: assets.Translations, Voices: voices})
	b.Run("cached", func(b *testing.B) {
		phrase := voice.Say("spoken.code.empty")
		if _, err := s.clip(s.ctx, "pl", phrase); err != nil { // rendered once, before timing
			b.Fatal(err)
		}
		for b.Loop() {
			settle(b)
			gen := s.say("pl", []voice.Phrase{phrase})
			for waitHeard(b, ch) != gen {
			}
		}
	})
	b.Run("disk", func(b *testing.B) {
		// Memory holds one clip: two phrases in turn are each read from
		// the disk cache, as after a restart.
		// Its own player: a player drops clips older than the last it was
		// given, and this Speech counts its clips from 1 again.
		dp := nullPlayer(b)
		dch := heard(dp)
		d := testSpeech(b, dp, eng, SpeechOptions{Catalogue: assets.Translations, Voices: voices, CacheDir: b.TempDir(), MemoryBytes: 1})
		phrases := []voice.Phrase{voice.Say("spoken.code.empty"), voice.Say("spoken.height.waist")}
		for _, ph := range phrases {
			if _, err := d.clip(d.ctx, "pl", ph); err != nil {
				b.Fatal(err)
			}
		}
		i := 0
		for b.Loop() {
			settle(b)
			i++
			gen := d.say("pl", phrases[i%2:i%2+1])
			for waitHeard(b, dch) != gen {
			}
		}
	})
	way := voice.DemoWayfinding().Cabinet([]string{"SSSSMM", "SSMMLL", "MMMLL", "SSSSSML"})
	b.Run("uncached", func(b *testing.B) {
		for b.Loop() {
			settle(b)
			uncachedDoor++ // a new text each time: espeak-ng renders it
			door := uncachedDoor
			gen := s.say("pl", []voice.Phrase{way.DoorWay(door, 3, 2)})
			for waitHeard(b, ch) != gen {
			}
		}
	})
}
