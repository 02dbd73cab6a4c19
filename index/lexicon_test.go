package index

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"flag"
	"os"
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

// lexiconSource is the packed lexicon's source.
const lexiconSource = "lexicon_en.tsv.gz"

var updateLexicon = flag.Bool("update", false, "rewrite lexicon_en.bin from "+lexiconSource)

// TestLexiconPacked checks that the embedded lexicon is its source packed
// (with -update, packs it anew), and that it unpacks to what was packed.
func TestLexiconPacked(t *testing.T) {
	src, err := os.ReadFile(lexiconSource)
	if err != nil {
		t.Fatal(err)
	}
	l, err := parseLexicon(src)
	if err != nil {
		t.Fatal(err)
	}
	packed := packLexicon(l)
	if *updateLexicon {
		if err := os.WriteFile("lexicon_en.bin", packed, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if string(packed) != lexiconPacked {
		t.Fatalf("lexicon_en.bin is not %s packed: go test ./index -run TestLexiconPacked -update", lexiconSource)
	}
	// Unpacked from a copy at an odd address, the numbers are copied, not
	// read in place; either way they are the same.
	odd := " " + string(packed)
	for _, data := range []string{lexiconPacked, odd[1:]} {
		u, err := unpackLexicon(data)
		if err != nil {
			t.Fatal(err)
		}
		if u.text != l.text || !slices.Equal(u.off, l.off) || !slices.Equal(u.table, l.table) || !slices.Equal(u.irregular, l.irregular) ||
			!slices.Equal(u.derived, l.derived) || !slices.Equal(u.synonyms, l.synonyms) || !slices.Equal(u.rel, l.rel) ||
			!slices.Equal(u.word, l.word) || !slices.Equal(u.withSyn, l.withSyn) {
			t.Fatal("unpacked lexicon differs from the one packed")
		}
	}
	for _, bad := range []string{"", lexiconMagic, lexiconPacked[:len(lexiconPacked)-1]} {
		if _, err := unpackLexicon(bad); err == nil {
			t.Errorf("unpackLexicon of %d bytes: no error", len(bad))
		}
	}
}

func loadMapLexicon() *mapLexicon {
	lexiconData, _ := os.ReadFile(lexiconSource)
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
