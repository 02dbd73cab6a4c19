package safety

import (
	"math/bits"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// occ is one place where a phrase matched: tokens start..end inclusive.
type occ struct {
	phrase     int32
	start, end int32
}

// rocc is an occurrence seen from one rule.
type rocc struct {
	occ  int32
	role int32
}

// state is the scratch space of one Check call.
type state struct {
	toks    []token
	bits    []uint64 // per token, a bit set of the rule words it matches
	stride  int
	occs    []occ
	perRule [][]rocc
	covered []uint32 // covered[i] == stamp: token i is inside a phrase of the rule being judged
	stamp   uint32
	valid   []rocc
	unless  []span  // where the rule's unless phrases are
	over    []int32 // first tokens of the rule's over phrases
	denied  []int32 // first tokens of unless phrases the patient denies
}

// span is where a phrase was found: its clauses and sentences.
type span struct {
	lo, hi         int32 // first and last clause
	sentLo, sentHi int32 // first and last sentence
}

var statePool = sync.Pool{New: func() any { return new(state) }}

// Check tests a message against the rules and returns the first matching rule
// in file order (the file lists the most urgent rules first).
//
// Look-alike letters are read as the letters they look like (fullwidth
// "ＣＨＥＳＴ", mathematical bold). A line break ends a sentence, except
// where the sentence plainly goes on: no full stop, question or
// exclamation mark before it and a lower-case letter after it ("I can't
// feel\nmy legs"); such a message is read both ways.
func (c *Checker) Check(text string) (Alert, bool) {
	if c == nil || len(c.rules) == 0 {
		return Alert{}, false
	}
	if !isASCII(text) {
		text = foldConfusables(norm.NFKC.String(text))
	}
	a, ok := c.check(text)
	if ok {
		return a, ok
	}
	if joined, soft := joinSoftBreaks(text); soft {
		return c.check(joined)
	}
	return a, ok
}

// joinSoftBreaks turns each line break inside a sentence into a space, and
// reports whether there was any.
func joinSoftBreaks(text string) (string, bool) {
	if !strings.ContainsAny(text, "\r\n") {
		return text, false
	}
	b := []byte(text)
	soft := false
	for i := 0; i < len(b); i++ {
		if b[i] != '\n' && b[i] != '\r' {
			continue
		}
		j := i
		for j < len(b) && (b[j] == '\n' || b[j] == '\r') {
			j++
		}
		if j-i > 2 || (j-i == 2 && b[i] == b[i+1]) {
			i = j - 1
			continue // a blank line: a new paragraph
		}
		prev := strings.TrimRight(string(b[:i]), " \t")
		next, _ := utf8.DecodeRune(b[j:])
		if prev != "" && !strings.ContainsAny(prev[len(prev)-1:], ".?!;:") && unicode.IsLower(next) {
			for k := i; k < j; k++ {
				b[k] = ' '
			}
			soft = true
		}
		i = j - 1
	}
	return string(b), soft
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func (c *Checker) check(text string) (Alert, bool) {
	st := statePool.Get().(*state)
	defer statePool.Put(st)
	st.toks = tokenize(text, st.toks[:0])
	n := len(st.toks)
	if n == 0 {
		return Alert{}, false
	}
	st.stride = (len(c.words) + 63) / 64
	need := n * st.stride
	if cap(st.bits) < need {
		st.bits = make([]uint64, need)
	} else {
		st.bits = st.bits[:need]
		clear(st.bits)
	}
	for i := range st.toks {
		c.matchWord(st.toks[i].text, st.bits[i*st.stride:(i+1)*st.stride])
	}
	st.occs = st.occs[:0]
	for i := 0; i < n; i++ {
		row := st.bits[i*st.stride : (i+1)*st.stride]
		for wi, b := range row {
			for b != 0 {
				w := wi*64 + bits.TrailingZeros64(b)
				b &= b - 1
				for _, pid := range c.starts[w] {
					if end := c.matchRest(st, c.phrases[pid].words, 1, i+1, st.toks[i].sent); end >= 0 {
						if end < i {
							end = i
						}
						st.occs = append(st.occs, occ{phrase: pid, start: int32(i), end: int32(end)})
					}
				}
			}
		}
	}
	if len(st.occs) == 0 {
		return Alert{}, false
	}
	if len(st.perRule) < len(c.rules) {
		st.perRule = make([][]rocc, len(c.rules))
	}
	for r := range c.rules {
		st.perRule[r] = st.perRule[r][:0]
	}
	for oi, o := range st.occs {
		for _, m := range c.members[o.phrase] {
			st.perRule[m.rule] = append(st.perRule[m.rule], rocc{occ: int32(oi), role: m.role})
		}
	}
	if cap(st.covered) < n {
		st.covered = make([]uint32, n)
		st.stamp = 0
	}
	st.covered = st.covered[:n]
	for r := range c.rules {
		if c.ruleMatches(st, r) {
			return Alert{Rule: c.rules[r].id, Kind: c.rules[r].kind}, true
		}
	}
	return Alert{}, false
}

// matchWord sets in row the bits of the rule words that message word t matches.
func (c *Checker) matchWord(t string, row []uint64) {
	if t == "" {
		return
	}
	known := false
	for _, id := range c.exact[t] {
		row[id/64] |= 1 << (id % 64)
		known = true
	}
	for _, lw := range c.prefix[t[0]] {
		if strings.HasPrefix(t, lw.text) {
			row[lw.id/64] |= 1 << (lw.id % 64)
		}
	}
	// A word that is a rule word as written is not a typo of another, nor is
	// a short word, a number or a common English word.
	if known || len(t) < 3 || strings.ContainsAny(t, "0123456789") {
		return
	}
	cands := c.typo[t[0]]
	late := c.anyFirst[min(len(t), maxTypoLen)] // rule words whose first letter may be wrong
	if len(cands) == 0 && len(late) == 0 || isCommonWord(t) {
		return
	}
	for i := range cands {
		if typoOf(t, &cands[i]) {
			row[cands[i].id/64] |= 1 << (cands[i].id % 64)
		}
	}
	if len(late) == 0 {
		return
	}
	m := letterMask(t)
	nearCommon := -1 // unknown yet
	for i := range late {
		lw := &late[i]
		// Words starting with t[0] were tried above; a word lacking more
		// of lw's letters than it has edits cannot be a typo of it.
		if lw.text[0] == t[0] || bits.OnesCount32(lw.mask&^m) > int(lw.edits) {
			continue
		}
		if !typoFirstWrong(t, lw) {
			continue
		}
		// In a short word a wrong first letter is the less likely slip:
		// "tenis" is "tennis" misspelt, not "penis". (Longer words have
		// too many neighbours: "sttack" is near "stack", but in "heart
		// sttack" it is "attack".)
		if len(lw.text) > anyFirstMinLen {
			row[lw.id/64] |= 1 << (lw.id % 64)
			continue
		}
		if nearCommon < 0 {
			nearCommon = 0
			if oneSlipFromCommon(t) {
				nearCommon = 1
			}
		}
		if nearCommon == 1 {
			return
		}
		row[lw.id/64] |= 1 << (lw.id % 64)
	}
}

// oneSlipFromCommon reports whether t, keeping its first letter, is one
// missing, extra, wrong or swapped letter away from a common English word.
func oneSlipFromCommon(t string) bool {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	b := []byte(t)
	buf := make([]byte, 0, len(b)+1)
	try := func(w []byte) bool { return isCommonWord(string(w)) }
	for i := 1; i <= len(b); i++ {
		if i < len(b) {
			// missing: t has an extra letter at i
			if try(append(append(buf[:0], b[:i]...), b[i+1:]...)) {
				return true
			}
			// swapped neighbours
			if i+1 < len(b) {
				w := append(buf[:0], b...)
				w[i], w[i+1] = w[i+1], w[i]
				if try(w) {
					return true
				}
			}
		}
		for _, c := range []byte(letters) {
			// a letter left out at i
			if try(append(append(append(buf[:0], b[:i]...), c), b[i:]...)) {
				return true
			}
			// a wrong letter at i
			if i < len(b) && c != b[i] {
				w := append(buf[:0], b...)
				w[i] = c
				if try(w) {
					return true
				}
			}
		}
	}
	return false
}

// typoFirstWrong reports whether t is w (or its plural) typed with a wrong first
// letter, or with the first two letters swapped, and at most w.edits-1 further
// typing errors. A missing or extra first letter is not allowed: dropping "in"
// or "un" would turn "continence" into "incontinence".
func typoFirstWrong(t string, w *looseWord) bool {
	e := int(w.edits) - 1
	if len(t) < 2 || e < 0 {
		return false
	}
	if t[0] == w.text[1] && t[1] == w.text[0] && typoWithin(t[2:], w.text[2:], w.prefix, e) {
		return true
	}
	return typoWithin(t[1:], w.text[1:], w.prefix, e)
}

// typoOf reports whether t is w (or its plural) with at most w.edits typing
// errors, or for a word allowing a swap, with one swap of neighbouring letters.
func typoOf(t string, w *looseWord) bool {
	if w.swap {
		n := len(w.text)
		return swapOf(t, w.text) ||
			(len(t) > n && (w.prefix || len(t) == n+1 && t[n] == 's') && swapOf(t[:n], w.text))
	}
	return typoWithin(t, w.text, w.prefix, int(w.edits))
}

// typoWithin reports whether t is w (or its plural, or for a prefix any word
// starting with w) with at most e typing errors.
func typoWithin(t, w string, prefix bool, e int) bool {
	if prefix {
		for k := len(w) - e; k <= len(w)+e; k++ {
			if k >= 1 && k <= len(t) && editDistance(t[:k], w, e) <= e {
				return true
			}
		}
		return false
	}
	if editDistance(t, w, e) <= e {
		return true
	}
	return len(t) > 1 && t[len(t)-1] == 's' && editDistance(t[:len(t)-1], w, e) <= e
}

func (st *state) has(tok int, word int32) bool {
	return st.bits[tok*st.stride+int(word/64)]&(1<<(word%64)) != 0
}

// matchRest matches words[k:] from token pos on, allowing up to maxSkip filler
// words before each word. It returns the index of the last matched token, or
// -1.
func (c *Checker) matchRest(st *state, words []int32, k, pos int, sent int32) int {
	if k == len(words) {
		return pos - 1
	}
	for j := pos; j < len(st.toks) && j <= pos+maxSkip; j++ {
		if st.toks[j].sent != sent {
			break
		}
		if st.has(j, words[k]) {
			if end := c.matchRest(st, words, k+1, j+1, sent); end >= 0 {
				return end
			}
		}
		if st.toks[j].flags&fFiller == 0 {
			break
		}
	}
	return -1
}

// ruleMatches judges rule r on the occurrences found in the message.
func (c *Checker) ruleMatches(st *state, r int) bool {
	ro := st.perRule[r]
	if len(ro) == 0 {
		return false
	}
	ru := &c.rules[r]
	// Cheap test first: could the rule match at all, ignoring negation and unless?
	var seen uint32
	hasAny := false
	for _, x := range ro {
		switch {
		case x.role == roleAny:
			hasAny = true
		case x.role >= 0:
			seen |= 1 << x.role
		}
	}
	full := uint32(1)<<ru.ngroups - 1
	if !hasAny && (ru.ngroups == 0 || seen != full) {
		return false
	}
	st.stamp++
	if st.stamp == 0 { // wrapped: forget old stamps
		clear(st.covered[:cap(st.covered)])
		st.stamp = 1
	}
	st.unless, st.over, st.denied = st.unless[:0], st.over[:0], st.denied[:0]
	for _, x := range ro {
		if x.role == roleUnless || x.role == roleOver {
			continue
		}
		o := st.occs[x.occ]
		for i := o.start; i <= o.end; i++ {
			st.covered[i] = st.stamp
		}
	}
	for _, x := range ro {
		o := st.occs[x.occ]
		switch x.role {
		case roleUnless:
			// An exception the patient denies is no exception: "numb like I've
			// been sitting for hours, but I haven't".
			if st.negated(o) || st.deniedAfter(o) {
				st.denied = append(st.denied, o.start)
				continue
			}
			a, b := &st.toks[o.start], &st.toks[o.end]
			st.unless = append(st.unless, span{a.clause, b.clause, a.sent, b.sent})
		case roleOver:
			st.over = append(st.over, o.start)
		}
	}
	st.valid = st.valid[:0]
	seen = 0
	for _, x := range ro {
		if x.role == roleUnless || x.role == roleOver {
			continue
		}
		o := st.occs[x.occ]
		if st.cancelled(o) || st.negated(o) || st.symptomDenied(o) || st.isOver(o) ||
			(ru.ignoreCould && st.couldQuestion(o) && !st.reportedNext(ro, o)) {
			continue
		}
		if x.role == roleAny {
			return true
		}
		seen |= 1 << x.role
		st.valid = append(st.valid, x)
		if ru.within == 0 && seen == full {
			return true
		}
	}
	if ru.ngroups == 0 || seen != full {
		return false
	}
	if ru.within == 0 {
		return true
	}
	return st.withinWindow(ru)
}

// cancelled reports whether an "unless" phrase of the rule shares a clause
// with o, or, when o is in a question or a supposition ("could the needle
// paralyse me, how likely is that?"), its sentence or the next one: asking
// whether something could happen is not reporting it.
func (st *state) cancelled(o occ) bool {
	lo, hi := st.clauseFrom(o), st.toks[o.end].clause
	asking := -1 // not known yet
	for _, u := range st.unless {
		if u.lo <= hi && u.hi >= lo {
			return true
		}
		sent := st.toks[o.start].sent
		if u.sentHi < sent-1 || u.sentLo > sent+1 {
			continue
		}
		if asking < 0 {
			asking = 0
			if st.asking(o) {
				asking = 1
			}
		}
		if asking == 1 {
			return true
		}
	}
	return false
}

// clauseFrom returns the first clause whose exceptions reach o: its own, or
// the one before when o's clause goes on after "and" with no subject of its
// own ("he had cauda equina years ago and lost control of his bladder").
func (st *state) clauseFrom(o occ) int32 {
	cl := st.toks[o.start].clause
	f := int(o.start)
	for f > 0 && st.toks[f-1].clause == cl {
		f--
	}
	if f == 0 || st.toks[f-1].text != "and" || st.toks[f-1].sent != st.toks[f].sent {
		return cl
	}
	switch w := st.toks[f].text; {
	case subjectWords[w], w == "my", w == "the", w == "a", w == "an", w == "it",
		w == "this", w == "that", w == "now", w == "then", w == "today", w == "yesterday":
		return cl
	}
	return st.toks[f-1].clause
}

// askingWords open a question or a supposition.
var askingWords = map[string]bool{
	"could": true, "can": true, "will": true, "would": true, "might": true,
	"may": true, "should": true, "is": true, "are": true, "does": true,
	"do": true, "did": true, "if": true, "what": true, "how": true,
	"whether": true, "suppose": true,
}

// leadWords may come before the word that opens a question ("so could it...").
var leadWords = map[string]bool{
	"so": true, "and": true, "but": true, "also": true, "then": true, "ok": true,
	"okay": true, "well": true, "just": true, "please": true, "sorry": true, "hi": true,
	"hello": true, "or": true,
}

// asking reports whether the clause of o opens as a question or a
// supposition: "could the needle paralyse me", "will I lose control of my
// bladder", "if it made my legs numb". "Can't feel my legs" is not one.
func (st *state) asking(o occ) bool {
	_, ok := st.askingOpener(o)
	if ok {
		return true
	}
	f := st.clauseOpen(o)
	if !askingWords[st.toks[f].text] {
		// a question reported in the clause: "the form asks if I have had ..."
		for j := f; j < int(o.start); j++ {
			if t := st.toks[j].text; t == "if" || t == "whether" {
				return true
			}
		}
		return false
	}
	return false
}

// clauseOpen returns the first word of o's clause, after words such as "so".
func (st *state) clauseOpen(o occ) int {
	cl := st.toks[o.start].clause
	f := int(o.start)
	for f > 0 && st.toks[f-1].clause == cl {
		f--
	}
	for f < int(o.start) && leadWords[st.toks[f].text] {
		f++
	}
	return f
}

// modalWords open a question whether something could happen.
var modalWords = map[string]bool{
	"could": true, "can": true, "will": true, "would": true, "might": true, "may": true,
}

// inabilityWords after "can" or "could" report what the patient cannot do:
// "can't feel my legs", "can barely lift either leg".
var inabilityWords = map[string]bool{
	"not": true, "barely": true, "hardly": true, "only": true, "no": true, "never": true,
	"scarcely": true, "just": true, "still": true,
}

// requestWords after a modal make a request, not a question about a risk:
// "can you help, I can't feel my legs".
var requestWords = map[string]bool{
	"you": true, "u": true, "someone": true, "somebody": true, "anyone": true, "anybody": true,
}

// askingOpener returns the word that opens o's clause as a question or a
// supposition, and whether it does. "Can't feel my legs" does not (an
// inability), nor "can you help ... I can't feel my legs" (a request), nor
// a clause in which the patient then speaks for themselves ("could this be
// why I can't feel my legs").
func (st *state) askingOpener(o occ) (string, bool) {
	f := st.clauseOpen(o)
	w := st.toks[f].text
	if !askingWords[w] || f+1 >= len(st.toks) {
		return w, false
	}
	next := st.toks[f+1].text
	if inabilityWords[next] || (modalWords[w] && requestWords[next]) {
		return w, false
	}
	for j := f + 2; j < int(o.start); j++ {
		if subjectWords[st.toks[j].text] {
			return w, false
		}
	}
	if modalWords[w] {
		cl := st.toks[o.start].clause
		for j := f + 1; j < len(st.toks) && st.toks[j].clause == cl && st.toks[j].text != "or"; j++ {
			// ("or is that not possible" asks on)
			if statingWords[st.toks[j].text] {
				// a statement runs on after the question: "can I come in
				// today my legs are numb"
				return w, false
			}
		}
	}
	return w, true
}

// reportedNext reports whether the sentence after o's names one of the
// rule's phrases outside a question: "will my legs be numb after it? They
// are numb now" reports it.
func (st *state) reportedNext(ro []rocc, o occ) bool {
	next := st.toks[o.start].sent + 1
	for _, x := range ro {
		if x.role == roleUnless || x.role == roleOver {
			continue
		}
		p := st.occs[x.occ]
		if st.toks[p.start].sent == next && !st.couldQuestion(p) && !st.negated(p) {
			return true
		}
	}
	return false
}

// couldQuestion reports whether o is in a question whether something could
// happen: its clause opens with could, can, will, would, might or may
// ("could the needle paralyse me", "will I lose control of my bladder").
//
// "Could it be infected?", "might I be having ..." ask whether it is so now:
// a worried patient's report, so they are not such questions; "will I be
// paralysed afterwards?" is.
func (st *state) couldQuestion(o occ) bool {
	w, ok := st.askingOpener(o)
	if !ok || !modalWords[w] {
		return false
	}
	cl := st.toks[o.start].clause
	for j := st.clauseOpen(o) + 1; j < len(st.toks) && st.toks[j].clause == cl; j++ {
		t := st.toks[j].text
		if t == "be" && w != "will" && w != "would" {
			return false
		}
	}
	return true
}

// statingWords are verbs of a statement; a could-question has only the bare
// verb after its subject ("could the needle paralyse me").
var statingWords = map[string]bool{
	"am": true, "is": true, "are": true, "was": true, "were": true, "has": true,
	"have": true, "had": true, "been": true, "feel": true, "feels": true, "felt": true,
	"keep": true, "keeps": true, "kept": true, "went": true, "gone": true,
	"started": true, "got": true, "since": true,
}

// symptomDenied reports whether a denial after o's clause denies o, not an
// exception named between them: in "numb like I've been sitting for hours,
// but I haven't" the patient denies the sitting, not the numbness.
func (st *state) symptomDenied(o occ) bool {
	if !st.deniedAfter(o) {
		return false
	}
	cl := st.toks[o.end].clause
	for _, at := range st.denied {
		if at > o.end && st.toks[at].clause == cl {
			return false
		}
	}
	return true
}

// deniedAfter reports whether o's clause is followed, in the same sentence,
// by a clause that only denies it: "numbness around my bottom, which I
// haven't", "... if I had any numbness, and I don't". After a question or a
// supposition, a short answer in the next clauses or sentence denies it
// too: "the form asks if I have had thoughts of self harm. No, none",
// "if my legs went numb ...? Just curious, nothing like that has happened".
func (st *state) deniedAfter(o occ) bool {
	if st.deniedByClause(o) {
		return true
	}
	if !st.asking(o) {
		return false
	}
	end := int(o.end)
	cl, sent := st.toks[end].clause, st.toks[end].sent
	j := end + 1
	for j < len(st.toks) && st.toks[j].clause == cl {
		j++
	}
	for j < len(st.toks) && st.toks[j].sent <= sent+1 {
		c := st.toks[j].clause
		denies, bare := false, true
		for ; j < len(st.toks) && st.toks[j].clause == c; j++ {
			w := st.toks[j].text
			switch {
			case answerDenials[w]:
				denies = true
			case !answerWords[w] && !subjectWords[w]:
				bare = false
			}
		}
		if denies && bare {
			return true
		}
	}
	return false
}

// answerDenials and answerWords make up a short answer that denies what was
// asked: "no", "none", "nothing like that has happened", "not so far".
var (
	answerDenials = map[string]bool{"no": true, "none": true, "nope": true, "not": true, "nothing": true}
	answerWords   = map[string]bool{
		"like": true, "that": true, "this": true, "has": true, "have": true, "had": true,
		"happened": true, "is": true, "so": true, "far": true, "yet": true, "it": true,
		"am": true, "fine": true, "ok": true, "okay": true, "just": true, "curious": true,
		"really": true, "thankfully": true, "luckily": true, "of": true, "course": true,
		"never": true, "do": true, "did": true, "does": true, "at": true, "all": true,
	}
)

// deniedByClause: the clause after o's, in its sentence, only denies it.
func (st *state) deniedByClause(o occ) bool {
	end := int(o.end)
	cl, sent := st.toks[end].clause, st.toks[end].sent
	j := end + 1
	for j < len(st.toks) && (st.toks[j].clause == cl || clauseWords[st.toks[j].text]) {
		j++ // the rest of o's clause, and a lone "which" or "and" after a comma
	}
	if j >= len(st.toks) || st.toks[j].sent != sent || !subjectWords[st.toks[j].text] {
		return false
	}
	next, denies, n := st.toks[j].clause, false, 0
	for ; j < len(st.toks) && st.toks[j].clause == next; j++ {
		w := st.toks[j].text
		switch {
		case w == "not":
			denies = true
		case !denialWords[w] && !subjectWords[w]:
			return false
		}
		n++
	}
	return denies && n <= 6
}

// denialWords may make up a clause that denies what came before it.
var denialWords = map[string]bool{
	"do": true, "does": true, "did": true, "have": true, "has": true, "had": true,
	"am": true, "is": true, "are": true, "was": true, "were": true, "got": true,
	"that": true, "it": true, "any": true, "one": true, "yet": true, "thankfully": true,
	"luckily": true, "so": true, "far": true,
}

// isOver reports whether an over phrase of the rule ("cleared up", "gone
// now") comes after o in its sentence: what it describes is over.
func (st *state) isOver(o occ) bool {
	sent := st.toks[o.start].sent
	for _, at := range st.over {
		if at > o.end && st.toks[at].sent == sent {
			return true
		}
	}
	return false
}

// negated reports whether a negating word ("no", "not", "without", ...) stands
// shortly before o in its clause and is not itself part of a phrase of the rule
// (so "not" in "do not feel my legs" does not negate "legs"). A "no" or
// "without" before a subject belongs to what came before, not to what the
// patient now says: "no, I can't feel my legs", "without warning I lost
// control of my bladder". A "not" does reach past one: "I don't think I
// have chest pain".
func (st *state) negated(o occ) bool {
	cl := st.toks[o.start].clause
	subject := false
	for j := int(o.start) - 1; j >= 0 && j >= int(o.start)-negWindow; j-- {
		t := &st.toks[j]
		if t.clause != cl {
			break
		}
		if subjectWords[t.text] {
			subject = true
			continue
		}
		if t.flags&fNegator != 0 && st.covered[j] != st.stamp && !(subject && interjectionNegators[t.text]) {
			return true
		}
	}
	return false
}

// subjectWords start a statement of their own.
var subjectWords = map[string]bool{"i": true, "he": true, "she": true, "we": true, "they": true}

// interjectionNegators do not reach past a subject.
var interjectionNegators = map[string]bool{"no": true, "without": true, "none": true}

// withinWindow reports whether one valid occurrence of every group lies in a
// single sentence, all inside a span of ru.within words.
func (st *state) withinWindow(ru *rule) bool {
	full := uint32(1)<<ru.ngroups - 1
	for _, a := range st.valid {
		ao := st.occs[a.occ]
		sent := st.toks[ao.start].sent
		limit := ao.start + int32(ru.within) // first token outside the window
		if ao.end >= limit {
			continue
		}
		var got uint32
		for _, b := range st.valid {
			bo := st.occs[b.occ]
			if bo.start >= ao.start && bo.end < limit && st.toks[bo.start].sent == sent {
				got |= 1 << b.role
			}
		}
		if got == full {
			return true
		}
	}
	return false
}
