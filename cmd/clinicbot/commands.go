package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/clinicbot/clinicbot/answer"
	"github.com/clinicbot/clinicbot/config"
	"github.com/clinicbot/clinicbot/eval"
	"github.com/clinicbot/clinicbot/knowledge"
	"github.com/clinicbot/clinicbot/review"
	"github.com/clinicbot/clinicbot/safety"
	"github.com/clinicbot/clinicbot/terminal"
)

func runAsk(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	var c common
	c.register(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per question")
	asConversation := fs.Bool("conversation", false, "read the lines of standard input as one conversation (\"yes\", \"2\", follow-ups), not each on its own")
	rest, err := parse(fs, args, stderr)
	if err != nil {
		return err
	}
	_, _, eng, err := c.setup()
	if err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	conv := answer.NewConversations()
	answerOne := func(q string) error {
		var r answer.Reply
		if *asConversation {
			r = conv.Turn(ctx, eng, "ask", q)
		} else {
			r = eng.Answer(ctx, q) // each question on its own: eval and the benchmarks rely on it
		}
		if *asJSON {
			return enc.Encode(r)
		}
		_, err := fmt.Fprintln(w, terminal.OneLine(r))
		return err
	}
	if len(rest) > 0 {
		return answerOne(strings.Join(rest, " "))
	}
	n := 0
	return terminal.EachLine(stdin, maxAskLine, func(line string, cut bool) error {
		n++
		if cut {
			fmt.Fprintf(stderr, "ask: line %d is longer than %d bytes; answered from its start\n", n, maxAskLine)
		}
		if err := answerOne(line); err != nil {
			return err
		}
		if !*asJSON {
			return w.Flush() // answer interactive pipes line by line
		}
		return nil
	})
}

// maxAskLine is how much of one line `ask` reads; the answering core
// reads only the first 1000 characters of a question anyway.
const maxAskLine = 1 << 20

func runChat(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	var c common
	c.register(fs)
	if _, err := parse(fs, args, stderr); err != nil {
		return err
	}
	cfg, src, eng, err := c.setup()
	if err != nil {
		return err
	}
	return terminal.Chat(ctx, eng, chatProfile(cfg), src.String(), stdin, stdout)
}

func runValidate(ctx context.Context, args []string, stdout, stderr io.Writer, now time.Time) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	var c common
	c.register(fs)
	rest, err := parse(fs, args, stderr)
	if err != nil {
		return err
	}
	if len(rest) > 1 {
		fmt.Fprintln(stderr, "clinicbot validate: give at most one folder")
		return errUsage
	}
	if len(rest) == 1 {
		c.knowledge = rest[0]
	}
	cfg, src, eng, err := c.setup()
	if err != nil {
		problems, ok := listProblems(err)
		if !ok {
			return err
		}
		for _, p := range problems {
			fmt.Fprintln(stderr, p)
		}
		fmt.Fprintf(stderr, "%d problem(s) found; nothing was changed.\n", len(problems))
		return errReported
	}
	b := eng.Base()
	warnings := review.Check(ctx, eng, review.Options{Now: now, ReviewAfterDays: cfg.ReviewAfterDays})
	for _, w := range warnings {
		if src.dir != "" {
			w.Pos.File = filepath.Join(src.dir, w.Pos.File) // as the loader names files
		}
	}
	warnings = append(warnings, b.Warnings...)
	warnings.Sort()
	fmt.Fprintf(stdout, "ok: %s: %d entries in %d files, %d synonym groups, %d topics\n",
		src, len(b.Entries), len(b.Files), len(b.Synonyms), len(b.Topics()))
	for _, w := range warnings {
		fmt.Fprintf(stdout, "warning: %s\n", w)
	}
	if len(warnings) > 0 {
		fmt.Fprintf(stdout, "%d warning(s): the knowledge loads as it is; these are worth a look.\n", len(warnings))
	}
	return nil
}

