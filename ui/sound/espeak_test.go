package sound

import (
	"context"
	"math"
	"os/exec"
	"strings"
	"testing"

	"pudo/app/voice"
	"pudo/assets"

	"pudo/app/testenv"
)

// voices are config's default voices ([speech.voices]).
var voices = map[string]string{"en": "en-gb", "pl": "pl", "nl": "nl", "es": "es", "fr": "fr-fr"}

var languages = []string{"en", "pl", "nl", "es", "fr"}

// requireEspeak skips where espeak-ng is not installed, but fails under
// CI, which installs it (make deps).
func requireEspeak(t testing.TB) *espeak {
	t.Helper()
	eng, err := findEspeak(context.Background(), "espeak-ng", 150)
	if err != nil {
		testenv.Missing(t, "espeak-ng (make deps installs it): %v", err)
	}
	return eng
}

func rms(pcm []int16) float64 {
	var sum float64
	for _, v := range pcm {
		sum += float64(v) * float64(v)
	}
	return math.Sqrt(sum / float64(max(len(pcm), 1)))
}

// TestEspeakSpeaksEveryLanguage runs the real espeak-ng: the way to a door
// in each language, with its configured voice, is at least a second of
// sound, not silence.
func TestEspeakSpeaksEveryLanguage(t *testing.T) {
	eng := requireEspeak(t)
	if !strings.HasPrefix(eng.id(), "espeak-ng 1.") {
		t.Errorf("engine %q", eng.id())
	}
	cat, err := voice.LoadCatalogue(assets.Translations)
	if err != nil {
		t.Fatal(err)
	}
	way := voice.DemoWayfinding().Cabinet([]string{"SSSSMM", "SSMMLL", "MMMLL", "SSSSSML"}).DoorWay(14, 3, 2)
	for _, lang := range languages {
		text, err := cat.Text(lang, way)
		if err != nil {
			t.Fatal(err)
		}
		pcm, err := eng.render(context.Background(), voices[lang], text)
		if err != nil {
			t.Errorf("%s: %v", lang, err)
			continue
		}
		secs := float64(len(pcm)) / rate
		t.Logf("%s %.1fs rms %.0f: %s", lang, secs, rms(pcm), text)
		if secs < 1 || secs > 15 || rms(pcm) < 500 {
			t.Errorf("%s: %.2f s of audio at rms %.0f for %q", lang, secs, rms(pcm), text)
		}
	}
}

// TestEspeakRendersTheCatalogue renders every spoken text without values
// in every language, as the kiosk does at its first start.
func TestEspeakRendersTheCatalogue(t *testing.T) {
	eng := requireEspeak(t)
	p := nullPlayer(t)
	s := testSpeech(t, p, eng, SpeechOptions{Catalogue: assets.Translations, Voices: voices, Languages: languages, Workers: 2})
	want := 0
	for _, lang := range languages {
		want += len(s.cat.Fixed(lang))
	}
	st := waitIdle(t, s, want)
	t.Logf("%d phrases rendered, %d MB in memory", st.Ahead, st.Memory>>20)
	if st.Err != "" || len(st.Voices) != len(languages) || len(st.Missing) != 0 {
		t.Fatalf("status %+v", st)
	}
}

func TestEspeakUnknownVoice(t *testing.T) {
	eng := requireEspeak(t)
	_, err := eng.render(context.Background(), "xx-nope", "hello")
	if err == nil || !strings.Contains(err.Error(), "xx-nope") {
		t.Fatalf("render = %v", err)
	}
}

// A phrase starting with a dash is spoken, not taken for an option.
func TestEspeakTextIsNotAnOption(t *testing.T) {
	eng := requireEspeak(t)
	pcm, err := eng.render(context.Background(), "en-gb", "--version")
	if err != nil || len(pcm) < rate/4 {
		t.Fatalf("%d samples, %v", len(pcm), err)
	}
}

func TestNoEspeak(t *testing.T) {
	_, err := findEspeak(context.Background(), "/nonexistent/espeak-ng", 150)
	if err == nil || !strings.Contains(err.Error(), "no espeak-ng") {
		t.Fatalf("findEspeak = %v", err)
	}
	if _, err := exec.LookPath("/nonexistent/espeak-ng"); err == nil {
		t.Fatal("the test's path exists")
	}
}

func TestParseEspeakVersion(t *testing.T) {
	for in, want := range map[string]string{
		"eSpeak NG text-to-speech: 1.51  Data at: /usr/lib/x86_64-linux-gnu/espeak-ng-data\n": "1.51",
		"eSpeak NG text-to-speech: 1.52-dev  Data at: x":                                      "1.52-dev",
		"something else": "unknown",
	} {
		if got := parseEspeakVersion(in); got != want {
			t.Errorf("%q: %q", in, got)
		}
	}
}
