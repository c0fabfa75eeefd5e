package sound

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// renderer turns text into speech at the player's rate.
type renderer interface {
	render(ctx context.Context, voice, text string) ([]int16, error)
	// id names the engine and its settings: a cached clip is only good
	// for the same.
	id() string
}

// ErrNoEngine means espeak-ng is not installed (or not where the config
// says): the kiosk speaks nothing.
var ErrNoEngine = errors.New("sound: no espeak-ng")

// espeak runs espeak-ng as a separate process for each phrase: it is GPL,
// so it is never linked, and a process per phrase costs about 10 ms.
type espeak struct {
	path    string
	version string // "1.51"
	rate    int    // words per minute
}

// maxText bounds a phrase: no catalogue text is near it, and a runaway
// argument cannot keep espeak-ng busy.
const maxText = 2000

// findEspeak finds the program and asks its version.
func findEspeak(ctx context.Context, program string, wpm int) (*espeak, error) {
	path, err := exec.LookPath(program)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoEngine, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("%w: %s --version: %v", ErrNoEngine, path, err)
	}
	return &espeak{path: path, version: parseEspeakVersion(string(out)), rate: wpm}, nil
}

// parseEspeakVersion reads "eSpeak NG text-to-speech: 1.51  Data at: ...".
func parseEspeakVersion(s string) string {
	_, after, ok := strings.Cut(s, "text-to-speech:")
	if !ok {
		return "unknown"
	}
	if f := strings.Fields(after); len(f) > 0 {
		return f[0]
	}
	return "unknown"
}

func (e *espeak) id() string { return "espeak-ng " + e.version + " rate " + strconv.Itoa(e.rate) }

// render speaks text with voice into PCM at the player's rate. The text
// goes in on stdin, never as an argument, so it cannot be taken for an
// option; -z drops the pause after the last sentence (phrases of one
// utterance are joined with a gap of our own).
func (e *espeak) render(ctx context.Context, voice, text string) ([]int16, error) {
	if len(text) > maxText {
		return nil, fmt.Errorf("sound: phrase of %d bytes is too long to speak", len(text))
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.path, "-v", voice, "-s", strconv.Itoa(e.rate), "-b", "1", "-z", "--stdin", "--stdout")
	cmd.Stdin = strings.NewReader(text)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("sound: espeak-ng -v %s: %w: %s", voice, err, strings.TrimSpace(stderr.String()))
	}
	pcm, r, err := parseWAV(stdout.Bytes())
	if err != nil {
		return nil, fmt.Errorf("sound: espeak-ng -v %s: %w", voice, err)
	}
	return trimSilence(resample(pcm, r, rate)), nil
}
