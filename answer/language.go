package answer

import (
	"strings"
	"unicode"

	"github.com/abadojack/whatlanggo"

	"github.com/clinicbot/clinicbot/knowledge"
	"github.com/clinicbot/clinicbot/safety"
)

// The knowledge is in English and so is retrieval: a question in another
// language would be matched on a stray shared word ("consultation") and
// could get a confident wrong answer. So a message in another language
// gets a short notice in English, with the clinic's contact route and the
// emergency number, never a guessed answer; the red-flag check has run
// first. And a word in another script inside an English question ("what is
// denervation" and a greeting in Arabic) is left out of the search, so it
// no longer costs the answer.
//
// A message is in another language when most of its words are in another
// script than Latin, or when it is in Latin letters, the detector
// (github.com/abadojack/whatlanggo, trigram profiles) reads another
// language than English, and fewer than half of its words are English:
// short function words ("to", "my"), common English words and the
// knowledge's own words ("denervation"), each also with one typing error
// when it is six letters or more ("aquire"). The detector is never trusted alone: on a short message its
// best guess is often wrong ("can i drive home after" reads as Norwegian).
// Other short words ("mch" for "much", Spanish "una") are not counted, and
// messages of fewer than three words ("ok", "hola") are never judged.

// minJudgedWords is how many words a Latin-script message needs before its
// language is judged.
const minJudgedWords = 3

// foreign reports whether q is written in another language than English.
func (e *Engine) foreign(q string) bool {
	latin, other := scriptUnits(q)
	if other > latin {
		return true
	}
	if latin < minJudgedWords {
		return false
	}
	text := latinOnly(q)
	// "don't" is one word, "dont"; numbers are no language.
	all := plainWords(strings.NewReplacer("'", "", "\u2019", "").Replace(text))
	var ws []string
	for _, w := range all {
		// A short word that is no English function word says little
		// either way ("mch" for "much", Spanish "una").
		if !isDigits(w) && (len([]rune(w)) >= 4 || functionWords[w]) {
			ws = append(ws, w)
		}
	}
	if len(all) < minJudgedWords || len(ws) < 2 {
		return false
	}
	// Cheapest first: most English messages are settled by exact words,
	// and the detector (tens of microseconds) only runs when they are not.
	english := 0
	var unknown []string
	for _, w := range ws {
		if e.knownWord(w) {
			english++
		} else {
			unknown = append(unknown, w)
		}
	}
	if english*2 >= len(ws) {
		return false
	}
	info := whatlanggo.Detect(text)
	if info.Lang == whatlanggo.Eng || info.Script == nil {
		return false
	}
	for _, w := range unknown {
		if e.nearWord(w) {
			english++
		}
	}
	return english*2 < len(ws)
}

// knownWord reports whether w (lower case) is an English word here: a
// short function word, a common English word or one of the knowledge's.
func (e *Engine) knownWord(w string) bool {
	if len(w) < 4 {
		return functionWords[w]
	}
	return safety.CommonWord(w) || e.vocab[w]
}

// nearWord reports whether w is one typing error from a common English
// word or a knowledge word (two for a long knowledge word).
func (e *Engine) nearWord(w string) bool {
	if len(w) < 6 {
		return false // one letter off a short word is too easily another word ("cita", "city")
	}
	if e.vocab.near(w) {
		return true
	}
	found := false
	edits1(w, func(v string) bool {
		found = safety.CommonWord(v)
		return !found
	})
	return found
}

// functionWords are the short English words (the common-word list starts at
// four letters), with the chat forms patients type.
var functionWords = wordSet(`a i an the to of in on at by is am are be was has had do did does can may
	me my we us our you your he him his she her it its they them who why how what for and or but nor
	not no yes so if as up off out any all few per via too new old one two get got let say see own
	ask use now yet ago due pay fee job day age way far near u r ur ok pls plz thx im ive id dont cant
	wat hw wot whn cud wud shd`)

// edits1 calls yield with each word one deletion, swap, change or
// insertion of a letter away from w, until yield returns false.
func edits1(w string, yield func(string) bool) {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	for i := range len(w) {
		if !yield(w[:i] + w[i+1:]) {
			return
		}
		if i+1 < len(w) && !yield(w[:i]+string(w[i+1])+string(w[i])+w[i+2:]) {
			return
		}
		for _, c := range letters {
			if byte(c) != w[i] && !yield(w[:i]+string(c)+w[i+1:]) {
				return
			}
		}
	}
	for i := range len(w) + 1 {
		for _, c := range letters {
			if !yield(w[:i] + string(c) + w[i:]) {
				return
			}
		}
	}
}

// scriptUnits counts q's words in Latin letters and in other scripts; in
// scripts written without spaces (Chinese, Japanese), each letter counts as
// a word.
func scriptUnits(q string) (latin, other int) {
	for _, w := range strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsMark(r) }) {
		l, o := 0, 0
		for _, r := range w {
			switch {
			case unicode.Is(unicode.Latin, r):
				l++
			case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar):
				other++
			case unicode.IsLetter(r):
				o++
			}
		}
		switch {
		case l > 0 && l >= o:
			latin++
		case o > 0:
			other++
		}
	}
	return latin, other
}

