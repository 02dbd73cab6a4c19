package eval_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/clinicbot/clinicbot/answer"
	"github.com/clinicbot/clinicbot/eval"
	"github.com/clinicbot/clinicbot/index"
	"github.com/clinicbot/clinicbot/knowledge"
	"github.com/clinicbot/clinicbot/safety"
)

func TestRead(t *testing.T) {
	in := `{"query": "what is rfa", "expected": "fjd-what-is-it", "source": "clinic"}
{"query": "price of bitcoin", "expected": null}

# a comment
// another comment
{"query": "hello", "expected": "smalltalk"}
{"query": "I can't feel my legs", "expected": "urgent"}
{"query": "no label"}
{"query": "empty label", "expected": ""}
{"query": "said so", "expected": "fallback"}
   {"query": "  spaces kept  ", "expected": "x"}   
`
	qs, err := eval.Read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []eval.Question{
		{Query: "what is rfa", Expected: "fjd-what-is-it", Line: 1},
		{Query: "price of bitcoin", Expected: eval.ExpectFallback, Line: 2},
		{Query: "hello", Expected: eval.ExpectSmalltalk, Line: 6},
		{Query: "I can't feel my legs", Expected: eval.ExpectUrgent, Line: 7},
		{Query: "no label", Expected: eval.ExpectFallback, Line: 8},
		{Query: "empty label", Expected: eval.ExpectFallback, Line: 9},
		{Query: "said so", Expected: eval.ExpectFallback, Line: 10},
		{Query: "  spaces kept  ", Expected: "x", Line: 11},
	}
	if len(qs) != len(want) {
		t.Fatalf("read %d questions, want %d: %+v", len(qs), len(want), qs)
	}
	for i := range want {
		if qs[i] != want[i] {
			t.Errorf("question %d = %+v, want %+v", i, qs[i], want[i])
		}
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name, in, err string
	}{
		{"no query", "{\"query\": \"ok\"}\n\n{\"expected\": \"fjd-what-is-it\"}\n", `3: missing "query"`},
		{"query null", "{\"query\": null, \"expected\": null}\n", `1: missing "query"`},
		{"not JSON", "{\"query\": \"ok\"}\nquery: what\n", "2: "},
		{"expected not a string", "{\"query\": \"a\", \"expected\": 5}\n", "1: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qs, err := eval.Read(strings.NewReader(tt.in))
			if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
				t.Errorf("Read = %v, %v; want an error starting %q", qs, err, tt.err)
			}
		})
	}
}

func TestReadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.jsonl")
	if err := os.WriteFile(path, []byte("{\"query\": \"a\"}\n{\"expected\": null}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := eval.ReadFile(path)
	if err == nil || err.Error() != path+`:2: missing "query"` {
		t.Errorf("ReadFile error %v, want %s:2: missing \"query\"", err, path)
	}
	if _, err := eval.ReadFile(filepath.Join(t.TempDir(), "nope.jsonl")); !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
}

func TestReadClinicTestSet(t *testing.T) {
	qs, err := eval.ReadFile(clinicQuestions)
	if err != nil {
		t.Fatal(err)
	}
	base, err := knowledge.Load(knowledge.Clinic())
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, q := range qs {
		switch q.Expected {
		case eval.ExpectFallback, eval.ExpectSmalltalk, eval.ExpectUrgent:
			kinds[q.Expected]++
		default:
			kinds["entry"]++
			if _, ok := base.Entry(q.Expected); !ok {
				t.Errorf("line %d expects %q, which is not a clinic entry", q.Line, q.Expected)
			}
		}
	}
	if kinds["entry"] == 0 || kinds[eval.ExpectFallback] == 0 {
		t.Errorf("test set lacks in-scope or out-of-scope questions: %v", kinds)
	}
}

const clinicQuestions = "../tests/clinic/questions.jsonl"

const tinyKnowledge = `entries:
  - id: parking
    question: Is there parking near the clinic?
    answer: There is public parking two streets away.
  - id: parking-cost
    question: How much does parking cost?
    answer: Parking costs a few pounds an hour.
  - id: hours
    question: What are your opening hours?
    answer: We are open on weekdays.
  - id: wheelchair
    question: Is the building accessible by wheelchair?
    answer: Yes, there is step-free access.
`

// tiny is an engine over four entries with the clinic's red flags.
func tiny(t *testing.T) *answer.Engine {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "faqs.yaml"), []byte(tinyKnowledge), 0o644); err != nil {
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
	t.Cleanup(func() { ix.Close() })
	chk, err := safety.Load(knowledge.Clinic(), "red_flags.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return answer.New(ix, chk, answer.DefaultSettings(), answer.Texts{EmergencyNumber: "999"})
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestRun(t *testing.T) {
	e := tiny(t)
	qs := []eval.Question{
		{Query: "what are your opening hours", Expected: "hours", Line: 1},          // answered, rank 1
		{Query: "how much does parking cost", Expected: "parking", Line: 2},         // parking-cost first: rank 2, wrong
		{Query: "wheelchair access", Expected: "wheelchair", Line: 3},               // rank 1
		{Query: "what are your opening hours", Expected: "wheelchair", Line: 4},     // not a candidate: rank 0, wrong
		{Query: "price of bitcoin", Expected: eval.ExpectFallback, Line: 5},         // falls back: right
		{Query: "tell me a joke", Expected: eval.ExpectFallback, Line: 6},           // falls back: right
		{Query: "hello", Expected: eval.ExpectSmalltalk, Line: 7},                   // right
		{Query: "I can't control my bladder", Expected: eval.ExpectUrgent, Line: 8}, // right
	}
	rep := eval.Run(context.Background(), e, qs)
	if len(rep.Results) != len(qs) {
		t.Fatalf("%d results", len(rep.Results))
	}
	wantRank := []int{1, 2, 1, 0}
	wantRight := []bool{true, false, true, false, true, true, true, true}
	for i, r := range rep.Results {
		if r.Question != qs[i] {
			t.Errorf("result %d is for %+v", i, r.Question)
		}
		if i < len(wantRank) && r.Rank != wantRank[i] {
			t.Errorf("%q expecting %s: rank %d, want %d (candidates %v)", r.Query, r.Expected, r.Rank, wantRank[i], r.Reply.Candidates)
		}
		if r.Right != wantRight[i] {
			t.Errorf("%q expecting %s: right=%v, want %v (reply %s %s)", r.Query, r.Expected, r.Right, wantRight[i], r.Reply.Kind, eval.TopEntry(r.Reply))
		}
	}
	if rep.InScope != 4 || rep.OutOfScope != 2 || rep.Smalltalk != 1 || rep.Urgent != 1 {
		t.Errorf("counts in %d out %d smalltalk %d urgent %d", rep.InScope, rep.OutOfScope, rep.Smalltalk, rep.Urgent)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"top-1", rep.Top1, 2.0 / 4},                 // ranks 1, 2, 1, 0
		{"MRR@5", rep.MRR5, (1 + 0.5 + 1 + 0) / 4.0}, // 0.625
		{"answered", rep.AnswerAccuracy, 2.0 / 4},    // hours and wheelchair answered outright
		{"out-of-scope recall", rep.OOSRecall, 2.0 / 2},
		{"smalltalk", rep.SmalltalkAcc, 1},
		{"urgent", rep.UrgentRecall, 1},
		{"overall", rep.Overall, 6.0 / 8},
	}
	for _, c := range checks {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// The two right best candidates (hours, wheelchair) are word for word
	// the knowledge's questions; the wrong ones are not.
	if !(rep.AUROC > 0.5 && rep.AUROC <= 1) {
		t.Errorf("AUROC = %v, want above 0.5", rep.AUROC)
	}
	wantKinds := map[answer.Kind]int{answer.KindAnswer: 4, answer.KindFallback: 2, answer.KindSmalltalk: 1, answer.KindUrgent: 1}
	for k, n := range wantKinds {
		if rep.Kinds[k] != n {
			t.Errorf("kinds %v, want %v", rep.Kinds, wantKinds)
			break
		}
	}

	var out strings.Builder
	rep.Print(&out, true)
	for _, line := range []string{
		"questions            8 (in scope 4, out of scope 2, smalltalk 1, urgent 1)\n",
		"ranking top-1        0.500 ",
		"ranking MRR@5        0.625\n",
		"answered right       0.500 ",
		"shown right          0.500 ",
		"wrong answers        2 of 4 answers",
		"answer precision     0.500\n",
		"choices rate         0.000 ",
		"out-of-scope fallback 1.000 ",
		"smalltalk accuracy   1.000\n",
		"urgent recall        1.000\n",
		"strict overall       0.750 ",
		"overall              0.750 ",
		"reply kinds          answer 4, fallback 2, smalltalk 1, urgent 1\n",
		"separation (AUROC)   ",
		`miss line 2: "how much does parking cost" expected parking, got answer parking-cost (score `,
		`miss line 4: "what are your opening hours" expected wheelchair, got answer hours (score `,
	} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("report lacks %q:\n%s", line, out.String())
		}
	}
	if n := strings.Count(out.String(), "miss line"); n != 2 {
		t.Errorf("%d miss lines, want 2", n)
	}
	out.Reset()
	rep.Print(&out, false)
	if strings.Contains(out.String(), "miss line") {
		t.Error("misses printed without being asked for")
	}
}

