package unanswered

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestReadSkipsWhatItCannotRead(t *testing.T) {
	in := `{"time":"2026-11-20T10:00:00Z","question":"from an older version"}

not json
{"time":"2026-11-21T10:00:00Z","question":""}
{"time":"2026-11-22T10:00:00Z","question":"how is it done","reply":"choices","offered":["a","b"]}
{"time":"2026-11-22T10:00:00Z","question":"cut sh`
	lines, skipped, err := Read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if skipped != 3 {
		t.Errorf("skipped %d lines, want 3 (not JSON, no question, cut short)", skipped)
	}
	if len(lines) != 2 || lines[0].Reply != "fallback" || lines[1].Reply != "choices" || !slices.Equal(lines[1].Offered, []string{"a", "b"}) {
		t.Errorf("lines %+v", lines)
	}
}

func TestSummarise(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 9, 0, 0, 0, time.UTC) }
	lines := []Line{
		{Time: day(1), Question: "price of bitcoin", Reply: "fallback"},
		{Time: day(3), Question: "Do you take BUPA?", Reply: "fallback"},
		{Time: day(2), Question: "how is it done", Reply: "choices", Offered: []string{"what", "how"}},
		{Time: day(5), Question: "do you take bupa", Reply: "choices", Offered: []string{"fees"}},
		{Time: day(4), Question: "How is it done?!", Reply: "choices", Offered: []string{"how", "steps"}},
		{Time: day(6), Question: "parking", Reply: "fallback"},
		{Time: day(4), Question: "do  you take Bupa", Reply: "fallback"},
	}
	gs := Summarise(lines)
	var got []string
	for _, g := range gs {
		got = append(got, g.Question)
	}
	// Most asked first; equal counts, most recent first. Each shows its
	// latest wording.
	want := []string{"do you take bupa", "How is it done?!", "parking", "price of bitcoin"}
	if !slices.Equal(got, want) {
		t.Fatalf("questions %q, want %q", got, want)
	}
	if g := gs[0]; g.Count != 3 || g.Fallback != 2 || g.Choices != 1 || !g.Last.Equal(day(5)) || !slices.Equal(g.Offered, []string{"fees"}) {
		t.Errorf("bupa group %+v", g)
	}
	if g := gs[1]; g.Count != 2 || g.Choices != 2 || !slices.Equal(g.Offered, []string{"how", "steps", "what"}) {
		t.Errorf("how group %+v (offered: most often first, then by name)", g)
	}
	if Summarise(nil) == nil || len(Summarise(nil)) != 0 {
		t.Errorf("no lines: want an empty summary")
	}
}

// What Record writes, ReadFile reads back, redacted.
func TestRecordThenRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "unanswered.log")
	clk := &clock{t: start}
	l, err := open(path, 30*day, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Record("my name is Jo Bloggs, do you take bupa?", "fallback", nil); err != nil {
		t.Fatal(err)
	}
	if err := l.Record("how is it done", "choices", []string{"fjd-how-is-it-done", "fjd-what-is-it"}); err != nil {
		t.Fatal(err)
	}
	lines, skipped, err := ReadFile(path)
	if err != nil || skipped != 0 || len(lines) != 2 {
		t.Fatalf("ReadFile: %d lines, %d skipped, %v", len(lines), skipped, err)
	}
	if q := lines[0].Question; strings.Contains(q, "Bloggs") || !strings.Contains(q, "[name]") {
		t.Errorf("question read back %q, want the name blanked out", q)
	}
	if l := lines[1]; l.Reply != "choices" || len(l.Offered) != 2 || !l.Time.Equal(start.Truncate(time.Second)) {
		t.Errorf("line read back %+v", l)
	}
}
