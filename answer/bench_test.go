package answer_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// BenchmarkAnswerClinic is one whole reply (safety check, small talk,
// search, confidence, reply) to the clinic's own test questions in turn.
func BenchmarkAnswerClinic(b *testing.B) {
	e := engine(b)
	data, err := os.ReadFile("../tests/clinic/questions.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	var qs []string
	for _, line := range strings.Split(string(data), "\n") {
		var q struct{ Query string }
		if json.Unmarshal([]byte(line), &q) == nil && q.Query != "" {
			qs = append(qs, q.Query)
		}
	}
	ctx := context.Background()
	i := 0
	for b.Loop() {
		e.Answer(ctx, qs[i%len(qs)])
		i++
	}
}
