package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/clinicbot/clinicbot/config"
	"github.com/clinicbot/clinicbot/unanswered"
)

// runUnanswered prints, for staff, the questions in the unanswered log:
// the most asked first, with what the bot replied and offered, so they can
// see which answers or alternates the knowledge is missing.
func runUnanswered(_ context.Context, args []string, stdout, stderr io.Writer, now time.Time) error {
	flags := flag.NewFlagSet("unanswered", flag.ContinueOnError)
	cfgPath := flags.String("config", "", "configuration file (default: config.yaml in the current folder, if present)")
	path := flags.String("log", "", "the log to read (default: the configuration's privacy.unanswered.path)")
	days := flags.Int("days", 0, "only questions from the last DAYS days (default: all the log keeps)")
	top := flags.Int("top", 50, "show at most this many questions (0: all)")
	rest, err := parse(flags, args, stderr)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "clinicbot unanswered: unexpected argument %q\n", rest[0])
		return errUsage
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	if *path == "" {
		*path = cfg.Privacy.Unanswered.Path
	}
	lines, skipped, err := recentLines(cfg, *path, *days, now)
	if errors.Is(err, fs.ErrNotExist) {
		// The log is made at the first question it keeps.
		fmt.Fprintf(stdout, "%s: no questions yet (the log is kept only while privacy.unanswered.enabled is on)\n", *path)
		return nil
	}
	if err != nil {
		return err
	}
	groups := unanswered.Summarise(lines)
	if len(lines) == 0 {
		fmt.Fprintf(stdout, "%s: no questions", *path)
	} else {
		first, last := lines[0].Time, lines[0].Time
		for _, ln := range lines {
			first, last = minTime(first, ln.Time), maxTime(last, ln.Time)
		}
		fmt.Fprintf(stdout, "%s: %d question%s (%d different) from %s to %s", *path,
			len(lines), plural(len(lines)), len(groups), first.Format("2 Jan 2006"), last.Format("2 Jan 2006"))
	}
	if skipped > 0 {
		fmt.Fprintf(stdout, "; %d unreadable line%s skipped", skipped, plural(skipped))
	}
	fmt.Fprintln(stdout)
	if len(groups) == 0 {
		return nil
	}
	fmt.Fprintln(stdout, "\"I don't know\": add an entry or an alternate. \"Did you mean\": add the question as an alternate of the right entry.")
	fmt.Fprintln(stdout)
	printGroups(stdout, groups, *top)
	return nil
}

// recentLines reads the log at path, keeping the last days' lines (all,
// for days <= 0) and never those past the retention period, even while
// the bot is stopped and has not deleted them yet.
func recentLines(cfg config.Config, path string, days int, now time.Time) ([]unanswered.Line, int, error) {
	lines, skipped, err := unanswered.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	if keep := cfg.Privacy.Unanswered.RetentionDays; keep > 0 && (days <= 0 || days > keep) {
		days = keep
	}
	if days > 0 {
		cutoff := now.Add(-time.Duration(days) * 24 * time.Hour)
		kept := lines[:0]
		for _, ln := range lines {
			if !ln.Time.Before(cutoff) {
				kept = append(kept, ln)
			}
		}
		lines = kept
	}
	return lines, skipped, nil
}

// printGroups prints the most asked questions, at most top (0: all).
func printGroups(w io.Writer, groups []unanswered.Group, top int) {
	if top > 0 && len(groups) > top {
		defer fmt.Fprintf(w, "… and %d more (--top 0 shows all)\n", len(groups)-top)
		groups = groups[:top]
	}
	for _, g := range groups {
		var got []string
		if g.Fallback > 0 {
			got = append(got, fmt.Sprintf("I don't know ×%d", g.Fallback))
		}
		if g.Choices > 0 {
			got = append(got, fmt.Sprintf("did you mean ×%d", g.Choices))
		}
		fmt.Fprintf(w, "%4d×  %q\n       last %s; %s", g.Count, g.Question, g.Last.Format("2 Jan 2006"), strings.Join(got, ", "))
		if len(g.Offered) > 0 {
			fmt.Fprintf(w, " (offered %s)", strings.Join(g.Offered, ", "))
		}
		fmt.Fprintln(w)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
