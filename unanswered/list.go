package unanswered

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"
)

// Recent reads the log at path, keeping the last days' lines (all, for
// days <= 0) and never those older than retentionDays (0: no limit), even
// while the bot is stopped and has not deleted them yet. skipped counts
// the unreadable lines.
func Recent(path string, days, retentionDays int, now time.Time) (lines []Line, skipped int, err error) {
	lines, skipped, err = ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	if retentionDays > 0 && (days <= 0 || days > retentionDays) {
		days = retentionDays
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

// Span returns the times of the first and the last question in lines,
// which must not be empty.
func Span(lines []Line) (first, last time.Time) {
	first, last = lines[0].Time, lines[0].Time
	for _, ln := range lines {
		if ln.Time.Before(first) {
			first = ln.Time
		}
		if ln.Time.After(last) {
			last = ln.Time
		}
	}
	return first, last
}

// PrintList prints, for staff, the questions in the log at path from the
// last days (all it keeps, for days <= 0; see Recent): a summary, then the
// most asked questions first, at most top (0: all), with what the bot
// replied and offered, so they can see which answers or alternates the
// knowledge is missing.
func PrintList(w io.Writer, path string, days, retentionDays, top int, now time.Time) error {
	lines, skipped, err := Recent(path, days, retentionDays, now)
	if errors.Is(err, fs.ErrNotExist) {
		_, err = fmt.Fprintln(w, NoLogYet(path))
		return err
	}
	if err != nil {
		return err
	}
	groups := Summarise(lines)
	if len(lines) == 0 {
		fmt.Fprintf(w, "%s: no questions", path)
	} else {
		first, last := Span(lines)
		fmt.Fprintf(w, "%s: %d question%s (%d different) from %s to %s", path,
			len(lines), plural(len(lines)), len(groups), first.Format("2 Jan 2006"), last.Format("2 Jan 2006"))
	}
	if skipped > 0 {
		fmt.Fprintf(w, "; %d unreadable line%s skipped", skipped, plural(skipped))
	}
	fmt.Fprintln(w)
	if len(groups) == 0 {
		return nil
	}
	fmt.Fprintln(w, "\"I don't know\": add an entry or an alternate. \"Did you mean\": add the question as an alternate of the right entry.")
	fmt.Fprintln(w)
	if top > 0 && len(groups) > top {
		defer fmt.Fprintf(w, "… and %d more (--top 0 shows all)\n", len(groups)-top)
		groups = groups[:top]
	}
	for _, g := range groups {
		fmt.Fprintf(w, "%4d×  %q\n       last %s; %s", g.Count, g.Question, g.Last.Format("2 Jan 2006"), Replied(g.Fallback, g.Choices))
		if len(g.Offered) > 0 {
			fmt.Fprintf(w, " (offered %s)", strings.Join(g.Offered, ", "))
		}
		fmt.Fprintln(w)
	}
	return nil
}

// NoLogYet is what the staff commands say of a log that is not there: it
// is made at the first question it keeps.
func NoLogYet(path string) string {
	return path + ": no questions yet (the log is kept only while privacy.unanswered.enabled is on)"
}

// Replied says how the bot replied to a question asked fallback plus
// choices times: "I don't know ×2, did you mean ×1".
func Replied(fallback, choices int) string {
	var got []string
	if fallback > 0 {
		got = append(got, fmt.Sprintf("I don't know ×%d", fallback))
	}
	if choices > 0 {
		got = append(got, fmt.Sprintf("did you mean ×%d", choices))
	}
	return strings.Join(got, ", ")
}

// plural is "s" unless n is 1.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
