package sound

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestClipsMemoryIsBounded(t *testing.T) {
	c := newClips("", 1000) // bytes: 500 samples
	for i := range 5 {
		c.remember(keyOf("e", "v", string(rune('a'+i))), make([]int16, 200))
	}
	n, bytes := c.inMemory()
	if n != 2 || bytes != 800 {
		t.Fatalf("%d clips, %d bytes", n, bytes)
	}
	if _, ok := c.get(keyOf("e", "v", "a")); ok {
		t.Fatal("the oldest clip is still there")
	}
	if _, ok := c.get(keyOf("e", "v", "e")); !ok {
		t.Fatal("the newest clip is gone")
	}
}

// A clip rendered ahead goes to disk only, and comes from there when said;
// without a disk it stays in memory.
func TestClipsRenderedAheadStayOnDisk(t *testing.T) {
	k := keyOf("e", "v", "ahead")
	c := newClips(t.TempDir(), 1<<20)
	if err := c.put(k, make([]int16, 100), false); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.inMemory(); n != 0 {
		t.Fatalf("%d clips in memory, want none", n)
	}
	if got, ok := c.get(k); !ok || len(got) != 100 {
		t.Fatalf("get = %d samples, %v", len(got), ok)
	}
	if n, _ := c.inMemory(); n != 1 {
		t.Fatalf("%d clips in memory after it was said, want 1", n)
	}
	mem := newClips("", 1<<20)
	mem.put(k, make([]int16, 100), false)
	if n, _ := mem.inMemory(); n != 1 {
		t.Fatalf("no disk: %d clips in memory, want 1", n)
	}
}

func TestClipsOnDisk(t *testing.T) {
	dir := t.TempDir()
	k := keyOf("espeak-ng 1.51", "pl", "Skrytka 14")
	pcm := []int16{1, -2, 3, 32767, -32768}
	if err := newClips(dir, 1<<20).put(k, pcm, true); err != nil {
		t.Fatal(err)
	}
	// A new process: nothing in memory, the disk has it.
	got, ok := newClips(dir, 1<<20).get(k)
	if !ok || len(got) != len(pcm) || got[3] != 32767 || got[4] != -32768 {
		t.Fatalf("get = %v, %v", got, ok)
	}
	if !newClips(dir, 1<<20).has(k) {
		t.Fatal("has = false")
	}
	// A file cut short by a crash is not speech: dropped, rendered again.
	path := newClips(dir, 0).path(k)
	os.WriteFile(path, []byte(clipMagic+"\x22\x56\x00\x00\x01"), 0o600)
	if _, ok := newClips(dir, 1<<20).get(k); ok {
		t.Fatal("a broken file was taken")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("broken file kept: %v", err)
	}
}

func TestClipsPrune(t *testing.T) {
	dir := t.TempDir()
	c := newClips(dir, 1<<20)
	now := time.Now()
	var keys []clipKey
	for i := range 4 {
		k := keyOf("e", "v", string(rune('a'+i)))
		keys = append(keys, k)
		c.put(k, make([]int16, 500), true) // about 1 kB each
		c.touch(k, now.Add(time.Duration(i)*time.Minute))
	}
	tmp := filepath.Join(dir, ".clip-123")
	os.WriteFile(tmp, nil, 0o600)
	os.Chtimes(tmp, now.Add(-2*time.Hour), now.Add(-2*time.Hour))
	if err := c.prune(2100, now); err != nil {
		t.Fatal(err)
	}
	for i, k := range keys {
		_, err := os.Stat(c.path(k))
		if kept := err == nil; kept != (i >= 2) {
			t.Errorf("clip %d kept %v", i, kept)
		}
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Error("a crash's temporary file was kept")
	}
	if err := newClips(filepath.Join(dir, "none"), 1).prune(0, now); err != nil {
		t.Errorf("prune of a missing dir: %v", err)
	}
}
