// Package assets embeds what the kiosk shows and plays: its icon, the
// screen texts in every language, and sounds. It only holds bytes and
// static resources; using them is the job of ui and of the sound player.
package assets

import (
	"embed"
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icons/pudo.svg
var logoSVG []byte

//go:embed icons/pudo.png
var iconPNG []byte

// Logo is the Pudo mark shown on the home screen (SVG, scales to any size).
var Logo = &fyne.StaticResource{StaticName: "pudo.svg", StaticContent: logoSVG}

// Icon is the application icon (256x256 PNG), also named in FyneApp.toml.
var Icon = &fyne.StaticResource{StaticName: "pudo.png", StaticContent: iconPNG}

// Translations holds translations/<lang>.json, one file per screen language:
// a JSON object from text key to text, with {{.Name}} placeholders; a
// counted text is an object of its CLDR plural forms ({"one": ..., "other":
// ...}) with the count in {{.N}}.
//
//go:embed translations/*.json
var Translations embed.FS

//go:generate sh -c "cd sounds && go run gen.go"

//go:embed sounds/scan.wav
var soundScan []byte

//go:embed sounds/wrong.wav
var soundWrong []byte

//go:embed sounds/open.wav
var soundOpen []byte

//go:embed sounds/left-open.wav
var soundLeftOpen []byte

//go:embed sounds/guide.wav
var soundGuide []byte

// Sounds are the kiosk's short sounds by name (16-bit mono WAV, 22050 Hz,
// made by sounds/gen.go): "scan" a code was accepted, "wrong" a wrong code,
// "open" a door opened, "left-open" the reminder for a door left open,
// "guide" the tick while a code is in the camera's view but not read yet.
var Sounds = map[string][]byte{
	"scan": soundScan, "wrong": soundWrong, "open": soundOpen, "left-open": soundLeftOpen, "guide": soundGuide,
}
