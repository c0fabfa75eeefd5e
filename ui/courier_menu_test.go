package ui

import (
	"regexp"
	"strings"
	"testing"
)

// The courier menu says who is signed in (a token names a courier by an
// id, not a name to greet) and how many parcels each list holds; a list
// that fits one page has no pager ("Page 1 of 1").
func TestCourierMenuCountsAndShortLists(t *testing.T) {
	f := newFixture(t)
	f.eng.StoreReturn(returnKey)
	f.scanned(annaToken)
	f.want(t, &courierMenuScreen{})
	if f.shows("Hello") || !f.shows("Signed in: ") {
		t.Fatalf("texts %q", f.texts())
	}
	expired, returns := regexp.MustCompile(`^Take back expired \((\d+)\)$`), regexp.MustCompile(`^Collect returns \((\d+)\)$`)
	var counts []string
	for _, s := range f.texts() {
		for _, re := range []*regexp.Regexp{expired, returns} {
			if m := re.FindStringSubmatch(s); m != nil {
				counts = append(counts, m[1])
			}
		}
	}
	if len(counts) != 2 || counts[1] != "1" {
		t.Fatalf("counts %q in %q", counts, f.texts())
	}
	f.tap(t, "Collect returns (1)")
	f.want(t, &batchScreen{})
	if f.shows("Page 1 of 1") || f.button("Next") != nil {
		t.Fatalf("a pager for one return: %q", f.texts())
	}
}

// tapList taps a courier menu's list button, whatever count it shows.
func (f *fixture) tapList(t *testing.T, key string) {
	t.Helper()
	for _, o := range f.objects() {
		if b, ok := o.(*button); ok && strings.HasPrefix(b.Text, tr(key)+" (") {
			f.tap(t, b.Text)
			return
		}
	}
	t.Fatalf("no button %q on %s; texts: %q", tr(key), screenName(f.k.shown), f.texts())
}
