package safety

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one normalised word of a message or of a rule phrase.
type token struct {
	text   string // lower-case word, contractions expanded ("can't" -> "can", "not")
	sent   int32  // sentence number: tokens with the same number are in one sentence
	clause int32  // clause number: a sentence split at commas, colons and words like "and", "but"
	flags  uint8
}

const (
	fFiller  uint8 = 1 << iota // may be skipped between the words of a phrase ("my", "really")
	fNegator                   // negates what follows it ("no", "not", "without")
)

// negWindow is how many words before a phrase are searched for a negating word.
const negWindow = 5

// maxSkip is how many filler words may stand between two words of a phrase.
const maxSkip = 2

// clauseWords end a clause: negation and "unless" phrases do not reach across them.
var clauseWords = map[string]bool{
	"and": true, "but": true, "however": true, "although": true, "though": true,
	"whereas": true, "because": true, "except": true, "which": true,
}

// fillerWords may be skipped between the words of a phrase, so "lost control"
// also matches "lost all control" and "can't feel" matches "can't really feel".
var fillerWords = map[string]bool{
	"a": true, "an": true, "the": true, "my": true, "his": true, "her": true,
	"their": true, "your": true, "our": true, "its": true, "this": true,
	"any": true, "all": true, "some": true, "really": true, "just": true,
	"even": true, "actually": true, "quite": true, "very": true, "so": true,
	"too": true, "totally": true, "completely": true, "properly": true,
	"fully": true, "still": true, "much": true,
}

// negatorWords negate a symptom named shortly after them in the same clause.
// "never" negates too, except when it says something is new: "I've never had
// chest pain like this" reports it (see newSince).
var negatorWords = map[string]bool{
	"no": true, "not": true, "without": true, "nor": true, "neither": true,
	"none": true, "deny": true, "denies": true, "denied": true,
}

// personWords are read as the first person, in messages and in rules alike,
// so that a rule written for the patient ("wet myself", "came off my bike")
// also matches a carer writing for someone ("he wet himself", "came off his
// bike").
var personWords = map[string]string{
	"his": "my", "her": "my", "their": "my", "your": "my",
	"himself": "myself", "herself": "myself", "themselves": "myself",
	"themself": "myself", "yourself": "myself",
}

// bareContractions are contractions typed without the apostrophe.
var bareContractions = map[string][]string{
	"cant": {"can", "not"}, "cannot": {"can", "not"}, "dont": {"do", "not"},
	"doesnt": {"does", "not"}, "didnt": {"did", "not"}, "wont": {"will", "not"},
	"wouldnt": {"would", "not"}, "couldnt": {"could", "not"}, "shouldnt": {"should", "not"},
	"isnt": {"is", "not"}, "arent": {"are", "not"}, "wasnt": {"was", "not"},
	"werent": {"were", "not"}, "havent": {"have", "not"}, "hasnt": {"has", "not"},
	"hadnt": {"had", "not"}, "aint": {"is", "not"}, "mustnt": {"must", "not"},
	"cnt": {"can", "not"}, "dnt": {"do", "not"},
	"cudnt": {"could", "not"}, "wudnt": {"would", "not"},
	"im": {"i", "am"}, "ive": {"i", "have"}, "wanna": {"want", "to"},
	"gonna": {"going", "to"}, "gotta": {"got", "to"}, "dunno": {"do", "not", "know"},
}

// tokenizer turns text into tokens. It keeps its buffers between calls.
type tokenizer struct {
	out     []token
	buf     []byte
	sent    int32
	clause  int32
	pattern bool // rule phrase: keep '*' as part of a word
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '\u2019', '\u2018', '\u02bc', '`', '\u00b4':
		return true
	}
	return false
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// tokenize appends the tokens of s to out and returns it.
func tokenize(s string, out []token) []token {
	t := tokenizer{out: out}
	t.run(s)
	markFlags(t.out)
	return t.out
}

func (t *tokenizer) run(s string) {
	prev := ' '
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		next, _ := utf8.DecodeRuneInString(s[i:]) // RuneError at the end: not a letter
		switch {
		case unicode.Is(unicode.Cf, r):
			// Zero-width spaces and joiners, soft hyphens: invisible, and
			// no break in a word ("le\u200bgs" is "legs").
			continue
		case isWordRune(r) || (t.pattern && r == '*'):
			t.buf = utf8.AppendRune(t.buf, unicode.ToLower(r))
		case isApostrophe(r):
			if len(t.buf) > 0 && unicode.IsLetter(next) {
				t.buf = append(t.buf, '\'')
			} else {
				t.flush()
			}
		case (r == '.' || r == ',') && unicode.IsDigit(prev) && unicode.IsDigit(next):
			t.buf = append(t.buf, '.') // 38.5, 1,000
		default:
			t.flush()
			switch r {
			case '.', '!', '?', ';', '\n', '\r', '\u2026':
				t.sent++
				t.clause++
			case ',', ':', '(', ')', '[', ']', '{', '}', '"', '\u201c', '\u201d', '\u2013', '\u2014', '\u2022':
				t.clause++
			case '-':
				if unicode.IsSpace(prev) || unicode.IsSpace(next) || next == utf8.RuneError {
					t.clause++ // a dash between words; "x-ray" is one phrase
				}
			}
		}
		prev = r
	}
	t.flush()
}