func TestRunChoicesCountTheirFirstEntry(t *testing.T) {
	// With an answer threshold only a word-for-word question reaches,
	// a close paraphrase becomes choices.
	e := tiny(t).WithSettings(answer.Settings{Answer: 1, Choices: 0.01, Margin: 0.03})
	rep := eval.Run(context.Background(), e, []eval.Question{
		{Query: "what does the parking cost me", Expected: "parking-cost", Line: 1},
	})
	r := rep.Results[0]
	if r.Reply.Kind != answer.KindChoices {
		t.Fatalf("kind %s (score %v), want choices", r.Reply.Kind, r.Reply.Score)
	}
	if !r.Right || rep.Top1 != 1 || rep.AnswerAccuracy != 0 || rep.Overall != 1 {
		t.Errorf("right %v top-1 %v answered %v overall %v; want a right reply that is not an answer", r.Right, rep.Top1, rep.AnswerAccuracy, rep.Overall)
	}
}

func TestRunEmptyAndMissingGroups(t *testing.T) {
	e := tiny(t)
	rep := eval.Run(context.Background(), e, nil)
	if len(rep.Results) != 0 || !math.IsNaN(rep.Overall) || !math.IsNaN(rep.Top1) {
		t.Errorf("empty run: %+v", rep)
	}
	rep = eval.Run(context.Background(), e, []eval.Question{{Query: "wheelchair access", Expected: "wheelchair"}})
	if !math.IsNaN(rep.OOSRecall) || rep.Top1 != 1 {
		t.Errorf("in-scope only: OOS %v top-1 %v", rep.OOSRecall, rep.Top1)
	}
	var out strings.Builder
	rep.Print(&out, false)
	if !strings.Contains(out.String(), "out-of-scope fallback n/a ") {
		t.Errorf("no n/a for a group without questions:\n%s", out.String())
	}
	if strings.Contains(out.String(), "smalltalk accuracy") || strings.Contains(out.String(), "urgent recall") {
		t.Errorf("lines for groups without questions:\n%s", out.String())
	}
}

func TestTopEntry(t *testing.T) {
	tests := []struct {
		r    answer.Reply
		want string
	}{
		{answer.Reply{Kind: answer.KindAnswer, EntryID: "a"}, "a"},
		{answer.Reply{Kind: answer.KindChoices, Choices: []answer.Choice{{EntryID: "b"}, {EntryID: "c"}}}, "b"},
		{answer.Reply{Kind: answer.KindChoices}, ""},
		{answer.Reply{Kind: answer.KindFallback, Candidates: []answer.Candidate{{EntryID: "d"}}}, ""},
		{answer.Reply{Kind: answer.KindUrgent}, ""},
		{answer.Reply{Kind: answer.KindSmalltalk}, ""},
	}
	for _, tt := range tests {
		if got := eval.TopEntry(tt.r); got != tt.want {
			t.Errorf("TopEntry(%s) = %q, want %q", tt.r.Kind, got, tt.want)
		}
	}
}

