package index

import (
	"context"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/clinicbot/clinicbot/knowledge"
)

// Hit is one entry that matches a question.
type Hit struct {
	Entry *knowledge.Entry
	// Confidence is how surely the entry answers the question, from 0 to 1.
	// It is measured the same way in every index (see Search), so one
	// threshold means much the same for any knowledge base.
	Confidence float64

	bm25, rank float64
}

// gramShare: letter pieces found in the questions of more than this share
// of entries are not searched.
var gramShare = 0.2

// gramMaxDF and gramLimit bound the letter-piece search in a large knowledge
// base: no piece found in more entries, and no more pieces than this.
const (
	gramMaxDF = 300
	gramLimit = 48
)

// maxCandidates is how many BM25 hits are re-ranked.
const maxCandidates = 30

// Credits: how much a match counts when it is not the patient's own word
// found in one of the entry's questions.
const (
	creditDerived  = 0.8 // a related form from the English lexicon (death for died)
	creditSynonym  = 0.6 // a lexicon synonym of the word's most common sense
	creditKeywords = 0.8 // found in the entry's keywords or topic
	creditAnswer   = 0.5 // found only in the entry's answer
)

// unit is one piece of meaning in a question: a word, or a phrase matched
// by a synonym group, with every form that counts for it.
type unit struct {
	forms  []form
	weight float64 // how much the unit says: the IDF of its rarest form
	known  bool    // whether any form occurs in the knowledge base's questions
}

// form is one way a unit can be said, and how much finding it counts.
type form struct {
	stems  []string // stem sequence; all present means the unit is covered
	ids    []int32  // the stems' term numbers; nil when one is not in the knowledge
	credit float64
}

// newForm numbers a form's stems.
func (ix *Index) newForm(stems []string, credit float64) form {
	f := form{stems: stems, credit: credit, ids: make([]int32, len(stems))}
	for i, s := range stems {
		if f.ids[i] = ix.terms.lookup(s); f.ids[i] < 0 {
			f.ids = nil
			break
		}
	}
	return f
}

// Search returns up to n entries for question, best first, or none for a
// question with no searchable words.
//
// Candidates come from Bleve's BM25 over all fields. They are re-ranked by
// BM25 (relative to the best hit) plus how well the closest of the entry's
// questions matches: the harmonic mean of the share of the patient's
// question it covers and the share of it the patient's question covers,
// with half weights for the best such precision and for coverage by the
// entry's own words alone.
//
// Confidence multiplies three shares, each from 0 to 1: BM25 relative to
// how strongly a typical entry matches its own question (capped at 1); the
// share of the question's meaning the knowledge base knows at all (a word
// it has never seen, like "bitcoin", is a strong sign the question is out
// of scope); and the square root of the share of the question the entry's
// questions, keywords and answer cover.
func (ix *Index) Search(ctx context.Context, question string, n int) ([]Hit, error) {
	toks := ix.an.tokens(question)
	units := ix.units(toks)
	if len(units) == 0 || n <= 0 {
		return nil, nil
	}
	res, err := ix.bleve.SearchInContext(ctx, ix.request(toks, units, max(n, maxCandidates)))
	if err != nil {
		return nil, err
	}
	total, knownW := 0.0, 0.0
	for _, u := range units {
		total += u.weight
		if u.known {
			knownW += u.weight
		}
	}
	top := 0.0
	for _, h := range res.Hits {
		top = max(top, h.Score)
	}
	hits := make([]Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		i, err := strconv.Atoi(h.ID)
		if err != nil || i < 0 || i >= len(ix.entries) || total == 0 || top == 0 {
			continue
		}
		m := ix.match(units, total, &ix.entries[i])
		hit := Hit{Entry: &ix.base.Entries[i], bm25: h.Score}
		hit.rank = h.Score/top + m.f1 + 0.5*m.precision + 0.5*m.ownWords
		known := math.Pow(knownW/total, 3)
		hit.Confidence = known * max(
			min(1, h.Score/ix.bm25Scale)*math.Sqrt(m.coverage),
			// A question that is, nearly word for word, one of the entry's
			// own is answered with confidence however common its words are.
			math.Pow(m.f1, 6))
		hits = append(hits, hit)
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].rank > hits[j].rank })
	if len(hits) > n {
		hits = hits[:n]
	}
	return hits, nil
}

