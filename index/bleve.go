package index

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// candidate is one BM25 hit: an entry and its Bleve score.
type candidate struct {
	entry int
	score float64
}

// bm25Request is the Bleve search for a question (see request): a
// disjunction of clauses, one of them (when there are letter pieces) a
// disjunction of its own over the pieces. bleveQuery says it as Bleve's
// own query; bm25 runs it with Bleve's postings and Bleve's scoring.
type bm25Request struct {
	clauses []clause
	grams   []clause // the letter pieces, one clause of the disjunction together
}

// clause is one clause of a bm25Request: a term or a phrase in a field.
type clause struct {
	field  int // index of the field in bm25Fields
	term   string
	phrase []string // a phrase's stems, instead of a term
	boost  float64
	// none is whether the field is known to lack the term, so that the
	// clause only counts: its weight is part of the query norm that scales
	// every score, and it is one of the clauses whose share of matches
	// scales each hit (see fieldQueries).
	none bool
}

// bm25Fields are the fields a clause searches: the word fields, then the
// letter pieces.
var bm25Fields = [...]string{fieldQuestions, fieldKeywords, fieldAnswer, fieldGrams}

const gramField = 3 // fieldGrams in bm25Fields

// bleveQuery is the request as a Bleve query, every clause searched.
func (r *bm25Request) bleveQuery() query.Query {
	bq := func(c clause) query.Query {
		if c.phrase != nil {
			pq := query.NewPhraseQuery(c.phrase, bm25Fields[c.field])
			pq.SetBoost(c.boost)
			return pq
		}
		tq := query.NewTermQuery(c.term)
		tq.SetField(bm25Fields[c.field])
		tq.SetBoost(c.boost)
		return tq
	}
	var should []query.Query
	for _, c := range r.clauses {
		should = append(should, bq(c))
	}
	if len(r.grams) > 0 {
		var gs []query.Query
		for _, c := range r.grams {
			gs = append(gs, bq(c))
		}
		should = append(should, query.NewDisjunctionQuery(gs))
	}
	return query.NewDisjunctionQuery(should)
}

// fieldStats are what Bleve's BM25 term scorer reads of the index for a
// field: the number of documents and the field's average length. The
// index never changes, so they are read once (see readFieldStats).
type fieldStats struct {
	docs  uint64
	avg   [len(bm25Fields)]float64
	bleve *search.BM25Stats // the same, for Bleve's searchers
}

// readFieldStats reads the statistics of every field and numbers the
// documents (see docEntry).
func (ix *Index) readFieldStats() error {
	r, err := ix.engine.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	n, err := r.DocCount()
	if err != nil {
		return err
	}
	ix.stats.docs = n
	ix.postingsLeft.Store(int64(postingsBudget * max(len(ix.entries), 1024)))
	// Bleve's BM25 takes a field's "cardinality", its number of distinct
	// terms, over the documents as a field's average length. Over several
	// segments Bleve adds up each segment's count, counting a term once per
	// segment; counted here over the whole index, it is what one segment
	// of all the entries would have, and Bleve's own searchers are handed
	// it (see bm25).
	ix.stats.bleve = &search.BM25Stats{DocCount: float64(n), FieldCardinality: map[string]int{}}
	for f, name := range bm25Fields {
		d, err := r.FieldDict(name)
		if err != nil {
			return err
		}
		card := 0
		for {
			e, err := d.Next()
			if err != nil {
				d.Close()
				return err
			}
			if e == nil {
				break
			}
			card++
		}
		if err := d.Close(); err != nil {
			return err
		}
		ix.stats.bleve.FieldCardinality[name] = card
		if n > 0 || card > 0 {
			ix.stats.avg[f] = math.Ceil(float64(card) / float64(n))
		}
	}
	ix.docEntry = nil
	for i := range ix.entries {
		id, err := r.InternalID(strconv.Itoa(i))
		if err != nil {
			return err
		}
		if len(id) != 8 {
			return fmt.Errorf("entry %d: unexpected internal id %x", i, id)
		}
		d := binary.BigEndian.Uint64(id)
		for uint64(len(ix.docEntry)) <= d {
			ix.docEntry = append(ix.docEntry, -1)
		}
		ix.docEntry[d] = int32(i)
	}
	return nil
}

// idf is Bleve's BM25 (or, in an index without field lengths, TF-IDF)
// inverse document frequency of a term found in docTerm documents.
func (ix *Index) idf(field int, docTerm uint64) float64 {
	total := ix.stats.docs
	if ix.stats.avg[field] > 0 {
		return math.Log(1 + (float64(total)-float64(docTerm)+0.5)/(float64(docTerm)+0.5))
	}
	return 1.0 + math.Log(float64(total)/float64(docTerm+1.0))
}

