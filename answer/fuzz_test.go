package answer_test

import (
	"context"
	"strings"
	"testing"
)

// FuzzAnswer: whatever a patient types, Answer returns one of the five
// kinds with a score in [0, 1] and a reply that encodes as JSON.
//
//	go test ./answer -run '^$' -fuzz FuzzAnswer -fuzztime 30s
func FuzzAnswer(f *testing.F) {
	for _, s := range []string{
		"",
		" ",
		"\t\n\r",
		"what is facet joint denervation?",
		"what is facet joint denervtion",
		"anasthetic",
		"hello",
		"thanks!",
		"price of bitcoin",
		"my back is agony and I can't control my bladder",
		"I have suicidal thoughts",
		`+facet -joint ~x^5 "`,
		"facet:joint",
		"*",
		`"unterminated`,
		"a AND b OR NOT c",
		"field:value^3",
		"/regex.*/",
		"\x00\x01\x02\x1b[31m",
		"what is \xff\xfe facet",
		"\xc3\x28",
		"\u202e\u200b\ufeff",
		"🙂🙏",
		"é\x00\xff",
		strings.Repeat("a", 100_000),
		strings.Repeat("what is facet joint denervation ", 3000),
		strings.Repeat("I have had back pain for years. ", 40) + "I can't control my bladder.",
		"1",
		"999",
	} {
		f.Add(s)
	}
	e := engine(f)
	f.Fuzz(func(t *testing.T, message string) {
		r := e.Answer(context.Background(), message)
		checkReply(t, r)
	})
}
