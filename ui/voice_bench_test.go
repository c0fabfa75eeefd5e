package ui

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/voice"
	"pudo/assets"
	"pudo/ui/sound"

	"pudo/app/testenv"
)

// BenchmarkScreenToFirstSample is the time from a screen change in audio
// mode to the first sample of its speech reaching the audio device's
// callback (miniaudio's null backend without a sound card, which pulls
// samples in real time as a card does, 10 ms at a time), its phrases
// rendered ahead by espeak-ng as the kiosk does at start. "say" is the
// baseline: the same phrases handed to Speech directly. "screen" is a
// wrong code typed in audio mode: the Front answers with the refused code
// screen, the router draws it and says it.
func BenchmarkScreenToFirstSample(b *testing.B) {
	player, err := sound.Open(assets.Sounds, quiet)
	if err != nil {
		b.Fatal(err)
	}
	defer player.Close()
	heard := make(chan uint64, 64)
	player.SetSpeechHook(func(id uint64) {
		select {
		case heard <- id:
		default:
		}
	})
	vo := voice.Voice{Cabinet: voice.DemoWayfinding().Cabinet([]string{"SSSSMM", "SSMMLL", "MMMLL", "SSSSSML"}), Keys: voice.DefaultKeymap()}
	refused := voice.Spoken(&app.CodeView{Refusal: app.RefusalWrongCode}, vo, time.Now())
	speech, err := sound.OpenSpeech(context.Background(), player, sound.SpeechOptions{Program: "espeak-ng",
		Voices: map[string]string{"en": "en-gb"}, Rate: 150, Volume: 0.9, NightVolume: 0.5, Catalogue: assets.Translations,
		Languages: []string{"en"}, Ahead: refused}, quiet)
	if err != nil {
		b.Fatal(err)
	}
	defer speech.Close()
	if st := speech.Status(); st.State == sound.SpeechNoEngine {
		testenv.Missing(b, "espeak-ng (make deps installs it): %s", st.Err)
	}
	testenv.Await(b, "speech rendered ahead", func() bool { return speech.Status().Pending == 0 })
	wait := func(b *testing.B) {
		want := speech.Utterance()
		for testenv.Receive(b, "the utterance to reach the device", heard) != want {
		}
	}
	// Each change comes at a random point of the device's period.
	settle := func(b *testing.B) {
		b.StopTimer()
		time.Sleep(time.Duration(rand.IntN(10_000)) * time.Microsecond)
		b.StartTimer()
	}
	b.Run("say", func(b *testing.B) {
		for b.Loop() {
			settle(b)
			speech.Say("en", refused...)
			wait(b)
		}
	})
	b.Run("screen", func(b *testing.B) {
		f := newFixture(b, func(o *Options) { o.Speech, o.Voice = speech, vo })
		f.k.press(voice.KeyRepeat)
		f.k.send(app.Collect{})
		wait(b)
		for b.Loop() {
			settle(b)
			f.k.send(app.EnterCode{Code: "ZZZZ0000"})
			wait(b)
		}
	})
}
