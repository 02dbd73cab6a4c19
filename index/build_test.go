package index

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/clinicbot/clinicbot/knowledge"
)

// mappedIndex indexes base the plain way: each entry's text mapped to a
// document by the index mapping, and analysed by Bleve.
func mappedIndex(t *testing.T, base *knowledge.Base) bleve.Index {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	bi, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	batch := bi.NewBatch()
	for i, e := range base.Entries {
		err := batch.Index(strconv.Itoa(i), map[string]any{
			fieldQuestions: e.Questions(),
			fieldGrams:     e.Questions(),
			fieldKeywords:  append([]string{e.Topic}, e.Keywords...),
			fieldAnswer:    e.Answer,
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := bi.Batch(batch); err != nil {
		t.Fatal(err)
	}
	return bi
}

// indexContent describes everything in an index that searching reads: the
// fields and their statistics, and every posting of every term with its
// frequency, norm and locations, by external document ID.
func indexContent(t *testing.T, bi bleve.Index) []string {
	adv, err := bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []string
	n, _ := r.DocCount()
	out = append(out, fmt.Sprint("docs ", n))
	fields, err := r.Fields()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(fields)
	out = append(out, fmt.Sprint("fields ", fields))
	for _, field := range fields {
		card, err := r.(bleveindex.BM25Reader).FieldCardinality(field)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(field, " cardinality ", card))
		d, err := r.FieldDict(field)
		if err != nil {
			t.Fatal(err)
		}
		for {
			e, err := d.Next()
			if err != nil {
				t.Fatal(err)
			}
			if e == nil {
				break
			}
			tfr, err := r.TermFieldReader(context.Background(), []byte(e.Term), field, true, true, true)
			if err != nil {
				t.Fatal(err)
			}
			var postings []string
			for {
				p, err := tfr.Next(nil)
				if err != nil {
					t.Fatal(err)
				}
				if p == nil {
					break
				}
				id, err := r.ExternalID(p.ID)
				if err != nil {
					t.Fatal(err)
				}
				s := fmt.Sprintf("%s freq %d norm %x", id, p.Freq, math.Float64bits(p.Norm))
				for _, v := range p.Vectors {
					s += fmt.Sprintf(" [%s %d %d-%d %v]", v.Field, v.Pos, v.Start, v.End, v.ArrayPositions)
				}
				postings = append(postings, s)
			}
			tfr.Close()
			slices.Sort(postings)
			out = append(out, fmt.Sprintf("%s:%q count %d %v", field, e.Term, e.Count, postings))
		}
		d.Close()
	}
	return out
}

// TestBuildIndexesAsMapped checks that the index Build makes from its own
// analysis holds exactly what Bleve makes of the entries' text.
func TestBuildIndexesAsMapped(t *testing.T) {
	bases := []*knowledge.Base{clinicBase(t), syntheticBase(t, 300)}
	for _, name := range []string{"covidq", "clinc150"} {
		if base, err := knowledge.LoadDir("../../shared/bench/" + name + "/knowledge"); err == nil {
			bases = append(bases, base)
		}
	}
	for _, base := range bases {
		ix, err := Build(base)
		if err != nil {
			t.Fatal(err)
		}
		mapped := mappedIndex(t, base)
		got, want := indexContent(t, ix.bleve), indexContent(t, mapped)
		if len(got) != len(want) {
			t.Errorf("index has %d lines, mapped index %d", len(got), len(want))
		}
		bad := 0
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Errorf("index:  %s\nmapped: %s", got[i], want[i])
				if bad++; bad > 5 {
					break
				}
			}
		}
		ix.Close()
		mapped.Close()
	}
}
