// Package index searches a knowledge base with Bleve.
//
// Build puts every entry into an in-memory Bleve index (scorch, BM25) with
// its questions, keywords, answer and the letter pieces of its questions in
// separately weighted fields. Search analyses a patient's question itself,
// so that patient text is only ever words and never Bleve query syntax;
// corrects typos against the index's own vocabulary; expands the knowledge
// base's synonym groups and general English word relations (die, death;
// cure, remedy); and ranks entries by BM25 together with how closely one of
// each entry's questions matches.
//
// Every hit carries a confidence between 0 and 1, measured the same way for
// any knowledge base, so that the caller can say "I don't know" instead of
// guessing.
package index

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/clinicbot/clinicbot/knowledge"
)

// Field names and their weights. Questions (canonical and alternates) say
// what an entry is about; keywords are staff's hints; the answer adds
// context but mentions many things it is not about. Letter pieces of the
// questions catch word forms that stemming and the lexicon miss.
const (
	fieldQuestions = "q"
	fieldKeywords  = "k"
	fieldAnswer    = "a"
	fieldGrams     = "g"

	boostQuestions = 3.0
	boostKeywords  = 2.0
	boostAnswer    = 1.0
	boostGrams     = 1.0
)

// Index is a searchable knowledge base. It is safe for concurrent use and
// never changes after Build: a reload builds a new Index.
type Index struct {
	base   *knowledge.Base
	bleve  bleve.Index
	engine bleveindex.Index // bleve's scorch index, searched directly (see bm25)
	an     analyzer
	// mu guards closed: searches hold it for reading.
	mu     sync.RWMutex
	closed bool

	entries   []entryTerms       // per entry, in base order
	terms     *terms             // every stem anywhere in the knowledge base
	nVariants int                // number of questions and alternates
	gramDF    map[string]int     // letter piece -> number of entries whose questions have it
	vocab     vocabulary         // plain words, for typo correction
	syn       []synonymGroup     // synonym groups, analysed
	synStarts map[string][]int32 // first stem of a member -> its groups (see indexSynonyms)
	// relatedCache maps a question word to its lexicon forms (see related).
	relatedCache sync.Map
	// matchers recycles the scratch of re-ranking (see newMatcher).
	matchers sync.Pool
	// scratch recycles the sums of bm25.
	scratch sync.Pool
	// stats are Bleve's statistics of each field (see readFieldStats).
	stats fieldStats
	// postings and phrases keep, per field, the postings of the terms and
	// phrases questions asked for (see postingsOf, phraseOf), within
	// postingsLeft more.
	postings     [len(bm25Fields)]sync.Map
	phrases      [len(bm25Fields)]sync.Map
	postingsLeft atomic.Int64
	// docEntry maps Bleve's document numbers to entries (-1: none).
	docEntry []int32
	// Clauses that match nothing (see clause.none): per word field, the
	// stems its dictionary holds by term number, and whether it holds a
	// stem not numbered.
	fieldHas     [len(wordFields)][]bool
	fieldStrange [len(wordFields)]bool
	// exact makes request ask Bleve for every clause, as a check on
	// clause.none in tests.
	exact bool
	// bm25Scale is the typical BM25 score of an entry for its own
	// question, so that BM25 reads on the same scale in any index.
	bm25Scale float64
	// sem holds the vectors of the entries' questions (see semantic).
	sem *semantic
	// conf is the confidence model learnt from the knowledge (see calibrate).
	conf confModel
	// typicalWeight is the median weight of the knowledge's questions.
	typicalWeight float64
	// oos are the knowledge's out-of-scope examples.
	oos []oosExample
}

// entryTerms is an entry's analysed text, kept for re-ranking and confidence.
type entryTerms struct {
	variants []termSet // the question and each alternate
	variantW []float64 // each variant's total weight
	all      termSet   // all its questions together
	extra    termSet   // keywords and topic
	answer   termSet   // the answer
}

