package index

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/clinicbot/clinicbot/knowledge"
)

// syntheticBase makes a knowledge base of n entries from English words, in
// the shape of real FAQ entries: a question, four alternates and an answer.
func syntheticBase(tb testing.TB, n int) *knowledge.Base {
	tb.Helper()
	words := english().withSynonyms()
	sort.Strings(words)
	r := rand.New(rand.NewPCG(1, 2))
	// Word use in real text is Zipfian: a few words are everywhere, most rare.
	r.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(words)-1))
	phrase := func(k int) string {
		ws := make([]string, k)
		for i := range ws {
			ws[i] = words[zipf.Uint64()]
		}
		return strings.Join(ws, " ")
	}
	// One file per 1,000 entries: a knowledge file has a size limit.
	dir := tb.TempDir()
	var b strings.Builder
	flush := func(file int) {
		if b.Len() == 0 {
			return
		}
		if err := os.WriteFile(fmt.Sprintf("%s/faqs%03d.yaml", dir, file), []byte(b.String()), 0o644); err != nil {
			tb.Fatal(err)
		}
		b.Reset()
	}
	for i := 0; i < n; i++ {
		if i%1000 == 0 {
			flush(i/1000 - 1)
			b.WriteString("entries:\n")
		}
		fmt.Fprintf(&b, "  - id: e%d\n    question: how do i %s\n    alternates:\n", i, phrase(5))
		for j := 0; j < 4; j++ {
			fmt.Fprintf(&b, "      - what is %s\n", phrase(4))
		}
		fmt.Fprintf(&b, "    answer: %s\n", phrase(40))
	}
	flush((n - 1) / 1000)
	base, err := knowledge.LoadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return base
}

func clinicBase(tb testing.TB) *knowledge.Base {
	tb.Helper()
	base, err := knowledge.Load(knowledge.Clinic())
	if err != nil {
		tb.Fatal(err)
	}
	return base
}

func BenchmarkBuildClinic(b *testing.B) {
	base := clinicBase(b)
	for b.Loop() {
		ix, err := Build(base)
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}

func BenchmarkBuild10k(b *testing.B) {
	base := syntheticBase(b, 10000)
	for b.Loop() {
		ix, err := Build(base)
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}

var benchQuestions = []string{
	"what is facet joint denervation?",
	"how long is the recovery after rfa",
	"will I be awake during the procedure",
	"how much does it cost",
	"where is the clinic",
	"is the anasthetic local or general",
	"can i drive home afterwards",
	"price of bitcoin",
}

// benchSearch reports the median (p50) and p99 latency of Search as extra
// metrics, besides ns/op.
func benchSearch(b *testing.B, ix *Index, questions []string) {
	ctx := context.Background()
	var lat []time.Duration
	i := 0
	for b.Loop() {
		q := questions[i%len(questions)]
		i++
		start := time.Now()
		if _, err := ix.Search(ctx, q, 5); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// clinicQuestions are the clinic's own test questions: what patients ask.
func clinicQuestions(tb testing.TB) []string {
	data, err := os.ReadFile("../tests/clinic/questions.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	var qs []string
	for _, line := range strings.Split(string(data), "\n") {
		var q struct{ Query string }
		if json.Unmarshal([]byte(line), &q) == nil && q.Query != "" {
			qs = append(qs, q.Query)
		}
	}
	return qs
}

func BenchmarkSearchClinic(b *testing.B) {
	ix, err := Build(clinicBase(b))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	benchSearch(b, ix, clinicQuestions(b))
}

func BenchmarkSearch10k(b *testing.B) {
	base := syntheticBase(b, 10000)
	ix, err := Build(base)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	// Questions made of the entries' own words, so searches find many hits.
	qs := append([]string{}, benchQuestions...)
	for i := 0; i < 20; i++ {
		qs = append(qs, base.Entries[i*397%len(base.Entries)].Alternates[1])
	}
	benchSearch(b, ix, qs)
}
