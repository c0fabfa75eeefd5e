package scanner

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestDecodeMainJSON(t *testing.T) {
	dir := corpusDir(t)
	files := []string{
		filepath.Join(dir, "qr-clean", "000.png"),
		filepath.Join(dir, "nocode-bg", "000.png"),
		filepath.Join(t.TempDir(), "missing.png"),
		filepath.Join(dir, "c128-clean", "000.png"),
	}
	var stdout, stderr bytes.Buffer
	code := DecodeMain(t.Context(), append([]string{"--json"}, files...), &stdout, &stderr)
	if code != 1 {
		t.Errorf("exit %d, want 1 (one file unreadable)", code)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != len(files) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(files), stdout.String())
	}
	want := []struct {
		ok          bool
		text, fmt   string
		errContains string
	}{
		{true, readText(t, filepath.Join(dir, "qr-clean", "000.txt")), FormatQR, ""},
		{false, "", "", ""},
		{false, "", "", "missing.png"},
		{true, readText(t, filepath.Join(dir, "c128-clean", "000.txt")), FormatCode128, ""},
	}
	for i, line := range lines {
		var got map[string]any
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("line %d: %v: %s", i, err, line)
		}
		for _, k := range []string{"file", "ok", "text", "format", "ms"} {
			if _, ok := got[k]; !ok {
				t.Errorf("line %d: no %q: %s", i, k, line)
			}
		}
		w := want[i]
		if got["file"] != files[i] || got["ok"] != w.ok || got["text"] != w.text || got["format"] != w.fmt {
			t.Errorf("line %d = %s", i, line)
		}
		e, hasErr := got["error"].(string)
		if hasErr != (w.errContains != "") || !strings.Contains(e, w.errContains) {
			t.Errorf("line %d error = %q, want %q", i, e, w.errContains)
		}
	}
}

func TestDecodeMainUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"no files", nil, 2},
		{"bad flag", []string{"--nope", "x.png"}, 2},
		{"bad format", []string{"--formats", "aztec", "x.png"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if got := DecodeMain(t.Context(), tt.args, &out, &errb); got != tt.want {
				t.Errorf("exit %d, want %d", got, tt.want)
			}
			if errb.Len() == 0 {
				t.Error("nothing on stderr")
			}
		})
	}
}

func TestDecodeMainText(t *testing.T) {
	dir := corpusDir(t)
	var out, errb bytes.Buffer
	code := DecodeMain(t.Context(), []string{filepath.Join(dir, "ean13-clean", "000.png")}, &out, &errb)
	if code != 0 || !strings.Contains(out.String(), `EAN_13 "`+readText(t, filepath.Join(dir, "ean13-clean", "000.txt"))+`"`) {
		t.Errorf("exit %d, out %q, err %q", code, out.String(), errb.String())
	}
}
