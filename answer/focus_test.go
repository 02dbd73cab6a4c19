package answer

import (
	"slices"
	"testing"
)

func TestQuestionParts(t *testing.T) {
	for _, tc := range []struct {
		msg  string
		want []string
	}{
		{"where exactly is the clinic?", nil}, // one part: the whole is searched
		{"My daughter is driving me up from Kent next month, where exactly is the clinic?",
			[]string{"where exactly is the clinic?"}},
		{"I have to pick my kids up at 3. How long will the procedure take?",
			[]string{"How long will the procedure take?"}},
		{"my dad has sciatica, do u treat that kind of thing",
			[]string{"do u treat that kind of thing"}},
		{"I had RFA last year. It helped a lot.", nil}, // statements only
		{"so, how long is the recovery? and can I drive home?", // lead words
			[]string{"how long is the recovery?", "and can I drive home?"}},
		{"my temperature is 38.5, is that ok?", []string{"is that ok?"}}, // a number is not a break
		{"can we meet at 3:00 - is that possible?", []string{"can we meet at 3:00 -", "is that possible?"}},
		{"hi. ok?", nil}, // too short to be a question of its own
		{"a? b? c? d? e? f? what is it? how is it done? why? who does it? where is it?",
			[]string{"what is it?", "how is it done?", "who does it?", "where is it?"}}, // at most 4
	} {
		if got := questionParts(tc.msg); !slices.Equal(got, tc.want) {
			t.Errorf("questionParts(%q) = %q, want %q", tc.msg, got, tc.want)
		}
	}
}