// request builds the Bleve search for a question: every form of every unit
// in every field, each with its weight, and the question's letter pieces.
// The patient's text never reaches Bleve's query-string parser.
func (ix *Index) request(toks []token, units []unit, size int) *bleve.SearchRequest {
	var should []query.Query
	seen := map[string]bool{}
	for _, u := range units {
		for j, f := range u.forms {
			key := strings.Join(f.stems, " ")
			// A synonym the knowledge never uses cannot match; the patient's
			// own words are always asked for (see fieldQueries).
			if seen[key] || ix.tooCommon(f) || (j > 0 && f.ids == nil) {
				continue
			}
			seen[key] = true
			should = append(should, ix.fieldQueries(f)...)
		}
	}
	var gramQs []query.Query
	// Pieces found in many entries ("wha", "hat") say little and cost the
	// most to search: keep the rarest.
	limit := min(gramMaxDF, max(3, int(gramShare*float64(len(ix.entries)))))
	var picked []string
	for _, g := range grams(toks) {
		if df := ix.gramDF[g]; df > 0 && df <= limit {
			picked = append(picked, g)
		}
	}
	if len(picked) > gramLimit {
		sort.SliceStable(picked, func(i, j int) bool { return ix.gramDF[picked[i]] < ix.gramDF[picked[j]] })
		picked = picked[:gramLimit]
	}
	for _, g := range picked {
		tq := query.NewTermQuery(g)
		tq.SetField(fieldGrams)
		tq.SetBoost(boostGrams) // each child: a disjunction's own boost is ignored
		gramQs = append(gramQs, tq)
	}
	if len(gramQs) > 0 {
		// One clause for all pieces, so their number does not swamp the words.
		should = append(should, query.NewDisjunctionQuery(gramQs))
	}
	return bleve.NewSearchRequestOptions(query.NewDisjunctionQuery(should), size, 0, false)
}

// Common words: in a large knowledge base, a word found in more than
// commonShare of the questions (and in at least commonMin of them) says
// almost nothing to BM25 yet costs the most to search, so it is left out
// of the Bleve query. Re-ranking and confidence still count it.
const (
	commonShare = 0.05
	commonMin   = 500
)

func (ix *Index) tooCommon(f form) bool {
	if len(f.ids) != 1 {
		return false
	}
	df := int(ix.terms.df[f.ids[0]])
	return df >= commonMin && float64(df) > commonShare*float64(ix.nVariants)
}

// fieldQueries matches one word or phrase in each word field, with the
// field's weight times the form's credit. Every field is asked even for
// words it lacks: Bleve scales a disjunction by the share of clauses that
// match, and that share is part of how a question with unknown words shows
// it is out of scope.
func (ix *Index) fieldQueries(f form) []query.Query {
	var out []query.Query
	for _, fl := range []struct {
		name  string
		boost float64
	}{{fieldQuestions, boostQuestions}, {fieldKeywords, boostKeywords}, {fieldAnswer, boostAnswer}} {
		if len(f.stems) == 1 {
			tq := query.NewTermQuery(f.stems[0])
			tq.SetField(fl.name)
			tq.SetBoost(fl.boost * f.credit)
			out = append(out, tq)
		} else {
			pq := query.NewPhraseQuery(f.stems, fl.name)
			pq.SetBoost(fl.boost * f.credit)
			out = append(out, pq)
		}
	}
	return out
}

// units turns a question's words into weighted units of meaning.
func (ix *Index) units(question []token) []unit {
	toks := slices.Clone(question)
	// Correct typos: a word the index has never seen, close to one it has,
	// unless it is an English word in its own right ("acne" is not a
	// misspelt "ache").
	lex := english()
	for i, t := range toks {
		if ix.vocab.has(t.plain) || isNumber(t.plain) || len(lex.bases(t.plain)) > 0 {
			continue
		}
		if c := ix.vocab.correct(t.plain); c != "" {
			if ct := ix.an.tokens(c); len(ct) == 1 {
				toks[i] = ct[0]
			}
		}
	}
	st := stems(toks)
	var units []unit
	covered := make([]bool, len(st))
	// Synonym groups first; within a group, longer phrases were put first.
	for _, g := range ix.syn {
		for _, m := range g {
			at := indexOf(st, m)
			if at < 0 || slices.Contains(covered[at:at+len(m)], true) {
				continue
			}
			for j := at; j < at+len(m); j++ {
				covered[j] = true
			}
			// The patient's own phrase first, and its weight is the unit's:
			// a group's rare or unused members must not make a common word
			// weigh more.
			u := unit{forms: []form{ix.newForm(m, 1)}}
			for _, s := range m {
				u.weight = max(u.weight, ix.terms.weight(ix.terms.lookup(s)))
			}
			for _, member := range g {
				if !slices.Equal(member, m) {
					u.forms = append(u.forms, ix.newForm(member, 1))
				}
			}
			units = append(units, u)
			break
		}
	}
	seen := map[string]bool{}
	for i, s := range st {
		if covered[i] || seen[s] {
			continue
		}
		seen[s] = true
		u := unit{forms: []form{ix.newForm([]string{s}, 1)}, weight: ix.terms.weight(ix.terms.lookup(s))}
		u.forms = append(u.forms, ix.related(toks[i].plain, s)...)
		units = append(units, u)
	}
	// A unit is known when the knowledge's questions or keywords use the
	// patient's word or a word related to it.
	for i := range units {
		for _, f := range units[i].forms {
			for _, id := range f.ids {
				if ix.terms.df[id] > 0 || ix.terms.keyword[id] {
					units[i].known = true
				}
			}
		}
	}
	return units
}

