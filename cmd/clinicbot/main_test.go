package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clinicbot/clinicbot/answer"
	"github.com/clinicbot/clinicbot/config"
	"github.com/clinicbot/clinicbot/knowledge"
)

// isolate runs the test in an empty folder (so no stray config.yaml is
// read) with none of clinicbot's environment variables set.
func isolate(t *testing.T) {
	t.Helper()
	t.Chdir(t.TempDir())
	for _, k := range []string{
		"TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_API_URL", "TELEGRAM_MODE",
		"TELEGRAM_WEBHOOK_LISTEN", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_PATH",
		"CLINICBOT_BOOKING_URL", "CLINICBOT_KNOWLEDGE", "CLINICBOT_LOG_MESSAGE_TEXT",
	} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

// clinicbot runs the command line and returns its exit code and output.
func clinicbot(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func lines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

var replyKeys = []string{"booking_url", "candidates", "choices", "entry", "kind", "question", "score", "text", "title"}

// decodeReply checks one `ask --json` line has exactly the documented
// shape and returns it decoded.
func decodeReply(t *testing.T, line string) answer.Reply {
	t.Helper()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(line), &raw); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, line)
	}
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, replyKeys) {
		t.Errorf("keys %v, want exactly %v", keys, replyKeys)
	}
	var lists struct {
		Choices    []map[string]json.RawMessage `json:"choices"`
		Candidates []map[string]json.RawMessage `json:"candidates"`
	}
	if err := json.Unmarshal([]byte(line), &lists); err != nil {
		t.Fatal(err)
	}
	if string(raw["choices"]) == "null" || string(raw["candidates"]) == "null" {
		t.Errorf("choices or candidates is null, want a list: %s", line)
	}
	for _, c := range lists.Choices {
		if len(c) != 2 || c["entry"] == nil || c["title"] == nil {
			t.Errorf("choice %v, want exactly entry and title", c)
		}
	}
	for _, c := range lists.Candidates {
		if len(c) != 2 || c["entry"] == nil || c["score"] == nil {
			t.Errorf("candidate %v, want exactly entry and score", c)
		}
	}
	if len(lists.Candidates) > 5 {
		t.Errorf("%d candidates, want at most 5", len(lists.Candidates))
	}
	var r answer.Reply
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAskJSON(t *testing.T) {
	isolate(t)
	code, out, errs := clinicbot(t, "", "ask", "--json", "what is facet joint denervation?")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	ls := lines(out)
	if len(ls) != 1 {
		t.Fatalf("%d lines, want one JSON object:\n%s", len(ls), out)
	}
	r := decodeReply(t, ls[0])
	if r.Question != "what is facet joint denervation?" || r.Kind != answer.KindAnswer || r.EntryID != "fjd-what-is-it" {
		t.Errorf("reply %q %s %s, want answer fjd-what-is-it", r.Question, r.Kind, r.EntryID)
	}
	if r.Title != "What is facet joint denervation?" || !strings.Contains(r.Text, "facet joints") {
		t.Errorf("title %q text %q", r.Title, r.Text)
	}
	if r.Score <= 0 || r.Score > 1 || len(r.Candidates) == 0 || r.Candidates[0].EntryID != "fjd-what-is-it" {
		t.Errorf("score %v candidates %v", r.Score, r.Candidates)
	}
	// Without a configuration file the booking link is the clinic's own site.
	if r.BookingURL != config.DefaultBookingURL {
		t.Errorf("booking_url %q without configuration, want %s", r.BookingURL, config.DefaultBookingURL)
	}
	// Flags may follow the question.
	code, out2, _ := clinicbot(t, "", "ask", "what is facet joint denervation?", "--json")
	if code != 0 || out2 != out {
		t.Errorf("flag after the question: exit %d\n%s\nwant\n%s", code, out2, out)
	}
}

func TestAskJSONFallbackHasCandidates(t *testing.T) {
	isolate(t)
	_, out, _ := clinicbot(t, "", "ask", "--json", "who won the football world cup")
	r := decodeReply(t, strings.TrimSpace(out))
	if r.Kind != answer.KindFallback || r.EntryID != "" || len(r.Choices) != 0 {
		t.Errorf("reply %s %s %v, want fallback", r.Kind, r.EntryID, r.Choices)
	}
	if len(r.Candidates) == 0 || len(r.Candidates) > 5 {
		t.Errorf("%d candidates for a fallback, want 1 to 5 for diagnostics", len(r.Candidates))
	}
}

