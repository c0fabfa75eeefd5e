// Package scanner turns camera frames, serial barcode-reader lines, keyboard
// bursts and dropped image files into Reads.
//
// Every source runs in its own goroutine, owns its device, and keeps retrying
// when the device is missing, so a reader plugged in later is picked up. A Hub
// merges the sources into one channel and drops a code seen again within the
// dedupe window (2 s by default), so a parcel label held in front of the camera
// is reported once.
//
// # Decoding
//
// Frames are decoded from their luminance (Y) plane only: YUYV frames are
// never expanded to RGBA. The pipeline is a list of stages, cheapest first.
// Files (pudo decode, the folder source) run the stages in turn, because
// there is no next frame to wait for, until a sign of a code shows; one
// that shows none within a few times what the camera would spend on it as
// a frame is given up, one that shows only a weak sign a little later
// (see DecodeImage). The camera runs the cheap stage
// on every frame and the hard ones once per still scene, step by step, in
// two tracks (2D and 1D, led by what the cheap stage saw), on a budget of
// work per frame: work is estimated from pixels and line samples, never
// read off a clock, so the same frames read the same on any machine
// however busy, and a slower one only reads later (see work.go). gozxing
// readers are stateful, so each Decoder owns its readers and is not safe
// for concurrent use.
//
// 1D codes are read along lines: rows and columns thresholded once per
// line on the line's histogram, sharpened, as zxing-cpp reads them (see
// rows.go), and lines laid across bar-like regions at their measured
// angle, sampled and thresholded several ways (profile.go). gozxing's row
// readers are run only on a line, and in a direction, where their start
// pattern appears (starts.go): most lines have none, and the readers cost
// most of a line's work.
//
// A line that reads a 1D code no other line has read yet gets check lines
// beside it, as zxing-cpp's row readers get check rows. A 1D read is
// accepted only on evidence chance does not give: two scan
// lines of one scene agree and no other line contradicts them (or, for
// Code 128, one line each of two scenes that really differ); an EAN-8 or
// UPC-E has the quiet zones a real one has, not the gaps inside an EAN-13;
// a gozxing EAN-13 agrees with the bars' edge distances. A check digit
// alone lets a single noisy line through as a valid EAN.
//
// Texts come out as UTF-8: Code 128's extended (FNC4) characters and Data
// Matrix's upper bytes as ISO-8859-1, their standards' default; Code 39's
// full-ASCII pairs where the reading is unambiguous (see text.go).
//
// The choices in tuning.go were made by cross-validation on the shared
// photographs (crossval_test.go), against zxing-cpp 3.1 and 1.4 as peers
// (testdata/peers). SCORES.md, written by that test, holds the per-fold
// table and the figures.
//
// Images are refused over a pixel limit (Config.MaxPixels) from their
// header, before they are decoded, and so are camera frames larger than it.
//
// # Serial scanners
//
// go.bug.st/serial returns (0, nil) on a read timeout, which bufio.Scanner
// treats as no progress and eventually fails on. The serial source therefore
// sets no read timeout and is stopped by closing the port, which unblocks Read.
package scanner