// related returns the forms the English lexicon relates to a question
// word, among the stems this index knows.
func (ix *Index) related(plain, stem string) []form {
	lex := english()
	bases := lex.bases(plain)
	if len(bases) == 0 {
		return nil
	}
	// Cached per index: the lexicon is finite, so the cache is bounded.
	if f, ok := ix.relatedCache.Load(plain); ok {
		return f.([]form)
	}
	seen := map[string]bool{stem: true}
	var out []form
	add := func(w string, credit float64) {
		for _, t := range ix.an.tokens(w) {
			if !seen[t.stem] && ix.terms.lookup(t.stem) >= 0 {
				seen[t.stem] = true
				out = append(out, ix.newForm([]string{t.stem}, credit))
			}
		}
	}
	for _, b := range bases {
		add(b, 1)
		for _, d := range lex.derived[b] {
			add(d, creditDerived)
		}
		for _, s := range lex.synonyms[b] {
			add(s, creditSynonym)
		}
	}
	ix.relatedCache.Store(plain, out)
	return out
}

// matchStats describes how one entry matches a question's units.
type matchStats struct {
	f1        float64 // best harmonic mean of recall and precision over the entry's questions
	precision float64 // best share of one entry question's weight the question covers
	ownWords  float64 // best share of the question one entry question covers by itself
	coverage  float64 // share of the question covered by all the entry's text
}

func (ix *Index) match(units []unit, total float64, e *entryTerms) matchStats {
	var m matchStats
	var used []int32
	// What the keywords and answer give each unit is the same for every
	// question of the entry.
	elsewhere := make([]float64, len(units))
	for i, u := range units {
		elsewhere[i] = max(creditKeywords*coveredBy(u, e.extra, nil), creditAnswer*coveredBy(u, e.answer, nil))
	}
	for vi, v := range e.variants {
		used = used[:0]
		got, own := 0.0, 0.0
		for i, u := range units {
			mark := len(used)
			c := coveredBy(u, v, &used)
			own += c * u.weight
			if elsewhere[i] > c {
				c = elsewhere[i]
				used = used[:mark] // the credit comes from elsewhere, not this question's words
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
		got += max(coveredBy(u, e.all, nil), elsewhere[i]) * u.weight
	}
	m.coverage = got / total
	return m
}

// coveredBy returns the credit of the best form of u wholly present in
// the set (0 if none), appending its terms to used when used is not nil.
func coveredBy(u unit, in termSet, used *[]int32) float64 {
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

func indexOf(haystack, needle []string) int {
	if len(needle) == 0 {
		return -1
	}
	for i := 0; i+len(needle) <= len(haystack); i++ {
		if slices.Equal(haystack[i:i+len(needle)], needle) {
			return i
		}
	}
	return -1
}

func isNumber(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// synonymGroup is a synonym group as stem sequences, longest first.
type synonymGroup [][]string

func (ix *Index) analyseSynonyms(groups [][]string) []synonymGroup {
	var out []synonymGroup
	for _, g := range groups {
		var sg synonymGroup
		for _, m := range g {
			if st := stems(ix.an.tokens(m)); len(st) > 0 {
				sg = append(sg, st)
			}
		}
		// Longest members first, so "radiofrequency ablation" wins over "ablation".
		sort.SliceStable(sg, func(i, j int) bool { return len(sg[i]) > len(sg[j]) })
		if len(sg) > 1 {
			out = append(out, sg)
		}
	}
	return out
}
