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
// The camera runs the first stage on every frame and the harder ones only when
// the cheap stage saw something code-like, or one at a time on a frame budget;
// files (pudo decode, the folder source) run every stage, because there is no
// next frame to wait for. gozxing readers are stateful, so each Decoder owns
// its readers and is not safe for concurrent use.
//
// A 1D read is accepted only when two scan lines, or two consecutive frames,
// agree: a check digit alone lets a single noisy line through as a fake EAN.
//
// # Serial scanners
//
// go.bug.st/serial returns (0, nil) on a read timeout, which bufio.Scanner
// treats as no progress and eventually fails on. The serial source therefore
// sets no read timeout and is stopped by closing the port, which unblocks Read.
package scanner
