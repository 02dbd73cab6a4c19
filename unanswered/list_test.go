package unanswered

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Recent keeps the days asked for, but never more than the retention: a
// line past it is not shown even while the bot has not deleted it yet.
func TestRecentKeepsWithinRetention(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "unanswered.log")
	var log strings.Builder
	for _, age := range []int{1, 10, 40} {
		fmt.Fprintf(&log, "{\"time\":%q,\"question\":\"asked %d days ago\",\"reply\":\"fallback\"}\n", now.AddDate(0, 0, -age).Format(time.RFC3339), age)
	}
	log.WriteString("not json\n")
	if err := os.WriteFile(path, []byte(log.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		days, retention, want int
	}{
		{0, 0, 3}, {0, 30, 2}, {7, 30, 1}, {60, 30, 2}, {60, 0, 3},
	} {
		lines, skipped, err := Recent(path, tc.days, tc.retention, now)
		if err != nil || len(lines) != tc.want || skipped != 1 {
			t.Errorf("Recent(days %d, retention %d) = %d lines, %d skipped, %v; want %d lines, 1 skipped", tc.days, tc.retention, len(lines), skipped, err, tc.want)
		}
	}
	lines, _, _ := Recent(path, 0, 0, now)
	if first, last := Span(lines); !first.Equal(now.AddDate(0, 0, -40)) || !last.Equal(now.AddDate(0, 0, -1)) {
		t.Errorf("Span = %s to %s", first, last)
	}
	var out bytes.Buffer
	if err := PrintList(&out, path, 7, 30, 0, now); err != nil || !strings.Contains(out.String(), "1 question (1 different)") ||
		!strings.Contains(out.String(), "1 unreadable line skipped") || !strings.Contains(out.String(), "I don't know ×1") {
		t.Errorf("PrintList: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := PrintList(&out, filepath.Join(t.TempDir(), "none.log"), 0, 0, 0, now); err != nil || !strings.Contains(out.String(), "no questions yet") {
		t.Errorf("PrintList of no log: %v %q", err, out.String())
	}
}

func TestReplied(t *testing.T) {
	for _, tc := range []struct {
		fallback, choices int
		want              string
	}{
		{2, 1, "I don't know ×2, did you mean ×1"}, {0, 3, "did you mean ×3"}, {1, 0, "I don't know ×1"},
	} {
		if got := Replied(tc.fallback, tc.choices); got != tc.want {
			t.Errorf("Replied(%d, %d) = %q, want %q", tc.fallback, tc.choices, got, tc.want)
		}
	}
}
