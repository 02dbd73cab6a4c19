package answer

import (
	"slices"
	"strings"
	"unicode"
)

type smalltalkKind int

const (
	greeting smalltalkKind = iota
	thanks
	goodbye
)

// smalltalkWords are the words a message may consist of, and nothing else,
// to count as small talk. A greeting with a question ("hi, does it hurt?")
// is a question.
var smalltalkWords = map[string]smalltalkKind{
	"hi": greeting, "hello": greeting, "hey": greeting, "hiya": greeting, "heya": greeting,
	"morning": greeting, "afternoon": greeting, "evening": greeting, "greetings": greeting,
	"howdy": greeting, "yo": greeting, "start": greeting,
	"thanks": thanks, "thank": thanks, "thx": thanks, "ty": thanks, "cheers": thanks, "ta": thanks,
	"appreciated": thanks, "appreciate": thanks, "helpful": thanks,
	"bye": goodbye, "goodbye": goodbye, "byebye": goodbye, "cya": goodbye, "later": goodbye, "night": goodbye,
}

// smalltalkPhrases are small talk made of words that are not small talk
// alone ("how are you" has no greeting word).
var smalltalkPhrases = []struct {
	words []string
	kind  smalltalkKind
}{
	{[]string{"have", "a", "good", "day"}, goodbye},
	{[]string{"have", "a", "nice", "day"}, goodbye},
	{[]string{"how", "are", "you"}, greeting},
	{[]string{"how", "r", "u"}, greeting},
	{[]string{"good", "day"}, greeting},
	{[]string{"that", "s", "all"}, goodbye},
	{[]string{"thats", "all"}, goodbye},
	{[]string{"take", "care"}, goodbye},
	{[]string{"all", "i", "needed"}, goodbye},
}

// fillers may stand beside small-talk words without making a question.
var fillers = map[string]bool{
	"good": true, "there": true, "you": true, "so": true, "much": true, "very": true, "a": true, "lot": true,
	"many": true, "ok": true, "okay": true, "great": true, "lovely": true, "brilliant": true, "perfect": true,
	"that": true, "s": true, "thats": true, "was": true, "is": true, "really": true, "all": true, "for": true,
	"your": true, "the": true, "help": true, "bot": true, "again": true, "and": true, "oh": true,
	"nice": true, "cool": true, "i": true, "it": true, "everyone": true, "guys": true, "dear": true,
	"see": true, "have": true, "day": true, "now": true, "x": true, "xx": true,
	"mate": true, "doing": true, "today": true, "needed": true, "wanted": true, "just": true,
}

// smalltalk reports whether the message is only a greeting, thanks or goodbye.
func smalltalk(q string) (smalltalkKind, bool) {
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r)
	})
	if len(words) == 0 || len(words) > 12 { // "that's" counts as two
		return 0, false
	}
	found, kind := false, greeting
	note := func(k smalltalkKind) {
		if !found || k > kind {
			kind = k // thanks or goodbye outrank a greeting ("hi, thanks")
		}
		found = true
	}
	for _, p := range smalltalkPhrases {
		for i := 0; i+len(p.words) <= len(words); i++ {
			if slices.Equal(words[i:i+len(p.words)], p.words) {
				note(p.kind)
				words = slices.Delete(slices.Clone(words), i, i+len(p.words))
				break
			}
		}
	}
	for _, w := range words {
		if k, ok := smalltalkWords[w]; ok {
			note(k)
			continue
		}
		if !fillers[w] {
			return 0, false
		}
	}
	return kind, found
}
