package eval

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/clinicbot/clinicbot/answer"
)

// Floors are the least figures a measured run must reach, and the most
// choices rate it may have: the quality gates CI keeps. A zero floor
// holds always.
type Floors struct {
	Top1, ShownRight, OOS, Overall, Smalltalk, Answered, Precision, Strict float64
	// MaxChoices is the highest choices rate allowed (1: any).
	MaxChoices float64
}

// Flags registers the floors as the flags of `clinicbot eval`.
func (f *Floors) Flags(fs *flag.FlagSet) {
	fs.Float64Var(&f.Top1, "min-top1", 0, "fail (exit 1) when in-scope top-1 is below this")
	fs.Float64Var(&f.ShownRight, "min-answer", 0, "fail (exit 1) when shown right (in-scope replies that lead with the right entry) is below this")
	fs.Float64Var(&f.OOS, "min-oos", 0, "fail (exit 1) when out-of-scope recall is below this")
	fs.Float64Var(&f.Overall, "min-overall", 0, "fail (exit 1) when overall accuracy is below this")
	fs.Float64Var(&f.Smalltalk, "min-smalltalk", 0, "fail (exit 1) when small-talk accuracy is below this")
	fs.Float64Var(&f.Answered, "min-answered", 0, "fail (exit 1) when answered right (in scope) is below this")
	fs.Float64Var(&f.Precision, "min-precision", 0, "fail (exit 1) when answer precision is below this")
	fs.Float64Var(&f.Strict, "min-strict", 0, "fail (exit 1) when strict overall is below this")
	fs.Float64Var(&f.MaxChoices, "max-choices", 1, "fail (exit 1) when the choices rate is above this")
}

// Failures lists, one a line, the floors that rep, a run of n questions,
// does not reach. A figure of no questions (no small talk asked, say) is
// not held against its floor.
func (f Floors) Failures(rep Report, n int) []string {
	var fails []string
	for _, g := range []struct {
		name     string
		n        int
		got, min float64
	}{
		{"ranking top-1", rep.InScope, rep.Top1, f.Top1},
		{"shown right", rep.InScope, rep.InScopeRight, f.ShownRight},
		{"out-of-scope fallback", rep.OutOfScope, rep.OOSRecall, f.OOS},
		{"overall", n, rep.Overall, f.Overall},
		{"smalltalk accuracy", rep.Smalltalk, rep.SmalltalkAcc, f.Smalltalk},
		{"answered right", rep.InScope, rep.AnswerAccuracy, f.Answered},
		{"answer precision", rep.Answers, rep.AnswerPrecision, f.Precision},
		{"strict overall", n, rep.StrictOverall, f.Strict},
	} {
		if g.n > 0 && g.got < g.min {
			fails = append(fails, fmt.Sprintf("%s %.3f is below %.3f", g.name, g.got, g.min))
		}
	}
	if n > 0 && rep.ChoicesRate > f.MaxChoices {
		fails = append(fails, fmt.Sprintf("choices rate %.3f is above %.3f", rep.ChoicesRate, f.MaxChoices))
	}
	return fails
}

// Measure runs qs against eng and prints the report as `clinicbot eval`
// shows it (from names the knowledge; misses lists every wrong reply),
// with the time it took; it returns the floors the run does not reach.
func Measure(ctx context.Context, w io.Writer, eng *answer.Engine, from string, qs []Question, misses bool, f Floors) []string {
	start := time.Now()
	rep := Run(ctx, eng, qs)
	s := eng.Settings()
	fmt.Fprintf(w, "knowledge            %s (%d entries)\n", from, len(eng.Base().Entries))
	fmt.Fprintf(w, "thresholds           answer %.3f, choices %.3f, margin %.3f\n", s.Answer, s.Choices, s.Margin)
	rep.Print(w, misses)
	fmt.Fprintf(w, "time                 %s (%.0f µs a question)\n", time.Since(start).Round(time.Millisecond),
		float64(time.Since(start).Microseconds())/float64(max(1, len(qs))))
	return f.Failures(rep, len(qs))
}

// TuneInto chooses eng's thresholds from qs (read from the file named
// queries), writes them to out with a comment saying where they came from,
// and prints the figures before and after, as `clinicbot tune` shows them.
func TuneInto(ctx context.Context, w io.Writer, eng *answer.Engine, qs []Question, lim Limits, queries, out string, now time.Time) error {
	before := Run(ctx, eng, qs)
	s := TuneLimits(ctx, eng, qs, lim)
	after := Run(ctx, eng.WithSettings(s), qs)
	comment := fmt.Sprintf("Thresholds chosen by `clinicbot tune` from %s (%d questions) on %s.\nLimits: answers at least %.2f right, choices for at most %.2f of questions, fallback for at least %.2f of out-of-scope ones.\nOverall accuracy %.3f before, %.3f after.",
		queries, len(qs), now.Format(time.DateOnly), lim.Precision, lim.MaxChoices, lim.MinOOS, before.Overall, after.Overall)
	if err := s.Write(out, comment); err != nil {
		return err
	}
	old := eng.Settings()
	fmt.Fprintf(w, "before: answer %.3f, choices %.3f, margin %.3f\n", old.Answer, old.Choices, old.Margin)
	before.Print(w, false)
	fmt.Fprintf(w, "\nafter:  answer %.3f, choices %.3f, margin %.3f (written to %s)\n", s.Answer, s.Choices, s.Margin, out)
	after.Print(w, false)
	return nil
}
