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
	"fmt"
	"sort"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
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
	base  *knowledge.Base
	bleve bleve.Index
	an    analyzer

	entries []entryTerms    // per entry, in base order
	df      map[string]int  // stem -> number of question variants containing it
	nVar    int             // number of question variants
	known   map[string]bool // every stem anywhere in the knowledge base
	gramDF  map[string]int  // letter piece -> number of entries whose questions have it
	vocab   vocabulary      // plain words, for typo correction
	syn     []synonymGroup  // synonym groups, analysed
	// bm25Scale is the typical BM25 score of an entry for its own
	// question, so that BM25 reads on the same scale in any index.
	bm25Scale float64
}

// entryTerms is an entry's analysed text, kept for confidence scoring.
type entryTerms struct {
	variants []map[string]bool // stems of the question and of each alternate
	all      map[string]bool   // stems of all its questions together
	extra    map[string]bool   // stems of keywords and topic
	answer   map[string]bool   // stems of the answer
}

// Build indexes every entry of base.
func Build(base *knowledge.Base) (*Index, error) {
	m := bleve.NewIndexMapping()
	if err := addAnalyzers(m); err != nil {
		return nil, fmt.Errorf("index mapping: %w", err)
	}
	m.ScoringModel = bleveindex.BM25Scoring
	doc := bleve.NewDocumentStaticMapping()
	for f, an := range map[string]string{
		fieldQuestions: stemAnalyzer, fieldKeywords: stemAnalyzer, fieldAnswer: stemAnalyzer, fieldGrams: gramAnalyzer,
	} {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = an
		fm.Store = false
		fm.IncludeInAll = false
		fm.IncludeTermVectors = false
		fm.DocValues = false
		doc.AddFieldMappingsAt(f, fm)
	}
	m.DefaultMapping = doc
	// An in-memory scorch index: BM25 scoring needs scorch (the upsidedown
	// index that bleve.NewMemOnly builds silently falls back to TF-IDF).
	bi, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	ix := &Index{base: base, bleve: bi, an: newAnalyzer(m), df: map[string]int{}, known: map[string]bool{}, gramDF: map[string]int{}, vocab: newVocabulary()}
	batch := bi.NewBatch()
	for i := range base.Entries {
		e := &base.Entries[i]
		et := entryTerms{all: map[string]bool{}, extra: map[string]bool{}, answer: map[string]bool{}}
		for _, q := range e.Questions() {
			toks := ix.an.tokens(q)
			ix.vocab.add(toks)
			v := set(stems(toks))
			et.variants = append(et.variants, v)
			for s := range v {
				ix.df[s]++
				et.all[s] = true
			}
			ix.nVar++
		}
		extra := append([]string{e.Topic}, e.Keywords...)
		for _, k := range extra {
			toks := ix.an.tokens(k)
			ix.vocab.add(toks)
			for _, t := range toks {
				et.extra[t.stem] = true
			}
		}
		atoks := ix.an.tokens(e.Answer)
		ix.vocab.add(atoks)
		for _, t := range atoks {
			et.answer[t.stem] = true
		}
		grams := map[string]bool{}
		for _, q := range e.Questions() {
			for _, g := range ix.an.grams(q) {
				grams[g] = true
			}
		}
		for g := range grams {
			ix.gramDF[g]++
		}
		for _, m := range []map[string]bool{et.all, et.extra, et.answer} {
			for s := range m {
				ix.known[s] = true
			}
		}
		ix.entries = append(ix.entries, et)
		err := batch.Index(strconv.Itoa(i), map[string]any{
			fieldQuestions: e.Questions(),
			fieldGrams:     e.Questions(),
			fieldKeywords:  extra,
			fieldAnswer:    e.Answer,
		})
		if err != nil {
			bi.Close()
			return nil, fmt.Errorf("index entry %s: %w", e.ID, err)
		}
	}
	if err := bi.Batch(batch); err != nil {
		bi.Close()
		return nil, fmt.Errorf("index: %w", err)
	}
	ix.vocab.finish()
	ix.syn = ix.analyseSynonyms(base.Synonyms)
	ix.bm25Scale = ix.selfScore()
	return ix, nil
}

// Base returns the knowledge base the index was built from.
func (ix *Index) Base() *knowledge.Base { return ix.base }

// Len returns the number of entries.
func (ix *Index) Len() int { return len(ix.entries) }

// Close releases the index.
func (ix *Index) Close() error { return ix.bleve.Close() }

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
		units := ix.units(q)
		if len(units) == 0 {
			continue
		}
		res, err := ix.bleve.Search(ix.request(q, units, 10))
		if err != nil {
			continue
		}
		for _, h := range res.Hits {
			if h.ID == strconv.Itoa(i) {
				scores = append(scores, h.Score)
			}
		}
	}
	if len(scores) == 0 {
		return 1
	}
	sort.Float64s(scores)
	return scores[len(scores)/2]
}

func set(ss []string) map[string]bool {
	m := make(map[string]bool, len(ss))
	for _, s := range ss {
		m[s] = true
	}
	return m
}
