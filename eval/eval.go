// Package eval measures how well an engine answers labelled questions, and
// chooses the thresholds that answer them best.
//
// Questions come one JSON object a line: {"query": "...", "expected": ...},
// where expected is an entry id, null or "fallback" (out of scope: the right
// reply is the honest fallback), "smalltalk" or "urgent". This is the format
// of the public benchmarks in ../shared/bench and of the clinic's own test set.
package eval

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/clinicbot/clinicbot/answer"
)

// Question is one labelled question.
type Question struct {
	Query    string `json:"query"`
	Expected string `json:"-"` // entry id, or one of the Expect* labels
	Line     int    `json:"-"`
}

// Labels for questions that expect a kind rather than an entry.
const (
	ExpectFallback  = "fallback"
	ExpectSmalltalk = "smalltalk"
	ExpectUrgent    = "urgent"
)

// ReadFile reads labelled questions from a JSONL file.
func ReadFile(path string) ([]Question, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	qs, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s:%w", path, err)
	}
	return qs, nil
}

// Read reads labelled questions, one JSON object a line.
func Read(r io.Reader) ([]Question, error) {
	var out []Question
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "//") {
			continue
		}
		var raw struct {
			Query    *string `json:"query"`
			Expected *string `json:"expected"`
		}
		if err := json.Unmarshal([]byte(line), &raw); err != nil {
			return nil, fmt.Errorf("%d: %v", n, err)
		}
		if raw.Query == nil {
			return nil, fmt.Errorf("%d: missing \"query\"", n)
		}
		q := Question{Query: *raw.Query, Expected: ExpectFallback, Line: n}
		if raw.Expected != nil && *raw.Expected != "" {
			q.Expected = *raw.Expected
		}
		out = append(out, q)
	}
	return out, sc.Err()
}

// Result is one question's outcome.
type Result struct {
	Question
	Reply answer.Reply
	Right bool
	Rank  int // 1-based rank of the expected entry among the candidates; 0 if absent
}

// Report sums up an evaluation.
type Report struct {
	Results []Result

	InScope, OutOfScope, Smalltalk, Urgent int
	// Top1 and MRR5 measure ranking: where the expected entry stands among
	// the candidates, whatever the reply's kind.
	Top1, MRR5 float64
	// OOSRecall is the out-of-scope fallback: the share of out-of-scope
	// questions whose reply is neither an answer nor choices.
	OOSRecall float64
	// Overall counts an in-scope question right when it is shown right
	// (see InScopeRight), an out-of-scope one when it falls back, small
	// talk and urgent when the reply has that kind.
	Overall float64
	// StrictOverall is Overall with only answers counting for in-scope
	// questions: a "did you mean" is not an answer.
	StrictOverall              float64
	SmalltalkAcc, UrgentRecall float64
	// AnswerAccuracy is "answered right": in-scope questions given exactly
	// the expected entry as an answer.
	AnswerAccuracy float64
	// InScopeRight is "shown right": answered right, or choices whose
	// first is the expected entry.
	InScopeRight float64
	// Answers is how many replies were answers; WrongAnswers how many of
	// them gave another entry than the expected one (out-of-scope
	// questions answered included).
	Answers, WrongAnswers int
	// AnswerPrecision is right answers over all answers given.
	AnswerPrecision float64
	// ChoicesRate is the share of all questions answered with choices.
	ChoicesRate float64
	// Calibration compares the confidence of the best candidate with how
	// often it is right, by tenths of confidence.
	Calibration []Bin
	// AUROC is how well the best candidate's confidence separates the
	// questions whose best candidate is the expected entry from the rest
	// (in scope with another entry first, and out of scope): the chance
	// that a right one, taken at random, has the higher confidence than a
	// wrong one (ties count half); 0.5 is no better than a coin.
	AUROC float64
	Kinds map[answer.Kind]int
}

// Bin is one tenth of the confidence scale: the questions (in scope or
// out of scope) whose best candidate had a confidence in [Lo, Lo+0.1), and
// how many of those candidates were the expected entry.
type Bin struct {
	Lo         float64
	N, Right   int
	MeanScore  float64
	ShareRight float64
}

