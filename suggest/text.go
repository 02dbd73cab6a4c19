package suggest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/clinicbot/clinicbot/answer"
	"github.com/clinicbot/clinicbot/unanswered"
)

// Text is the grouped report of lines as staff read it (`clinicbot
// report`): a summary line, then each group (at most top, 0 for all),
// most asked first, with its wordings, closest entry and the YAML to
// paste. /unanswered shows the same to the staff chats (Week).
func Text(ctx context.Context, eng *answer.Engine, lines []unanswered.Line, top int, now time.Time) (string, error) {
	if len(lines) == 0 {
		return "no questions\n", nil
	}
	groups, err := Report(ctx, eng, lines, now)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	first, last := unanswered.Span(lines)
	fmt.Fprintf(&b, "%d question%s in %d group%s, from %s to %s; most asked first.\n", len(lines), plural(len(lines)),
		len(groups), plural(len(groups)), first.Format("2 Jan 2006"), last.Format("2 Jan 2006"))
	shown := groups
	if top > 0 && len(shown) > top {
		shown = shown[:top]
	}
	for i, g := range shown {
		fmt.Fprintf(&b, "\n%d. asked %d× (%s), last %s\n", i+1, g.Count, unanswered.Replied(g.Fallback, g.Choices), g.Last.Format("2 Jan 2006"))
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

// Print prints the report of the questions in the log at path from the
// last days (all it keeps, for days <= 0; see unanswered.Recent), at most
// top groups (0: all), as `clinicbot report` shows it.
func Print(ctx context.Context, w io.Writer, eng *answer.Engine, path string, days, retentionDays, top int, now time.Time) error {
	lines, skipped, err := unanswered.Recent(path, days, retentionDays, now)
	if errors.Is(err, fs.ErrNotExist) {
		_, err = fmt.Fprintln(w, unanswered.NoLogYet(path))
		return err
	}
	if err != nil {
		return err
	}
	text, err := Text(ctx, eng, lines, top, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: %s", path, text)
	if skipped > 0 {
		fmt.Fprintf(w, "(%d unreadable line%s skipped)\n", skipped, plural(skipped))
	}
	return nil
}

// Week is what /unanswered shows the staff chats: the report of the last
// seven days of the log at path (which keeps retentionDays, 0 for no
// limit), its five most asked groups.
func Week(ctx context.Context, eng *answer.Engine, path string, retentionDays int, now time.Time) string {
	lines, _, err := unanswered.Recent(path, 7, retentionDays, now)
	if errors.Is(err, fs.ErrNotExist) {
		return "No questions yet."
	}
	if err != nil {
		return "The unanswered-questions log could not be read: " + err.Error()
	}
	text, err := Text(ctx, eng, lines, 5, now)
	if err != nil {
		return "The report could not be made: " + err.Error()
	}
	return strings.ReplaceAll(text, "(--top 0 shows all)", "(clinicbot report shows all)")
}

// plural is "s" unless n is 1.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