// flush ends the current word, expanding contractions.
func (t *tokenizer) flush() {
	if len(t.buf) == 0 {
		return
	}
	w := string(t.buf)
	t.buf = t.buf[:0]
	if strings.IndexByte(w, '\'') < 0 {
		if exp, ok := bareContractions[w]; ok {
			for _, e := range exp {
				t.emit(e)
			}
			return
		}
		t.emit(w)
		return
	}
	if strings.HasSuffix(w, "n't") || strings.HasSuffix(w, "'nt") {
		base := w[:len(w)-3]
		switch base {
		case "ca":
			base = "can"
		case "wo":
			base = "will"
		case "sha":
			base = "shall"
		case "ai":
			base = "is"
		}
		if base = strings.ReplaceAll(base, "'", ""); base != "" {
			t.emit(base)
		}
		t.emit("not")
		return
	}
	k := strings.LastIndexByte(w, '\'')
	base, suf := strings.ReplaceAll(w[:k], "'", ""), w[k+1:]
	var extra string
	switch suf {
	case "s": // possessive or "it's": the "is" carries nothing we need
	case "m":
		extra = "am"
	case "re":
		extra = "are"
	case "ve":
		extra = "have"
	case "ll":
		extra = "will"
	case "d":
		extra = "would"
	default:
		base = strings.ReplaceAll(w, "'", "")
	}
	if base != "" {
		t.emit(base)
	}
	if extra != "" {
		t.emit(extra)
	}
}

// emit appends one word, applying the few multi-word normalisations.
func (t *tokenizer) emit(w string) {
	if n := len(t.out); n > 0 {
		last := &t.out[n-1]
		if last.clause == t.clause {
			switch {
			case w == "longer" && last.text == "no": // "can no longer feel" = "can not feel"
				last.text = "not"
				return
			case w == "self" && (last.text == "my" || last.text == "him" || last.text == "her" || last.text == "your" || last.text == "it"):
				last.text += "self"
				return
			}
		}
	}
	if p, ok := personWords[w]; ok {
		w = p
	}
	if w == "no" && len(t.out) > 0 {
		// "i no feel my legs", as a learner of English writes "I can't feel"
		if last := t.out[len(t.out)-1]; last.clause == t.clause && subjectWords[last.text] {
			w = "not"
		}
	}
	t.out = append(t.out, token{text: w, sent: t.sent, clause: t.clause})
	if clauseWords[w] {
		t.clause++
	}
}

// markFlags sets the filler and negator flags, which depend on neighbouring words.
func markFlags(toks []token) {
	for i := range toks {
		w := toks[i].text
		var f uint8
		if fillerWords[w] {
			f |= fFiller
		}
		if negatorWords[w] {
			f |= fNegator
			var prev, next string
			if i > 0 && toks[i-1].clause == toks[i].clause {
				prev = toks[i-1].text
			}
			if i+1 < len(toks) && toks[i+1].clause == toks[i].clause {
				next = toks[i+1].text
			}
			switch w {
			case "not":
				// "can not feel" is a symptom, not a denial; "not sure" is doubt.
				if prev == "can" || prev == "could" {
					f &^= fNegator
				}
				switch next {
				case "sure", "certain", "know", "understand", "only",
					"realise", "realize", "realised", "realized":
					// "didn't realise I'd wet myself" is a report, not a denial
					f &^= fNegator
				case "ok", "okay", "well", "good", "great", "fine", "right",
					"joking", "kidding", "lying", "exaggerating":
					// "I'm not ok, chest pain": how the patient is, not a denial
					f &^= fNegator
				}
			case "no":
				switch next {
				case "idea", "doubt", "matter", "clue":
					f &^= fNegator
				}
			}
		}
		if w == "never" && !newSince(toks, i) {
			// "never had any bladder trouble" denies; "never had pain like
			// this" reports something new
			f |= fNegator
		}
		if false {
		}
		toks[i].flags = f
	}
}

// newWords after "never" in its clause say that something is new, not denied:
// "never had pain like this", "never had that before", "never this bad".
var newWords = map[string]bool{
	"like": true, "before": true, "until": true, "till": true, "ever": true,
	"bad": true, "worse": true, "such": true, "life": true, "now": true,
	"since": true, "again": true,
}

// newSince reports whether the "never" at toks[i] says something is new.
func newSince(toks []token, i int) bool {
	for j := i + 1; j < len(toks) && toks[j].clause == toks[i].clause; j++ {
		if newWords[toks[j].text] {
			return true
		}
	}
	return false
}