// newMapping returns the index mapping: the analyzers, BM25, and the four
// fields, none of them stored or in _all.
func newMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	if err := addAnalyzers(m); err != nil {
		return nil, err
	}
	m.ScoringModel = bleveindex.BM25Scoring
	doc := bleve.NewDocumentStaticMapping()
	for _, f := range []string{fieldQuestions, fieldKeywords, fieldAnswer, fieldGrams} {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = stemAnalyzer
		if f == fieldGrams {
			fm.Analyzer = gramAnalyzer
		}
		fm.Store = false
		fm.IncludeInAll = false
		// Term vectors hold word positions: phrase queries (multi-word
		// synonyms) need them.
		fm.IncludeTermVectors = f != fieldGrams
		fm.DocValues = false
		doc.AddFieldMappingsAt(f, fm)
	}
	m.DefaultMapping = doc
	return m, nil
}

// fieldOptions returns the indexing options the mapping gives a field.
func fieldOptions(m *mapping.IndexMappingImpl, field string) bleveindex.FieldIndexingOptions {
	return m.DefaultMapping.Properties[field].Fields[0].Options()
}

// Build indexes every entry of base.
//
// Every text is analysed once, by Build itself, for both its own use and
// Bleve's: Bleve is handed each entry's fields already analysed (see
// analysedField), exactly as its analyzers would have made them, instead
// of analysing every text again. The analysis runs in parallel.
func Build(base *knowledge.Base) (*Index, error) {
	return build(base, true)
}

// build is Build; calibrated says whether to learn the confidence model
// (see calibrate), or to use the default one.
func build(base *knowledge.Base, calibrated bool) (*Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("index mapping: %w", err)
	}
	// An in-memory scorch index: BM25 scoring needs scorch (the upsidedown
	// index that bleve.NewMemOnly builds silently falls back to TF-IDF).
	bi, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	engine, err := bi.Advanced()
	if err != nil {
		bi.Close()
		return nil, fmt.Errorf("create index: %w", err)
	}
	ix := &Index{base: base, bleve: bi, engine: engine, an: newAnalyzer(m), terms: newTerms(), gramDF: map[string]int{}, vocab: newVocabulary()}
	// The entries are analysed and handed to Bleve a chunk at a time, so
	// that only a few chunks' analysis is held at once; Bleve builds a
	// segment per chunk, up to bleveBuilders at once, while the next chunk
	// is analysed and the index's own tables are made from this one.
	// Bleve scores the same over several segments as over one, given the
	// same field statistics (see readFieldStats).
	n := len(base.Entries)
	ix.entries = make([]entryTerms, 0, n)
	questions := make([][][]token, n)
	memos := make([]map[string]string, runtime.GOMAXPROCS(0))
	for w := range memos {
		memos[w] = map[string]string{}
	}
	var indexing sync.WaitGroup
	var indexErr error
	var indexMu sync.Mutex
	builders := make(chan struct{}, bleveBuilders)
	nVariants := 0
	for from := 0; from < n; from += buildChunk {
		to := min(from+buildChunk, n)
		analysed := ix.analyseEntries(m, from, to, memos)
		batch := bi.NewBatch()
		for i := range analysed {
			if err := batch.IndexAdvanced(analysed[i].doc); err != nil {
				indexing.Wait()
				bi.Close()
				return nil, fmt.Errorf("index entry %s: %w", base.Entries[from+i].ID, err)
			}
			analysed[i].doc = nil
		}
		builders <- struct{}{}
		indexing.Go(func() {
			defer func() { <-builders }()
			if err := bi.Batch(batch); err != nil {
				indexMu.Lock()
				indexErr = cmp.Or(indexErr, err)
				indexMu.Unlock()
			}
		})
		for i := range analysed {
			a := &analysed[i]
			questions[from+i] = a.questions
			nVariants += ix.addEntry(a)
			*a = analysedEntry{} // done with it
		}
	}
	// The stems of the knowledge's words, for questions.
	known := memos[0]
	for _, memo := range memos[1:] {
		maps.Copy(known, memo)
	}
	ix.an.known = known
	var synonyms [][][]token
	for _, g := range base.Synonyms {
		var members [][]token
		for _, m := range g {
			if toks := ix.an.tokens(m); len(toks) > 0 {
				members = append(members, toks)
			}
		}
		synonyms = append(synonyms, members)
	}
	semDone := make(chan *semantic, 1)
	go func() { semDone <- newSemantic(questions, synonyms) }()
	// Staff's out-of-scope examples, as entries of their own that are
	// never answered (see outOfScope); their words are numbered like the
	// knowledge's but counted in no question.
	for _, q := range base.OutOfScope {
		toks := ix.an.tokens(q)
		ids := make([]int32, len(toks))
		for j, t := range toks {
			ids[j] = ix.terms.add(t.stem)
		}
		ix.oos = append(ix.oos, oosExample{toks: toks, terms: entryTerms{variants: []termSet{newTermSet(ids)}}})
	}
	ix.sem = <-semDone
	indexing.Wait()
	if indexErr != nil {
		bi.Close()
		return nil, fmt.Errorf("index: %w", indexErr)
	}
	if err := ix.readFieldStats(); err != nil {
		bi.Close()
		return nil, fmt.Errorf("index: %w", err)
	}
	ix.vocab.finish()
	ix.nVariants = nVariants
	ix.terms.finish(nVariants)
	for i := range ix.entries {
		et := &ix.entries[i]
		for _, v := range et.variants {
			w := 0.0
			for _, t := range v {
				w += ix.terms.idf[t]
			}
			et.variantW = append(et.variantW, w)
		}
	}
	for i := range ix.oos {
		o := &ix.oos[i]
		w := 0.0
		for _, t := range o.terms.variants[0] {
			w += ix.terms.idf[t]
		}
		o.terms.variantW = []float64{w}
		o.terms.all = o.terms.variants[0]
		o.vec = ix.sem.query(o.toks)
	}
	ix.syn = ix.analyseSynonyms(base.Synonyms)
	ix.indexSynonyms()
	if err := ix.fieldVocabulary(); err != nil {
		bi.Close()
		return nil, fmt.Errorf("index: %w", err)
	}
	ix.bm25Scale = ix.selfScore()
	var ws []float64
	for _, et := range ix.entries {
		ws = append(ws, et.variantW...)
	}
	sort.Float64s(ws)
	ix.typicalWeight = 1
	if len(ws) > 0 && ws[len(ws)/2] > 0 {
		ix.typicalWeight = ws[len(ws)/2]
	}
	ix.conf = defaultModel
	if calibrated {
		ix.conf = ix.cachedCalibration(base) // calibrate, or its model kept from before (calibcache.go)
	}
	return ix, nil
}

