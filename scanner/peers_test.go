package scanner

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Peer decoders for the benchmarks: zxing-cpp 3.1 (the npm package
// zxing-wasm, zxing-cpp compiled to WebAssembly, run by Node) and zxing-cpp
// 1.4 (Debian's python3-zxing-cpp). Each runs as one child process per
// corpus, fed every image of it; their reads are deterministic, so a test
// binary asks each peer once per corpus and keeps the answer.

const peersDir = "testdata/peers"

// peerRead is what a peer made of one image, as its script prints it.
type peerRead struct {
	File   string  `json:"file"`
	OK     bool    `json:"ok"`
	Text   string  `json:"text"`
	Format string  `json:"format"`
	MS     float64 `json:"ms"`
	Error  string  `json:"error"`
}

// peer is one decoder we compare against.
type peer struct {
	name string
	run  func(imgs []corpusImage) ([]peerRead, error)
}

var peers = []peer{
	{"zxing-cpp-3.1", runZXing3},
	{"zxing-cpp-1.4", runZXing14},
}

// errPeerMissing says a peer cannot run on this machine; the benchmarks
// say so and go on without it.
var errPeerMissing = errors.New("peer decoder not available")

var peerCache = struct {
	sync.Mutex
	m map[string]peerAnswer
}{m: map[string]peerAnswer{}}

type peerAnswer struct {
	reads map[string]Result // by image path; absent: not read
	err   error
}

// peerReads returns what p read on imgs, by image path, with the peer's
// names and texts put as our decoder gives them (see normalizePeer).
func peerReads(p peer, imgs []corpusImage) (map[string]Result, error) {
	key := p.name
	for _, c := range imgs {
		key += "\x00" + c.path
	}
	peerCache.Lock()
	defer peerCache.Unlock()
	if a, ok := peerCache.m[key]; ok {
		return a.reads, a.err
	}
	raw, err := p.run(imgs)
	a := peerAnswer{reads: map[string]Result{}, err: err}
	for _, r := range raw {
		if r.Error != "" && a.err == nil {
			a.err = fmt.Errorf("%s: %s: %s", p.name, r.File, r.Error)
		}
		if r.OK {
			a.reads[r.File] = normalizePeer(r)
		}
	}
	peerCache.m[key] = a
	return a.reads, a.err
}

// peerFormats maps zxing-cpp's format names to ours.
var peerFormats = map[string]string{
	"QRCode": FormatQR, "DataMatrix": FormatDataMatrix, "Code128": FormatCode128,
	"Code39": FormatCode39, "EAN13": FormatEAN13, "EAN8": FormatEAN8,
	"UPCA": FormatUPCA, "UPCE": FormatUPCE, "ITF": FormatITF,
}

// normalizePeer names the format as we do and reads an EAN-13 whose first
// digit is 0 as the UPC-A it is (GS1's rule, and what our decoder reports):
// zxing-cpp 3 reports every UPC-A as such an EAN-13.
func normalizePeer(r peerRead) Result {
	f, ok := peerFormats[r.Format]
	if !ok {
		f = r.Format
	}
	text := r.Text
	if f == FormatEAN13 && len(text) == 13 && text[0] == '0' {
		f, text = FormatUPCA, text[1:]
	}
	return Result{Text: text, Format: f, Stage: "peer"}
}

// runZXing3 runs testdata/peers/zxing3.mjs under Node on the image files,
// installing zxing-wasm with npm first when it is missing.
func runZXing3(imgs []corpusImage) ([]peerRead, error) {
	if _, err := exec.LookPath("node"); err != nil {
		return nil, fmt.Errorf("%w: zxing-cpp 3.1 needs Node (node): %v", errPeerMissing, err)
	}
	if err := installZXingWasm(); err != nil {
		return nil, err
	}
	var in bytes.Buffer
	for _, c := range imgs {
		abs, err := filepath.Abs(c.path)
		if err != nil {
			return nil, err
		}
		fmt.Fprintln(&in, abs)
	}
	cmd := exec.Command("node", "zxing3.mjs")
	cmd.Dir = peersDir
	cmd.Stdin = &in
	reads, err := runPeer(cmd, "zxing-cpp 3.1")
	// The script names files by absolute path; the harness by c.path.
	for i := range reads {
		for _, c := range imgs {
			if abs, _ := filepath.Abs(c.path); abs == reads[i].File {
				reads[i].File = c.path
				break
			}
		}
	}
	return reads, err
}

// installZXingWasm runs npm ci in testdata/peers unless zxing-wasm 3.1.4
// is there already. node_modules is not committed: package-lock.json pins it.
func installZXingWasm() error {
	b, err := os.ReadFile(filepath.Join(peersDir, "node_modules", "zxing-wasm", "package.json"))
	if err == nil && bytes.Contains(b, []byte(`"version": "3.1.4"`)) {
		return nil
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return fmt.Errorf("%w: zxing-cpp 3.1: zxing-wasm is not installed in %s and npm is missing: %v", errPeerMissing, peersDir, err)
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = peersDir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%w: zxing-cpp 3.1: npm ci in %s failed (no registry?): %v\n%s", errPeerMissing, peersDir, err, out)
	}
	return nil
}

// runZXing14 runs testdata/peers/zxing14.py under Debian's Python, fed the
// same gray pixels our decoder sees (that Python has no image library).
func runZXing14(imgs []corpusImage) ([]peerRead, error) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import zxingcpp, numpy").Run(); err != nil {
		return nil, fmt.Errorf("%w: zxing-cpp 1.4 needs Debian's python3-zxing-cpp (apt-get install python3-zxing-cpp): %v", errPeerMissing, err)
	}
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriter(pw)
		for _, c := range imgs {
			g := c.img
			fmt.Fprintf(w, "%d %d %s\n", g.Rect.Dx(), g.Rect.Dy(), c.path)
			for y := g.Rect.Min.Y; y < g.Rect.Max.Y; y++ {
				i := g.PixOffset(g.Rect.Min.X, y)
				w.Write(g.Pix[i : i+g.Rect.Dx()])
			}
		}
		pw.CloseWithError(w.Flush())
	}()
	cmd := exec.Command(py, "zxing14.py")
	cmd.Dir = peersDir
	cmd.Stdin = pr
	return runPeer(cmd, "zxing-cpp 1.4")
}

// runPeer runs a peer's script and parses its JSON lines.
func runPeer(cmd *exec.Cmd, what string) ([]peerRead, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s: %v: %s", what, err, strings.TrimSpace(stderr.String()))
	}
	var reads []peerRead
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var r peerRead
		if err := dec.Decode(&r); err != nil {
			return reads, fmt.Errorf("%s: bad output: %v", what, err)
		}
		reads = append(reads, r)
	}
	return reads, nil
}

// peerPath is a peer as a read function, for the harness that scores our
// paths: it looks c up in the peer's answers.
func peerPath(tb testing.TB, p peer, imgs []corpusImage) (func(*testing.T, corpusImage) (Result, bool), error) {
	tb.Helper()
	reads, err := peerReads(p, imgs)
	if err != nil {
		return nil, err
	}
	return func(_ *testing.T, c corpusImage) (Result, bool) {
		r, ok := reads[c.path]
		return r, ok
	}, nil
}
