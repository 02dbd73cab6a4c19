package review_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clinicbot/clinicbot/answer"
	"github.com/clinicbot/clinicbot/index"
	"github.com/clinicbot/clinicbot/knowledge"
	"github.com/clinicbot/clinicbot/review"
)

func engine(t *testing.T, yaml string) *answer.Engine {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	base, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Build(base)
	if err != nil {
		t.Fatal(err)
	}
	eng := answer.New(ix, nil, answer.DefaultSettings(), answer.Texts{})
	t.Cleanup(func() { eng.Close() })
	return eng
}

var today = time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)

func TestWarnings(t *testing.T) {
	eng := engine(t, `entries:
  - id: rfa-cost
    question: How much does radiofrequency ablation cost?
    alternates: [price of rfa, how much is the treatment]
    answer: Ask the clinic about fees.
    keywords: [cost, price, fee, much, rfa]
    owner: Clinic clinical team
    reviewed: 2024-01-10
  - id: rfa-recovery
    question: How long is the recovery after radiofrequency ablation?
    alternates: [recovery time, price of rfa]
    answer: Most people recover in days.
    owner: Clinic clinical team
  - id: parking
    question: Is there parking near the clinic?
    answer: There is street parking.
    owner: Reception
    reviewed: 2026-11-30
  - id: parking-again
    question: Is there parking near the clinic?
    alternates: [car park]
    answer: Street parking only.
  - id: symbols
    question: "!!!"
    answer: x.
  - id: puzzled
    question: "???"
    answer: x.
`)
	got := review.Check(context.Background(), eng, review.Options{Now: today, ReviewAfterDays: 365})
	want := []string{
		`a.yaml:2: entry "rfa-cost": reviewed 2024-01-10, 1058 days ago (more than 365): check the text is still right, then update the date`,
		`a.yaml:2: entry "rfa-cost": alternate "price of rfa" matches entry "rfa-recovery" (a.yaml:9) as strongly, so patients asking it get a "did you mean" list: make it more specific, or keep it in one entry only`,
		`a.yaml:9: entry "rfa-recovery": no ` + "`reviewed`" + ` date on an entry signed off by Clinic clinical team: add the date it was last checked, e.g. reviewed: 2026-12-03`,
		`a.yaml:9: entry "rfa-recovery": alternate "price of rfa" matches entry "rfa-cost" (a.yaml:2) as strongly, so patients asking it get a "did you mean" list: make it more specific, or keep it in one entry only`,
		`a.yaml:14: entry "parking": its own question matches entry "parking-again" (a.yaml:19) as strongly, so patients asking it get a "did you mean" list; make the questions differ more, or merge the entries`,
		`a.yaml:19: entry "parking-again": its own question matches entry "parking" (a.yaml:14) as strongly, so patients asking it get a "did you mean" list; make the questions differ more, or merge the entries`,
		`a.yaml:23: entry "symbols": cannot be reached: its own question gets "I don't know"; add alternates in patients' words`,
		`a.yaml:26: entry "puzzled": cannot be reached: its own question is taken for small talk (a greeting, thanks, "?" and the like); add alternates in patients' words`,
	}
	if len(got) != len(want) {
		t.Errorf("got %d warnings, want %d:\n%v", len(got), len(want), got)
	}
	for i := range min(len(got), len(want)) {
		if got[i].Error() != want[i] {
			t.Errorf("warning %d:\n got  %s\n want %s", i, got[i], want[i])
		}
	}
	// review_after_days 0 turns the date checks off.
	for _, w := range review.Check(context.Background(), eng, review.Options{Now: today}) {
		if strings.Contains(w.Msg, "reviewed") {
			t.Errorf("date check with review_after_days 0: %v", w)
		}
	}
}

// The clinic's own knowledge has nothing to warn about.
func TestClinicKnowledgeIsClean(t *testing.T) {
	base, err := knowledge.Load(knowledge.Clinic())
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Build(base)
	if err != nil {
		t.Fatal(err)
	}
	data, err := fs.ReadFile(knowledge.Clinic(), "settings.yaml")
	if err != nil {
		t.Fatal(err)
	}
	settings, err := answer.ParseSettings(data, "settings.yaml")
	if err != nil {
		t.Fatal(err)
	}
	eng := answer.New(ix, nil, settings, answer.Texts{})
	defer eng.Close()
	if got := review.Check(context.Background(), eng, review.Options{Now: today, ReviewAfterDays: 365}); len(got) != 0 {
		t.Errorf("clinic knowledge warnings:\n%v", got)
	}
}
