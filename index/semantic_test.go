package index

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/clinicbot/clinicbot/knowledge"
)

// TestMeaningRanks: the question shares the same words with both entries,
// and only its meaning ("doctor", "physician") tells them apart.
func TestMeaningRanks(t *testing.T) {
	dir := t.TempDir()
	kb := `entries:
  - id: invoice
    question: Can I see the invoice before I pay?
    answer: Yes, ask at reception.
  - id: physician
    question: Can I see a physician before I pay?
    answer: Yes, a consultation comes first.
`
	if err := os.WriteFile(filepath.Join(dir, "faqs.yaml"), []byte(kb), 0o644); err != nil {
		t.Fatal(err)
	}
	base, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Build(base)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for q, want := range map[string]string{
		"can I see a doctor before I pay":       "physician",
		"can I see the bill before I pay":       "invoice",
		"can I see a medic before paying":       "physician",
		"can I see the receipt before I pay up": "invoice",
	} {
		hits, err := ix.Search(context.Background(), q, 2)
		if err != nil || len(hits) == 0 {
			t.Fatalf("%q: %v, %d hits", q, err, len(hits))
		}
		if hits[0].Entry.ID != want {
			t.Errorf("%q: %s first (meaning %.2f), want %s", q, hits[0].Entry.ID, hits[0].sem, want)
		}
	}
}

// TestUnknownWordsMatchThemselves: a word without a vector still makes a
// question closest to the entry that uses it (weighed by how often the
// knowledge uses it, so not by much).
func TestUnknownWordsMatchThemselves(t *testing.T) {
	tok := func(ws ...string) []token {
		var out []token
		for _, w := range ws {
			out = append(out, token{plain: w, stem: w})
		}
		return out
	}
	// The unknown word is rare in the knowledge, as a name or term is.
	qs := [][][]token{{tok("what", "does", "zqxvlorp", "cost")}}
	for _, w := range []string{"parking", "hours", "doctor", "recovery", "pain", "booking", "insurance", "address", "driving", "sleep"} {
		qs = append(qs, [][]token{tok("what", "about", w), tok("tell", "me", "about", w)})
	}
	s := newSemantic(qs, nil)
	q := s.query(tok("zqxvlorp"))
	for i := 1; i < len(qs); i++ {
		if a, b := s.entry(q, 0), s.entry(q, i); !(a > b+0.03) {
			t.Errorf("cosine with the entry using the word %.2f, with entry %d %.2f", a, i, b)
		}
	}
}
