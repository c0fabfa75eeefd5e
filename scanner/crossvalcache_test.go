package scanner

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// The cross-validation decodes every photograph under every variant, which
// takes minutes; a variant's run is kept in the user's cache directory,
// keyed by the decoder's source (the package's non-test files), the
// variant and the photographs, so a rerun after changing only the
// selection, or only some variants, decodes nothing twice. Any change to
// the decoder makes a new key.

// decoderSource is a hash of the package's non-test code but tuning.go,
// without comments, read once per test binary (the source the binary was
// built from, unless it was edited since). tuning.go holds the shipped
// choices, which a variant's run sets for itself.
var decoderSource = sync.OnceValues(func() (string, error) {
	h := sha256.New()
	files, err := filepath.Glob("*.go")
	if err != nil {
		return "", err
	}
	sort.Strings(files)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "tuning.go" {
			continue
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, f, nil, 0) // comments dropped
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\n", f)
		if err := printer.Fprint(h, fset, file); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
})

// runKey names a variant's run on photos with the decoder as it is.
func runKey(photos []corpusImage, v tuning) (string, error) {
	src, err := decoderSource()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "source %s variant %+v frames %d\n", src, v, cameraFrames)
	for _, c := range photos {
		st, err := os.Stat(c.path)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %q %d\n", c.path, c.want, st.Size())
	}
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}

func runCacheFile(photos []corpusImage, v tuning) (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	key, err := runKey(photos, v)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "pudo-scanner-crossval", key+".json"), nil
}

// cachedTrace is a stillTrace as the cache keeps it.
type cachedTrace struct {
	Steps              [][2]int64
	Frame              int64
	Hit, Finders, Read int
	Region             float64
}

type cachedRun struct {
	variantRun
	Traces []cachedTrace
}

func cachedRunFor(t *testing.T, photos []corpusImage, v tuning) (variantRun, bool) {
	file, err := runCacheFile(photos, v)
	if err != nil {
		t.Logf("crossval cache: %v", err)
		return variantRun{}, false
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return variantRun{}, false
	}
	var c cachedRun
	if err := json.Unmarshal(b, &c); err != nil || len(c.Traces) != len(photos) || len(c.Still) != len(photos) || len(c.Camera) != len(photos) {
		return variantRun{}, false
	}
	run := c.variantRun
	run.Traces = make([]stillTrace, len(c.Traces))
	for i, ct := range c.Traces {
		tr := stillTrace{frame: ct.Frame, hit: ct.Hit, finders: ct.Finders, region: ct.Region, read: ct.Read}
		for _, s := range ct.Steps {
			tr.steps = append(tr.steps, stillStep{s[0], s[1]})
		}
		run.Traces[i] = tr
	}
	return run, true
}

func storeRun(t *testing.T, photos []corpusImage, v tuning, run variantRun) {
	file, err := runCacheFile(photos, v)
	if err != nil {
		t.Logf("crossval cache: %v", err)
		return
	}
	c := cachedRun{variantRun: run, Traces: make([]cachedTrace, len(run.Traces))}
	c.variantRun.Traces = nil
	for i, tr := range run.Traces {
		ct := cachedTrace{Frame: tr.frame, Hit: tr.hit, Finders: tr.finders, Region: tr.region, Read: tr.read}
		for _, s := range tr.steps {
			ct.Steps = append(ct.Steps, [2]int64{s.before, s.estimate})
		}
		c.Traces[i] = ct
	}
	b, err := json.Marshal(c)
	if err == nil {
		err = os.MkdirAll(filepath.Dir(file), 0o755)
	}
	if err == nil {
		err = os.WriteFile(file, b, 0o644)
	}
	if err != nil {
		t.Logf("crossval cache: %v", err)
	}
}
