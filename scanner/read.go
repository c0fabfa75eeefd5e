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

// Product reports whether r is a retail product's barcode (EAN-13, EAN-8,
// UPC-A, UPC-E): a code a person holds up by mistake, never one of a
// locker's. The digits alone do not always tell: a UPC-E's check digit is
// that of the UPC-A it stands for, so its eight digits fail an EAN-8 check.
func (r Read) Product() bool {
	switch r.Format {
	case FormatEAN13, FormatEAN8, FormatUPCA, FormatUPCE:
		return true
	}
	return false
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
