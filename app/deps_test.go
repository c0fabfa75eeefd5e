package app_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoDeviceOrStoreBelow holds app and the packages the screens use
// beside it (the sessions, the voice) to what they promise the screens:
// importing them links neither the store, the lock boards, the code
// readers nor the screen toolkit, and the vocabulary imports nothing of
// Pudo's at all.
func TestNoDeviceOrStoreBelow(t *testing.T) {
	for _, pkg := range []string{"pudo/app", "pudo/app/session", "pudo/app/voice", "pudo/app/enginetest"} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, banned := range []string{"pudo/storage", "pudo/lockio", "pudo/scanner", "fyne.io/"} {
				if dep == banned || strings.HasPrefix(dep, banned+"/") || (strings.HasSuffix(banned, "/") && strings.HasPrefix(dep, banned)) {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
			if pkg == "pudo/app" && dep != pkg && strings.HasPrefix(dep, "pudo/") {
				t.Errorf("the vocabulary pudo/app depends on %s", dep)
			}
		}
	}
}
