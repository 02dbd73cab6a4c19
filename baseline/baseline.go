// Package baseline is the plain Bleve index that clinicbot's speed is
// measured against: what a programmer would write in an afternoon with
// Bleve alone. Each entry is one document with two fields, its question
// and alternates together and its answer, analysed by Bleve's standard
// analyzer, scored with BM25 in an in-memory scorch index; a question is
// one match query per field (question and alternates boost 3, answer
// boost 1). No spelling correction, synonyms, vectors or confidence.
//
// It exists for the comparison benchmarks (index/compare_test.go) and
// the start-up comparison (tools/plainbleve), never for answering.
package baseline

import (
	"context"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/clinicbot/clinicbot/knowledge"
)

// Index is a plain Bleve index of a knowledge base.
type Index struct {
	bleve bleve.Index
}

// Build indexes every entry of base in one batch.
func Build(base *knowledge.Base) (*Index, error) {
	m := bleve.NewIndexMapping()
	m.ScoringModel = bleveindex.BM25Scoring
	doc := bleve.NewDocumentStaticMapping()
	for _, f := range []string{"questions", "answer"} {
		fm := bleve.NewTextFieldMapping()
		fm.Store = false
		fm.IncludeInAll = false
		doc.AddFieldMappingsAt(f, fm)
	}
	m.DefaultMapping = doc
	bi, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, err
	}
	b := bi.NewBatch()
	for _, e := range base.Entries {
		qs := append([]string{e.Question}, e.Alternates...)
		if err := b.Index(e.ID, map[string]any{
			"questions": strings.Join(qs, "\n"),
			"answer":    e.Answer,
		}); err != nil {
			bi.Close()
			return nil, err
		}
	}
	if err := bi.Batch(b); err != nil {
		bi.Close()
		return nil, err
	}
	return &Index{bleve: bi}, nil
}

// Search returns the ids of the n best entries for question, best first.
func (ix *Index) Search(ctx context.Context, question string, n int) ([]string, error) {
	qq := query.NewMatchQuery(question)
	qq.SetField("questions")
	qq.SetBoost(3)
	qa := query.NewMatchQuery(question)
	qa.SetField("answer")
	qa.SetBoost(1)
	req := bleve.NewSearchRequestOptions(query.NewDisjunctionQuery([]query.Query{qq, qa}), n, 0, false)
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

// Close releases the index.
func (ix *Index) Close() error { return ix.bleve.Close() }
