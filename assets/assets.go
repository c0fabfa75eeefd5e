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

// Translations holds translations/<lang>.json, one file per screen language,
// in the format of fyne.io/fyne/v2/lang.
//
//go:embed translations/*.json
var Translations embed.FS
