package scanner

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"pudo/app/testenv"
)

// The real photographs: ZXing's blackbox test sets, about half of them in
// ../shared/testdata/photos (kept beside the repository, as CI lays it out)
// and a few of those copied into testdata/photos so that a clone alone
// still tests the decoder on real photographs. Each set is a folder of
// N.png beside N.txt, the exact text; sets named falsepositives* hold
// photographs with no code.

const (
	photoRateGolden       = "testdata/photorate.golden"
	photoCameraRateGolden = "testdata/photocamerarate.golden"
	localPhotoRateGolden  = "testdata/localphotorate.golden"
	localCameraRateGolden = "testdata/localcamerarate.golden"
	localPhotos           = "testdata/photos"
)

// sharedPhotos is where the shared photographs lie; under CI their absence
// fails the test, since a skip there would hide a fall in the read rate.
func sharedPhotos(tb testing.TB) string {
	tb.Helper()
	return testenv.Shared(tb, "testdata/photos", "README.md")
}

// loadPhotos reads every photograph of dir, set by set.
func loadPhotos(tb testing.TB, dir string) []corpusImage {
	tb.Helper()
	sets, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var out []corpusImage
	for _, s := range sets {
		if !s.IsDir() {
			continue
		}
		files, err := filepath.Glob(filepath.Join(dir, s.Name(), "*.png"))
		if err != nil {
			tb.Fatal(err)
		}
		sort.Strings(files)
		for _, f := range files {
			c := corpusImage{set: s.Name(), name: strings.TrimSuffix(filepath.Base(f), ".png"), path: f}
			if !noCodeSet(c.set) {
				b, err := os.ReadFile(strings.TrimSuffix(f, ".png") + ".txt")
				if err != nil {
					tb.Fatalf("%s: no expected text: %v", f, err)
				}
				c.want = string(b)
			}
			c.img = loadGray(tb, f)
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		tb.Fatalf("no photographs in %s", dir)
	}
	return out
}

// skipUnderRace skips a test that decodes hundreds of images: the race
// detector makes it ten times slower, past go test's time limit, and it
// has no concurrency to check. make test runs these again without -race.
func skipUnderRace(t *testing.T) {
	t.Helper()
	if raceEnabled {
		t.Skip("skipping the read-rate test under -race (too slow, nothing concurrent); make test runs it without -race")
	}
}

func noCodeSet(set string) bool {
	return strings.HasPrefix(set, "nocode") || strings.HasPrefix(set, "falsepositives")
}

// TestPhotoRate holds the still-image pipeline (pudo decode, the folder
// source) to its recorded read rate on the shared photographs, set by set:
// reads may rise (rerun with -update), never fall; wrong reads may fall,
// never rise; a read on a photograph with no code fails at once.
func TestPhotoRate(t *testing.T) {
	skipUnderRace(t)
	holdPhotoRates(t, loadPhotos(t, sharedPhotos(t)), photoRateGolden, "the still-image pipeline (DecodeImage)", decodeOnce)
}

// TestPhotoCameraRate does the same for the camera path: each photograph
// held still for cameraFrames frames, as a person holds a phone or label.
func TestPhotoCameraRate(t *testing.T) {
	skipUnderRace(t)
	holdPhotoRates(t, loadPhotos(t, sharedPhotos(t)), photoCameraRateGolden, "the camera path (DecodeFrame, 15 frames per photograph)", cameraRead)
}

// TestLocalPhotoRate and TestLocalCameraRate run both paths on the
// photographs in testdata/photos, which every clone has.
func TestLocalPhotoRate(t *testing.T) {
	skipUnderRace(t)
	holdPhotoRates(t, loadPhotos(t, localPhotos), localPhotoRateGolden, "the still-image pipeline (DecodeImage) on testdata/photos", decodeOnce)
}

func TestLocalCameraRate(t *testing.T) {
	skipUnderRace(t)
	holdPhotoRates(t, loadPhotos(t, localPhotos), localCameraRateGolden, "the camera path (DecodeFrame, 15 frames per photograph) on testdata/photos", cameraRead)
}

// decodeOnce decodes c with the still-image pipeline.
func decodeOnce(t *testing.T, c corpusImage) (Result, bool) {
	d, err := NewDecoder(DefaultConfig().Formats)
	if err != nil {
		t.Fatal(err)
	}
	r, err := d.DecodeImage(c.img)
	return r, err == nil
}
