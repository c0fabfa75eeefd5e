package ui

import (
	"image"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

var (
	demoSupport = Support{Phone: "+44 20 7946 0000", Web: "https://pudo.example/help",
		Note: map[string]string{"en": "Every day 8:00 to 20:00", "pl": "Codziennie 8:00–20:00"}}
	supportAt = time.Date(2026, 3, 2, 15, 30, 0, 0, time.FixedZone("CET", 3600))
)

// showSupport puts the block alone in a test window of the panel's size,
// in a style and language.
func showSupport(t *testing.T, s Support, ref Reference, style Style, lang string) fyne.Window {
	t.Helper()
	fyne.CurrentApp().Settings().SetTheme(Theme(style))
	SetLanguage(lang)
	t.Cleanup(func() {
		SetLanguage("en")
		fyne.CurrentApp().Settings().SetTheme(Theme(Style{}))
	})
	w := test.NewWindow(newSupport(s, ref))
	w.Resize(fyne.NewSize(1280, 800))
	t.Cleanup(w.Close)
	return w
}

// paragraphs are the texts of the block, one a paragraph.
func paragraphs(w fyne.Window) []string {
	var out []string
	for _, o := range test.LaidOutObjects(w.Content()) {
		if rt, ok := o.(*widget.RichText); ok {
			for _, s := range rt.Segments {
				out = append(out, s.Textual())
			}
		}
	}
	return out
}

func TestSupportNamesTheContact(t *testing.T) {
	ref := Reference{Locker: "WAW-0042", Door: 14, At: supportAt}
	tests := []struct {
		lang string
		want []string
	}{
		{"en", []string{"Need help? Contact support.", "Call +44 20 7946 0000", "Scan the code, or go to https://pudo.example/help",
			"Every day 8:00 to 20:00", "Reference (time in UTC): locker WAW-0042, door 14, 2026-03-02 14:30"}},
		{"pl", []string{"Zadzwoń: +44 20 7946 0000", "Codziennie 8:00–20:00",
			"Numer zgłoszenia (czas UTC): automat WAW-0042, skrytka 14, 2026-03-02 14:30"}},
		// No Dutch note: English's stands in.
		{"nl", []string{"Bel +44 20 7946 0000", "Every day 8:00 to 20:00", "Referentie (tijd in UTC): kluis WAW-0042, deur 14, 2026-03-02 14:30"}},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			got := paragraphs(showSupport(t, demoSupport, ref, Style{}, tc.lang))
			for _, want := range tc.want {
				if !slices.Contains(got, want) {
					t.Errorf("no %q in %q", want, got)
				}
			}
		})
	}
}

// TestSupportQRScans reads the drawn QR code back off the screen, in the
// day style and in big text at night, as a phone would.
func TestSupportQRScans(t *testing.T) {
	for name, style := range map[string]Style{"day": {}, "bigtext-night": {Contrast: true, BigText: true, Night: true}} {
		t.Run(name, func(t *testing.T) {
			w := showSupport(t, demoSupport, Reference{Locker: "T1", Door: 3, At: supportAt}, style, "en")
			if got := decodeQR(t, w.Canvas().Capture()); got != demoSupport.Web {
				t.Fatalf("QR code reads %q, want %q", got, demoSupport.Web)
			}
			qr := qrIn(w)
			if qr == nil || qr.MinSize().Width < qrMinSide {
				t.Fatalf("QR code %v, want at least %d px", qr, qrMinSide)
			}
		})
	}
}

func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	r, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("no QR code on screen: %v", err)
	}
	return r.GetText()
}

func qrIn(w fyne.Window) *canvas.Image {
	for _, o := range test.LaidOutObjects(w.Content()) {
		if img, ok := o.(*canvas.Image); ok {
			return img
		}
	}
	return nil
}

func TestSupportWithoutWeb(t *testing.T) {
	w := showSupport(t, Support{Phone: "112 000"}, Reference{Locker: "T1", At: supportAt}, Style{}, "en")
	if qrIn(w) != nil {
		t.Error("a QR code with no web address")
	}
	got := paragraphs(w)
	if !slices.Contains(got, "Call 112 000") || slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "Scan") }) {
		t.Errorf("texts %q", got)
	}
}

// TestReferenceNamesEverything: the reference never leaves the locker,
// the door or the time out, whatever the problem is about.
func TestReferenceNamesEverything(t *testing.T) {
	tests := []struct {
		name string
		ref  Reference
		want string
	}{
		{"door", Reference{Locker: "PUDO-DEMO", Door: 7, At: supportAt}, "Reference (time in UTC): locker PUDO-DEMO, door 7, 2026-03-02 14:30"},
		{"no door yet", Reference{Locker: "PUDO-DEMO", At: supportAt}, "Reference (time in UTC): locker PUDO-DEMO, no door, 2026-03-02 14:30"},
		{"out of order", Reference{Locker: "PUDO-DEMO", Whole: true, At: supportAt}, "Reference (time in UTC): locker PUDO-DEMO, all doors, 2026-03-02 14:30"},
	}
	for _, tc := range tests {
		if got := tc.ref.String(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	t.Cleanup(func() { SetLanguage("en") })
	for _, l := range Languages {
		SetLanguage(l.Code)
		for _, tc := range tests {
			got := tc.ref.String()
			if !strings.Contains(got, "PUDO-DEMO") || !strings.Contains(got, "2026-03-02 14:30") || strings.Contains(got, "{{") {
				t.Errorf("%s %s: %q", l.Code, tc.name, got)
			}
		}
	}
}