// buildChunk is how many entries Build analyses and hands Bleve at once
// (a variable, for tests).
var buildChunk = 1024

// bleveBuilders is how many chunks Bleve may be building at once.
const bleveBuilders = 2

// analysedEntry is an entry's text, analysed, and its Bleve document.
type analysedEntry struct {
	questions [][]token // each question's words
	extra     [][]token // the topic's and each keyword's
	answer    []token
	grams     bleveindex.TokenFrequencies // letter pieces of the questions
	doc       *document.Document
}

// addEntry makes the index's tables of the next entry's analysis, and
// returns its number of questions.
func (ix *Index) addEntry(a *analysedEntry) int {
	var et entryTerms
	ids := func(toks []token) []int32 {
		ix.vocab.add(toks)
		out := make([]int32, len(toks))
		for j, t := range toks {
			out[j] = ix.terms.add(t.stem)
		}
		return out
	}
	var all []int32
	for _, q := range a.questions {
		v := newTermSet(ids(q))
		et.variants = append(et.variants, v)
		for _, t := range v {
			ix.terms.df[t]++
		}
		all = append(all, v...)
	}
	et.all = newTermSet(all)
	var extraIDs []int32
	for _, k := range a.extra {
		extraIDs = append(extraIDs, ids(k)...)
	}
	et.extra = newTermSet(extraIDs)
	for _, t := range et.extra {
		ix.terms.keyword[t] = true
		ix.terms.kwDF[t]++
	}
	et.answer = newTermSet(ids(a.answer))
	for g := range a.grams {
		ix.gramDF[g]++
	}
	ix.entries = append(ix.entries, et)
	return len(a.questions)
}