func TestAskJSONChoices(t *testing.T) {
	isolate(t)
	// Thresholds under which a close match is offered as choices.
	settings := writeFile(t, filepath.Join(t.TempDir(), "s.yaml"), "answer: 1\nchoices: 0.01\nmargin: 1\n")
	code, out, errs := clinicbot(t, "", "ask", "--json", "--settings", settings, "facet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	r := decodeReply(t, strings.TrimSpace(out))
	if r.Kind != answer.KindChoices || len(r.Choices) == 0 || len(r.Choices) > 3 {
		t.Fatalf("reply %s with %d choices, want choices", r.Kind, len(r.Choices))
	}
	for _, c := range r.Choices {
		if c.EntryID == "" || c.Title == "" {
			t.Errorf("choice %+v without entry or title", c)
		}
	}
}

func TestAskStdin(t *testing.T) {
	isolate(t)
	in := "what is facet joint denervation?\n\nhello\n"
	code, out, errs := clinicbot(t, in, "ask", "--json")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	ls := lines(out)
	if len(ls) != 3 {
		t.Fatalf("%d lines for 3 questions:\n%s", len(ls), out)
	}
	want := []struct {
		q    string
		kind answer.Kind
	}{
		{"what is facet joint denervation?", answer.KindAnswer},
		{"", answer.KindFallback},
		{"hello", answer.KindSmalltalk},
	}
	for i, l := range ls {
		r := decodeReply(t, l)
		if r.Question != want[i].q || r.Kind != want[i].kind {
			t.Errorf("line %d: %q %s, want %q %s", i+1, r.Question, r.Kind, want[i].q, want[i].kind)
		}
	}
	t.Run("text", func(t *testing.T) {
		code, out, _ := clinicbot(t, "what is facet joint denervation?\nhello\nI can't control my bladder\n", "ask")
		ls := lines(out)
		if code != 0 || len(ls) != 3 {
			t.Fatalf("exit %d, %d lines:\n%s", code, len(ls), out)
		}
		for i, prefix := range []string{"[answer] What is facet joint denervation? — Facet joint denervation is", "[smalltalk] Hello!", "[urgent] What you describe can be a medical emergency. Please call 999"} {
			if !strings.HasPrefix(ls[i], prefix) {
				t.Errorf("line %d %q, want it to start %q", i+1, ls[i], prefix)
			}
		}
	})
}

func TestValidateEmbedded(t *testing.T) {
	isolate(t)
	code, out, errs := clinicbot(t, "", "validate")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	ls := lines(out)
	if len(ls) != 1 || !regexp.MustCompile(`^ok: embedded clinic knowledge: \d+ entries in \d+ files, \d+ synonym groups, \d+ topics$`).MatchString(ls[0]) {
		t.Errorf("output %q, want one ok: summary line", out)
	}
}

func TestValidateDir(t *testing.T) {
	isolate(t)
	t.Run("good", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "faqs.yaml"), "entries:\n  - id: a\n    question: Q?\n    answer: A.\n    topic: t\n")
		code, out, errs := clinicbot(t, "", "validate", dir)
		if code != 0 || errs != "" {
			t.Fatalf("exit %d, stderr %q", code, errs)
		}
		if want := "ok: " + dir + ": 1 entries in 1 files, 0 synonym groups, 1 topics\n"; out != want {
			t.Errorf("output %q, want %q", out, want)
		}
	})
	t.Run("broken", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "a.yaml"), "entries:\n  - id: a\n    question: Q?\n    answer: A.\n    related: [nope]\n")
		writeFile(t, filepath.Join(dir, "b.yaml"), "entries:\n  - id: b\n    question: what: is this\n")
		code, out, errs := clinicbot(t, "", "validate", dir)
		if code != 1 {
			t.Errorf("exit %d, want 1", code)
		}
		if out != "" {
			t.Errorf("stdout %q, want nothing", out)
		}
		// b.yaml is not YAML, so a.yaml's related ids wait until it is.
		ls := lines(errs)
		if len(ls) != 2 {
			t.Fatalf("stderr has %d lines, want 1 problem and a summary:\n%s", len(ls), errs)
		}
		want := []string{
			filepath.Join(dir, "b.yaml") + `:3: a colon followed by a space starts a new field, so this text cannot hold one as it is: put this text in quotes, like this: question: "what: is this"`,
			"1 problem(s) found; nothing was changed.",
		}
		for i := range want {
			if ls[i] != want[i] {
				t.Errorf("line %d %q, want %q", i+1, ls[i], want[i])
			}
		}
	})
	t.Run("broken red flags", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "faqs.yaml"), "entries:\n  - id: a\n    question: Q?\n    answer: A.\n")
		writeFile(t, filepath.Join(dir, "red_flags.yaml"), "rules:\n  - id: x\n    kind: nonsense\n")
		code, _, errs := clinicbot(t, "", "validate", dir)
		if code != 1 || !strings.Contains(errs, filepath.Join(dir, "red_flags.yaml")) {
			t.Errorf("exit %d, stderr %q; want 1 naming red_flags.yaml", code, errs)
		}
	})
	t.Run("every file's problems", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "faqs.yaml"), "entries:\n  - id: a\n    question: what: is this\n")
		writeFile(t, filepath.Join(dir, "red_flags.yaml"), "rules:\n  - id: x\n    kind: nonsense\n")
		writeFile(t, filepath.Join(dir, "settings.yaml"), "answer: 0.5\nchoise: 0.2\n")
		code, _, errs := clinicbot(t, "", "validate", dir)
		for _, want := range []string{
			filepath.Join(dir, "faqs.yaml") + ":3: a colon followed by a space",
			filepath.Join(dir, "red_flags.yaml") + ":",
			filepath.Join(dir, "settings.yaml") + `:2: unknown setting "choise"`,
		} {
			if !strings.Contains(errs, want) {
				t.Errorf("stderr lacks %q:\n%s", want, errs)
			}
		}
		if code != 1 || !strings.Contains(errs, "problem(s) found; nothing was changed.") {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})
	t.Run("two folders", func(t *testing.T) {
		code, _, errs := clinicbot(t, "", "validate", t.TempDir(), t.TempDir())
		if code != 2 || !strings.Contains(errs, "at most one folder") {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})
}