func TestTuneTiny(t *testing.T) {
	e := tiny(t)
	qs := []eval.Question{
		{Query: "what are your opening hours", Expected: "hours"},
		{Query: "how much does parking cost", Expected: "parking-cost"},
		{Query: "wheelchair access", Expected: "wheelchair"},
		{Query: "price of bitcoin", Expected: eval.ExpectFallback},
		{Query: "tell me a joke", Expected: eval.ExpectFallback},
		{Query: "hello", Expected: eval.ExpectSmalltalk},
	}
	// Scores the thresholds are chosen from.
	var maxOut, minIn = 0.0, 1.0
	for _, q := range qs[:5] {
		r := e.Answer(context.Background(), q.Query)
		s := 0.0
		if len(r.Candidates) > 0 {
			s = r.Candidates[0].Score
		}
		if q.Expected == eval.ExpectFallback {
			maxOut = max(maxOut, s)
		} else {
			if eval.TopEntry(r) != q.Expected {
				t.Fatalf("%q: top entry %q, want %q", q.Query, eval.TopEntry(r), q.Expected)
			}
			minIn = min(minIn, s)
		}
	}
	if !(maxOut < minIn) {
		t.Fatalf("scores overlap: out-of-scope up to %v, in-scope from %v", maxOut, minIn)
	}
	s := eval.Tune(context.Background(), e, qs)
	// Every in-scope question is right and every out-of-scope one falls
	// back only with the fallback threshold between the two groups; the
	// answers above it are all right, so the answer threshold is the same.
	if !(s.Choices > maxOut && s.Choices <= minIn) {
		t.Errorf("choices %v not in (%v, %v]", s.Choices, maxOut, minIn)
	}
	if s.Answer != s.Choices {
		t.Errorf("answer %v, want it equal to choices %v (every answer above is right)", s.Answer, s.Choices)
	}
	if err := s.Validate(); err != nil {
		t.Errorf("tuned settings %+v: %v", s, err)
	}
	if rep := eval.Run(context.Background(), e.WithSettings(s), qs); rep.Overall != 1 {
		t.Errorf("overall %v with tuned settings, want 1", rep.Overall)
	}
}

func TestTuneNothingToTuneOn(t *testing.T) {
	e := tiny(t)
	for _, qs := range [][]eval.Question{
		nil,
		{{Query: "hello", Expected: eval.ExpectSmalltalk}, {Query: "I can't control my bladder", Expected: eval.ExpectUrgent}},
	} {
		if s := eval.Tune(context.Background(), e, qs); s != e.Settings() {
			t.Errorf("Tune on %d questions without scores = %+v, want the engine's %+v", len(qs), s, e.Settings())
		}
	}
}

var clinicEngine = sync.OnceValues(func() (*answer.Engine, error) {
	base, err := knowledge.Load(knowledge.Clinic())
	if err != nil {
		return nil, err
	}
	chk, err := safety.Load(knowledge.Clinic(), "red_flags.yaml")
	if err != nil {
		return nil, err
	}
	ix, err := index.Build(base)
	if err != nil {
		return nil, err
	}
	return answer.New(ix, chk, answer.DefaultSettings(), answer.Texts{EmergencyNumber: "999", BookingURL: "https://clinic.example/book"}), nil
})

