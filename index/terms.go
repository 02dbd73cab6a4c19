package index

import (
	"math"
	"slices"
)

// terms numbers the stems of a knowledge base, so that matching works on
// small sorted integer sets instead of string maps.
type terms struct {
	id map[string]int32
	df []int32 // number of question variants containing the term
	// keyword marks terms of entries' keywords and topics.
	keyword []bool
	// kwDF counts the entries whose keywords or topic have the term.
	kwDF []int32
	idf  []float64 // BM25 inverse document frequency over question variants
	// maxIDF is the weight of a term no question contains.
	maxIDF float64
}

func newTerms() *terms { return &terms{id: map[string]int32{}} }

// add returns the term's number, numbering it if new.
func (t *terms) add(s string) int32 {
	if i, ok := t.id[s]; ok {
		return i
	}
	i := int32(len(t.df))
	t.id[s] = i
	t.df = append(t.df, 0)
	t.keyword = append(t.keyword, false)
	t.kwDF = append(t.kwDF, 0)
	return i
}

// lookup returns the term's number, or -1 for a stem the knowledge lacks.
func (t *terms) lookup(s string) int32 {
	if i, ok := t.id[s]; ok {
		return i
	}
	return -1
}

// finish computes the weights once every question variant was counted.
func (t *terms) finish(nVariants int) {
	n := float64(nVariants)
	t.idf = make([]float64, len(t.df))
	for i, df := range t.df {
		t.idf[i] = math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
	}
	t.maxIDF = math.Log(1 + (n+0.5)/0.5)
}

// weight is the IDF of a term number, or maxIDF for -1.
func (t *terms) weight(i int32) float64 {
	if i < 0 {
		return t.maxIDF
	}
	return t.idf[i]
}

// termSet is a sorted set of term numbers.
type termSet []int32

func newTermSet(ids []int32) termSet {
	s := slices.Clone(ids)
	slices.Sort(s)
	return slices.Compact(s)
}

func (s termSet) has(i int32) bool {
	if len(s) < 16 {
		for _, x := range s {
			if x == i {
				return true
			}
		}
		return false
	}
	_, ok := slices.BinarySearch(s, i)
	return ok
}
