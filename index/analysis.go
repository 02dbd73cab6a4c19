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
	bleveindex "github.com/blevesearch/bleve_index_api"
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

// token is one word of analysed text: its surface form and its stem, and
// where it is: its byte offsets and position, as Bleve records them.
type token struct {
	plain, stem string
	start, end  int
	pos         int
}

// analyzer turns text into tokens, the same way for documents and queries:
// the plain analyzer's words, each then stemmed by the stem analyzer's
// stemmer, so the text is cut into words once.
type analyzer struct {
	plain analysis.Analyzer
	// plainASCII is plain without its character filter, which folds
	// accented letters to ASCII and so leaves ASCII text as it is: for
	// such text, the same words without the filter's copying.
	plainASCII analysis.Analyzer
	stemmer    analysis.TokenFilter
	// known holds the stems of the knowledge base's words, which
	// questions mostly use, once Build has analysed it. Read only.
	known map[string]string
}

func newAnalyzer(m mapping.IndexMapping) analyzer {
	stem := m.AnalyzerNamed(stemAnalyzer).(*analysis.DefaultAnalyzer)
	a := analyzer{
		plain:   m.AnalyzerNamed(plainAnalyzer),
		stemmer: stem.TokenFilters[len(stem.TokenFilters)-1],
	}
	a.plainASCII = a.plain
	if p, ok := a.plain.(*analysis.DefaultAnalyzer); ok {
		folds := true
		for _, cf := range p.CharFilters {
			_, ok := cf.(*asciifolding.AsciiFoldingFilter)
			folds = folds && ok
		}
		if folds {
			a.plainASCII = &analysis.DefaultAnalyzer{Tokenizer: p.Tokenizer, TokenFilters: p.TokenFilters}
		}
	}
	return a
}

// analyze runs the plain analyzer.
func (a analyzer) analyze(text string) analysis.TokenStream {
	if isASCII(text) {
		return a.plainASCII.Analyze([]byte(text))
	}
	return a.plain.Analyze([]byte(text))
}

// tokens analyses text into aligned plain and stemmed words.
func (a analyzer) tokens(text string) []token {
	plain := a.analyze(text)
	out := make([]token, len(plain))
	for i, p := range plain {
		t := token{plain: string(p.Term), start: p.Start, end: p.End, pos: p.Position}
		st, ok := a.known[t.plain]
		if !ok {
			st = a.stem(p)
		}
		t.stem = st
		out[i] = t
	}
	return out
}

// stem returns the stem of a plain token, which it leaves as it is. The
// stemmer looks at one word at a time, so a word always has the same stem.
func (a analyzer) stem(p *analysis.Token) string {
	c := *p
	c.Term = append([]byte(nil), p.Term...)
	return string(a.stemmer.Filter(analysis.TokenStream{&c})[0].Term)
}

