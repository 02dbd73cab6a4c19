package index

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/clinicbot/clinicbot/knowledge"
)

// refMatch is the plain statement of match: for each question of the
// entry, the best-credited form of each unit found in it, else in the
// keywords or answer. The matcher must agree with it bit for bit.
func (ix *Index) refMatch(units []unit, total float64, e *entryTerms) matchStats {
	var m matchStats
	var used []int32
	elsewhere := make([]float64, len(units))
	for i, u := range units {
		elsewhere[i] = max(creditKeywords*refCoveredBy(u, e.extra, nil), creditAnswer*refCoveredBy(u, e.answer, nil))
	}
	for vi, v := range e.variants {
		used = used[:0]
		got, own := 0.0, 0.0
		for i, u := range units {
			mark := len(used)
			c := refCoveredBy(u, v, &used)
			own += c * u.weight
			if elsewhere[i] > c {
				c = elsewhere[i]
				used = used[:mark]
			}
			got += c * u.weight
		}
		recall := got / total
		slices.Sort(used)
		vgot := 0.0
		for _, t := range slices.Compact(used) {
			vgot += ix.terms.idf[t]
		}
		precision := 0.0
		if vw := e.variantW[vi]; vw > 0 {
			precision = vgot / vw
		}
		if recall+precision > 0 {
			m.f1 = max(m.f1, 2*precision*recall/(precision+recall))
		}
		m.precision = max(m.precision, precision)
		m.ownWords = max(m.ownWords, own/total)
	}
	got := 0.0
	for i, u := range units {
		got += max(refCoveredBy(u, e.all, nil), elsewhere[i]) * u.weight
	}
	m.coverage = got / total
	return m
}

func refCoveredBy(u unit, in termSet, used *[]int32) float64 {
	best := 0.0
	var bestForm []int32
	for _, f := range u.forms {
		if f.credit <= best || f.ids == nil {
			continue
		}
		ok := true
		for _, id := range f.ids {
			if !in.has(id) {
				ok = false
				break
			}
		}
		if ok {
			best, bestForm = f.credit, f.ids
		}
	}
	if used != nil {
		*used = append(*used, bestForm...)
	}
	return best
}

func sameBits(a, b matchStats) bool {
	return math.Float64bits(a.f1) == math.Float64bits(b.f1) &&
		math.Float64bits(a.precision) == math.Float64bits(b.precision) &&
		math.Float64bits(a.ownWords) == math.Float64bits(b.ownWords) &&
		math.Float64bits(a.coverage) == math.Float64bits(b.coverage)
}

// TestMatcherAgrees checks the matcher against refMatch for every entry,
// for the clinic's test questions and for long questions whose stems take
// more than one bitset word.
func TestMatcherAgrees(t *testing.T) {
	qs := append(clinicQuestions(t), benchQuestions...)
	for i := 0; i+10 <= len(qs); i += 10 {
		qs = append(qs, strings.Join(qs[i:i+10], " "))
	}
	wide := false
	for _, base := range []*knowledge.Base{clinicBase(t), syntheticBase(t, 300)} {
		ix, err := Build(base)
		if err != nil {
			t.Fatal(err)
		}
		wide = ix.agreesWithRef(t, qs) || wide
		ix.Close()
	}
	if !wide {
		t.Error("no question took more than one bitset word")
	}
}

func (ix *Index) agreesWithRef(t *testing.T, qs []string) (wide bool) {
	for _, q := range qs {
		units := ix.units(ix.an.tokens(q))
		total := 0.0
		for _, u := range units {
			total += u.weight
		}
		if total == 0 {
			continue
		}
		mt := ix.newMatcher(units, total)
		wide = wide || mt.words > 1
		for i := range ix.entries {
			got, want := mt.match(&ix.entries[i]), ix.refMatch(units, total, &ix.entries[i])
			if !sameBits(got, want) {
				t.Errorf("%q, entry %s: match = %+v, want %+v", q, ix.base.Entries[i].ID, got, want)
			}
		}
		ix.releaseMatcher(mt)
	}
	return wide
}

