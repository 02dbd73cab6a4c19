package answer

import (
	"strings"
	"unicode"
)

// Patients often tell their story first and ask last: "My daughter is
// driving me up from Kent next month, where exactly is the clinic?". The
// story's words are ones the knowledge never uses, and they dilute the
// question's. So besides the whole message, each part of it that is
// itself a question (it asks with a question word or ends with "?") is
// searched on its own, and the surest result wins. Statements are never
// searched alone: "I had RFA last year" is context, not what is asked.

// maxQuestionParts bounds the extra searches for one message.
const maxQuestionParts = 4

// questionWords open a question, in English.
var questionWords = map[string]bool{
	"what": true, "what's": true, "whats": true, "how": true, "how's": true, "where": true,
	"where's": true, "wheres": true, "when": true, "why": true, "who": true, "who's": true,
	"which": true, "can": true, "could": true, "do": true, "does": true, "did": true, "is": true,
	"are": true, "was": true, "will": true, "would": true, "should": true, "shall": true,
	"may": true, "might": true, "am": true, "any": true, "wat": true, "hw": true,
}

// leadWords may come before the question word ("so how long…", "and is it…").
var leadWords = map[string]bool{
	"so": true, "and": true, "but": true, "also": true, "then": true, "ok": true, "okay": true,
	"please": true, "just": true, "basically": true, "anyway": true, "well": true,
}

// questionParts returns the parts of q that are questions in their own
// right, when q has more than one part; none for a message that is one
// question or one statement.
func questionParts(q string) []string {
	parts := splitParts(q)
	if len(parts) < 2 {
		return nil
	}
	var out []string
	for _, p := range parts {
		if len(out) == maxQuestionParts {
			break
		}
		if isQuestion(p) {
			out = append(out, p)
		}
	}
	return out
}

// splitParts cuts q at sentence ends and at commas, semicolons, colons
// and dashes between words, keeping each part's closing "?".
func splitParts(q string) []string {
	var parts []string
	start := 0
	rs := []rune(q)
	flush := func(end int) {
		if p := strings.TrimSpace(string(rs[start:end])); p != "" {
			parts = append(parts, p)
		}
		start = end
	}
	for i, r := range rs {
		switch r {
		case '?', '!', '.', ';', ':', ',', '\u2026':
			// "38.5", "1,000" and "3:00" are numbers, not two parts.
			if (r == '.' || r == ',' || r == ':') && i > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i-1]) && unicode.IsDigit(rs[i+1]) {
				continue
			}
			flush(i + 1)
		case '-', '\u2013', '\u2014':
			if i > 0 && i+1 < len(rs) && unicode.IsSpace(rs[i-1]) && unicode.IsSpace(rs[i+1]) {
				flush(i + 1)
			}
		}
	}
	flush(len(rs))
	return parts
}

// isQuestion reports whether a part asks something: it ends with "?" or
// opens (after a few filler words) with a question word, and has at least
// two words.
func isQuestion(p string) bool {
	words := strings.FieldsFunc(strings.ToLower(p), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
	if len(words) < 2 {
		return false
	}
	if strings.HasSuffix(strings.TrimRight(p, " -–—"), "?") {
		return true
	}
	for _, w := range words {
		if leadWords[w] {
			continue
		}
		return questionWords[strings.ReplaceAll(w, "\u2019", "'")]
	}
	return false
}