// Run answers every question with the engine and scores the replies.
//
// Overall, an in-scope question is right when the top reply (the answer, or the first
// of the choices) is the expected entry; an out-of-scope one when the reply is
// the fallback; small talk and urgent when the reply has that kind.
func Run(ctx context.Context, e *answer.Engine, qs []Question) Report {
	rep := Report{Kinds: map[answer.Kind]int{}}
	var top1, rr, oos, right, strict, small, urgent, exact, inRight float64
	var rights, wrongs []float64 // best candidates' confidences (see AUROC)
	bins := make([]Bin, 10)
	for i := range bins {
		bins[i].Lo = float64(i) / 10
	}
	for _, q := range qs {
		r := Result{Question: q, Reply: e.Answer(ctx, q.Query)}
		rep.Kinds[r.Reply.Kind]++
		for i, c := range r.Reply.Candidates {
			if c.EntryID == q.Expected {
				r.Rank = i + 1
				break
			}
		}
		switch r.Reply.Kind {
		case answer.KindAnswer:
			rep.Answers++
			if r.Reply.EntryID != q.Expected {
				rep.WrongAnswers++
			}
		case answer.KindChoices:
			rep.ChoicesRate++
		}
		if q.Expected != ExpectSmalltalk && q.Expected != ExpectUrgent && r.Reply.Kind != answer.KindSmalltalk && r.Reply.Kind != answer.KindUrgent {
			score, ok := 0.0, false
			if len(r.Reply.Candidates) > 0 {
				score, ok = r.Reply.Candidates[0].Score, r.Reply.Candidates[0].EntryID == q.Expected
			}
			b := &bins[min(9, max(0, int(score*10)))]
			b.N++
			b.MeanScore += score
			if ok {
				b.Right++
				rights = append(rights, score)
			} else {
				wrongs = append(wrongs, score)
			}
		}
		strictRight := false
		switch q.Expected {
		case ExpectFallback:
			rep.OutOfScope++
			r.Right = r.Reply.Kind != answer.KindAnswer && r.Reply.Kind != answer.KindChoices
			if r.Right {
				oos++
			}
			strictRight = r.Right
		case ExpectSmalltalk:
			rep.Smalltalk++
			r.Right = r.Reply.Kind == answer.KindSmalltalk
			if r.Right {
				small++
			}
			strictRight = r.Right
		case ExpectUrgent:
			rep.Urgent++
			r.Right = r.Reply.Kind == answer.KindUrgent
			if r.Right {
				urgent++
			}
			strictRight = r.Right
		default:
			rep.InScope++
			r.Right = TopEntry(r.Reply) == q.Expected
			if r.Right {
				inRight++
			}
			if r.Rank == 1 {
				top1++
			}
			if r.Reply.Kind == answer.KindAnswer && r.Reply.EntryID == q.Expected {
				exact++
				strictRight = true
			}
			if r.Rank > 0 && r.Rank <= 5 {
				rr += 1 / float64(r.Rank)
			}
		}
		if r.Right {
			right++
		}
		if strictRight {
			strict++
		}
		rep.Results = append(rep.Results, r)
	}
	rep.Top1, rep.MRR5, rep.AnswerAccuracy = ratio(top1, rep.InScope), ratio(rr, rep.InScope), ratio(exact, rep.InScope)
	rep.InScopeRight = ratio(inRight, rep.InScope)
	rep.OOSRecall = ratio(oos, rep.OutOfScope)
	rep.SmalltalkAcc = ratio(small, rep.Smalltalk)
	rep.UrgentRecall = ratio(urgent, rep.Urgent)
	rep.Overall = ratio(right, len(qs))
	rep.StrictOverall = ratio(strict, len(qs))
	rep.AnswerPrecision = ratio(float64(rep.Answers-rep.WrongAnswers), rep.Answers)
	rep.ChoicesRate = ratio(rep.ChoicesRate, len(qs))
	for i := range bins {
		if bins[i].N > 0 {
			bins[i].MeanScore /= float64(bins[i].N)
			bins[i].ShareRight = float64(bins[i].Right) / float64(bins[i].N)
		}
	}
	rep.Calibration = bins
	rep.AUROC = auroc(rights, wrongs)
	return rep
}

