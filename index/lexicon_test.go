package index

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"slices"
	"sort"
	"strings"
	"testing"
)

// mapLexicon is the lexicon read into maps of strings, the plain way.
type mapLexicon struct {
	words     map[string]bool
	derived   map[string][]string
	synonyms  map[string][]string
	irregular map[string]string
}

func loadMapLexicon() *mapLexicon {
	l := &mapLexicon{words: map[string]bool{}, derived: map[string][]string{}, synonyms: map[string][]string{}, irregular: map[string]string{}}
	zr, _ := gzip.NewReader(bytes.NewReader(lexiconData))
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "="); ok {
			if w, base, ok := strings.Cut(rest, "\t"); ok {
				l.irregular[w] = base
			}
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			continue
		}
		l.words[f[0]] = true
		if f[1] != "" {
			l.derived[f[0]] = strings.Fields(f[1])
		}
		if f[2] != "" {
			l.synonyms[f[0]] = strings.Fields(f[2])
		}
	}
	return l
}

func (l *mapLexicon) bases(w string) []string {
	var out []string
	if b, ok := l.irregular[w]; ok {
		out = append(out, b)
	}
	if l.words[w] {
		out = append(out, w)
	}
	for _, r := range morphyRules {
		if stem, ok := strings.CutSuffix(w, r[0]); ok && len(stem) >= 2 {
			if b := stem + r[1]; l.words[b] {
				out = append(out, b)
			}
		}
	}
	return out
}

// TestLexiconAsParsed checks the packed lexicon against the plain reading
// of the file, for every string in it and inflections of some.
func TestLexiconAsParsed(t *testing.T) {
	o, n := loadMapLexicon(), english()
	cands := map[string]bool{}
	k := 0
	add := func(w string) {
		cands[w] = true
		if k++; k%20 != 0 {
			return
		}
		for _, suf := range []string{"s", "es", "ed", "ing", "er", "est", "ies", "men", "xes", "ches", "d", "x"} {
			cands[w+suf] = true
		}
	}
	for w := range o.words {
		add(w)
	}
	for w, b := range o.irregular {
		add(w)
		add(b)
	}
	for _, m := range []map[string][]string{o.derived, o.synonyms} {
		for _, ws := range m {
			for _, w := range ws {
				add(w)
			}
		}
	}
	add("")
	add("zzzq")
	for w := range cands {
		if !slices.Equal(o.bases(w), n.bases(w)) {
			t.Fatalf("bases(%q) = %v, parsed %v", w, n.bases(w), o.bases(w))
		}
		if (len(o.bases(w)) > 0) != n.hasBase(w) {
			t.Fatalf("hasBase(%q) = %v", w, n.hasBase(w))
		}
		if o.words[w] != n.known(w) {
			t.Fatalf("known(%q) = %v", w, n.known(w))
		}
		if !slices.Equal(o.derived[w], n.derivedOf(w)) || (o.derived[w] == nil) != (n.derivedOf(w) == nil) {
			t.Fatalf("derivedOf(%q) = %v, parsed %v", w, n.derivedOf(w), o.derived[w])
		}
		if !slices.Equal(o.synonyms[w], n.synonymsOf(w)) {
			t.Fatalf("synonymsOf(%q) = %v, parsed %v", w, n.synonymsOf(w), o.synonyms[w])
		}
	}
	var ow []string
	for w := range o.synonyms {
		ow = append(ow, w)
	}
	sort.Strings(ow)
	nw := n.withSynonyms()
	sort.Strings(nw)
	if !slices.Equal(ow, nw) {
		t.Errorf("withSynonyms: %d words, parsed %d", len(nw), len(ow))
	}
}
