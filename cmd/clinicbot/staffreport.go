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

	"github.com/clinicbot/clinicbot/answer"
	"github.com/clinicbot/clinicbot/config"
	"github.com/clinicbot/clinicbot/suggest"
	"github.com/clinicbot/clinicbot/unanswered"
)

// runReport prints, for staff, what patients asked that the bot could not
// answer, grouped by what they asked, most asked first, with the closest
// entry and the YAML to paste.
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer, now time.Time) error {
	flags := flag.NewFlagSet("report", flag.ContinueOnError)
	var c common
	c.register(flags)
	path := flags.String("log", "", "the log to read (default: the configuration's privacy.unanswered.path)")
	days := flags.Int("days", 0, "only questions from the last DAYS days (default: all the log keeps)")
	top := flags.Int("top", 20, "show at most this many groups (0: all)")
	rest, err := parse(flags, args, stderr)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "clinicbot report: unexpected argument %q\n", rest[0])
		return errUsage
	}
	cfg, _, eng, err := c.setup()
	if err != nil {
		return err
	}
	if *path == "" {
		*path = cfg.Privacy.Unanswered.Path
	}
	lines, skipped, err := recentLines(cfg, *path, *days, now)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(stdout, "%s: no questions yet (the log is kept only while privacy.unanswered.enabled is on)\n", *path)
		return nil
	}
	if err != nil {
		return err
	}
	text, err := reportText(ctx, eng, lines, *top, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %s", *path, text)
	if skipped > 0 {
		fmt.Fprintf(stdout, "(%d unreadable line%s skipped)\n", skipped, plural(skipped))
	}
	return nil
}

// reportText is the grouped report of lines: a summary line, then each
// group (at most top, 0 for all) with its wordings, closest entry and
// snippet. /unanswered shows the same to the staff chats.
func reportText(ctx context.Context, eng *answer.Engine, lines []unanswered.Line, top int, now time.Time) (string, error) {
	if len(lines) == 0 {
		return "no questions\n", nil
	}
	groups, err := suggest.Report(ctx, eng, lines, now)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	first, last := lines[0].Time, lines[0].Time
	for _, ln := range lines {
		first, last = minTime(first, ln.Time), maxTime(last, ln.Time)
	}
	fmt.Fprintf(&b, "%d question%s in %d group%s, from %s to %s; most asked first.\n", len(lines), plural(len(lines)),
		len(groups), plural(len(groups)), first.Format("2 Jan 2006"), last.Format("2 Jan 2006"))
	shown := groups
	if top > 0 && len(shown) > top {
		shown = shown[:top]
	}
	for i, g := range shown {
		var got []string
		if g.Fallback > 0 {
			got = append(got, fmt.Sprintf("I don't know ×%d", g.Fallback))
		}
		if g.Choices > 0 {
			got = append(got, fmt.Sprintf("did you mean ×%d", g.Choices))
		}
		fmt.Fprintf(&b, "\n%d. asked %d× (%s), last %s\n", i+1, g.Count, strings.Join(got, ", "), g.Last.Format("2 Jan 2006"))
		for _, q := range g.Questions {
			fmt.Fprintf(&b, "   %d×  %q\n", q.Count, q.Question)
		}
		if g.Closest != nil {
			fmt.Fprintf(&b, "   closest entry: %s %q (%s), confidence %.2f\n", g.Closest.ID, g.Closest.Question, g.Closest.Pos, g.Score)
		} else {
			b.WriteString("   closest entry: none near enough to offer\n")
		}
		b.WriteString("\n" + g.Snippet)
	}
	if len(groups) > len(shown) {
		fmt.Fprintf(&b, "\n… and %d more group%s (--top 0 shows all)\n", len(groups)-len(shown), plural(len(groups)-len(shown)))
	}
	return b.String(), nil
}

// weekUnanswered is what /unanswered shows the staff chats: the report of
// the last seven days, its five most asked groups.
func weekUnanswered(ctx context.Context, cfg config.Config, eng *answer.Engine, now time.Time) string {
	lines, _, err := recentLines(cfg, cfg.Privacy.Unanswered.Path, 7, now)
	if errors.Is(err, fs.ErrNotExist) {
		return "No questions yet."
	}
	if err != nil {
		return "The unanswered-questions log could not be read: " + err.Error()
	}
	text, err := reportText(ctx, eng, lines, 5, now)
	if err != nil {
		return "The report could not be made: " + err.Error()
	}
	return strings.ReplaceAll(text, "(--top 0 shows all)", "(clinicbot report shows all)")
}