// memoTokens is tokens with the stems of words seen before taken from
// memo, and new ones added to it: a knowledge base repeats its words a
// great deal.
func (a analyzer) memoTokens(text string, memo map[string]string) []token {
	plain := a.analyze(text)
	out := make([]token, len(plain))
	for i, p := range plain {
		t := token{plain: string(p.Term), start: p.Start, end: p.End, pos: p.Position}
		st, ok := memo[t.plain]
		if !ok {
			st = a.stem(p)
			memo[t.plain] = st
		}
		t.stem = st
		out[i] = t
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
	most := 0
	for _, t := range toks {
		for n := gramMin; n <= gramMax && n <= len(t.plain); n++ {
			most += len(t.plain) - n + 1
		}
	}
	out := make([]string, 0, most)
	seen := make(map[string]struct{}, most)
	add := func(g string) {
		if _, ok := seen[g]; !ok {
			seen[g] = struct{}{}
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

// analysedField is a field of a Bleve document that Build analysed itself:
// Bleve indexes its terms as they are, where a document mapped from text
// would analyse the text again. Build makes one per field of an entry:
// what Bleve would have made of the several values of a field (the
// questions; the topic and keywords) and then merged into one, as it does
// before writing a document's field to the index, is made merged.
type analysedField struct {
	name       string
	options    bleveindex.FieldIndexingOptions
	length     int // number of tokens
	freqs      bleveindex.TokenFrequencies
	plainBytes uint64
}

func newAnalysedField(name string, options bleveindex.FieldIndexingOptions, length int, freqs bleveindex.TokenFrequencies, plainBytes uint64) *analysedField {
	return &analysedField{name: name, options: options, length: length, freqs: freqs, plainBytes: plainBytes}
}

func (f *analysedField) Name() string                                          { return f.name }
func (f *analysedField) ArrayPositions() []uint64                              { return nil }
func (f *analysedField) Options() bleveindex.FieldIndexingOptions              { return f.options }
func (f *analysedField) Analyze()                                              {}
func (f *analysedField) Value() []byte                                         { return nil }
func (f *analysedField) NumPlainTextBytes() uint64                             { return f.plainBytes }
func (f *analysedField) EncodedFieldType() byte                                { return 't' }
func (f *analysedField) AnalyzedLength() int                                   { return f.length }
func (f *analysedField) AnalyzedTokenFrequencies() bleveindex.TokenFrequencies { return f.freqs }
func (f *analysedField) Size() int                                             { return 64 + len(f.name) + f.freqs.Size() }

// newWordField makes a word field (stems, with their positions) of one or,
// arrayed, several values, as Bleve's TokenFrequency makes each value's
// and TokenFrequencies.MergeAll then merges them: by term, the locations of
// the first value, then the next's, each in word order.
func newWordField(name string, values [][]token, arrayed bool, options bleveindex.FieldIndexingOptions, texts []string) *analysedField {
	n, bytes := 0, 0
	for _, v := range values {
		n += len(v)
		for _, t := range v {
			bytes += len(t.stem)
		}
	}
	s := newFreqSlab(n, bytes)
	var locs []bleveindex.TokenLocation
	if options.IncludeTermVectors() {
		locs = make([]bleveindex.TokenLocation, n)
	}
	k := 0
	for j, toks := range values {
		var ap []uint64
		if arrayed {
			ap = []uint64{uint64(j)}
		}
		locField := ""
		if j > 0 {
			locField = name // MergeAll marks the locations it merges with the field
		}
		for _, t := range toks {
			tf := s.get(t.stem)
			if locs != nil {
				locs[k] = bleveindex.TokenLocation{Field: locField, ArrayPositions: ap, Start: t.start, End: t.end, Position: t.pos}
				tf.Locations = append(tf.Locations, &locs[k])
				k++
			}
			if !options.SkipFreqNorm() {
				tf.SetFrequency(tf.Frequency() + 1)
			}
		}
	}
	return newAnalysedField(name, options, n, s.freqs, plainBytes(texts))
}

// gramFrequencies counts the letter pieces of the questions' words as the
// gramAnalyzer cuts them (every piece of each word, repeats included), and
// returns how many there are in all.
func gramFrequencies(questions [][]token) (bleveindex.TokenFrequencies, int) {
	// At most this many pieces, of at most this many bytes: room for all,
	// allocated at once.
	most, bytes := 0, 0
	for _, toks := range questions {
		for _, t := range toks {
			for size := gramMin; size <= gramMax && size <= len(t.plain); size++ {
				most += len(t.plain) - size + 1
				bytes += (len(t.plain) - size + 1) * size
			}
		}
	}
	s := newFreqSlab(most, bytes)
	n := 0
	for _, toks := range questions {
		for _, t := range toks {
			w := t.plain
			if isASCII(w) {
				for i := 0; i < len(w); i++ {
					for size := gramMin; size <= gramMax && i+size <= len(w); size++ {
						tf := s.get(w[i : i+size])
						tf.SetFrequency(tf.Frequency() + 1)
						n++
					}
				}
				continue
			}
			r := []rune(w)
			for i := range r {
				for size := gramMin; size <= gramMax && i+size <= len(r); size++ {
					tf := s.get(string(r[i : i+size]))
					tf.SetFrequency(tf.Frequency() + 1)
					n++
				}
			}
		}
	}
	return s.freqs, n
}

// freqSlab makes token frequencies with few allocations.
type freqSlab struct {
	freqs bleveindex.TokenFrequencies
	tfs   []bleveindex.TokenFreq // the frequencies, allocated together
	terms []byte                 // their terms' bytes, allocated together
}

func newFreqSlab(n, bytes int) *freqSlab {
	return &freqSlab{freqs: make(bleveindex.TokenFrequencies), tfs: make([]bleveindex.TokenFreq, 0, n), terms: make([]byte, 0, bytes)}
}

// get returns the frequency of term, new if need be. (Were the slabs too
// small, append would move them; what was handed out stays valid.)
func (s *freqSlab) get(term string) *bleveindex.TokenFreq {
	tf, ok := s.freqs[term]
	if !ok {
		at := len(s.terms)
		s.terms = append(s.terms, term...)
		s.tfs = append(s.tfs, bleveindex.TokenFreq{Term: s.terms[at:len(s.terms):len(s.terms)]})
		tf = &s.tfs[len(s.tfs)-1]
		s.freqs[term] = tf
	}
	return tf
}

func plainBytes(texts []string) uint64 {
	n := uint64(0)
	for _, t := range texts {
		n += uint64(len(t))
	}
	return n
}
