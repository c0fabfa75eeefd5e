package ui

import (
	"os"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestMain runs every test on one Fyne test app: a new app per test
// parses its fonts again, and under -race that dominated the run.
func TestMain(m *testing.M) {
	test.NewApp()
	reuseApp = true
	os.Exit(m.Run())
}
