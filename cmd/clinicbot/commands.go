package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/clinicbot/clinicbot/answer"
	domain "github.com/clinicbot/clinicbot/clinicbot" // the name clinicbot is the tests' helper
	"github.com/clinicbot/clinicbot/config"
	"github.com/clinicbot/clinicbot/eval"
	"github.com/clinicbot/clinicbot/review"
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
		problems, ok := domain.Problems(err)
		if !ok {
			return err
		}
		for _, p := range problems {
			fmt.Fprintln(stderr, p)
		}
		fmt.Fprintf(stderr, "%d problem(s) found; nothing was changed.\n", len(problems))
		return errReported
	}
	review.Print(ctx, stdout, eng, src, review.Options{Now: now, ReviewAfterDays: cfg.ReviewAfterDays})
	return nil
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
func (e *evalFlags) load() ([]eval.Question, answer.Source, *answer.Engine, error) {
	qs, err := eval.ReadFile(e.queries)
	if err != nil {
		return nil, answer.Source{}, nil, err
	}
	_, src, eng, err := e.setup()
	return qs, src, eng, err
}

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f evalFlags
	var misses bool
	var floors eval.Floors
	err := f.parse("eval", args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&misses, "misses", false, "list every wrong reply")
		floors.Flags(fs)
	})
	if err != nil {
		return err
	}
	qs, src, eng, err := f.load()
	if err != nil {
		return err
	}
	fails := eval.Measure(ctx, stdout, eng, src.String(), qs, misses, floors)
	for _, m := range fails {
		fmt.Fprintln(stderr, "FAIL: "+m)
	}
	if len(fails) > 0 {
		return errReported
	}
	return nil
}

func runTune(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f evalFlags
	var out string
	err := f.parse("tune", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "where to write the settings (default: settings.yaml in the knowledge folder)")
	})
	if err != nil {
		return err
	}
	qs, src, eng, err := f.load()
	if err != nil {
		return err
	}
	if out == "" {
		if src.Dir == "" {
			fmt.Fprintln(stderr, "clinicbot tune: give --out FILE (the embedded knowledge cannot be written)")
			return errUsage
		}
		out = filepath.Join(src.Dir, domain.SettingsFile)
	}
	return eval.TuneInto(ctx, stdout, eng, qs, f.queries, out, time.Now())
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
