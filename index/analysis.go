package index

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/ngram"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Analyzer names registered in every index mapping.
const (
	// stemAnalyzer folds case and accents and reduces words to their stems
	// (recover, recovery, recovering -> recoveri/recov). It keeps every word:
	// short questions lean on words an English stop list would drop
	// ("how", "my"), and BM25's IDF already weighs common words down.
	stemAnalyzer = "clinic_stem"
	// plainAnalyzer folds case and accents only; typo correction runs on
	// its terms, because a misspelt word can be far from its stem.
	plainAnalyzer = "clinic_plain"
	// gramAnalyzer cuts words into 3- to 5-letter pieces, so that related
	// word forms, compounds and misspellings ("cellphone", "phone";
	// "anesthetic", "anaesthesia") still share something.
	gramAnalyzer = "clinic_gram"
)

func addAnalyzers(m *mapping.IndexMappingImpl) error {
	if err := m.AddCustomTokenFilter("clinic_ngram", map[string]any{"type": ngram.Name, "min": float64(gramMin), "max": float64(gramMax)}); err != nil {
		return err
	}
	for name, filters := range map[string][]string{
		stemAnalyzer:  {lowercase.Name, en.PossessiveName, en.SnowballStemmerName},
		plainAnalyzer: {lowercase.Name, en.PossessiveName},
		gramAnalyzer:  {lowercase.Name, en.PossessiveName, "clinic_ngram"},
	} {
		err := m.AddCustomAnalyzer(name, map[string]any{
			"type":          custom.Name,
			"char_filters":  []string{asciifolding.Name},
			"tokenizer":     unicode.Name,
			"token_filters": filters,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// token is one word of analysed text: its surface form and its stem.
type token struct {
	plain, stem string
}

// analyzer turns text into tokens, the same way for documents and queries:
// the plain analyzer's words, each then stemmed by the stem analyzer's
// stemmer, so the text is cut into words once.
type analyzer struct {
	plain   analysis.Analyzer
	stemmer analysis.TokenFilter
}

func newAnalyzer(m mapping.IndexMapping) analyzer {
	stem := m.AnalyzerNamed(stemAnalyzer).(*analysis.DefaultAnalyzer)
	return analyzer{
		plain:   m.AnalyzerNamed(plainAnalyzer),
		stemmer: stem.TokenFilters[len(stem.TokenFilters)-1],
	}
}

// tokens analyses text into aligned plain and stemmed words.
func (a analyzer) tokens(text string) []token {
	plain := a.plain.Analyze([]byte(text))
	out := make([]token, len(plain))
	stream := make(analysis.TokenStream, len(plain))
	for i, p := range plain {
		out[i].plain = string(p.Term)
		c := *p
		c.Term = append([]byte(nil), p.Term...)
		stream[i] = &c
	}
	for i, t := range a.stemmer.Filter(stream) {
		out[i].stem = string(t.Term)
	}
	return out
}

// Letter pieces are gramMin to gramMax letters long (see gramAnalyzer).
const (
	gramMin = 3
	gramMax = 5
)

// grams returns the distinct letter pieces of the words, as the
// gramAnalyzer cuts them.
func grams(toks []token) []string {
	var out []string
	seen := map[string]bool{}
	add := func(g string) {
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	for _, t := range toks {
		w := t.plain
		if isASCII(w) { // the common case: slice the string, no copies
			for n := gramMin; n <= gramMax; n++ {
				for i := 0; i+n <= len(w); i++ {
					add(w[i : i+n])
				}
			}
			continue
		}
		r := []rune(w)
		for n := gramMin; n <= gramMax; n++ {
			for i := 0; i+n <= len(r); i++ {
				add(string(r[i : i+n]))
			}
		}
	}
	return out
}

func stems(toks []token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.stem
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