// TestBM25AgreesWithBleve checks that bm25, with clauses that match
// nothing left unsearched, ranks and scores hits as bleve.Index.Search
// does with every clause searched (to within the last bits: see sameHits).
func TestBM25AgreesWithBleve(t *testing.T) {
	qs := append(clinicQuestions(t), benchQuestions...)
	for _, base := range []*knowledge.Base{clinicBase(t), syntheticBase(t, 300)} {
		ix, err := Build(base)
		if err != nil {
			t.Fatal(err)
		}
		ix.agreesWithBleve(t, qs)
		ix.Close()
	}
	// The benchmark knowledge bases beside the repository, when present.
	for _, name := range []string{"covidq", "clinc150"} {
		dir := "../../shared/bench/" + name
		base, err := knowledge.LoadDir(dir + "/knowledge")
		if err != nil {
			t.Logf("skipping %s: %v", name, err)
			continue
		}
		qs := benchFileQuestions(t, dir+"/dev_queries.jsonl")
		if step := len(qs) / 500; step > 1 { // a spread of them, for time
			var some []string
			for i := 0; i < len(qs); i += step {
				some = append(some, qs[i])
			}
			qs = some
		}
		ix, err := Build(base)
		if err != nil {
			t.Fatal(err)
		}
		ix.agreesWithBleve(t, qs)
		ix.Close()
	}
}

// TestChunkedBuildScoresAsOne checks that an index Bleve built in several
// segments, some at once, ranks and scores as one built in one segment.
func TestChunkedBuildScoresAsOne(t *testing.T) {
	base := syntheticBase(t, 300)
	one, err := Build(base)
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	defer func(n int) { buildChunk = n }(buildChunk)
	buildChunk = 37
	chunked, err := Build(base)
	if err != nil {
		t.Fatal(err)
	}
	defer chunked.Close()
	if chunked.stats.avg != one.stats.avg || chunked.stats.docs != one.stats.docs {
		t.Fatalf("field statistics %+v, in one segment %+v", chunked.stats, one.stats)
	}
	qs := append(clinicQuestions(t), benchQuestions...)
	for i := 0; i < len(base.Entries); i += 7 {
		qs = append(qs, base.Entries[i].Alternates...)
	}
	for _, q := range qs {
		toks := one.an.tokens(q)
		units := one.units(toks)
		if len(units) == 0 {
			continue
		}
		want, err := one.bm25(context.Background(), one.request(toks, units), maxCandidates)
		if err != nil {
			t.Fatal(err)
		}
		got, err := chunked.bm25(context.Background(), chunked.request(toks, units), maxCandidates)
		if err != nil {
			t.Fatal(err)
		}
		if !sameHits(got, want) {
			t.Errorf("%q: chunked %v, one segment %v", q, got, want)
		}
	}
}

func benchFileQuestions(t *testing.T, path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var qs []string
	for _, line := range strings.Split(string(data), "\n") {
		var q struct{ Query string }
		if json.Unmarshal([]byte(line), &q) == nil && q.Query != "" {
			qs = append(qs, q.Query)
		}
	}
	return qs
}

// sameHits is whether bm25's hits are Bleve's: the same scores to within
// the last bits (bm25 adds a document's clause scores in another order),
// and the same entries in the same order, but for entries whose scores
// tie to within those bits.
func sameHits(got, want []candidate) bool {
	if len(got) != len(want) {
		return false
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*max(math.Abs(a), math.Abs(b)) }
	for i, g := range got {
		if !near(g.score, want[i].score) {
			return false
		}
		if g.entry == want[i].entry {
			continue
		}
		// A near tie: the entry is elsewhere among Bleve's with the same
		// score, or just below its last.
		ok := near(g.score, want[len(want)-1].score)
		for _, w := range want {
			if w.entry == g.entry && near(w.score, g.score) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func (ix *Index) agreesWithBleve(t *testing.T, qs []string) {
	for _, q := range qs {
		toks := ix.an.tokens(q)
		units := ix.units(toks)
		if len(units) == 0 {
			continue
		}
		for _, size := range []int{1, 5, maxCandidates} {
			got, err := ix.bm25(context.Background(), ix.request(toks, units), size)
			if err != nil {
				t.Fatal(err)
			}
			ix.exact = true
			all := ix.request(toks, units).bleveQuery()
			ix.exact = false
			res, err := ix.bleve.Search(bleve.NewSearchRequestOptions(all, size, 0, false))
			if err != nil {
				t.Fatal(err)
			}
			var want []candidate
			for _, h := range res.Hits {
				i, _ := strconv.Atoi(h.ID)
				want = append(want, candidate{i, h.Score})
			}
			if !sameHits(got, want) {
				t.Errorf("%q, %d hits: bm25 = %v, Bleve %v", q, size, got, want)
			}
		}
	}
}
