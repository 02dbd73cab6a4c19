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
	"sync"

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

	entries   []entryTerms   // per entry, in base order
	terms     *terms         // every stem anywhere in the knowledge base
	nVariants int            // number of questions and alternates
	gramDF    map[string]int // letter piece -> number of entries whose questions have it
	vocab     vocabulary     // plain words, for typo correction
	syn       []synonymGroup // synonym groups, analysed
	// relatedCache maps a question word to its lexicon forms (see related).
	relatedCache sync.Map
	// bm25Scale is the typical BM25 score of an entry for its own
	// question, so that BM25 reads on the same scale in any index.
	bm25Scale float64
}

// entryTerms is an entry's analysed text, kept for re-ranking and confidence.
type entryTerms struct {
	variants []termSet // the question and each alternate
	variantW []float64 // each variant's total weight
	all      termSet   // all its questions together
	extra    termSet   // keywords and topic
	answer   termSet   // the answer
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
		// Term vectors hold word positions: phrase queries (multi-word
		// synonyms) need them.
		fm.IncludeTermVectors = f != fieldGrams
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
	ix := &Index{base: base, bleve: bi, an: newAnalyzer(m), terms: newTerms(), gramDF: map[string]int{}, vocab: newVocabulary()}
	nVariants := 0
	batch := bi.NewBatch()
	for i := range base.Entries {
		e := &base.Entries[i]
		var et entryTerms
		var qtoks []token // the words of all the entry's questions
		ids := func(text string, isQuestion bool) []int32 {
			toks := ix.an.tokens(text)
			ix.vocab.add(toks)
			if isQuestion {
				qtoks = append(qtoks, toks...)
			}
			out := make([]int32, len(toks))
			for j, t := range toks {
				out[j] = ix.terms.add(t.stem)
			}
			return out
		}
		var all []int32
		for _, q := range e.Questions() {
			v := newTermSet(ids(q, true))
			et.variants = append(et.variants, v)
			for _, t := range v {
				ix.terms.df[t]++
			}
			all = append(all, v...)
			nVariants++
		}
		et.all = newTermSet(all)
		extra := append([]string{e.Topic}, e.Keywords...)
		var extraIDs []int32
		for _, k := range extra {
			extraIDs = append(extraIDs, ids(k, false)...)
		}
		et.extra = newTermSet(extraIDs)
		for _, t := range et.extra {
			ix.terms.keyword[t] = true
		}
		et.answer = newTermSet(ids(e.Answer, false))
		grams := grams(qtoks)
		for _, g := range grams {
			ix.gramDF[g]++
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
		toks := ix.an.tokens(q)
		units := ix.units(toks)
		if len(units) == 0 {
			continue
		}
		res, err := ix.bleve.Search(ix.request(toks, units, 10))
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