// auroc is the chance that a score of pos, taken at random, is above one
// of neg (ties count half), or NaN when either is empty.
func auroc(pos, neg []float64) float64 {
	if len(pos) == 0 || len(neg) == 0 {
		return math.NaN()
	}
	neg = append([]float64(nil), neg...)
	sort.Float64s(neg)
	sum := 0.0
	for _, p := range pos {
		below := sort.SearchFloat64s(neg, p)                                  // neg < p
		upTo := sort.Search(len(neg), func(i int) bool { return neg[i] > p }) // neg <= p
		sum += float64(below) + float64(upTo-below)/2
	}
	return sum / float64(len(pos)*len(neg))
}

// TopEntry is the entry a reply puts first: the answer, or the first choice.
func TopEntry(r answer.Reply) string {
	switch r.Kind {
	case answer.KindAnswer:
		return r.EntryID
	case answer.KindChoices:
		if len(r.Choices) > 0 {
			return r.Choices[0].EntryID
		}
	}
	return ""
}

func ratio(n float64, d int) float64 {
	if d == 0 {
		return math.NaN()
	}
	return n / float64(d)
}

// Print writes the summary, and with misses every wrong reply.
func (rep Report) Print(w io.Writer, misses bool) {
	f := func(v float64) string {
		if math.IsNaN(v) {
			return "n/a"
		}
		return fmt.Sprintf("%.3f", v)
	}
	fmt.Fprintf(w, "questions            %d (in scope %d, out of scope %d, smalltalk %d, urgent %d)\n",
		len(rep.Results), rep.InScope, rep.OutOfScope, rep.Smalltalk, rep.Urgent)
	fmt.Fprintf(w, "ranking top-1        %s (in scope: the expected entry ranked first)\n", f(rep.Top1))
	fmt.Fprintf(w, "ranking MRR@5        %s\n", f(rep.MRR5))
	fmt.Fprintf(w, "answered right       %s (in scope: an answer with the expected entry)\n", f(rep.AnswerAccuracy))
	fmt.Fprintf(w, "shown right          %s (in scope: answered right, or the expected entry first among choices)\n", f(rep.InScopeRight))
	fmt.Fprintf(w, "wrong answers        %d of %d answers (out-of-scope questions answered included)\n", rep.WrongAnswers, rep.Answers)
	fmt.Fprintf(w, "answer precision     %s\n", f(rep.AnswerPrecision))
	fmt.Fprintf(w, "choices rate         %s (of all questions)\n", f(rep.ChoicesRate))
	fmt.Fprintf(w, "out-of-scope fallback %s (neither an answer nor choices)\n", f(rep.OOSRecall))
	if rep.Smalltalk > 0 {
		fmt.Fprintf(w, "smalltalk accuracy   %s\n", f(rep.SmalltalkAcc))
	}
	if rep.Urgent > 0 {
		fmt.Fprintf(w, "urgent recall        %s\n", f(rep.UrgentRecall))
	}
	fmt.Fprintf(w, "strict overall       %s (answered right + out-of-scope fallbacks)\n", f(rep.StrictOverall))
	fmt.Fprintf(w, "overall              %s (shown right + out-of-scope fallbacks)\n", f(rep.Overall))
	kinds := make([]string, 0, len(rep.Kinds))
	for k, n := range rep.Kinds {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(kinds)
	fmt.Fprintf(w, "reply kinds          %s\n", strings.Join(kinds, ", "))
	fmt.Fprintf(w, "separation (AUROC)   %s (best candidate's confidence: right best candidate against the rest)\n", f(rep.AUROC))
	rep.PrintCalibration(w)
	if !misses {
		return
	}
	for _, r := range rep.Results {
		if r.Right {
			continue
		}
		got := string(r.Reply.Kind)
		if e := TopEntry(r.Reply); e != "" {
			got += " " + e
		}
		fmt.Fprintf(w, "miss line %d: %q expected %s, got %s (score %.3f)\n", r.Line, r.Query, r.Expected, got, r.Reply.Score)
	}
}

// PrintCalibration writes the calibration table: for each tenth of the
// best candidate's confidence, how many questions fell in it, their mean
// confidence and the share whose best candidate was right. A calibrated
// confidence reads about the same in both columns.
func (rep Report) PrintCalibration(w io.Writer) {
	fmt.Fprintln(w, "calibration          confidence  questions  mean  share right")
	for _, b := range rep.Calibration {
		if b.N == 0 {
			continue
		}
		fmt.Fprintf(w, "                     %.1f-%.1f     %5d      %.2f  %.2f\n", b.Lo, b.Lo+0.1, b.N, b.MeanScore, b.ShareRight)
	}
}