// termScore is Bleve's term scorer's score of one posting, before the
// query weight (scorer.TermQueryScorer.docScore).
func (ix *Index) termScore(field int, idf float64, freq uint64, norm float64) float64 {
	var tf float64
	if freq < scorer.MaxSqrtCache {
		tf = scorer.SqrtCache[int(freq)]
	} else {
		tf = math.Sqrt(float64(freq))
	}
	if avg := ix.stats.avg[field]; avg > 0 {
		fieldLength := 1 / (norm * norm)
		return idf * (tf * search.BM25_k1) /
			(tf + search.BM25_k1*(1-search.BM25_b+(search.BM25_b*fieldLength/avg)))
	}
	return tf * norm * idf
}

// bm25Scratch is one search's sums per document, kept for the next.
type bm25Scratch struct {
	sum, gramSum []float64
	n, gramN     []uint32
	touched      []int32 // documents with a match, in no order
	postings     []*postings
	phrases      []*phrasePostings
	idfs         []float64
	weights      []float64
	tfd          bleveindex.TermFieldDoc
	top          []candidate
}

// scoreBM25 tells Bleve's searchers to score with BM25, as
// bleve.Index.Search does for an index mapping that asks for it.
var scoreBM25 = search.GetScoringModelCallbackFn(func() string { return bleveindex.BM25Scoring })

// checkDoneEvery is how many clauses pass between looks at the context.
const checkDoneEvery = 16

