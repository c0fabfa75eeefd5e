package scanner

import (
	"bytes"
	"image"
	"image/jpeg"
	"sync"
)

// Many UVC cameras send MJPEG frames without Huffman tables (DHT): the format
// assumes the standard ones from JPEG Annex K, and image/jpeg refuses such a
// frame. withHuffmanTables adds the standard tables when a frame has none.
func withHuffmanTables(frame []byte) []byte {
	if len(frame) < 4 || frame[0] != 0xff || frame[1] != 0xd8 || hasDHT(frame) {
		return frame
	}
	dht := standardDHT()
	out := make([]byte, 0, len(frame)+len(dht))
	out = append(out, frame[:2]...)
	out = append(out, dht...)
	return append(out, frame[2:]...)
}

// hasDHT walks the marker segments up to the start of scan.
func hasDHT(b []byte) bool {
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xff {
			return false
		}
		m := b[i+1]
		switch {
		case m == 0xc4:
			return true
		case m == 0xda || m == 0xd9:
			return false
		case m == 0xff: // fill byte
			i++
			continue
		}
		i += 2 + (int(b[i+2])<<8 | int(b[i+3]))
	}
	return false
}

// standardDHT returns the DHT segments image/jpeg writes: they are the Annex K
// tables, so borrowing them avoids retyping 400 bytes of constants.
var standardDHT = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 8, 8)), nil)
	b := buf.Bytes()
	var dht []byte
	for i := 2; i+4 <= len(b) && b[i] == 0xff && b[i+1] != 0xda; {
		n := 2 + (int(b[i+2])<<8 | int(b[i+3]))
		if b[i+1] == 0xc4 {
			dht = append(dht, b[i:i+n]...)
		}
		i += n
	}
	return dht
})
