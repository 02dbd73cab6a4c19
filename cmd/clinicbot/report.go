package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/clinicbot/clinicbot/answer"
	"github.com/clinicbot/clinicbot/suggest"
	"github.com/clinicbot/clinicbot/unanswered"
)

// runUnanswered and runReport print, for staff, the questions in the
// unanswered log: as they were asked (unanswered.PrintList), or grouped
// with the closest entry and the YAML to paste (suggest.Print).
func runUnanswered(ctx context.Context, args []string, stdout, stderr io.Writer, now time.Time) error {
	return runLog(ctx, "unanswered", 50, "questions", args, stdout, stderr, now)
}

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer, now time.Time) error {
	return runLog(ctx, "report", 20, "groups", args, stdout, stderr, now)
}

func runLog(ctx context.Context, name string, top int, what string, args []string, stdout, stderr io.Writer, now time.Time) error {
	flags := flag.NewFlagSet(name, flag.ContinueOnError)
	var c common
	if name == "report" {
		c.register(flags) // the report searches the knowledge
	} else {
		flags.StringVar(&c.config, "config", "", "configuration file (default: config.yaml in the current folder, if present)")
	}
	path := flags.String("log", "", "the log to read (default: the configuration's privacy.unanswered.path)")
	days := flags.Int("days", 0, "only questions from the last DAYS days (default: all the log keeps)")
	flags.IntVar(&top, "top", top, "show at most this many "+what+" (0: all)")
	if rest, err := parse(flags, args, stderr); err != nil || len(rest) > 0 {
		if err == nil {
			fmt.Fprintf(stderr, "clinicbot %s: unexpected argument %q\n", name, rest[0])
		}
		return cmp.Or(err, errUsage)
	}
	cfg, src, err := c.source()
	if err != nil {
		return err
	}
	u := cfg.Privacy.Unanswered
	*path = cmp.Or(*path, u.Path)
	if name == "unanswered" {
		return unanswered.PrintList(stdout, *path, *days, u.RetentionDays, top, now)
	}
	eng, err := answer.Build(src, textsFrom(cfg))
	if err != nil {
		return err
	}
	return suggest.Print(ctx, stdout, eng, *path, *days, u.RetentionDays, top, now)
}