func TestUsageErrors(t *testing.T) {
	isolate(t)
	t.Run("unknown command", func(t *testing.T) {
		code, out, errs := clinicbot(t, "", "frobnicate")
		if code != 2 || out != "" || !strings.HasPrefix(errs, `clinicbot: unknown command "frobnicate"`) || !strings.Contains(errs, "Usage:") {
			t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
		}
	})
	t.Run("help", func(t *testing.T) {
		for _, arg := range []string{"help", "-h", "--help"} {
			code, out, _ := clinicbot(t, "", arg)
			if code != 0 || !strings.Contains(out, "clinicbot validate [DIR]") {
				t.Errorf("%s: exit %d, stdout %q", arg, code, out)
			}
		}
		if code, _, errs := clinicbot(t, "", "ask", "-h"); code != 0 || !strings.Contains(errs, "-json") {
			t.Errorf("ask -h: exit %d, stderr %q", code, errs)
		}
	})
	t.Run("eval without --queries", func(t *testing.T) {
		code, _, errs := clinicbot(t, "", "eval")
		if code != 2 || strings.TrimSpace(errs) != "clinicbot eval: --queries FILE is required" {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})
	t.Run("eval with an extra argument", func(t *testing.T) {
		code, _, errs := clinicbot(t, "", "eval", "--queries", "q.jsonl", "extra")
		if code != 2 || !strings.Contains(errs, `unexpected argument "extra"`) {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})
	t.Run("tune embedded without --out", func(t *testing.T) {
		q := writeFile(t, filepath.Join(t.TempDir(), "q.jsonl"), `{"query": "hello", "expected": "smalltalk"}`+"\n")
		code, _, errs := clinicbot(t, "", "tune", "--queries", q)
		if code != 2 || !strings.Contains(errs, "give --out FILE") {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})
}

// TestBadFlag: a mistyped flag should get one clear line, not the whole
// flag listing.
//
// BUG: cmd/clinicbot/main.go parse() sets fs.SetOutput(stderr) and leaves
// the default fs.Usage, so flag.FlagSet.Parse prints "flag provided but not
// defined: -bogus" followed by "Usage of ask:" and every flag (9 lines).
// Setting fs.Usage = func() {} (and printing e.g. "clinicbot ask: flag
// provided but not defined: -bogus (see clinicbot ask -h)") fixes it.
func TestBadFlag(t *testing.T) {
	isolate(t)
	for _, args := range [][]string{
		{"ask", "--bogus", "hello"},
		{"validate", "--knowledgee", "x"},
		{"eval", "--queries"}, // missing value
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, out, errs := clinicbot(t, "", args...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if out != "" {
				t.Errorf("stdout %q", out)
			}
			ls := lines(errs)
			if len(ls) == 0 || !strings.Contains(ls[0], strings.TrimLeft(args[1], "-")) {
				t.Fatalf("stderr %q does not name the flag", errs)
			}
			if len(ls) != 1 {
				t.Errorf("stderr has %d lines, want one clear line:\n%s", len(ls), errs)
			}
		})
	}
}

func TestMissingKnowledgeFolder(t *testing.T) {
	isolate(t)
	missing := filepath.Join(t.TempDir(), "nope")
	for _, args := range [][]string{
		{"ask", "--knowledge", missing, "hello"},
		{"validate", missing},
		{"chat", "--knowledge", missing},
	} {
		code, out, errs := clinicbot(t, "", args...)
		ls := lines(errs)
		if code != 1 || out != "" || len(ls) != 1 || !strings.Contains(ls[0], "knowledge folder") || !strings.Contains(ls[0], missing) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 1 and one line naming the folder", args, code, out, errs)
		}
	}
}

const smallQueries = `{"query": "what is facet joint denervation?", "expected": "fjd-what-is-it"}
{"query": "is the anasthetic local or general", "expected": "fjd-anaesthetic"}
{"query": "who won the football world cup", "expected": null}
{"query": "hello", "expected": "smalltalk"}
{"query": "I can't control my bladder", "expected": "urgent"}
`

func TestEval(t *testing.T) {
	isolate(t)
	q := writeFile(t, filepath.Join(t.TempDir(), "q.jsonl"), smallQueries)
	code, out, errs := clinicbot(t, "", "eval", "--queries", q, "--misses")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, want := range []string{
		"knowledge            embedded clinic knowledge (",
		"thresholds           answer ",
		"questions            5 (in scope 2, out of scope 1, smalltalk 1, urgent 1)",
		"ranking top-1        1.000",
		"ranking MRR@5        1.000",
		"answered right       ",
		"shown right          1.000",
		"answer precision     ",
		"choices rate         ",
		"out-of-scope fallback 1.000",
		"strict overall       ",
		"smalltalk accuracy   1.000",
		"urgent recall        1.000",
		"overall              1.000",
		"calibration          ",
		"reply kinds          ",
		"time                 ",
	} {
		if !strings.Contains(out, "\n"+want) && !strings.HasPrefix(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "miss line") {
		t.Errorf("misses listed for a perfect run:\n%s", out)
	}
	t.Run("below a minimum", func(t *testing.T) {
		q := writeFile(t, filepath.Join(t.TempDir(), "q.jsonl"), `{"query": "what is facet joint denervation?", "expected": "fjd-recovery"}`+"\n")
		code, out, errs := clinicbot(t, "", "eval", "--queries", q, "--min-top1", "0.5", "--misses")
		if code != 1 || !strings.Contains(errs, "FAIL: ranking top-1 0.000 is below 0.500") {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
		if !strings.Contains(out, `miss line 1: "what is facet joint denervation?" expected fjd-recovery`) {
			t.Errorf("miss not listed:\n%s", out)
		}
	})
	t.Run("bad queries file", func(t *testing.T) {
		q := writeFile(t, filepath.Join(t.TempDir(), "q.jsonl"), "{\"query\": \"a\"}\n{\"expected\": null}\n")
		code, _, errs := clinicbot(t, "", "eval", "--queries", q)
		if code != 1 || !strings.Contains(errs, q+`:2: missing "query"`) {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})
}

func TestTune(t *testing.T) {
	abs, err := filepath.Abs(filepath.Join("..", "..", "tests", "clinic", "questions.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	isolate(t) // after resolving the test set's path
	if _, err := os.Stat(abs); err != nil {
		t.Fatalf("clinic test set: %v", err)
	}
	out := filepath.Join(t.TempDir(), "settings.yaml")
	code, stdout, errs := clinicbot(t, "", "tune", "--queries", abs, "--out", out)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	s, err := answer.LoadSettings(out)
	if err != nil {
		t.Fatalf("the written settings do not load: %v", err)
	}
	if s.Choices > s.Answer {
		t.Errorf("tuned %+v: choices above answer", s)
	}
	data, _ := os.ReadFile(out)
	if !strings.HasPrefix(string(data), "# Thresholds chosen by `clinicbot tune` from "+abs) {
		t.Errorf("settings file lacks its provenance comment:\n%s", data)
	}
	for _, want := range []string{"before: answer ", "after:  answer ", "(written to " + out + ")", "overall   "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	// The tuned file is used by eval.
	code, stdout, errs = clinicbot(t, "", "eval", "--queries", abs, "--settings", out)
	if code != 0 || !strings.Contains(stdout, fmt.Sprintf("thresholds           answer %.3f, choices %.3f", s.Answer, s.Choices)) {
		t.Errorf("eval --settings: exit %d, stderr %q\n%s", code, errs, stdout)
	}
}

func TestTuneIntoKnowledgeFolder(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "faqs.yaml"), `entries:
  - id: hours
    question: What are your opening hours?
    answer: We are open on weekdays.
  - id: parking
    question: Is there parking near the clinic?
    answer: There is public parking two streets away.
`)
	q := writeFile(t, filepath.Join(t.TempDir(), "q.jsonl"), `{"query": "when are you open", "expected": "hours"}
{"query": "where can I park", "expected": "parking"}
{"query": "best pizza in rome", "expected": null}
`)
	code, _, errs := clinicbot(t, "", "tune", "--queries", q, "--knowledge", dir)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if _, err := answer.LoadSettings(filepath.Join(dir, "settings.yaml")); err != nil {
		t.Fatalf("settings.yaml in the folder: %v", err)
	}
	// settings.yaml is reserved: the folder still validates.
	if code, out, errs := clinicbot(t, "", "validate", dir); code != 0 || !strings.Contains(out, "2 entries in 1 files") {
		t.Errorf("validate after tune: exit %d, %q %q", code, out, errs)
	}
}

func TestDefaultCommandChatsWithoutToken(t *testing.T) {
	isolate(t)
	t.Setenv("TELEGRAM_BOT_TOKEN", "")
	code, out, errs := clinicbot(t, "hello\n\nwhat is facet joint denervation?\n1\n")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, want := range []string{
		"TELEGRAM_BOT_TOKEN is not set, so this is the terminal chat.",
		"@BotFather",
		"TELEGRAM_BOT_TOKEN=... clinicbot serve",
		"ask a question about London Spine Unit",
		"In an emergency call 999.",
		"\nHello! ",
		"** What is facet joint denervation? **",
		"Related:\n  1. What are facet joints and what do they do?",
		// "1" picks the first related entry.
		"** What are facet joints and what do they do? **",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestChatNumbersOnlyPickOffers(t *testing.T) {
	isolate(t)
	// With nothing offered, "2" is a question like any other.
	code, out, _ := clinicbot(t, "2\n", "chat")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if strings.Contains(out, "** ") {
		t.Errorf("a number with nothing offered showed an entry:\n%s", out)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	prompts := 0
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "> ") {
			prompts++
		}
	}
	if prompts != 2 {
		t.Errorf("%d prompts for one line of input, want 2 (one before, one at the end)", prompts)
	}
}

func TestConfigFileInCurrentFolder(t *testing.T) {
	isolate(t)
	t.Run("bad config", func(t *testing.T) {
		t.Chdir(t.TempDir())
		writeFile(t, "config.yaml", "clinc:\n  name: typo\n")
		code, _, errs := clinicbot(t, "", "ask", "hello")
		if code != 1 || !strings.Contains(errs, "config config.yaml") || !strings.Contains(errs, "clinc") {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})
	t.Run("config used", func(t *testing.T) {
		t.Chdir(t.TempDir())
		writeFile(t, "kb/faqs.yaml", "entries:\n  - id: hours\n    question: What are your opening hours?\n    answer: We are open on weekdays.\n    booking: true\n")
		writeFile(t, "config.yaml", "knowledge: kb\nclinic:\n  booking_url: https://clinic.example/book\n")
		code, out, errs := clinicbot(t, "", "ask", "--json", "what are your opening hours")
		if code != 0 {
			t.Fatalf("exit %d, stderr %q", code, errs)
		}
		r := decodeReply(t, strings.TrimSpace(out))
		if r.EntryID != "hours" || r.BookingURL != "https://clinic.example/book" {
			t.Errorf("reply %s %q, want the config's knowledge and booking address", r.EntryID, r.BookingURL)
		}
		// --config overrides the current folder's file.
		other := writeFile(t, filepath.Join(t.TempDir(), "other.yaml"), "clinic:\n  name: Other\n")
		code, out, _ = clinicbot(t, "", "ask", "--json", "--config", other, "what are your opening hours")
		if r := decodeReply(t, strings.TrimSpace(out)); code != 0 || r.EntryID == "hours" {
			t.Errorf("--config: exit %d entry %q, want the embedded knowledge", code, r.EntryID)
		}
	})
}

func TestServeWithoutToken(t *testing.T) {
	isolate(t)
	code, _, errs := clinicbot(t, "", "serve")
	if code != 1 || !strings.Contains(errs, "TELEGRAM_BOT_TOKEN is not set") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

func TestUnansweredReport(t *testing.T) {
	isolate(t)
	t.Chdir(t.TempDir())
	at := func(daysAgo int) string {
		return time.Now().Add(-time.Duration(daysAgo)*24*time.Hour - time.Hour).UTC().Format(time.RFC3339)
	}
	log := fmt.Sprintf(`{"time":%q,"question":"price of bitcoin","reply":"fallback"}
{"time":%q,"question":"Do you take BUPA?","reply":"fallback"}
{"time":%q,"question":"how is denervaton performed","reply":"choices","offered":["fjd-how-is-it-done","fjd-what-is-it"]}
{"time":%q,"question":"do you take bupa","reply":"fallback"}
`, at(20), at(3), at(2), at(1))
	writeFile(t, "logs/unanswered.log", log)
	// The log's place comes from the configuration.
	writeFile(t, "config.yaml", "privacy:\n  unanswered:\n    path: logs/unanswered.log\n")
	code, out, errs := clinicbot(t, "", "unanswered", "--days", "7")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	ls := lines(out)
	if len(ls) < 7 || !strings.Contains(ls[0], "logs/unanswered.log: 3 questions (2 different)") {
		t.Fatalf("report:\n%s", out)
	}
	if !strings.Contains(ls[3], `2×  "do you take bupa"`) || !strings.Contains(ls[4], "I don't know ×2") {
		t.Errorf("most asked question first, in its latest words:\n%s", out)
	}
	if !strings.Contains(ls[5], `1×  "how is denervaton performed"`) || !strings.Contains(ls[6], "did you mean ×1 (offered fjd-how-is-it-done, fjd-what-is-it)") {
		t.Errorf("a did-you-mean question shows what was offered:\n%s", out)
	}
	if strings.Contains(out, "bitcoin") {
		t.Errorf("--days 7 kept a question from 20 days ago:\n%s", out)
	}
	code, out, _ = clinicbot(t, "", "unanswered", "--top", "1")
	if code != 0 || !strings.Contains(out, "3 different") || !strings.Contains(out, "… and 2 more") {
		t.Errorf("--top 1: exit %d\n%s", code, out)
	}
	// Past the retention period (30 days by default) a line is not shown,
	// even before the bot deletes it; and a line kept from before a
	// redaction rule existed is shown redacted.
	writeFile(t, "logs/unanswered.log", log+fmt.Sprintf(`{"time":%q,"question":"an old question past retention","reply":"fallback"}
{"time":%q,"question":"Hi I'm John Smith, do you treat necks","reply":"fallback"}
`, at(40), at(1)))
	code, out, _ = clinicbot(t, "", "unanswered")
	if code != 0 || strings.Contains(out, "past retention") || strings.Contains(out, "John") || !strings.Contains(out, "Hi I'm [name], do you treat necks") {
		t.Errorf("retention and redaction: exit %d\n%s", code, out)
	}
	code, out, _ = clinicbot(t, "", "unanswered", "--log", "nowhere.log")
	if code != 0 || !strings.Contains(out, "no questions yet") {
		t.Errorf("missing log: exit %d %q, want a plain 'no questions yet'", code, out)
	}
}

// A line over 1 MiB is cut, said on stderr, and the rest of the batch is
// answered.
func TestAskLongLine(t *testing.T) {
	in := "what is facet joint denervation?\n" + strings.Repeat("back pain ", (2<<20)/10) + "\nhello\n"
	code, out, errs := clinicbot(t, in, "ask", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if got := lines(out); len(got) != 3 {
		t.Fatalf("%d answers to 3 lines:\n%.300s", len(got), out)
	}
	if !strings.Contains(errs, "line 2 is longer than 1048576 bytes") {
		t.Errorf("stderr: %q", errs)
	}
}

func TestSchemaCommand(t *testing.T) {
	isolate(t)
	code, out, errs := clinicbot(t, "", "schema")
	if code != 0 || errs != "" || out != string(knowledge.Schema()) {
		t.Errorf("exit %d, stderr %q, stdout %.60q…; want the knowledge schema", code, errs, out)
	}
}

func TestValidateWarnings(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "faqs.yaml"), "entries:\n"+
		"  - id: a\n    question: Is there parking near the clinic?\n    answer: Yes.\n    owner: Clinical team\n    reviewed: 2020-01-01\n"+
		"  - id: b\n    question: Is there parking near the clinic?\n    answer: Street parking.\n")
	writeFile(t, "config.yaml", "review_after_days: 30\n")
	code, out, errs := clinicbot(t, "", "validate", dir)
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q; warnings must not fail validate", code, errs)
	}
	ls := lines(out)
	if len(ls) != 5 || !strings.HasPrefix(ls[0], "ok: ") || ls[4] != "3 warning(s): the knowledge loads as it is; these are worth a look." {
		t.Fatalf("output:\n%s", out)
	}
	for _, want := range []string{
		"warning: " + filepath.Join(dir, "faqs.yaml") + `:2: entry "a": reviewed 2020-01-01, `,
		"warning: " + filepath.Join(dir, "faqs.yaml") + `:2: entry "a": its own question matches entry "b" (faqs.yaml:7) as strongly`,
		"warning: " + filepath.Join(dir, "faqs.yaml") + `:7: entry "b": its own question matches entry "a" (faqs.yaml:2) as strongly`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestReportCommand(t *testing.T) {
	isolate(t)
	writeFile(t, "unanswered.log", `{"time":"2026-12-01T10:00:00Z","question":"is there a cafe nearby","reply":"fallback"}
{"time":"2026-12-02T10:00:00Z","question":"is there a cafe near the clinic","reply":"fallback"}
{"time":"2026-12-02T11:00:00Z","question":"how is denervaton performed","reply":"choices","offered":["fjd-how-is-it-done"]}
not json
`)
	code, out, errs := clinicbot(t, "", "report", "--log", "unanswered.log", "--days", "0")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, want := range []string{
		"unanswered.log: 3 questions in 2 groups, from 1 Dec 2026 to 2 Dec 2026; most asked first.\n",
		"\n1. asked 2× (I don't know ×2), last 2 Dec 2026\n   1×  \"is there a cafe near the clinic\"\n   1×  \"is there a cafe nearby\"\n",
		"  - id: is-there-a-cafe-near",
		"out_of_scope:\n",
		"\n2. asked 1× (did you mean ×1)",
		"under `alternates:` of ",
		"(1 unreadable line skipped)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = clinicbot(t, "", "report", "--log", "nope.log")
	if code != 0 || !strings.Contains(out, "nope.log: no questions yet") {
		t.Errorf("no log: exit %d, %q", code, out)
	}
}
