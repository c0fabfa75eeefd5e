package scanner

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"
)

// DecodeMain is `pudo decode [--json] FILE...`: it decodes image files (PNG,
// JPEG, PGM) with the same pipeline and stages the camera uses, every stage
// allowed. It goes on past unreadable files and returns 1 if any file could
// not be read, 2 on bad usage, else 0 (a file with no code is not an error).
func DecodeMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("decode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per file")
	formats := fs.String("formats", "", "comma-separated formats (default: all the kiosk reads)")
	maxPixels := fs.Int("max-pixels", DefaultMaxPixels, "refuse images of more pixels, from their header")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: pudo decode [--json] [--formats qr,code128,...] [--max-pixels N] FILE...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 || *maxPixels <= 0 {
		fs.Usage()
		return 2
	}
	names := DefaultConfig().Formats
	if *formats != "" {
		names = splitComma(*formats)
	}
	dec, err := NewDecoder(names)
	if err != nil {
		fmt.Fprintln(stderr, "pudo decode:", err)
		return 2
	}
	status := 0
	enc := json.NewEncoder(stdout)
	for _, file := range fs.Args() {
		if ctx.Err() != nil {
			return 1
		}
		out := decodeFile(dec, file, *maxPixels)
		if out.Error != "" {
			status = 1
		}
		if *asJSON {
			_ = enc.Encode(out)
			continue
		}
		printDecode(stdout, stderr, out)
	}
	return status
}

// decodeOutput is one line of `pudo decode --json`.
type decodeOutput struct {
	File   string  `json:"file"`
	OK     bool    `json:"ok"`
	Text   string  `json:"text"`
	Format string  `json:"format"`
	MS     float64 `json:"ms"`
	Error  string  `json:"error,omitempty"`
}

func decodeFile(dec *Decoder, file string, maxPixels int) decodeOutput {
	out := decodeOutput{File: file}
	img, err := readImage(file, maxPixels)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	start := time.Now()
	r, err := dec.DecodeImage(img)
	out.MS = float64(time.Since(start).Microseconds()) / 1000
	if err == nil {
		out.OK, out.Text, out.Format = true, r.Text, r.Format
	}
	return out
}

func printDecode(stdout, stderr io.Writer, o decodeOutput) {
	switch {
	case o.Error != "":
		fmt.Fprintf(stderr, "%s: %s\n", o.File, o.Error)
	case o.OK:
		fmt.Fprintf(stdout, "%s: %s %q (%.1f ms)\n", o.File, o.Format, o.Text, o.MS)
	default:
		fmt.Fprintf(stdout, "%s: no code (%.1f ms)\n", o.File, o.MS)
	}
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}
