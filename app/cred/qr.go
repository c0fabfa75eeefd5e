package cred

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// QRModule is the side of one QR module in the PNG, in pixels: big enough
// for a phone photo or a print at 300 dpi.
const QRModule = 8

// WriteQR writes text as a QR code in PNG to w: error correction M (a
// printed badge survives some wear), four modules of quiet zone.
func WriteQR(w io.Writer, text string) error {
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_ERROR_CORRECTION: decoder.ErrorCorrectionLevel_M})
	if err != nil {
		return fmt.Errorf("cred: QR: %w", err)
	}
	img := image.NewGray(image.Rect(0, 0, m.GetWidth()*QRModule, m.GetHeight()*QRModule))
	for y := range img.Rect.Dy() {
		for x := range img.Rect.Dx() {
			c := color.Gray{Y: 255}
			if m.Get(x/QRModule, y/QRModule) {
				c.Y = 0
			}
			img.SetGray(x, y, c)
		}
	}
	if err := png.Encode(w, img); err != nil {
		return fmt.Errorf("cred: QR: %w", err)
	}
	return nil
}