// listProblems lists the knowledge problems in err (entries, red-flag rules,
// thresholds), one a line; ok is false when err is of another kind (no
// folder, no configuration), which is reported as it is.
func listProblems(err error) (problems []string, ok bool) {
	errs := []error{err}
	if j, isJoin := err.(interface{ Unwrap() []error }); isJoin {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		var kerr knowledge.ErrorList
		var serr *safety.ErrorList
		switch {
		case errors.As(e, &kerr):
			for _, k := range kerr {
				problems = append(problems, k.Error())
			}
		case errors.As(e, &serr):
			for _, p := range serr.Problems {
				problems = append(problems, p.String())
			}
		case errors.Is(e, fs.ErrNotExist) || errors.Is(e, fs.ErrPermission):
			return nil, false
		default:
			problems = append(problems, strings.Split(e.Error(), "\n")...)
		}
	}
	return problems, true
}

type evalFlags struct {
	common
	queries string
}

func (e *evalFlags) parse(name string, args []string, stderr io.Writer, extra func(*flag.FlagSet)) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	e.register(fs)
	fs.StringVar(&e.queries, "queries", "", "labelled questions, one JSON object a line (required)")
	if extra != nil {
		extra(fs)
	}
	rest, err := parse(fs, args, stderr)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "clinicbot %s: unexpected argument %q\n", name, rest[0])
		return errUsage
	}
	if e.queries == "" {
		fmt.Fprintf(stderr, "clinicbot %s: --queries FILE is required\n", name)
		return errUsage
	}
	return nil
}

// load reads the labelled questions and builds the engine to measure.
func (e *evalFlags) load() ([]eval.Question, source, *answer.Engine, error) {
	qs, err := eval.ReadFile(e.queries)
	if err != nil {
		return nil, source{}, nil, err
	}
	_, src, eng, err := e.setup()
	return qs, src, eng, err
}

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f evalFlags
	var misses bool
	var minTop1, minRight, minOOS, minOverall, minSmall, minAnswered, minPrecision, minStrict, maxChoices float64
	err := f.parse("eval", args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&misses, "misses", false, "list every wrong reply")
		fs.Float64Var(&minTop1, "min-top1", 0, "fail (exit 1) when in-scope top-1 is below this")
		fs.Float64Var(&minRight, "min-answer", 0, "fail (exit 1) when shown right (in-scope replies that lead with the right entry) is below this")
		fs.Float64Var(&minOOS, "min-oos", 0, "fail (exit 1) when out-of-scope recall is below this")
		fs.Float64Var(&minOverall, "min-overall", 0, "fail (exit 1) when overall accuracy is below this")
		fs.Float64Var(&minSmall, "min-smalltalk", 0, "fail (exit 1) when small-talk accuracy is below this")
		fs.Float64Var(&minAnswered, "min-answered", 0, "fail (exit 1) when answered right (in scope) is below this")
		fs.Float64Var(&minPrecision, "min-precision", 0, "fail (exit 1) when answer precision is below this")
		fs.Float64Var(&minStrict, "min-strict", 0, "fail (exit 1) when strict overall is below this")
		fs.Float64Var(&maxChoices, "max-choices", 1, "fail (exit 1) when the choices rate is above this")
	})
	if err != nil {
		return err
	}
	qs, src, eng, err := f.load()
	if err != nil {
		return err
	}
	start := time.Now()
	rep := eval.Run(ctx, eng, qs)
	s := eng.Settings()
	fmt.Fprintf(stdout, "knowledge            %s (%d entries)\n", src, len(eng.Base().Entries))
	fmt.Fprintf(stdout, "thresholds           answer %.3f, choices %.3f, margin %.3f\n", s.Answer, s.Choices, s.Margin)
	rep.Print(stdout, misses)
	fmt.Fprintf(stdout, "time                 %s (%.0f µs a question)\n", time.Since(start).Round(time.Millisecond),
		float64(time.Since(start).Microseconds())/float64(max(1, len(qs))))
	var fails []string
	for _, g := range []struct {
		name     string
		n        int
		got, min float64
	}{
		{"ranking top-1", rep.InScope, rep.Top1, minTop1},
		{"shown right", rep.InScope, rep.InScopeRight, minRight},
		{"out-of-scope fallback", rep.OutOfScope, rep.OOSRecall, minOOS},
		{"overall", len(qs), rep.Overall, minOverall},
		{"smalltalk accuracy", rep.Smalltalk, rep.SmalltalkAcc, minSmall},
		{"answered right", rep.InScope, rep.AnswerAccuracy, minAnswered},
		{"answer precision", rep.Answers, rep.AnswerPrecision, minPrecision},
		{"strict overall", len(qs), rep.StrictOverall, minStrict},
	} {
		if g.n > 0 && g.got < g.min {
			fails = append(fails, fmt.Sprintf("%s %.3f is below %.3f", g.name, g.got, g.min))
		}
	}
	if len(qs) > 0 && rep.ChoicesRate > maxChoices {
		fails = append(fails, fmt.Sprintf("choices rate %.3f is above %.3f", rep.ChoicesRate, maxChoices))
	}
	if len(fails) > 0 {
		for _, m := range fails {
			fmt.Fprintln(stderr, "FAIL: "+m)
		}
		return errReported
	}
	return nil
}

