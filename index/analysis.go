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
	if err := m.AddCustomTokenFilter("clinic_ngram", map[string]any{"type": ngram.Name, "min": 3.0, "max": 5.0}); err != nil {
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

// analyzer turns text into tokens, the same way for documents and queries.
type analyzer struct {
	stem, plain, gram analysis.Analyzer
}

func newAnalyzer(m mapping.IndexMapping) analyzer {
	return analyzer{
		stem:  m.AnalyzerNamed(stemAnalyzer),
		plain: m.AnalyzerNamed(plainAnalyzer),
		gram:  m.AnalyzerNamed(gramAnalyzer),
	}
}

// tokens analyses text into aligned plain and stemmed words.
func (a analyzer) tokens(text string) []token {
	plain := a.plain.Analyze([]byte(text))
	stem := a.stem.Analyze([]byte(text))
	out := make([]token, 0, len(plain))
	for i, p := range plain {
		t := token{plain: string(p.Term), stem: string(p.Term)}
		if i < len(stem) && stem[i].Position == p.Position {
			t.stem = string(stem[i].Term)
		}
		out = append(out, t)
	}
	return out
}

// grams returns the distinct letter pieces of text.
func (a analyzer) grams(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range a.gram.Analyze([]byte(text)) {
		if g := string(t.Term); !seen[g] {
			seen[g] = true
			out = append(out, g)
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
