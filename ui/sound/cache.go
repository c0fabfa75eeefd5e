package sound

import (
	"container/list"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// clipKey names a rendered clip: the engine and its settings, the voice
// and the text. The text itself is never a file name.
type clipKey [sha256.Size]byte

func keyOf(engine, voice, text string) clipKey {
	return sha256.Sum256([]byte(engine + "\x00" + voice + "\x00" + text))
}

// clipMagic starts every cached file, with the rate: a file from another
// version, or cut short by a crash, is not taken for speech.
const clipMagic = "pudo-pcm1\n"

// clips keeps rendered speech in memory, the most recently used up to a
// byte bound, and on disk (when dir is set) so a restart renders nothing
// again. Safe for concurrent use.
type clips struct {
	dir string

	mu    sync.Mutex // protects following
	mem   map[clipKey]*list.Element
	lru   *list.List // of *clip, most recent first
	bytes int
	max   int
}

type clip struct {
	key clipKey
	pcm []int16
}

func newClips(dir string, maxBytes int) *clips {
	return &clips{dir: dir, mem: map[clipKey]*list.Element{}, lru: list.New(), max: maxBytes}
}

// get is a clip from memory, else from disk.
func (c *clips) get(k clipKey) ([]int16, bool) {
	c.mu.Lock()
	if e, ok := c.mem[k]; ok {
		c.lru.MoveToFront(e)
		c.mu.Unlock()
		return e.Value.(*clip).pcm, true
	}
	c.mu.Unlock()
	pcm, err := c.read(k)
	if err != nil {
		return nil, false
	}
	c.remember(k, pcm)
	return pcm, true
}

// has reports whether a clip is in memory or on disk, without reading it.
func (c *clips) has(k clipKey) bool {
	c.mu.Lock()
	_, ok := c.mem[k]
	c.mu.Unlock()
	if ok || c.dir == "" {
		return ok
	}
	_, err := os.Stat(c.path(k))
	return err == nil
}

// defaultMemoryBytes bounds the clips kept in memory: the phrases of the
// screens a person is at, about a minute of speech; the rest is read from
// disk when said.
const defaultMemoryBytes = 4 << 20

// put writes a clip to disk, and keeps it in memory too when it is about
// to be said (hot) or there is no disk.
func (c *clips) put(k clipKey, pcm []int16, hot bool) error {
	if hot || c.dir == "" {
		c.remember(k, pcm)
	}
	return c.write(k, pcm)
}

func (c *clips) remember(k clipKey, pcm []int16) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.mem[k]; ok {
		c.lru.MoveToFront(e)
		return
	}
	c.mem[k] = c.lru.PushFront(&clip{k, pcm})
	c.bytes += 2 * len(pcm)
	for c.bytes > c.max && c.lru.Len() > 1 {
		old := c.lru.Remove(c.lru.Back()).(*clip)
		delete(c.mem, old.key)
		c.bytes -= 2 * len(old.pcm)
	}
}

// inMemory is how many clips memory holds and their size.
func (c *clips) inMemory() (n, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len(), c.bytes
}

func (c *clips) path(k clipKey) string { return filepath.Join(c.dir, hex.EncodeToString(k[:])+".pcm") }

func (c *clips) read(k clipKey) ([]int16, error) {
	if c.dir == "" {
		return nil, os.ErrNotExist
	}
	b, err := os.ReadFile(c.path(k))
	if err != nil {
		return nil, err
	}
	pcm, err := decodeClip(b)
	if err != nil {
		os.Remove(c.path(k)) // rendered again next time
		return nil, err
	}
	c.touch(k, time.Now())
	return pcm, nil
}

// write puts a clip on disk through a temporary file and a rename: a
// crash leaves the old file or none, never half of one.
func (c *clips) write(k clipKey, pcm []int16) error {
	if c.dir == "" {
		return nil
	}
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return fmt.Errorf("sound: speech cache: %w", err)
	}
	f, err := os.CreateTemp(c.dir, ".clip-*")
	if err != nil {
		return fmt.Errorf("sound: speech cache: %w", err)
	}
	_, err = f.Write(encodeClip(pcm))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), c.path(k))
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("sound: speech cache: %w", err)
	}
	return nil
}

func encodeClip(pcm []int16) []byte {
	b := make([]byte, len(clipMagic)+4+2*len(pcm))
	n := copy(b, clipMagic)
	binary.LittleEndian.PutUint32(b[n:], rate)
	for i, v := range pcm {
		binary.LittleEndian.PutUint16(b[n+4+2*i:], uint16(v))
	}
	return b
}

func decodeClip(b []byte) ([]int16, error) {
	n := len(clipMagic)
	if len(b) < n+4 || string(b[:n]) != clipMagic || binary.LittleEndian.Uint32(b[n:]) != rate || (len(b)-n-4)%2 != 0 {
		return nil, errors.New("sound: not a cached clip")
	}
	pcm := make([]int16, (len(b)-n-4)/2)
	for i := range pcm {
		pcm[i] = int16(binary.LittleEndian.Uint16(b[n+4+2*i:]))
	}
	return pcm, nil
}

// prune deletes the oldest cached clips beyond maxBytes on disk, and
// temporary files a crash left: phrases with values (a time, a count) add
// clips without end.
func (c *clips) prune(maxBytes int64, now time.Time) error {
	if c.dir == "" {
		return nil
	}
	entries, err := os.ReadDir(c.dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	type file struct {
		name string
		size int64
		mod  time.Time
	}
	var files []file
	var total int64
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		if strings.HasPrefix(e.Name(), ".clip-") && now.Sub(info.ModTime()) > time.Hour {
			os.Remove(filepath.Join(c.dir, e.Name()))
			continue
		}
		if strings.HasSuffix(e.Name(), ".pcm") {
			files = append(files, file{e.Name(), info.Size(), info.ModTime()})
			total += info.Size()
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].mod.Before(files[j].mod) })
	for _, f := range files {
		if total <= maxBytes {
			break
		}
		if err := os.Remove(filepath.Join(c.dir, f.name)); err == nil {
			total -= f.size
		}
	}
	return nil
}

// touch marks a clip used, so prune keeps the clips in use. Only reads
// from disk touch: a hit in memory writes nothing to the SD card.
func (c *clips) touch(k clipKey, now time.Time) {
	if c.dir != "" {
		os.Chtimes(c.path(k), now, now)
	}
}
