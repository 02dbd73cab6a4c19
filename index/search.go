package index

import (
	"context"
	"math/bits"
	"slices"
	"sort"
	"strings"

	"github.com/clinicbot/clinicbot/knowledge"
)

// Hit is one entry that matches a question.
type Hit struct {
	Entry *knowledge.Entry
	// Confidence is how surely the entry answers the question, from 0 to 1.
	// It is measured the same way in every index (see Search), so one
	// threshold means much the same for any knowledge base.
	Confidence float64

	bm25, rank, sem float64
	index           int // the entry's number
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
// Confidence is the learnt estimate that the hit is the entry the
// question asks for: the probability that the question is in scope times
// the probability that this is its entry if it is (see confModel in
// confidence.go), from named features such as BM25 relative to a typical
// entry's self-score, the share of the question the knowledge knows, the
// entry's coverage of the question and closeness in meaning.
func (ix *Index) Search(ctx context.Context, question string, n int) ([]Hit, error) {
	hits, _, err := ix.search(ctx, question, n)
	return hits, err
}

// search is Search, also returning each hit's confidence features.
func (ix *Index) search(ctx context.Context, question string, n int) ([]Hit, []features, error) {
	toks := ix.an.tokens(question)
	fixed := ix.corrected(toks)
	units := ix.unitsOf(fixed)
	if len(units) == 0 || n <= 0 {
		return nil, nil, nil
	}
	res, err := ix.bm25(ctx, ix.request(toks, units), max(n, maxCandidates))
	if err != nil {
		return nil, nil, err
	}
	qv := ix.sem.query(fixed)
	sims := ix.semanticCandidates(qv, &res)
	total := 0.0
	for _, u := range units {
		total += u.weight
	}
	top := 0.0
	for _, h := range res {
		top = max(top, h.score)
	}
	if total == 0 || top == 0 {
		return []Hit{}, nil, nil
	}
	known := knownShare(units, total)
	mt := ix.newMatcher(units, total)
	defer ix.releaseMatcher(mt)
	all := make([]scored, len(res))
	for k, h := range res {
		m := mt.match(&ix.entries[h.entry])
		all[k] = scored{entry: h.entry, bm25: h.score, m: m, sem: sims[k]}
		all[k].rank = h.score/top + m.f1 + 0.5*m.precision + 0.5*m.ownWords + semWeight*sims[k]
	}
	order := make([]int, len(all))
	for k := range order {
		order[k] = k
	}
	sort.SliceStable(order, func(i, j int) bool { return all[order[i]].rank > all[order[j]].rank })
	if len(order) > n {
		order = order[:n]
	}
	// A question closer to one of staff's out-of-scope examples than to
	// every entry is out of scope: no hit is likely.
	outside := false
	if len(order) > 0 {
		outside = ix.outOfScope(mt, qv) >= all[order[0]].rank-all[order[0]].bm25/top
	}
	hits := make([]Hit, len(order))
	xs := make([]features, len(order))
	for k, o := range order {
		c := all[o]
		xs[k] = ix.featuresOf(all, o, known, total)
		hits[k] = Hit{Entry: &ix.base.Entries[c.entry], Confidence: ix.conf.predict(xs[k]), bm25: c.bm25, sem: c.sem, rank: c.rank, index: c.entry}
		if outside {
			hits[k].Confidence = min(hits[k].Confidence, outsideConfidence)
		}
	}
	return hits, xs, nil
}

// request builds the Bleve search for a question: every form of every unit
// in every field, each with its weight, and the question's letter pieces.
// The patient's text never reaches Bleve's query-string parser.
func (ix *Index) request(toks []token, units []unit) *bm25Request {
	n := 0
	for _, u := range units {
		n += len(u.forms)
	}
	req := &bm25Request{clauses: make([]clause, 0, 3*n)}
	seen := make(map[string]bool, n)
	for _, u := range units {
		for j, f := range u.forms {
			key := f.stems[0] // a word has no spaces, so no word is a phrase's key
			if len(f.stems) > 1 {
				key = strings.Join(f.stems, " ")
			}
			// A synonym the knowledge never uses cannot match; the patient's
			// own words are always asked for (see fieldQueries).
			if seen[key] || ix.tooCommon(f) || (j > 0 && f.ids == nil) {
				continue
			}
			seen[key] = true
			req.clauses = ix.fieldQueries(req.clauses, f)
		}
	}
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
	// One clause for all pieces, so their number does not swamp the words;
	// each its own boost (a disjunction's own boost is ignored).
	for _, g := range picked {
		req.grams = append(req.grams, clause{field: gramField, term: g, boost: boostGrams})
	}
	return req
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

// fieldQueries appends the clauses matching one word or phrase in each
// word field, with the field's weight times the form's credit. Every field
// is asked even for words it lacks: Bleve scales a disjunction by the share
// of clauses that match, and that share is part of how a question with
// unknown words shows it is out of scope. A word a field is known to lack
// is marked so, and counts the same without being looked up.
func (ix *Index) fieldQueries(out []clause, f form) []clause {
	for fi, fl := range wordFields {
		c := clause{field: fi, boost: fl.boost * f.credit}
		if len(f.stems) == 1 {
			c.term = f.stems[0]
			id := int32(-1)
			if f.ids != nil {
				id = f.ids[0]
			}
			c.none = ix.lacks(fi, id) && !ix.exact
		} else {
			c.phrase = f.stems
		}
		out = append(out, c)
	}
	return out
}

// units turns a question's words into weighted units of meaning.
func (ix *Index) units(question []token) []unit {
	return ix.unitsOf(ix.corrected(question))
}

// corrected returns the question's words with chat short forms spelt out
// and typos corrected.
func (ix *Index) corrected(question []token) []token {
	toks := slices.Clone(question)
	// Spell out chat short forms ("u", "pls"; see chatWords) and correct
	// typos: a word the index has never seen, close to one it has, unless
	// it is an English word in its own right ("acne" is not a misspelt
	// "ache").
	lex := english()
	for i, t := range toks {
		if ix.vocab.has(t.plain) {
			continue
		}
		if w, ok := chatWords[t.plain]; ok {
			if ct := ix.an.tokens(w); len(ct) == 1 {
				toks[i] = ct[0]
				continue
			}
		}
		if isNumber(t.plain) || lex.hasBase(t.plain) {
			continue
		}
		if c := ix.vocab.correct(t.plain); c != "" {
			if ct := ix.an.tokens(c); len(ct) == 1 {
				toks[i] = ct[0]
			}
		}
	}
	return toks
}

// unitsOf turns corrected words into weighted units of meaning.
func (ix *Index) unitsOf(toks []token) []unit {
	st := stems(toks)
	var units []unit
	covered := make([]bool, len(st))
	// Synonym groups first; within a group, longer phrases were put first.
	// Only groups with a member starting with one of the question's words
	// can match.
	var groups []int32
	for _, s := range st {
		groups = append(groups, ix.synStarts[s]...)
	}
	slices.Sort(groups)
	for _, gi := range slices.Compact(groups) {
		g := ix.syn[gi]
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
	// Cached per index: the lexicon is finite, so the cache is bounded.
	// Only words with dictionary forms are cached.
	if f, ok := ix.relatedCache.Load(plain); ok {
		return f.([]form)
	}
	lex := english()
	bases := lex.bases(plain)
	if len(bases) == 0 {
		return nil
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
		for _, d := range lex.derivedOf(b) {
			add(d, creditDerived)
		}
		for _, s := range lex.synonymsOf(b) {
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

// matcher is a question's units prepared for matching against many
// entries (see match). Every stem any form uses gets a local number, in
// ascending order of term number; a set of stems is then a bitset over the
// local numbers, so that whether a form is covered takes a mask test
// instead of a search per stem.
type matcher struct {
	units []matchUnit
	total float64
	// empty is whether some form has no stems, and so is covered by any set.
	empty bool
	local []int32 // local number -> term number, ascending
	idf   []float64
	words int // length of a bitset in words

	// Scratch, reused for every entry.
	slot      []int32 // term number -> local number + 1 (0: not in the question)
	elsewhere []float64
	pres      []uint64 // stems in one question of the entry
	all       []uint64 // stems in all the entry's questions
	extra     []uint64
	answer    []uint64
	used      []uint64
}

type matchUnit struct {
	weight float64
	any    []wordMask // the stems of all its forms: none present, no form covered
	empty  bool       // a form without stems, covered by any set
	// forms that can be covered, by credit, highest first and among equal
	// credits in the unit's order: the first covered is the one to take
	// (see refMatch in match_test.go for match stated plainly).
	forms []matchForm
}

type matchForm struct {
	credit float64
	mask   []wordMask // the form's stems, by bitset word
}

type wordMask struct {
	w int
	m uint64
}

// newMatcher prepares units for match; releaseMatcher it when done.
func (ix *Index) newMatcher(units []unit, total float64) *matcher {
	mt, _ := ix.matchers.Get().(*matcher)
	if mt == nil {
		mt = &matcher{slot: make([]int32, len(ix.terms.df))}
	}
	mt.total = total
	mt.local = mt.local[:0]
	for _, u := range units {
		for _, f := range u.forms {
			mt.local = append(mt.local, f.ids...)
		}
	}
	slices.Sort(mt.local)
	mt.local = slices.Compact(mt.local)
	mt.idf = mt.idf[:0]
	for l, t := range mt.local {
		mt.slot[t] = int32(l + 1)
		mt.idf = append(mt.idf, ix.terms.idf[t])
	}
	mt.words = (len(mt.local) + 63) / 64
	mt.units = mt.units[:0]
	mt.empty = false
	for _, u := range units {
		mu := matchUnit{weight: u.weight}
		for _, f := range u.forms {
			// A form with no credit or a stem the knowledge lacks counts
			// for nothing.
			if f.ids == nil || f.credit <= 0 {
				continue
			}
			var mf matchForm
			mf.credit = f.credit
			for _, id := range f.ids {
				l := int(mt.slot[id] - 1)
				mf.mask = addBit(mf.mask, l)
				mu.any = addBit(mu.any, l)
			}
			mu.empty = mu.empty || len(f.ids) == 0
			mt.empty = mt.empty || mu.empty
			mu.forms = append(mu.forms, mf)
		}
		slices.SortStableFunc(mu.forms, func(a, b matchForm) int {
			switch {
			case a.credit > b.credit:
				return -1
			case a.credit < b.credit:
				return 1
			}
			return 0
		})
		mt.units = append(mt.units, mu)
	}
	mt.elsewhere = grow(mt.elsewhere, len(units))
	mt.pres = grow(mt.pres, mt.words)
	mt.all = grow(mt.all, mt.words)
	mt.extra = grow(mt.extra, mt.words)
	mt.answer = grow(mt.answer, mt.words)
	mt.used = grow(mt.used, mt.words)
	return mt
}

// releaseMatcher keeps the matcher's scratch for another question.
func (ix *Index) releaseMatcher(mt *matcher) {
	for _, t := range mt.local {
		mt.slot[t] = 0
	}
	ix.matchers.Put(mt)
}

// addBit adds bit l to a mask kept in ascending order of words.
func addBit(mask []wordMask, l int) []wordMask {
	w, bit := l/64, uint64(1)<<(l%64)
	i, found := slices.BinarySearchFunc(mask, w, func(wm wordMask, w int) int { return wm.w - w })
	if found {
		mask[i].m |= bit
		return mask
	}
	return slices.Insert(mask, i, wordMask{w, bit})
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// presence sets the bits of the question's stems that are in the set.
func (mt *matcher) presence(in termSet, bits []uint64) {
	clear(bits)
	if len(in) <= 4*len(mt.local) {
		for _, t := range in {
			if l := mt.slot[t] - 1; l >= 0 {
				bits[l/64] |= 1 << (l % 64)
			}
		}
		return
	}
	// A long text (an answer): look up the question's few stems instead.
	for l, t := range mt.local {
		if in.has(t) {
			bits[l/64] |= 1 << (l % 64)
		}
	}
}

// covered returns the credit of the best form of u wholly present in
// bits (0 if none) and that form.
func (u *matchUnit) covered(bits []uint64) (float64, *matchForm) {
	if !u.empty {
		none := true
		for _, wm := range u.any {
			if bits[wm.w]&wm.m != 0 {
				none = false
				break
			}
		}
		if none {
			return 0, nil
		}
	}
	for i := range u.forms {
		f := &u.forms[i]
		ok := true
		for _, wm := range f.mask {
			if bits[wm.w]&wm.m != wm.m {
				ok = false
				break
			}
		}
		if ok {
			return f.credit, f
		}
	}
	return 0, nil
}

// match measures how the entry matches the matcher's question. It
// computes exactly what refMatch (match_test.go) does, in the same order of
// floating-point operations, with sets of stems as bitsets.
func (mt *matcher) match(e *entryTerms) matchStats {
	var m matchStats
	total := mt.total
	// What the keywords and answer give each unit is the same for every
	// question of the entry.
	mt.presence(e.extra, mt.extra)
	mt.presence(e.answer, mt.answer)
	elsewhere := mt.elsewhere
	for i := range mt.units {
		u := &mt.units[i]
		k, _ := u.covered(mt.extra)
		a, _ := u.covered(mt.answer)
		elsewhere[i] = max(creditKeywords*k, creditAnswer*a)
	}
	// The entry's questions together cover what each covers: their union.
	clear(mt.all)
	for vi, v := range e.variants {
		mt.presence(v, mt.pres)
		none := true
		for w, b := range mt.pres {
			mt.all[w] |= b
			none = none && b == 0
		}
		if none && !mt.empty {
			// None of the question's stems: no form covered, so a recall
			// of at most what is found elsewhere, no precision, and no f1,
			// precision or own share above zero, which m already has.
			continue
		}
		clear(mt.used)
		got, own := 0.0, 0.0
		for i := range mt.units {
			u := &mt.units[i]
			c, f := u.covered(mt.pres)
			own += c * u.weight
			if elsewhere[i] > c {
				c = elsewhere[i] // the credit comes from elsewhere, not this question's words
			} else if f != nil {
				for _, wm := range f.mask {
					mt.used[wm.w] |= wm.m
				}
			}
			got += c * u.weight
		}
		recall := got / total
		// The weight of the question's stems used, summed in term order.
		vgot := 0.0
		for w, b := range mt.used {
			for b != 0 {
				vgot += mt.idf[w*64+bits.TrailingZeros64(b)]
				b &= b - 1
			}
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
	for i := range mt.units {
		u := &mt.units[i]
		c, _ := u.covered(mt.all)
		got += max(c, elsewhere[i]) * u.weight
	}
	m.coverage = got / total
	return m
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

// indexSynonyms maps each stem that starts a member of a synonym group to
// those groups' numbers, ascending.
func (ix *Index) indexSynonyms() {
	ix.synStarts = map[string][]int32{}
	for gi, g := range ix.syn {
		for _, m := range g {
			if gs := ix.synStarts[m[0]]; len(gs) == 0 || gs[len(gs)-1] != int32(gi) {
				ix.synStarts[m[0]] = append(gs, int32(gi))
			}
		}
	}
}