// bm25 returns the size best hits of req, best first, as
// bleve.Index.Search ranks them for req.bleveQuery(): the same postings,
// the same query norm, BM25 term scores and coordination, hits ordered by
// score, then (not Bleve's order: see better) by entry. What is not
// Bleve's is the work around that: rather than build searchers for every
// clause and merge their postings through a heap, one document at a time,
// bm25 adds each clause's scores into a table by document, clause after
// clause, from postings read from Bleve once and kept (postingsOf,
// phraseOf: the index never changes). A document's score may differ from
// Bleve's in the last bits, from adding in another order.
func (ix *Index) bm25(ctx context.Context, req *bm25Request, size int) (_ []candidate, err error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, bleve.ErrorIndexClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	nTop := len(req.clauses)
	if len(req.grams) > 0 {
		nTop++
	}
	if nTop == 0 || size <= 0 {
		return nil, nil
	}
	r, err := ix.engine.Reader()
	if err != nil {
		return nil, err
	}
	sc, _ := ix.scratch.Get().(*bm25Scratch)
	if sc == nil {
		n := len(ix.docEntry)
		sc = &bm25Scratch{sum: make([]float64, n), gramSum: make([]float64, n), n: make([]uint32, n), gramN: make([]uint32, n)}
	}
	defer func() {
		for _, d := range sc.touched {
			sc.sum[d], sc.gramSum[d], sc.n[d], sc.gramN[d] = 0, 0, 0, 0
		}
		sc.touched = sc.touched[:0]
		clear(sc.postings)
		clear(sc.phrases)
		ix.scratch.Put(sc)
		if cerr := r.Close(); err == nil {
			err = cerr
		}
	}()
	all := len(req.clauses) + len(req.grams)
	sc.postings = grow(sc.postings, all)
	sc.phrases = grow(sc.phrases, all)
	sc.idfs = grow(sc.idfs, all)
	sc.weights = grow(sc.weights, all)
	bctx := context.WithValue(context.WithValue(ctx, search.GetScoringModelCallbackKey, scoreBM25), search.BM25StatsKey, ix.stats.bleve)
	// Open every clause and weigh it, as Bleve's searchers do when built.
	open := func(k int, c *clause) error {
		if c.phrase != nil {
			p, err := ix.phraseOf(bctx, r, c.field, c.phrase)
			if err != nil {
				return err
			}
			sc.phrases[k] = p
			w := 0.0
			for _, idf := range p.idfs {
				x := c.boost * idf
				w += x * x
			}
			sc.weights[k] = w
			return nil
		}
		var docTerm uint64
		if !c.none || ix.exact {
			p, err := ix.postingsOf(bctx, r, c.field, c.term, &sc.tfd)
			if err != nil {
				return err
			}
			sc.postings[k] = p
			docTerm = p.docTerm
		}
		idf := ix.idf(c.field, docTerm)
		sc.idfs[k] = idf
		w := c.boost * idf
		sc.weights[k] = w * w
		return nil
	}
	sumOfSquares := 0.0
	for k := range req.clauses {
		if err := open(k, &req.clauses[k]); err != nil {
			return nil, err
		}
		sumOfSquares += sc.weights[k]
	}
	gramWeight := 0.0
	for k := range req.grams {
		if err := open(len(req.clauses)+k, &req.grams[k]); err != nil {
			return nil, err
		}
		gramWeight += sc.weights[len(req.clauses)+k]
	}
	if len(req.grams) > 0 {
		sumOfSquares += gramWeight
	}
	queryNorm := 1.0 / math.Sqrt(sumOfSquares)
	// Read every clause's matches into the sums.
	add := func(k int, c *clause, sum []float64, n []uint32) error {
		if k%checkDoneEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if p := sc.phrases[k]; p != nil {
			qw := c.boost * queryNorm
			for j, d := range p.docs {
				if n[d] == 0 && sc.n[d] == 0 && sc.gramN[d] == 0 {
					sc.touched = append(sc.touched, d)
				}
				sum[d] += p.scores[j] * qw
				n[d]++
			}
			return nil
		}
		p := sc.postings[k]
		if p == nil {
			return nil
		}
		qw := c.boost * sc.idfs[k] * queryNorm
		for j, d := range p.docs {
			s := p.scores[j]
			if qw != 1.0 {
				s *= qw
			}
			if n[d] == 0 && sc.n[d] == 0 && sc.gramN[d] == 0 {
				sc.touched = append(sc.touched, d)
			}
			sum[d] += s
			n[d]++
		}
		return nil
	}
	for k := range req.clauses {
		if err := add(k, &req.clauses[k], sc.sum, sc.n); err != nil {
			return nil, err
		}
	}
	if len(req.grams) > 0 {
		for k := range req.grams {
			if err := add(len(req.clauses)+k, &req.grams[k], sc.gramSum, sc.gramN); err != nil {
				return nil, err
			}
		}
		ng := float64(len(req.grams))
		for _, d := range sc.touched {
			if c := sc.gramN[d]; c > 0 {
				sc.sum[d] += sc.gramSum[d] * (float64(c) / ng)
				sc.n[d]++
			}
		}
	}
	// The best, by score, then by index order.
	top := sc.top[:0]
	fTop := float64(nTop)
	for _, d := range sc.touched {
		e := ix.docEntry[d]
		if e < 0 {
			continue
		}
		s := sc.sum[d] * (float64(sc.n[d]) / fTop)
		if len(top) == size && !better(s, e, top[size-1]) {
			continue
		}
		i := len(top)
		top = append(top, candidate{})
		for i > 0 && better(s, e, top[i-1]) {
			top[i] = top[i-1]
			i--
		}
		top[i] = candidate{entry: int(e), score: s}
		if len(top) > size {
			top = top[:size]
		}
	}
	sc.top = top
	return slices.Clone(top), nil
}

// postings are a term's postings in a field, read from Bleve, and each
// one's score before the query weight (see termScore).
type postings struct {
	docTerm uint64 // Bleve's count of documents with the term
	docs    []int32
	scores  []float64
}

// postingsBudget bounds the postings the index keeps (see postingsOf), in
// postings per entry.
const postingsBudget = 64

// postingsOf returns a term's postings in a field. The index never
// changes, so what one question reads is kept for the next, within
// postingsBudget postings per entry in all.
func (ix *Index) postingsOf(ctx context.Context, r bleveindex.IndexReader, field int, term string, tfd *bleveindex.TermFieldDoc) (*postings, error) {
	if p, ok := ix.postings[field].Load(term); ok {
		return p.(*postings), nil
	}
	tr, err := r.TermFieldReader(ctx, []byte(term), bm25Fields[field], true, true, false)
	if err != nil {
		return nil, err
	}
	p := &postings{docTerm: tr.Count()}
	idf := ix.idf(field, p.docTerm)
	if p.docTerm > 0 {
		p.docs = make([]int32, 0, p.docTerm)
		p.scores = make([]float64, 0, p.docTerm)
	}
	for {
		d, err := tr.Next(tfd)
		if err != nil {
			tr.Close()
			return nil, err
		}
		if d == nil {
			break
		}
		doc := binary.BigEndian.Uint64(d.ID)
		if doc >= uint64(len(ix.docEntry)) {
			tr.Close()
			return nil, fmt.Errorf("term %q: document %d out of range", term, doc)
		}
		p.docs = append(p.docs, int32(doc))
		p.scores = append(p.scores, ix.termScore(field, idf, d.Freq, d.Norm))
	}
	if err := tr.Close(); err != nil {
		return nil, err
	}
	if ix.postingsLeft.Add(-int64(len(p.docs)+1)) >= 0 {
		if old, loaded := ix.postings[field].LoadOrStore(term, p); loaded {
			return old.(*postings), nil
		}
	}
	return p, nil
}

