package session_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/session"
	"pudo/app/voice"
	"pudo/assets"
)

// translations is the kiosk's translation catalogue as the screens embed
// it; a test that reads it fails on translationsErr.
var translations, translationsErr = voice.LoadCatalogue(assets.Translations)

// spokenVoice is the demo locker's front as the spoken scripts hear it.
func spokenVoice() voice.Voice {
	return voice.Voice{Cabinet: voice.DemoWayfinding().Cabinet([]string{"SSSSMM", "SSMMLL", "MMMLL", "SSSSSML"}),
		Keys: voice.DefaultKeymap(), Locker: "T1", Phone: "+48 22 123 45 67"}
}

// TestSpokenScripts plays every script in testdata/spoken against the
// Front over the fake engine with the screen never looked at: keys of the
// tactile keypad, scans, the doors' sensors and time go in, and what the
// kiosk says comes out, in order, in every language. Each language's
// transcript is compared with <script>.<lang>.golden; run with -update to
// rewrite them after an intended change, and read the diff.
func TestSpokenScripts(t *testing.T) {
	if translationsErr != nil {
		t.Fatal(translationsErr)
	}
	cat := translations
	scripts, err := filepath.Glob("testdata/spoken/*.txt")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, path := range scripts {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range app.Languages {
			t.Run(name+"/"+lang, func(t *testing.T) {
				checkGolden(t, strings.TrimSuffix(path, ".txt")+"."+lang+".golden", playSpoken(t, string(src), cat, lang))
			})
		}
	}
}

// listener is a harness whose Front runs with a voice, and what it heard.
type listener struct {
	*harness
	cat  voice.Catalogue
	lang string
	// said is every phrase said, for the checks that hold across scripts.
	said []voice.Phrase
}

var keyNames = map[string]voice.Key{"confirm": voice.KeyConfirm, "delete": voice.KeyDelete, "readback": voice.KeyReadBack,
	"repeat": voice.KeyRepeat, "language": voice.KeyLanguage, "help": voice.KeyHelp}

func newListener(t *testing.T, cat voice.Catalogue, lang string, onScan bool) *listener {
	h := newHarness(t)
	h.f = session.NewFront(h.eng, session.FrontOptions{Now: func() time.Time { return h.now }, Voice: spokenVoice(), AudioOnScan: onScan}, quiet)
	h.f.Start(h.ctx)
	return &listener{harness: h, cat: cat, lang: lang}
}

// playSpoken runs a spoken script in lang: the commands of the session
// scripts (scan, open, close, not-opened, wait, ...) and
//
//	start-on-scan        first line: the locker starts audio mode on a scan
//	audio                a long press anywhere on the screen
//	key 0..9|confirm|delete|readback|repeat|language|help
//	touch C              C typed on the on-screen keypad, by touch
func playSpoken(t *testing.T, src string, cat voice.Catalogue, lang string) string {
	l := newListener(t, cat, lang, strings.HasPrefix(strings.TrimSpace(src), "start-on-scan"))
	for n, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, "#"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" || line == "start-on-scan" {
			continue
		}
		fields := strings.Fields(line)
		v, ok := l.do(fields[0], fields[1:], line)
		if !ok {
			t.Fatalf("line %d: cannot read %q", n+1, line)
		}
		if v == nil {
			continue
		}
		l.hear()
		l.pump()
	}
	l.checkNoCodeInLog(t)
	return l.out.String()
}

// do runs one command, writing its line and the view it led to; time is
// let pass tick by tick, so that what is said by itself is heard when due.
func (l *listener) do(cmd string, args []string, line string) (app.View, bool) {
	var v app.View
	switch cmd {
	case "audio":
		v = l.f.Tap(l.ctx, app.StartAudio{})
	case "key":
		k, ok := keyNames[args[0]]
		if len(args[0]) == 1 && args[0][0] >= '0' && args[0][0] <= '9' {
			k, ok = voice.Key0+voice.Key(args[0][0]-'0'), true
		}
		if !ok {
			return nil, false
		}
		v = l.f.Press(l.ctx, k)
	case "touch":
		v = l.f.TypeChar(l.ctx, rune(args[0][0]))
	case "wait":
		d, err := time.ParseDuration(args[0])
		if err != nil {
			return nil, false
		}
		l.line(line, l.f.View())
		end := l.now.Add(d)
		for w := l.f.Wake(); !w.IsZero() && !w.After(end); w = l.f.Wake() {
			l.now = w
			before := l.f.View()
			v := l.f.Tick(l.ctx)
			if st := l.f.TakeAudio(); v != before || st.Speak {
				fmt.Fprintf(&l.out, "  %-32s -> %s\n", "(+"+w.Sub(end.Add(-d)).String()+")", describe(v))
				l.write(st)
			}
		}
		l.now = end
		return l.f.Tick(l.ctx), true
	default:
		v, ok := l.run(cmd, args)
		if !ok || v == nil {
			return v, ok
		}
	}
	if v == nil {
		v = l.f.View()
	}
	l.line(line, v)
	return v, true
}

func (l *listener) line(line string, v app.View) {
	fmt.Fprintf(&l.out, "%-34s -> %s\n", line, describe(v))
}

// hear writes what the Front asks to say now, one phrase a line.
func (l *listener) hear() { l.write(l.f.TakeAudio()) }

func (l *listener) write(st session.AudioState) {
	if !st.Speak {
		return
	}
	if len(st.Say) == 0 {
		fmt.Fprintf(&l.out, "    (silence)\n")
	}
	for _, p := range st.Say {
		l.said = append(l.said, p)
		text, err := l.cat.Text(l.lang, p)
		if err != nil {
			l.t.Errorf("%s: %v", l.lang, err)
		}
		fmt.Fprintf(&l.out, "    » %s\n", text)
	}
}

// pump hands the engine's notices to the Front, writing each that changed
// the view and what it said.
func (l *listener) pump() {
	for {
		ns := l.eng.Drain()
		if len(ns) == 0 {
			return
		}
		for _, n := range ns {
			before := l.f.View()
			v := l.f.Notice(l.ctx, n)
			if v != before {
				fmt.Fprintf(&l.out, "  notice %-25s -> %s\n", noticeName(n), describe(v))
			}
			l.hear()
		}
	}
}

// checkNoCodeInLog: what the log would write of every phrase said holds
// no character of a code.
func (l *listener) checkNoCodeInLog(t *testing.T) {
	for _, p := range l.said {
		text, err := l.cat.LogText(l.lang, p)
		if err != nil {
			t.Error(err)
		}
		if voice.Secret(p) && text != "•" {
			t.Errorf("%s: %v logged as %q", l.lang, p, text)
		}
	}
}
