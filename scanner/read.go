package scanner

import (
	"errors"
	"time"
)

// Read is one decoded code.
type Read struct {
	Text   string    // the decoded payload, exactly as encoded
	Format string    // symbology, e.g. FormatQR; FormatUnknown for serial and keyboard scanners
	Source string    // which source produced it: "camera", "serial", "keyboard", "folder"
	At     time.Time // when the frame, line or key burst was captured
}

// Symbologies, named as ZXing names them so logs match other tools.
const (
	FormatUnknown    = ""
	FormatQR         = "QR_CODE"
	FormatDataMatrix = "DATA_MATRIX"
	FormatCode128    = "CODE_128"
	FormatCode39     = "CODE_39"
	FormatEAN13      = "EAN_13"
	FormatEAN8       = "EAN_8"
	FormatUPCA       = "UPC_A"
	FormatUPCE       = "UPC_E"
	FormatITF        = "ITF"
)

// Source names used in Read.Source and Status.
const (
	SourceCamera   = "camera"
	SourceSerial   = "serial"
	SourceKeyboard = "keyboard"
	SourceFolder   = "folder"
)

// ErrNotFound is returned by Decoder.Decode when a frame holds no readable code.
var ErrNotFound = errors.New("scanner: no code in frame")