func runTune(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f evalFlags
	var out string
	lim := eval.DefaultLimits()
	err := f.parse("tune", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "where to write the settings (default: settings.yaml in the knowledge folder)")
		fs.Float64Var(&lim.Precision, "precision", lim.Precision, "the share of answers that must be right")
		fs.Float64Var(&lim.MaxChoices, "max-choices", lim.MaxChoices, "the largest share of questions offered choices")
		fs.Float64Var(&lim.MinOOS, "min-oos", lim.MinOOS, "the smallest share of out-of-scope questions that must get the fallback")
	})
	if err != nil {
		return err
	}
	qs, src, eng, err := f.load()
	if err != nil {
		return err
	}
	if out == "" {
		if src.dir == "" {
			fmt.Fprintln(stderr, "clinicbot tune: give --out FILE (the embedded knowledge cannot be written)")
			return errUsage
		}
		out = filepath.Join(src.dir, settingsFile)
	}
	before := eval.Run(ctx, eng, qs)
	s := eval.TuneLimits(ctx, eng, qs, lim)
	after := eval.Run(ctx, eng.WithSettings(s), qs)
	comment := fmt.Sprintf("Thresholds chosen by `clinicbot tune` from %s (%d questions) on %s.\nLimits: answers at least %.2f right, choices for at most %.2f of questions, fallback for at least %.2f of out-of-scope ones.\nOverall accuracy %.3f before, %.3f after.",
		f.queries, len(qs), time.Now().Format(time.DateOnly), lim.Precision, lim.MaxChoices, lim.MinOOS, before.Overall, after.Overall)
	if err := s.Write(out, comment); err != nil {
		return err
	}
	old := eng.Settings()
	fmt.Fprintf(stdout, "before: answer %.3f, choices %.3f, margin %.3f\n", old.Answer, old.Choices, old.Margin)
	before.Print(stdout, false)
	fmt.Fprintf(stdout, "\nafter:  answer %.3f, choices %.3f, margin %.3f (written to %s)\n", s.Answer, s.Choices, s.Margin, out)
	after.Print(stdout, false)
	return nil
}

// chatProfile is what the terminal chat names of the clinic, from the
// configuration.
func chatProfile(cfg config.Config) terminal.Profile {
	return terminal.Profile{
		ClinicName:      cfg.Clinic.Name,
		EmergencyNumber: cfg.Emergency.Number,
		Contact:         cfg.Clinic.Contact,
		BookingURL:      cfg.Clinic.BookingURL,
	}
}