// analyseEntries analyses entries from to to, in parallel, with a memo of
// stems per worker.
func (ix *Index) analyseEntries(m *mapping.IndexMappingImpl, from, to int, memos []map[string]string) []analysedEntry {
	entries := ix.base.Entries[from:to]
	out := make([]analysedEntry, len(entries))
	wordOpts := [3]bleveindex.FieldIndexingOptions{fieldOptions(m, fieldQuestions), fieldOptions(m, fieldKeywords), fieldOptions(m, fieldAnswer)}
	gramOpts := fieldOptions(m, fieldGrams)
	var next atomic.Int64
	const chunk = 64
	var wg sync.WaitGroup
	for _, memo := range memos {
		wg.Go(func() {
			for {
				start := int(next.Add(chunk)) - chunk
				if start >= len(entries) {
					return
				}
				for i := start; i < min(start+chunk, len(entries)); i++ {
					out[i] = ix.analyseEntry(&entries[i], from+i, memo, wordOpts, gramOpts)
				}
			}
		})
	}
	wg.Wait()
	return out
}

func (ix *Index) analyseEntry(e *knowledge.Entry, i int, memo map[string]string, wordOpts [3]bleveindex.FieldIndexingOptions, gramOpts bleveindex.FieldIndexingOptions) analysedEntry {
	var a analysedEntry
	qs := e.Questions()
	for _, q := range qs {
		a.questions = append(a.questions, ix.an.memoTokens(q, memo))
	}
	// The topic and keywords are one field of several values, as the
	// questions are.
	extra := append([]string{e.Topic}, e.Keywords...)
	for _, k := range extra {
		a.extra = append(a.extra, ix.an.memoTokens(k, memo))
	}
	a.answer = ix.an.memoTokens(e.Answer, memo)
	gramLen := 0
	a.grams, gramLen = gramFrequencies(a.questions)
	doc := document.NewDocument(strconv.Itoa(i))
	doc.AddField(newWordField(fieldQuestions, a.questions, true, wordOpts[0], qs))
	doc.AddField(newAnalysedField(fieldGrams, gramOpts, gramLen, a.grams, plainBytes(qs)))
	doc.AddField(newWordField(fieldKeywords, a.extra, true, wordOpts[1], extra))
	doc.AddField(newWordField(fieldAnswer, [][]token{a.answer}, false, wordOpts[2], []string{e.Answer}))
	// The mapping adds _all, with every field left out.
	doc.AddField(document.NewCompositeFieldWithIndexingOptions("_all", true, []string{},
		[]string{fieldQuestions, fieldGrams, fieldKeywords, fieldAnswer}, bleveindex.IndexField|bleveindex.IncludeTermVectors))
	doc.SetIndexed()
	a.doc = doc
	return a
}

// Base returns the knowledge base the index was built from.
func (ix *Index) Base() *knowledge.Base { return ix.base }

// Len returns the number of entries.
func (ix *Index) Len() int { return len(ix.entries) }

// Close releases the index.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.closed = true
	return ix.bleve.Close()
}

// selfSamples is how many entries selfScore asks their own question.
const selfSamples = 64

// selfScore is the median BM25 score with which an entry answers its own
// canonical question, over up to selfSamples entries spread through the base.
func (ix *Index) selfScore() float64 {
	n := len(ix.base.Entries)
	step := max(1, n/selfSamples)
	var scores []float64
	for i := 0; i < n; i += step {
		q := ix.base.Entries[i].Question
		toks := ix.an.tokens(q)
		units := ix.units(toks)
		if len(units) == 0 {
			continue
		}
		hits, err := ix.bm25(context.Background(), ix.request(toks, units), 10)
		if err != nil {
			continue
		}
		for _, h := range hits {
			if h.entry == i {
				scores = append(scores, h.score)
			}
		}
	}
	if len(scores) == 0 {
		return 1
	}
	sort.Float64s(scores)
	return scores[len(scores)/2]
}
