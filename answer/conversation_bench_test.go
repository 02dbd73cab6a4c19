package answer

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func clinicQuestions(b testing.TB) []string {
	b.Helper()
	f, err := os.Open("../tests/clinic/questions.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var qs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var q struct{ Query string }
		if strings.HasPrefix(sc.Text(), "{") && json.Unmarshal(sc.Bytes(), &q) == nil {
			qs = append(qs, q.Query)
		}
	}
	return qs
}

// BenchmarkLanguageCheck is what the language check and the small-talk
// reading add to each message (compare BenchmarkAnswer).
func BenchmarkLanguageCheck(b *testing.B) {
	e, err := clinicEngine()
	if err != nil {
		b.Fatal(err)
	}
	qs := clinicQuestions(b)
	b.ResetTimer()
	for i := range b.N {
		q := qs[i%len(qs)]
		if !e.foreign(q) {
			smalltalk(latinOnly(q))
		}
	}
}

// BenchmarkAnswer is one whole stateless reply to the clinic's test questions.
func BenchmarkAnswer(b *testing.B) {
	e, err := clinicEngine()
	if err != nil {
		b.Fatal(err)
	}
	qs := clinicQuestions(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		e.Answer(ctx, qs[i%len(qs)])
	}
}
