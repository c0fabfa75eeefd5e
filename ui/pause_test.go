package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"
)

// TestPauseBlamesNobody: whoever arrives while code entry is paused typed
// nothing wrong. In every language the countdown says that entry is paused
// for everyone here, for a moment, without a word of wrong codes, and not in
// the colour of a mistake.
func TestPauseBlamesNobody(t *testing.T) {
	blame := map[string][]string{ // the words of "wrong code" in each language
		"en": {"wrong", "too many"}, "pl": {"błędn", "zbyt wiele"}, "nl": {"fout", "te veel"},
		"es": {"erróne", "demasiad"}, "fr": {"erron", "trop de"},
	}
	everyone := map[string]string{"en": "everyone", "pl": "wszystkich", "nl": "iedereen", "es": "todos", "fr": "tout le monde"}
	defer SetLanguage("en")
	for _, l := range Languages {
		f := newFixture(t, func(o *Options) { o.Settings.IdleTimeout = time.Hour })
		collect := tr("home.collect") // as home was drawn
		SetLanguage(l.Code)
		f.eng.PauseCodes(f.clock.now.Add(90 * time.Second))
		f.tap(t, collect)
		s := shown[*codeScreen](t, f)
		msg := s.msg.Text
		if !s.msg.Visible() || !strings.Contains(msg, "1:30") || !strings.Contains(msg, everyone[l.Code]) {
			t.Errorf("%s: the pause reads %q", l.Code, msg)
		}
		for _, key := range []string{"code.locked", "code.kept"} {
			text := strings.ToLower(trf(key, "Time", "1:30"))
			for _, w := range blame[l.Code] {
				if strings.Contains(text, w) {
					t.Errorf("%s: %s blames the person at the screen: %q", l.Code, key, text)
				}
			}
		}
		if s.msg.Importance == widget.DangerImportance {
			t.Errorf("%s: the pause is shown in the colour of a mistake", l.Code)
		}
	}
}