func TestTuneClinic(t *testing.T) {
	e, err := clinicEngine()
	if err != nil {
		t.Fatal(err)
	}
	qs, err := eval.ReadFile(clinicQuestions)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s := eval.Tune(ctx, e, qs)
	if err := s.Validate(); err != nil {
		t.Errorf("tuned settings %+v: %v", s, err)
	}
	if s.Choices > s.Answer {
		t.Errorf("choices %v above answer %v", s.Choices, s.Answer)
	}
	before := eval.Run(ctx, e, qs)
	after := eval.Run(ctx, e.WithSettings(s), qs)
	t.Logf("defaults %+v overall %.3f; tuned %+v overall %.3f", e.Settings(), before.Overall, s, after.Overall)
	if after.Overall < before.Overall {
		t.Errorf("tuning lowered overall accuracy from %.3f to %.3f", before.Overall, after.Overall)
	}
	// Tuning weighs a wrong answer below a fallback rather than imposing
	// a floor of out-of-scope fallbacks: on the clinic's set, where a fifth
	// of the questions are out of scope, it answers more right without
	// answering them, and within the limits it is held to.
	if after.AnswerAccuracy < before.AnswerAccuracy {
		t.Errorf("tuning lowered answered right from %.3f to %.3f", before.AnswerAccuracy, after.AnswerAccuracy)
	}
	if after.OOSRecall < 0.9 {
		t.Errorf("tuned out-of-scope fallback %.3f, want at least 0.9", after.OOSRecall)
	}
	if after.AnswerPrecision < eval.AnswerPrecision || after.ChoicesRate > eval.MaxChoicesRate {
		t.Errorf("tuned answer precision %.3f (want at least %v), choices rate %.3f (want at most %v)",
			after.AnswerPrecision, eval.AnswerPrecision, after.ChoicesRate, eval.MaxChoicesRate)
	}
	// Tuning chooses thresholds only; ranking is untouched.
	if after.Top1 != before.Top1 || after.MRR5 != before.MRR5 {
		t.Errorf("ranking changed: top-1 %v -> %v, MRR %v -> %v", before.Top1, after.Top1, before.MRR5, after.MRR5)
	}
	// Written and read back, the settings are the same.
	path := filepath.Join(t.TempDir(), "settings.yaml")
	if err := s.Write(path, "tuned in a test"); err != nil {
		t.Fatal(err)
	}
	if got, err := answer.LoadSettings(path); err != nil || got != s {
		t.Errorf("LoadSettings = %+v, %v; want %+v", got, err, s)
	}
}

func TestTuneLimits(t *testing.T) {
	e, err := clinicEngine()
	if err != nil {
		t.Fatal(err)
	}
	qs, err := eval.ReadFile(clinicQuestions)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	loose := eval.TuneLimits(ctx, e, qs, eval.Limits{Precision: 0.85, MaxChoices: 0.3})
	strict := eval.TuneLimits(ctx, e, qs, eval.Limits{Precision: 0.99, MaxChoices: 0.3, MinOOS: 0.98})
	a, b := eval.Run(ctx, e.WithSettings(loose), qs), eval.Run(ctx, e.WithSettings(strict), qs)
	if a.AnswerPrecision < 0.85 || a.ChoicesRate > 0.3 {
		t.Errorf("loose limits broken: precision %.3f, choices %.3f", a.AnswerPrecision, a.ChoicesRate)
	}
	if b.AnswerPrecision < 0.99 || b.OOSRecall < 0.98 || b.ChoicesRate > 0.3 {
		t.Errorf("strict limits broken: precision %.3f, out-of-scope fallback %.3f, choices %.3f", b.AnswerPrecision, b.OOSRecall, b.ChoicesRate)
	}
	// Within its limits, tune goes for overall: the looser limits leave
	// more room, never less.
	if a.Overall < b.Overall || a.AnswerAccuracy < b.AnswerAccuracy {
		t.Errorf("looser limits: overall %.3f answered %.3f; stricter: %.3f, %.3f", a.Overall, a.AnswerAccuracy, b.Overall, b.AnswerAccuracy)
	}
	if s := eval.Tune(ctx, e, qs); s != eval.TuneLimits(ctx, e, qs, eval.DefaultLimits()) {
		t.Errorf("Tune and TuneLimits with the default limits differ")
	}
}
