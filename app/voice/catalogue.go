package voice

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Catalogue is the translation catalogue as speech reads it, language →
// key → text: the same files the screens read (assets.Translations), read
// here so that a phrase is said in the session's language whatever the
// screen shows, and so that the spoken texts are tested without a screen.
// A counted text's forms are kept as key#form ("door.more#few"), and a
// phrase takes the form of its count N (PluralOf).
type Catalogue map[string]map[string]string

// formSep joins a counted text's key and its plural form.
const formSep = "#"

// LoadCatalogue reads translations/*.json from fsys.
func LoadCatalogue(fsys fs.FS) (Catalogue, error) {
	c := Catalogue{}
	files, err := fs.Glob(fsys, "translations/*.json")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		m, err := parseTexts(b)
		if err != nil {
			return nil, fmt.Errorf("voice: translations %s: %w", f, err)
		}
		c[strings.TrimSuffix(path.Base(f), ".json")] = m
	}
	if len(c) == 0 {
		return nil, fmt.Errorf("voice: no translations/*.json")
	}
	return c, nil
}

// parseTexts reads one language's file: plain texts, and counted ones
// under key#form.
func parseTexts(b []byte) (map[string]string, error) {
	raw := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	m := map[string]string{}
	for k, v := range raw {
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			m[k] = s
			continue
		}
		var forms map[string]string
		if err := json.Unmarshal(v, &forms); err != nil {
			return nil, fmt.Errorf("key %q: neither a text nor plural forms", k)
		}
		for form, s := range forms {
			m[k+formSep+form] = s
		}
	}
	return m, nil
}

// lookup is the text of key in texts; for a counted text, its form for
// the count among args in lang, else its "other" form.
func lookup(texts map[string]string, lang, key string, args []any) (string, bool) {
	if s, ok := texts[key]; ok {
		return s, true
	}
	if s, ok := texts[key+formSep+string(PluralOf(lang, CountOf(args)))]; ok {
		return s, true
	}
	s, ok := texts[key+formSep+string(PluralOther)]
	return s, ok
}

// Has reports whether lang has a text for key, plain or counted.
func (c Catalogue) Has(lang, key string) bool {
	_, ok := lookup(c[lang], lang, key, nil)
	return ok
}

// Text is what p says in lang: the spoken variant of its key if there is
// one, its placeholders filled, phrases among the values said in lang too.
// A missing key or value is an error, not a half-said sentence.
func (c Catalogue) Text(lang string, p Phrase) (string, error) {
	return c.text(lang, p, 0, nil)
}

// LogText is Text with every character of a code or PIN (Secret) written
// as "•": what was said, for the log, which never holds a code.
func (c Catalogue) LogText(lang string, p Phrase) (string, error) {
	return c.text(lang, p, 0, func(p Phrase) (string, bool) {
		if Secret(p) {
			return "•", true
		}
		return "", false
	})
}

// text renders p; instead, when given, may stand in for a phrase.
func (c Catalogue) text(lang string, p Phrase, depth int, instead func(Phrase) (string, bool)) (string, error) {
	texts, ok := c[lang]
	if !ok {
		return "", fmt.Errorf("voice: no language %q", lang)
	}
	if depth > 4 {
		return "", fmt.Errorf("voice: %s: phrases nested too deep", p.Key)
	}
	if instead != nil {
		if s, ok := instead(p); ok {
			return s, nil
		}
	}
	key := SpokenKey(p.Key, func(k string) bool { _, ok := lookup(texts, lang, k, nil); return ok })
	s, ok := lookup(texts, lang, key, p.Args)
	if !ok || s == "" {
		return "", fmt.Errorf("voice: %s: no text %q", lang, p.Key)
	}
	for i := 0; i+1 < len(p.Args); i += 2 {
		v := p.Args[i+1]
		var val string
		if sub, ok := v.(Phrase); ok {
			t, err := c.text(lang, sub, depth+1, instead)
			if err != nil {
				return "", err
			}
			val = t
		} else {
			val = fmt.Sprint(v)
		}
		s = strings.ReplaceAll(s, "{{."+fmt.Sprint(p.Args[i])+"}}", val)
	}
	if strings.Contains(s, "{{.") {
		return "", fmt.Errorf("voice: %s: %s: a placeholder has no value: %q", lang, p.Key, s)
	}
	return s, nil
}

// Fixed are the spoken phrases of lang that take no values: rendered
// ahead, at start.
func (c Catalogue) Fixed(lang string) []Phrase {
	var out []Phrase
	for k, s := range c[lang] {
		if strings.HasPrefix(k, SpokenPrefix) && !strings.Contains(s, "{{.") && !strings.Contains(k, formSep) {
			out = append(out, Say(k))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
