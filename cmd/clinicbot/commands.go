package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/clinicbot/clinicbot/admin"
	"github.com/clinicbot/clinicbot/answer"
	domain "github.com/clinicbot/clinicbot/clinicbot" // the name clinicbot is the tests' helper
	"github.com/clinicbot/clinicbot/eval"
	"github.com/clinicbot/clinicbot/knowledge"
	"github.com/clinicbot/clinicbot/review"
	"github.com/clinicbot/clinicbot/suggest"
	"github.com/clinicbot/clinicbot/terminal"
	"github.com/clinicbot/clinicbot/unanswered"
	"github.com/clinicbot/clinicbot/version"
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
	return terminal.Ask(ctx, eng, terminal.AskOptions{JSON: *asJSON, Conversation: *asConversation}, rest, stdin, stdout, stderr)
}

func runChat(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	var c common
	c.register(fs)
	if _, err := parse(fs, args, stderr); err != nil {
		return err
	}
	_, src, eng, err := c.setup()
	if err != nil {
		return err
	}
	return terminal.Chat(ctx, eng, src.String(), stdin, stdout)
}

func runValidate(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
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
		fmt.Fprintf(stderr, "%s\n%d problem(s) found; nothing was changed.\n", strings.Join(problems, "\n"), len(problems))
		return errReported
	}
	review.Print(ctx, stdout, eng, src, review.Options{Now: time.Now(), ReviewAfterDays: cfg.ReviewAfterDays})
	return nil
}

// evalSetup parses the flags of eval and tune (extra adds each one's own),
// reads the labelled questions and builds the engine to measure.
func evalSetup(name string, args []string, stderr io.Writer, extra func(*flag.FlagSet)) (qs []eval.Question, queries string, src answer.Source, eng *answer.Engine, err error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	var c common
	c.register(fs)
	fs.StringVar(&queries, "queries", "", "labelled questions, one JSON object a line (required)")
	extra(fs)
	if err = parseNone(fs, args, stderr); err == nil && queries == "" {
		fmt.Fprintf(stderr, "clinicbot %s: --queries FILE is required\n", name)
		err = errUsage
	}
	if err == nil {
		qs, err = eval.ReadFile(queries)
	}
	if err == nil {
		_, src, eng, err = c.setup()
	}
	return qs, queries, src, eng, err
}

func runEval(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	var misses bool
	var floors eval.Floors
	qs, _, src, eng, err := evalSetup("eval", args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&misses, "misses", false, "list every wrong reply")
		floors.Flags(fs)
	})
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

func runTune(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	var out string
	lim := eval.DefaultLimits()
	qs, queries, src, eng, err := evalSetup("tune", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "where to write the settings (default: settings.yaml in the knowledge folder)")
		fs.Float64Var(&lim.Precision, "precision", lim.Precision, "the share of answers that must be right")
		fs.Float64Var(&lim.MaxChoices, "max-choices", lim.MaxChoices, "the largest share of questions offered choices")
		fs.Float64Var(&lim.MinOOS, "min-oos", lim.MinOOS, "the smallest share of out-of-scope questions that must get the fallback")
	})
	if err != nil {
		return err
	}
	if out == "" && src.Dir == "" {
		fmt.Fprintln(stderr, "clinicbot tune: give --out FILE (the embedded knowledge cannot be written)")
		return errUsage
	} else if out == "" {
		out = filepath.Join(src.Dir, domain.SettingsFile)
	}
	return eval.TuneInto(ctx, stdout, eng, qs, lim, queries, out, time.Now())
}

// runUnanswered and runReport print, for staff, the questions in the
// unanswered log: as they were asked (unanswered.PrintList), or grouped
// with the closest entry and the YAML to paste (suggest.Print).
func runUnanswered(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	return runLog(ctx, "unanswered", 50, "questions", args, stdout, stderr)
}

func runReport(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	return runLog(ctx, "report", 20, "groups", args, stdout, stderr)
}

func runLog(ctx context.Context, name string, top int, what string, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	var c common
	if name == "report" {
		c.register(fs) // the report searches the knowledge
	} else {
		c.registerConfig(fs)
	}
	path := fs.String("log", "", "the log to read (default: the configuration's privacy.unanswered.path)")
	days := fs.Int("days", 0, "only questions from the last DAYS days (default: all the log keeps)")
	fs.IntVar(&top, "top", top, "show at most this many "+what+" (0: all)")
	if err := parseNone(fs, args, stderr); err != nil {
		return err
	}
	cfg, src, err := c.source()
	if err != nil {
		return err
	}
	u, now := cfg.Privacy.Unanswered, time.Now()
	if *path == "" {
		*path = u.Path
	}
	if name == "unanswered" {
		return unanswered.PrintList(stdout, *path, *days, u.RetentionDays, top, now)
	}
	eng, err := answer.Build(src, textsFrom(cfg))
	if err != nil {
		return err
	}
	return suggest.Print(ctx, stdout, eng, *path, *days, u.RetentionDays, top, now)
}

// runHealth asks a running serve's admin listener whether it is alive:
// exit 0 when /healthz answers 200 (admin.Check).
func runHealth(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	var c common
	c.registerConfig(fs)
	url := fs.String("url", "", "URL to check (default: /healthz at admin.listen)")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if _, err := parse(fs, args, stderr); err != nil {
		return err
	}
	if *url == "" {
		cfg, err := loadConfig(c.config)
		if err != nil {
			return err
		}
		listen := cfg.Admin.Listen
		switch {
		case cfg.Admin.SharesWebhook():
			listen = cfg.Telegram.Webhook.Listen // which answers /healthz too
		case !cfg.Admin.Enabled():
			return fmt.Errorf("the admin listener is off (admin.listen), so there is nothing to check")
		}
		if *url, err = admin.HealthURL(listen); err != nil {
			return err
		}
	}
	text, err := admin.Check(ctx, *url, *timeout)
	if err == nil {
		fmt.Fprintf(stdout, "%s: %s\n", *url, text)
	}
	return err
}

func runVersion(_ context.Context, _ []string, _ io.Reader, stdout, _ io.Writer) error {
	_, err := fmt.Fprint(stdout, version.Read().String())
	return err
}

func runSchema(_ context.Context, _ []string, _ io.Reader, stdout, _ io.Writer) error {
	_, err := stdout.Write(knowledge.Schema())
	return err
}

func runHelp(_ context.Context, _ []string, _ io.Reader, stdout, _ io.Writer) error {
	_, err := fmt.Fprint(stdout, usage)
	return err
}
