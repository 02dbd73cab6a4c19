package index

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"strings"
	"sync"
)

// lexiconData is general English word knowledge derived from WordNet 3.0
// (Princeton University; see tools/genlexicon for how it is made and its
// licence). It is not tuned to any knowledge base.
//
//go:embed lexicon_en.tsv.gz
var lexiconData []byte

// lexicon relates English words to other words a patient might use for the
// same thing.
type lexicon struct {
	words     map[string]bool     // every word the lexicon lists
	derived   map[string][]string // die -> death; infection -> infect
	synonyms  map[string][]string // cure -> remedy, heal
	irregular map[string]string   // died -> die; children -> child
}

// english is loaded once, on first use.
var english = sync.OnceValue(func() *lexicon {
	l := &lexicon{words: map[string]bool{}, derived: map[string][]string{}, synonyms: map[string][]string{}, irregular: map[string]string{}}
	zr, err := gzip.NewReader(bytes.NewReader(lexiconData))
	if err != nil {
		return l // the embedded file is part of the build; an empty lexicon only loses recall
	}
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
})

func (l *lexicon) known(w string) bool { return l.words[w] }

// morphy suffix rules, after WordNet's: inflected ending -> base ending.
var morphyRules = [][2]string{
	{"ies", "y"}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"}, {"men", "man"},
	{"es", "e"}, {"es", ""}, {"s", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""},
	{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"},
}

// bases returns the dictionary forms of w that the lexicon knows.
func (l *lexicon) bases(w string) []string {
	var out []string
	if b, ok := l.irregular[w]; ok {
		out = append(out, b)
	}
	if l.known(w) {
		out = append(out, w)
	}
	for _, r := range morphyRules {
		if stem, ok := strings.CutSuffix(w, r[0]); ok && len(stem) >= 2 {
			if b := stem + r[1]; l.known(b) {
				out = append(out, b)
			}
		}
	}
	return out
}
