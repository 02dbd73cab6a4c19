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
	Top1, MRR5, OOSRecall, Overall float64
	SmalltalkAcc, UrgentRecall     float64
	AnswerAccuracy                 float64 // in-scope questions given exactly the expected entry as an answer
	InScopeRight                   float64 // in-scope questions whose top reply (answer or first choice) is the expected entry
	Kinds                          map[answer.Kind]int
}

// Run answers every question with the engine and scores the replies.
//
// Overall, an in-scope question is right when the top reply (the answer, or the first
// of the choices) is the expected entry; an out-of-scope one when the reply is
// the fallback; small talk and urgent when the reply has that kind.
func Run(ctx context.Context, e *answer.Engine, qs []Question) Report {
	rep := Report{Kinds: map[answer.Kind]int{}}
	var top1, rr, oos, right, small, urgent, exact, inRight float64
	for _, q := range qs {
		r := Result{Question: q, Reply: e.Answer(ctx, q.Query)}
		rep.Kinds[r.Reply.Kind]++
		for i, c := range r.Reply.Candidates {
			if c.EntryID == q.Expected {
				r.Rank = i + 1
				break
			}
		}
		switch q.Expected {
		case ExpectFallback:
			rep.OutOfScope++
			r.Right = r.Reply.Kind == answer.KindFallback
			if r.Right {
				oos++
			}
		case ExpectSmalltalk:
			rep.Smalltalk++
			r.Right = r.Reply.Kind == answer.KindSmalltalk
			if r.Right {
				small++
			}
		case ExpectUrgent:
			rep.Urgent++
			r.Right = r.Reply.Kind == answer.KindUrgent
			if r.Right {
				urgent++
			}
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
			}
			if r.Rank > 0 && r.Rank <= 5 {
				rr += 1 / float64(r.Rank)
			}
		}
		if r.Right {
			right++
		}
		rep.Results = append(rep.Results, r)
	}
	rep.Top1, rep.MRR5, rep.AnswerAccuracy = ratio(top1, rep.InScope), ratio(rr, rep.InScope), ratio(exact, rep.InScope)
	rep.InScopeRight = ratio(inRight, rep.InScope)
	rep.OOSRecall = ratio(oos, rep.OutOfScope)
	rep.SmalltalkAcc = ratio(small, rep.Smalltalk)
	rep.UrgentRecall = ratio(urgent, rep.Urgent)
	rep.Overall = ratio(right, len(qs))
	return rep
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
	fmt.Fprintf(w, "in-scope top-1       %s\n", f(rep.Top1))
	fmt.Fprintf(w, "in-scope MRR@5       %s\n", f(rep.MRR5))
	fmt.Fprintf(w, "in-scope right       %s (the reply's top entry is the expected one)\n", f(rep.InScopeRight))
	fmt.Fprintf(w, "in-scope answered    %s (a confident answer with the expected entry)\n", f(rep.AnswerAccuracy))
	fmt.Fprintf(w, "out-of-scope recall  %s\n", f(rep.OOSRecall))
	if rep.Smalltalk > 0 {
		fmt.Fprintf(w, "smalltalk accuracy   %s\n", f(rep.SmalltalkAcc))
	}
	if rep.Urgent > 0 {
		fmt.Fprintf(w, "urgent recall        %s\n", f(rep.UrgentRecall))
	}
	fmt.Fprintf(w, "overall accuracy     %s\n", f(rep.Overall))
	kinds := make([]string, 0, len(rep.Kinds))
	for k, n := range rep.Kinds {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(kinds)
	fmt.Fprintf(w, "reply kinds          %s\n", strings.Join(kinds, ", "))
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