// phrasePostings are the documents in which a phrase is found in a
// field, as Bleve's phrase searcher finds them, and the phrase's score in
// each with boost and query norm 1; idfs are its words' IDFs in the field.
// Bleve's score with boost b and norm n is the sum over the words of each
// one's BM25 times b·idf·n; this is the sum times b·n.
type phrasePostings struct {
	idfs   []float64
	docs   []int32
	scores []float64
}

// phraseOf returns a phrase's postings in a field, kept like those of
// terms (see postingsOf).
func (ix *Index) phraseOf(ctx context.Context, r bleveindex.IndexReader, field int, stems []string) (*phrasePostings, error) {
	key := strings.Join(stems, " ")
	if p, ok := ix.phrases[field].Load(key); ok {
		return p.(*phrasePostings), nil
	}
	p := &phrasePostings{}
	var tfd bleveindex.TermFieldDoc
	for _, st := range stems {
		tp, err := ix.postingsOf(ctx, r, field, st, &tfd)
		if err != nil {
			return nil, err
		}
		p.idfs = append(p.idfs, ix.idf(field, tp.docTerm))
	}
	s, err := query.NewPhraseQuery(stems, bm25Fields[field]).Searcher(ctx, r, ix.bleve.Mapping(), search.SearcherOptions{})
	if err != nil {
		return nil, err
	}
	s.SetQueryNorm(1)
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0), IndexReader: r}
	for {
		d, err := s.Next(sctx)
		if err != nil {
			s.Close()
			return nil, err
		}
		if d == nil {
			break
		}
		doc := binary.BigEndian.Uint64(d.IndexInternalID)
		if doc >= uint64(len(ix.docEntry)) {
			s.Close()
			return nil, fmt.Errorf("phrase %q: document %d out of range", key, doc)
		}
		p.docs = append(p.docs, int32(doc))
		p.scores = append(p.scores, d.Score)
		sctx.DocumentMatchPool.Put(d)
	}
	if err := s.Close(); err != nil {
		return nil, err
	}
	if ix.postingsLeft.Add(-int64(len(p.docs)+len(stems))) >= 0 {
		if old, loaded := ix.phrases[field].LoadOrStore(key, p); loaded {
			return old.(*phrasePostings), nil
		}
	}
	return p, nil
}

// better is the order of hits: higher score first, then the earlier
// entry. (Bleve's is by document number among equal scores, and Bleve
// numbers the documents of a batch in no set order.)
func better(s float64, e int32, c candidate) bool {
	if s != c.score {
		return s > c.score
	}
	return int(e) < c.entry
}

// Clauses that match nothing. About a third of the word clauses of a
// typical question ask a field for a word it lacks. Bleve would look each
// up to find nothing; yet each still counts (see clause.none), and a
// clause marked none counts the same without the look-up.

// wordFields are the fields searched for a question's words, with their
// weights, in the order of their clauses (see fieldQueries).
var wordFields = [...]struct {
	name  string
	boost float64
}{{fieldQuestions, boostQuestions}, {fieldKeywords, boostKeywords}, {fieldAnswer, boostAnswer}}

// fieldVocabulary records which stems each word field's Bleve dictionary
// holds, and whether it holds any stem the index's own terms lack.
func (ix *Index) fieldVocabulary() error {
	for fi, field := range wordFields {
		has := make([]bool, len(ix.terms.df))
		d, err := ix.bleve.FieldDict(field.name)
		if err != nil {
			return err
		}
		for {
			e, err := d.Next()
			if err != nil {
				d.Close()
				return err
			}
			if e == nil {
				break
			}
			if id := ix.terms.lookup(e.Term); id >= 0 {
				has[id] = true
			} else {
				ix.fieldStrange[fi] = true
			}
		}
		if err := d.Close(); err != nil {
			return err
		}
		ix.fieldHas[fi] = has
	}
	return nil
}

// lacks is whether word field fi's dictionary lacks the stem (term number
// id, or -1).
func (ix *Index) lacks(fi int, id int32) bool {
	if id < 0 {
		return !ix.fieldStrange[fi]
	}
	return !ix.fieldHas[fi][id]
}
