package session_test

import (
	"slices"
	"testing"

	"pudo/app"
	"pudo/app/apptest"
	"pudo/app/session"
	"pudo/app/voice"
)

func spokenKeys(st session.AudioState) []string {
	var out []string
	for _, p := range st.Say {
		out = append(out, p.Key)
	}
	return out
}

// Audio mode is the shopper's: it ends when a courier or staff take
// over, when the person leaves, and it keeps the locker busy meanwhile.
func TestAudioModeEnds(t *testing.T) {
	tests := []struct {
		name string
		end  func(l *listener) app.View
	}{
		{"courier scan", func(l *listener) app.View { return l.f.Scan(l.ctx, apptest.CourierPrefix+"anna") }},
		{"staff gesture", func(l *listener) app.View { return l.f.Tap(l.ctx, app.StaffGesture{}) }},
		{"idle timeout", func(l *listener) app.View { return l.f.Leave(l.ctx) }},
		{"back from code entry", func(l *listener) app.View {
			l.f.Press(l.ctx, voice.Key1)
			return l.f.Tap(l.ctx, app.Back{})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newListener(t, nil, "en", false)
			l.eng.AddCourier(apptest.CourierPrefix+"anna", "anna")
			l.f.Tap(l.ctx, app.StartAudio{})
			home, ok := l.f.View().(*app.HomeView)
			if !ok || !home.Audio || home.Idle() != app.IdleAsk || !l.f.Busy() || !l.f.Audio() {
				t.Fatalf("audio mode on home: %#v busy %v", l.f.View(), l.f.Busy())
			}
			l.f.TakeAudio()
			v := tt.end(l)
			st := l.f.TakeAudio()
			if l.f.Audio() || st.On || !slices.Contains(spokenKeys(st), "spoken.audio.off") {
				t.Fatalf("after %s: audio %v, said %v", tt.name, l.f.Audio(), spokenKeys(st))
			}
			if h, ok := v.(*app.HomeView); ok && (h.Audio || h.Idle() != app.IdleNever || l.f.Busy()) {
				t.Fatalf("home after audio mode: %#v, busy %v", h, l.f.Busy())
			}
		})
	}
}

// Outside audio mode the keypad's keys mean nothing but the repeat key,
// which starts it; a long press on code entry starts it there.
func TestAudioModeStarts(t *testing.T) {
	l := newListener(t, nil, "en", false)
	for _, k := range []voice.Key{voice.Key1, voice.KeyConfirm, voice.KeyHelp, voice.KeyLanguage} {
		before := l.f.View()
		if v := l.f.Press(l.ctx, k); v != before || l.f.TakeAudio().Speak {
			t.Fatalf("key %d outside audio mode changed the view or spoke", k)
		}
	}
	l.f.Tap(l.ctx, app.Collect{})
	l.f.Tap(l.ctx, app.StartAudio{})
	if st := l.f.TakeAudio(); !slices.Equal(spokenKeys(st), []string{"spoken.audio.on", "code.title", "code.hint"}) || !st.Entry {
		t.Fatalf("a long press on code entry said %v (entry %v)", spokenKeys(st), st.Entry)
	}
	l.f.Tap(l.ctx, app.StartAudio{}) // again: the screen again
	if st := l.f.TakeAudio(); !slices.Equal(spokenKeys(st), []string{"code.title", "code.hint"}) {
		t.Fatalf("a second long press said %v", spokenKeys(st))
	}
	l.f.Press(l.ctx, voice.Key7)
	if st := l.f.TakeAudio(); st.Code != "" || st.Pending != '7' {
		t.Fatalf("7 pending: code %q pending %q", st.Code, st.Pending)
	}
}
