package index

import (
	"context"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// candidate is one BM25 hit: an entry and its Bleve score.
type candidate struct {
	entry int
	score float64
}

// scoreBM25 tells Bleve's term searchers to score with BM25, as
// bleve.Index.Search does for an index mapping that asks for it.
var scoreBM25 = search.GetScoringModelCallbackFn(func() string { return bleveindex.BM25Scoring })

// checkDoneEvery is how many hits pass between looks at the context, as
// in Bleve's collector.
const checkDoneEvery = 1024

// bm25 returns the size best hits of q, best first, exactly as
// bleve.Index.Search ranks them: Bleve builds and runs the searchers, and
// hits are ordered by score, then by index order. What Bleve's search adds
// around that and Search never uses (a fresh pool of document matches per
// search, term locations, stored fields, facets) is skipped, and document
// matches are recycled from one search to the next.
func (ix *Index) bm25(ctx context.Context, q query.Query, size int) (_ []candidate, err error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, bleve.ErrorIndexClosed
	}
	r, err := ix.engine.Reader()
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := r.Close(); err == nil {
			err = cerr
		}
	}()
	ctx = context.WithValue(ctx, search.GetScoringModelCallbackKey, scoreBM25)
	s, err := q.Searcher(ctx, r, ix.bleve.Mapping(), search.SearcherOptions{})
	if err != nil {
		return nil, err
	}
	pool, _ := ix.docPools.Get().(*search.DocumentMatchPool)
	if pool == nil {
		pool = search.NewDocumentMatchPool(size+1+s.DocumentMatchPoolSize(), 0)
	}
	sctx := &search.SearchContext{DocumentMatchPool: pool, IndexReader: r}
	// top holds the best hits so far, best first.
	top := make([]*search.DocumentMatch, 0, size+1)
	defer func() {
		if cerr := s.Close(); err == nil {
			err = cerr
		}
		for _, d := range top {
			pool.Put(d)
		}
		ix.docPools.Put(pool)
	}()
	var n uint64
	for {
		if n%checkDoneEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		d, err := s.Next(sctx)
		if err != nil {
			return nil, err
		}
		if d == nil {
			break
		}
		n++
		d.HitNumber = n
		if size <= 0 || (len(top) == size && !better(d, top[size-1])) {
			pool.Put(d)
			continue
		}
		i := len(top)
		for i > 0 && better(d, top[i-1]) {
			i--
		}
		top = append(top, nil)
		copy(top[i+1:], top[i:])
		top[i] = d
		if len(top) > size {
			pool.Put(top[size])
			top = top[:size]
		}
	}
	out := make([]candidate, 0, len(top))
	for _, d := range top {
		id, err := r.ExternalID(d.IndexInternalID)
		if err != nil {
			return nil, err
		}
		i, err := strconv.Atoi(id)
		if err != nil || i < 0 || i >= len(ix.entries) {
			continue
		}
		out = append(out, candidate{entry: i, score: d.Score})
	}
	return out, nil
}

// better is Bleve's order of hits by score: higher score first, then
// earlier in the index.
func better(a, b *search.DocumentMatch) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.HitNumber < b.HitNumber
}

// Clauses that match nothing. About a third of the word clauses of a
// typical question ask a field for a word it lacks, and many phrase
// clauses ask for a phrase no entry has in that field. Bleve would build a
// full searcher for each, to find nothing; yet each still counts: its
// weight is part of the query norm that scales every score, and it is one
// of the clauses whose share of matches scales each hit (see fieldQueries).
// A noMatchQuery keeps both, bit for bit, and skips the rest.

// wordFields are the fields searched for a question's words, with their
// weights, in the order of their clauses (see fieldQueries) and of their
// bits in Index.phraseNone.
var wordFields = [...]struct {
	name  string
	boost float64
}{{fieldQuestions, boostQuestions}, {fieldKeywords, boostKeywords}, {fieldAnswer, boostAnswer}}

// noMatchKey identifies a clause's weight and count: the field, the boost
// and, for a phrase, its stems. They do not depend on a word a field
// lacks: Bleve's term scorer weighs it by an IDF of no matching documents,
// (boost·idf(0))², and counts 0 documents, so all such words share a key.
type noMatchKey struct {
	field  string
	boost  float64
	phrase string
}

// noMatchQuery is a clause known to match no document.
type noMatchQuery struct {
	ix   *Index
	key  noMatchKey
	real query.Query // the clause as Bleve would search it
}

// Searcher returns a searcher that finds nothing, with what the real
// clause's searcher tells its parent (weight, count; a parent disjunction
// of few clauses orders them by count), learnt once per key by building it.
func (q *noMatchQuery) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	if s, ok := q.ix.noMatchSearchers.Load(q.key); ok {
		return s.(*noMatchSearcher), nil
	}
	s, err := q.real.Searcher(ctx, r, m, options)
	if err != nil {
		return nil, err
	}
	nm := &noMatchSearcher{weight: s.Weight(), count: s.Count(), min: s.Min(), size: s.Size(), pool: s.DocumentMatchPoolSize()}
	if err := s.Close(); err != nil {
		return nil, err
	}
	q.ix.noMatchSearchers.Store(q.key, nm)
	return nm, nil
}

// noMatchSearcher finds nothing. It never changes, so one serves every
// search.
type noMatchSearcher struct {
	weight          float64
	count           uint64
	min, size, pool int
}

func (s *noMatchSearcher) Next(*search.SearchContext) (*search.DocumentMatch, error) {
	return nil, nil
}

func (s *noMatchSearcher) Advance(*search.SearchContext, bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	return nil, nil
}

func (s *noMatchSearcher) Close() error               { return nil }
func (s *noMatchSearcher) Weight() float64            { return s.weight }
func (s *noMatchSearcher) SetQueryNorm(float64)       {}
func (s *noMatchSearcher) Count() uint64              { return s.count }
func (s *noMatchSearcher) Min() int                   { return s.min }
func (s *noMatchSearcher) Size() int                  { return s.size }
func (s *noMatchSearcher) DocumentMatchPoolSize() int { return s.pool }

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

// findPhrases records, for every phrase of the synonym groups, the word
// fields in which Bleve finds it in no document.
func (ix *Index) findPhrases() error {
	ix.phraseNone = map[string]uint8{}
	for _, g := range ix.syn {
		for _, m := range g {
			if len(m) < 2 {
				continue
			}
			key := strings.Join(m, " ")
			if _, ok := ix.phraseNone[key]; ok {
				continue
			}
			var none uint8
			for fi, field := range wordFields {
				hits, err := ix.bm25(context.Background(), query.NewPhraseQuery(m, field.name), 1)
				if err != nil {
					return err
				}
				if len(hits) == 0 {
					none |= 1 << fi
				}
			}
			ix.phraseNone[key] = none
		}
	}
	return nil
}
