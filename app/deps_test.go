package app_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoDeviceOrStoreBelow holds app to what it promises the screens:
// importing it links neither the store, the lock boards nor the code
// readers.
func TestNoDeviceOrStoreBelow(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "pudo/app").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps pudo/app: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"pudo/storage", "pudo/lockio", "pudo/scanner", "fyne.io/"} {
			if dep == banned || strings.HasPrefix(dep, banned+"/") || (strings.HasSuffix(banned, "/") && strings.HasPrefix(dep, banned)) {
				t.Errorf("pudo/app depends on %s", dep)
			}
		}
	}
}
