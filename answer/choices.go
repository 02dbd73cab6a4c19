package answer

import (
	"strconv"
	"strings"
	"unicode"
)

// After "Did you mean one of these?", patients pick the way they would
// with a receptionist: "yes" or "that one" (the first), "2", "the second
// one", the start of a choice's title, or "no" / "none of those".

// affirmWords say yes.
var affirmWords = wordSet(`yes yep yeah yea yup ya yas y sure correct exactly indeed aye right`)

// softAffirmWords say yes only to a single suggestion ("Did you mean this?" "ok").
var softAffirmWords = wordSet(`ok okay k alright fine`)

// denyWords say no.
var denyWords = wordSet(`no nope nah none neither not wrong nor`)

// ordinals name a choice by its place; 0 is the last.
var ordinals = map[string]int{
	"first": 1, "1st": 1, "top": 1, "second": 2, "2nd": 2, "two": 2, "third": 3, "3rd": 3, "three": 3,
	"last": 0, "bottom": 0,
}

// pickFillers may stand around a pick without changing it ("yes, the
// second one please", "I meant number 2", "none of those, thanks").
var pickFillers = wordSet(`the a one ones that this those these them it its is s thats that's i i'd id
	mean meant want wanted like would d please thanks thank you ta cheers number option choice
	question answer go with for pick choose take of oh um ah well sorry really quite was did do`)

// replyToChoices answers a message that picks one of the choices the
// conversation last offered, or declines them all. ok is false when there
// were no choices or the message is something else (a new question).
func replyToChoices(e *Engine, st *chatState, text string) (Reply, bool) {
	if st == nil || st.kind != KindChoices || len(st.choices) == 0 {
		return Reply{}, false
	}
	if _, urgent := e.Urgent(text); urgent {
		return Reply{}, false
	}
	q := clean(text)
	words := plainWords(q)
	if len(words) == 0 || len(words) > 10 {
		return Reply{}, false
	}
	n := pickOf(words, st.choices)
	switch {
	case n > 0:
		r, ok := e.Entry(st.choices[n-1].EntryID)
		if !ok {
			return Reply{}, false // the knowledge changed since
		}
		r.Question = q
		return r, true
	case n < 0:
		return e.declined(st.question), true
	}
	return Reply{}, false
}

// pickOf reads words as a pick among choices: the choice's number (from
// 1), -1 for "none of those", 0 for neither.
func pickOf(words []string, choices []Choice) int {
	var affirm, deny, soft bool
	pick := 0
	for _, w := range words {
		if n, err := strconv.Atoi(w); err == nil {
			if n < 1 || n > len(choices) || pick != 0 {
				return 0
			}
			pick = n
			continue
		}
		if n, ok := ordinals[w]; ok {
			if n == 0 {
				n = len(choices)
			}
			if n > len(choices) || (pick != 0 && pick != n) {
				return 0
			}
			pick = n
			continue
		}
		switch {
		case affirmWords[w]:
			affirm = true
		case denyWords[w]:
			deny = true
		case softAffirmWords[w]:
			soft = true
		case pickFillers[w]:
		default:
			return titleStart(words, choices)
		}
	}
	switch {
	case deny && (affirm || pick != 0):
		return 0 // "no, the second": unclear
	case deny:
		return -1
	case pick != 0:
		return pick
	case affirm || (soft && len(choices) == 1):
		return 1
	case isThatOne(words):
		return 1
	}
	return 0
}

// isThatOne reports "that one", "this one", "that's it", "that's the one".
func isThatOne(words []string) bool {
	s := strings.Join(words, " ")
	switch s {
	case "that one", "this one", "that s it", "thats it", "that s the one", "thats the one", "that", "this",
		"the one", "that one please", "this one please", "that s right", "thats right":
		return true
	}
	return false
}

// titleStart returns the choice whose title starts with words (the last
// word may be cut short), when exactly one does and the patient typed
// enough of it to mean it: two words, or one of five letters or more.
func titleStart(words []string, choices []Choice) int {
	if len(words) == 1 && len([]rune(words[0])) < 5 {
		return 0
	}
	found := 0
	for i, c := range choices {
		t := plainWords(c.Title)
		if len(t) < len(words) {
			continue
		}
		match := true
		for j, w := range words {
			if t[j] == w || (j == len(words)-1 && len(w) >= 3 && strings.HasPrefix(t[j], w)) {
				continue
			}
			match = false
			break
		}
		if match {
			if found != 0 {
				return 0 // the start of two titles
			}
			found = i + 1
		}
	}
	return found
}

// plainWords are the lower-case words and numbers of s, "that's" as
// "that" and "s".
func plainWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// declined is the reply to "none of those": an apology and the way to the
// team. It carries the question the choices were offered for, so that a
// transport records it as unanswered (when that log is on).
func (e *Engine) declined(question string) Reply {
	r := Reply{Question: question, Kind: KindFallback, BookingURL: e.texts.BookingURL, Choices: []Choice{}, Candidates: []Candidate{}}
	var b strings.Builder
	b.WriteString("Sorry, I don't have the right answer for you then, and I'd rather not guess. The team will be glad to help")
	b.WriteString(e.routeSuffix())
	if speaksOfBody(question) {
		b.WriteString("\n\n" + e.emergencyLine())
	}
	r.Text = b.String()
	return r
}
