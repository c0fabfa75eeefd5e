package fleetcli_test

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"pudo/app/central/fleetcli"
)

// Every flag of every pudo fleet command is in the operator's guide
// (app/central/OPERATING.md), where an operator looks for it.
func TestEveryFlagIsInTheGuide(t *testing.T) {
	guide, err := os.ReadFile("../OPERATING.md")
	if err != nil {
		t.Fatal(err)
	}
	flagLine := regexp.MustCompile(`(?m)^  -([a-z][a-z-]*)`)
	seen := map[string]bool{}
	for _, cmd := range []string{"status", "doors", "watch", "book", "cancel", "open", "revoke", "resend"} {
		var out, errw strings.Builder
		fleetcli.Main(context.Background(), []string{cmd, "-help"}, &out, &errw)
		flags := flagLine.FindAllStringSubmatch(errw.String(), -1)
		if len(flags) == 0 {
			t.Fatalf("pudo fleet %s -help lists no flags:\n%s", cmd, errw.String())
		}
		for _, f := range flags {
			name := f[1]
			if seen[name] {
				continue
			}
			seen[name] = true
			if !regexp.MustCompile("`[^`]*--" + regexp.QuoteMeta(name) + "\\b").Match(guide) {
				t.Errorf("--%s (pudo fleet %s) is not in OPERATING.md", name, cmd)
			}
		}
	}
}
