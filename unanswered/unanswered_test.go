package unanswered

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a fake time source the test moves by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var start = time.Date(2026, 3, 1, 9, 30, 15, 123456789, time.UTC)

const day = 24 * time.Hour

// readLines returns the log's lines, each decoded to a map so that any
// unexpected field shows.
func readLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q is not JSON: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		t.Errorf("file does not end with a newline: %q", data)
	}
	return out
}

func questions(lines []map[string]any) []string {
	var out []string
	for _, l := range lines {
		out = append(out, fmt.Sprint(l["question"]))
	}
	return out
}

func TestRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "unanswered.log")
	clk := &clock{t: start}
	l, err := open(path, 30*day, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("Open created the file before anything was recorded (%v)", err)
	}
	qs := []string{"do you take bitcoin?", `quotes " and \ backslashes`, "ünïcödé 🙂", "line\nbreak"}
	for i, q := range qs {
		if i == 1 {
			err = l.Record(q, "choices", []string{"fjd-risks", "fjd-recovery"})
		} else {
			err = l.Record(q, "fallback", nil)
		}
		if err != nil {
			t.Fatal(err)
		}
		clk.advance(time.Minute)
	}
	lines := readLines(t, path)
	if len(lines) != len(qs) {
		t.Fatalf("%d lines, want %d", len(lines), len(qs))
	}
	for i, m := range lines {
		fields, reply, offered := 3, "fallback", "<nil>"
		if i == 1 {
			fields, reply, offered = 4, "choices", "[fjd-risks fjd-recovery]"
		}
		if len(m) != fields {
			t.Errorf("line %d has fields %v, want only time, question, reply (and what was offered)", i, m)
		}
		if m["reply"] != reply || fmt.Sprint(m["offered"]) != offered {
			t.Errorf("line %d reply %v offered %v, want %s %s", i, m["reply"], m["offered"], reply, offered)
		}
		if m["question"] != qs[i] {
			t.Errorf("line %d question %q, want %q", i, m["question"], qs[i])
		}
		want := start.Add(time.Duration(i) * time.Minute).Truncate(time.Second).Format(time.RFC3339)
		if m["time"] != want {
			t.Errorf("line %d time %v, want %s (UTC, whole seconds)", i, m["time"], want)
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("file mode %o, want 600", mode)
	}
}

func TestRecordUsesUTC(t *testing.T) {
	path := filepath.Join(t.TempDir(), "u.log")
	tokyo := time.FixedZone("JST", 9*3600)
	l, err := open(path, day, func() time.Time { return time.Date(2026, 3, 1, 18, 0, 0, 0, tokyo) })
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Record("q", "fallback", nil); err != nil {
		t.Fatal(err)
	}
	if got := readLines(t, path)[0]["time"]; got != "2026-03-01T09:00:00Z" {
		t.Errorf("time %v, want 2026-03-01T09:00:00Z", got)
	}
}

func TestOpenPurges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "unanswered.log")
	var b strings.Builder
	for _, l := range []struct {
		age time.Duration
		q   string
	}{
		{40 * day, "very old"},
		{30*day + time.Second, "just too old"},
		{30*day - time.Second, "just in time"},
		{time.Hour, "recent"},
	} {
		line, _ := json.Marshal(Line{Time: start.Add(-l.age), Question: l.q})
		b.Write(line)
		b.WriteByte('\n')
	}
	b.WriteString("not json at all\n")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := open(path, 30*day, (&clock{t: start}).now)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got := questions(readLines(t, path))
	if want := []string{"just in time", "recent"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("kept %q, want %q", got, want)
	}
	info, _ := os.Stat(path)
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("rewritten file mode %o, want 600", mode)
	}
	// No temporary files are left beside the log.
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("folder holds %d files after the purge, want 1", len(entries))
	}
}

func TestPurgeThenRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "unanswered.log")
	clk := &clock{t: start}
	l, err := open(path, 7*day, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, q := range []string{"first", "second"} {
		if err := l.Record(q, "fallback", nil); err != nil {
			t.Fatal(err)
		}
	}
	clk.advance(5 * day)
	if err := l.Record("third", "fallback", nil); err != nil {
		t.Fatal(err)
	}
	clk.advance(3 * day) // first and second are now 8 days old, third 3
	if err := l.Purge(); err != nil {
		t.Fatal(err)
	}
	if got := questions(readLines(t, path)); strings.Join(got, "|") != "third" {
		t.Fatalf("after the purge: %q, want [third]", got)
	}
	// Record after Purge writes to the new file, not the replaced one.
	if err := l.Record("fourth", "fallback", nil); err != nil {
		t.Fatal(err)
	}
	if got := questions(readLines(t, path)); strings.Join(got, "|") != "third|fourth" {
		t.Errorf("after recording again: %q, want [third fourth]", got)
	}
	// A purge with nothing to drop leaves the file alone.
	before, _ := os.Stat(path)
	if err := l.Purge(); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(path)
	if !os.SameFile(before, after) {
		t.Error("a purge that dropped nothing rewrote the file")
	}
	if err := l.Record("fifth", "fallback", nil); err != nil {
		t.Fatal(err)
	}
	if got := questions(readLines(t, path)); len(got) != 3 {
		t.Errorf("%q, want 3 lines", got)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	for _, r := range []time.Duration{0, -time.Hour} {
		if _, err := Open(filepath.Join(dir, "u.log"), r); err == nil {
			t.Errorf("retention %v accepted", r)
		}
	}
	// A log in a folder that does not exist fails at start, clearly,
	// rather than on every Record later.
	_, err := Open(filepath.Join(dir, "missing", "u.log"), day)
	if err == nil || !strings.Contains(err.Error(), "the folder "+filepath.Join(dir, "missing")+" does not exist") {
		t.Errorf("Open in a missing folder: %v", err)
	}
}

// logrotate moves the file away (and may send SIGHUP): the next line goes
// to a new file at the path, the moved file keeps the old lines.
func TestRecordAfterRotation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "u.log")
	l, err := Open(path, day)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	count := func(p string) int {
		data, _ := os.ReadFile(p)
		return bytes.Count(data, []byte("\n"))
	}
	if err := l.Record("before rotation", "fallback", nil); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if err := l.Record("after rotation", "fallback", nil); err != nil {
		t.Fatal(err)
	}
	if count(path+".1") != 1 || count(path) != 1 {
		t.Errorf("after a move without SIGHUP: %d lines in the old file, %d in the new, want 1 and 1", count(path+".1"), count(path))
	}
	// Rotation then SIGHUP: Reopen.
	if err := os.Rename(path, path+".2"); err != nil {
		t.Fatal(err)
	}
	if err := l.Reopen(); err != nil {
		t.Fatal(err)
	}
	if err := l.Record("after SIGHUP", "fallback", nil); err != nil {
		t.Fatal(err)
	}
	if count(path) != 1 || count(path+".2") != 1 {
		t.Errorf("after Reopen: %d lines in the new file, %d in the old", count(path), count(path+".2"))
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("new file mode: %v %v", info.Mode(), err)
	}
}

func TestConcurrentRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "unanswered.log")
	clk := &clock{t: start}
	l, err := open(path, day, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	const writers, each = 8, 50
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Go(func() {
			for i := 0; i < each; i++ {
				if err := l.Record(fmt.Sprintf("writer %d question %d %s", w, i, strings.Repeat("x", 200)), "fallback", nil); err != nil {
					t.Error(err)
				}
			}
		})
	}
	// Purges run alongside, as PurgeEvery does; nothing is old enough to drop.
	wg.Go(func() {
		for i := 0; i < 20; i++ {
			if err := l.Purge(); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Wait()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	lines := readLines(t, path)
	if len(lines) != writers*each {
		t.Errorf("%d lines, want %d (interleaved or lost writes)", len(lines), writers*each)
	}
	seen := map[string]bool{}
	for _, q := range questions(lines) {
		if seen[q] {
			t.Errorf("duplicate line %q", q)
		}
		seen[q] = true
	}
}

func TestPurgeEveryStopsWithContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "unanswered.log")
	clk := &clock{t: start}
	l, err := open(path, day, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Record("old", "fallback", nil); err != nil {
		t.Fatal(err)
	}
	clk.advance(2 * day)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		l.PurgeEvery(ctx, time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
		close(done)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		data, _ := os.ReadFile(path)
		if len(data) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("PurgeEvery did not purge the old line")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("PurgeEvery did not stop when the context ended")
	}
}

func TestRedact(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"my name is Jane Doe, how much is it", "my name is [name], how much is it"},
		{"My name's Oscar and I have sciatica", "My name's [name] and I have sciatica"},
		{"email me at jane.doe@example.com please", "email me at [email] please"},
		{"call me on 07700 900123 or +44 20 7946 0958", "call me on [number] or [number]"},
		{"my NHS number is 943 476 5919", "my NHS number is [number]"},
		{"is it safe after 2 weeks at 60 years old", "is it safe after 2 weeks at 60 years old"},
		{"my name is john smith, born 12/03/1985", "my name is [name], born [date]"},
		{"my name is john and my back hurts", "my name is [name] and my back hurts"},
		{"I live in SW1A 1AA, how far is the clinic", "I live in [postcode], how far is the clinic"},
		{"what is facet joint denervation", "what is facet joint denervation"},
		// found in review
		{"Hi I'm John Smith, do you treat necks", "Hi I'm [name], do you treat necks"},
		{"I am Sarah and my back hurts", "I am [name] and my back hurts"},
		{"I am worried about the needle", "I am worried about the needle"},
		{"im Priya", "im [name]"},
		{"I am Not sure", "I am Not sure"},
		{"born 3rd May 1962, is it safe", "born [date], is it safe"},
		{"dob: 14 of february 79", "dob: [date]"},
		{"born May 3, 1962", "born [date]"},
		{"I may come in 2 weeks", "I may come in 2 weeks"},
		{"write to jane.doe(at)gmail.com", "write to [email]"},
		{"jane [at] gmail [dot] com", "[email]"},
		{"or jane at gmail.com", "or [email]"},
		{"can I come at 3 pm", "can I come at 3 pm"},
		// found in a second review: not names, not addresses
		{"I am Diabetic, is it safe", "I am Diabetic, is it safe"},
		{"I'm Pregnant and my back hurts", "I'm Pregnant and my back hurts"},
		{"I'm Type 2 diabetic", "I'm Type 2 diabetic"},
		{"I'm NHS staff", "I'm NHS staff"},
		{"I'll be at work. Can I call later?", "I'll be at work. Can I call later?"},
		{"I'm at home. What should I do", "I'm at home. What should I do"},
		{"Is the clinic at st. johns", "Is the clinic at st. johns"},
		{"can I come in May 2027", "can I come in May 2027"},
	} {
		if got := Redact(c.in); got != c.want {
			t.Errorf("Redact(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