// latinOnly is q without its words in other scripts (see scriptUnits);
// q itself when it has none.
func latinOnly(q string) string {
	if strings.IndexFunc(q, func(r rune) bool { return unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) }) < 0 {
		return q
	}
	fields := strings.Fields(q)
	kept := fields[:0:0]
	for _, f := range fields {
		var b strings.Builder
		dropped := false
		for _, r := range f {
			// A word glued to another script ("rfaمرحبا") keeps its Latin
			// part; the other script's accents go with its letters.
			if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) || unicode.IsMark(r) && dropped {
				dropped = true
				continue
			}
			dropped = false
			b.WriteRune(r)
		}
		if s := b.String(); strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			kept = append(kept, s)
		} else if strings.ContainsAny(s, "?!.") && len(kept) > 0 {
			kept[len(kept)-1] += strings.Trim(s, " ,;:")
		}
	}
	return strings.Join(kept, " ")
}

// searchText is q as retrieval reads it: without its words in another
// script, and without a greeting, thanks or "please" in another language
// ("what is denervation, gracias"), which a multilingual patient may add
// and which no English knowledge base has.
func searchText(q string) string {
	q = latinOnly(q)
	if !strings.ContainsFunc(q, func(r rune) bool { return r >= 0x80 }) && !hasCourtesy(q) {
		return q
	}
	fields := strings.Fields(q)
	kept := fields[:0:0]
	for _, f := range fields {
		w := strings.ToLower(strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) }))
		if courtesyWords[w] && !safety.CommonWord(w) {
			if p := strings.TrimLeftFunc(f, unicode.IsLetter); strings.ContainsAny(p, "?!") && len(kept) > 0 {
				kept[len(kept)-1] += strings.Trim(p, " ,;:")
			}
			continue
		}
		kept = append(kept, f)
	}
	if len(kept) == 0 {
		return q
	}
	return strings.Join(kept, " ")
}

func hasCourtesy(q string) bool {
	for _, w := range plainWords(q) {
		if courtesyWords[w] {
			return true
		}
	}
	return false
}

// courtesyWords are hello, thanks, please and goodbye in the languages
// most often spoken beside English by patients in the UK (Spanish, French,
// German, Italian, Portuguese, Polish, Romanian, Turkish, Greek, and
// Arabic, Russian, Hindi, Urdu, Chinese, Japanese and Korean as they are
// written in Latin letters).
var courtesyWords = wordSet(`hola gracias adios adiós buenos buenas
	merci bonjour bonsoir revoir
	danke bitte tschüss tschuss hallo
	ciao grazie prego arrivederci buongiorno
	obrigado obrigada olá
	dziękuję dziekuje proszę prosze cześć czesc
	mulțumesc multumesc mersi bună buna
	merhaba teşekkürler tesekkurler teşekkür tesekkur sağol sagol
	efcharisto yassou
	salaam salam shukran marhaba
	spasibo privet zdravstvuyte
	namaste namaskar dhanyavad dhanyawad shukriya
	xiexie nihao arigato arigatou konnichiwa annyeong kamsahamnida`)

func isDigits(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) }) < 0
}

// vocabulary is the words a knowledge base uses, for telling a word
// the clinic uses ("denervation") from a foreign one.
type vocabulary map[string]bool

func knowledgeWords(b *knowledge.Base) vocabulary {
	v := vocabulary{}
	if b == nil {
		return v
	}
	add := func(s string) {
		for _, w := range plainWords(s) {
			if len(w) >= 4 {
				v[w] = true
			}
		}
	}
	for _, e := range b.Entries {
		for _, q := range e.Questions() {
			add(q)
		}
		add(e.Answer)
		for _, k := range e.Keywords {
			add(k)
		}
	}
	for _, g := range b.Synonyms {
		for _, s := range g {
			add(s)
		}
	}
	return v
}

// near reports whether w is a knowledge word or one typing error away from
// one (two for a word of eight letters or more: "denervaton").
func (v vocabulary) near(w string) bool {
	if v[w] {
		return true
	}
	max := 1
	if len(w) >= 8 {
		max = 2
	}
	for k := range v {
		if d := len(k) - len(w); d <= max && d >= -max && withinEdits(w, k, max) {
			return true
		}
	}
	return false
}

// withinEdits reports whether a and b are at most max insertions,
// deletions or substitutions apart.
func withinEdits(a, b string, max int) bool {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > max {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)] <= max
}

// languageText is the notice for a message in another language.
func (e *Engine) languageText() string {
	var b strings.Builder
	b.WriteString("Sorry, I can only answer in English for now. Please write your question in English, or contact the clinic team, who will be glad to help")
	b.WriteString(e.routeSuffix())
	b.WriteString("\n\n" + e.emergencyLine())
	return b.String()
}
