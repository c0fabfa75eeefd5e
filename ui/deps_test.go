package ui

import (
	"os/exec"
	"strings"
	"testing"
)

// TestScreensSeeOnlyApp holds the screens to the layers: ui uses app, its
// sessions and its voice (plus Fyne, assets and ui/sound), never the
// engine, the store, the lock boards or the code readers.
func TestScreensSeeOnlyApp(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "pudo/ui").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps pudo/ui: %v\n%s", err, out)
	}
	allowed := map[string]bool{"pudo/ui": true, "pudo/app": true, "pudo/app/session": true, "pudo/app/voice": true,
		"pudo/assets": true, "pudo/ui/sound": true}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "pudo/") || dep == "pudo" {
			if !allowed[dep] {
				t.Errorf("pudo/ui depends on %s", dep)
			}
		}
	}
}
