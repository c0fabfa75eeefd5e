package doctor

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"pudo/app/config"
)

// checkSpeech runs espeak-ng as the kiosk does, once per screen language
// with its configured voice. Without it the kiosk works but is silent to
// a shopper who cannot see the screen: a warning.
func checkSpeech(ctx context.Context, cfg config.Config) Result {
	path, err := exec.LookPath(cfg.Speech.Program)
	if err != nil {
		return Result{"speech", Warn, fmt.Sprintf("%s not found: the kiosk works silently, no spoken guidance (install espeak-ng)", cfg.Speech.Program)}
	}
	vctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(vctx, path, "--version").Output()
	if err != nil {
		return Result{"speech", Warn, fmt.Sprintf("%s --version: %v: no spoken guidance", path, err)}
	}
	version := strings.TrimSpace(strings.SplitN(string(out), "Data at", 2)[0])
	var good, bad []string
	for _, lang := range cfg.Screen.Languages {
		voice, ok := cfg.Speech.Voices[lang]
		if !ok {
			bad = append(bad, lang+" (no voice in [speech.voices])")
			continue
		}
		if err := speakOnce(ctx, path, voice); err != nil {
			bad = append(bad, fmt.Sprintf("%s (voice %s: %v)", lang, voice, err))
			continue
		}
		good = append(good, lang+"="+voice)
	}
	if len(bad) > 0 {
		return Result{"speech", Warn, fmt.Sprintf("%s: silent in %s", version, strings.Join(bad, ", "))}
	}
	return Result{"speech", OK, fmt.Sprintf("%s speaks %s", version, strings.Join(good, " "))}
}

// speakOnce renders a word to a WAV on stdout, as the kiosk does, and
// checks that sound came out.
func speakOnce(ctx context.Context, path, voice string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "-v", voice, "-b", "1", "--stdin", "--stdout")
	cmd.Stdin = strings.NewReader("12")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return fmt.Errorf("%s", msg)
		}
		return err
	}
	b := stdout.Bytes()
	if len(b) < 44+2*2205 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return fmt.Errorf("no speech in its output (%d bytes)", len(b))
	}
	return nil
}
