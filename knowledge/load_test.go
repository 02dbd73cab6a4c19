package knowledge_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/clinicbot/clinicbot/knowledge"
)

// writeDir writes files (name -> content) into a new temporary folder and
// returns its path.
func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// good is a valid entry that starts on line 2 of a file beginning with "entries:".
const good = `entries:
  - id: good-one
    question: What is it?
    answer: It is a thing.
`

// errorList asserts err is a knowledge.ErrorList and returns it.
func errorList(t *testing.T, err error) knowledge.ErrorList {
	t.Helper()
	if err == nil {
		t.Fatal("loaded without error; want an ErrorList")
	}
	var list knowledge.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error is %T (%v), want knowledge.ErrorList", err, err)
	}
	return list
}

func TestLoadDirRejects(t *testing.T) {
	long := strings.Repeat("a", knowledge.MaxAnswerLen+1)
	tests := []struct {
		name string
		yaml string
		line int
		id   string // the entry the error names, if any
		msg  string // a part of the message
	}{
		{
			name: "invalid YAML syntax",
			yaml: "entries:\n  - id: a\n    question: what: is this\n    answer: x\n",
			line: 3, msg: `put this text in quotes, like this: question: "what: is this"`,
		},
		{
			name: "unknown top-level key",
			yaml: good + "faqs:\n  - id: other\n",
			line: 5, msg: `unknown top-level key "faqs" (expected ` + "`entries`, `synonyms`, `out_of_scope` or `topics`)",
		},
		{
			name: "out_of_scope is not a list",
			yaml: good + "out_of_scope: what is bitcoin\n",
			line: 5, msg: "`out_of_scope` must be a list of example questions",
		},
		{
			name: "out_of_scope item is not text",
			yaml: good + "out_of_scope:\n  - price of bitcoin\n  - [a, b]\n",
			line: 7, msg: "each `out_of_scope` item must be one question written as text",
		},
		{
			name: "out_of_scope item is empty",
			yaml: good + "out_of_scope:\n  - price of bitcoin\n  - \"  \"\n",
			line: 7, msg: "an `out_of_scope` question is empty",
		},
		{
			name: "top level is not a mapping",
			yaml: "- id: a\n- id: b\n",
			line: 1, msg: "expected keys such as `entries:`",
		},
		{
			name: "entries is not a list",
			yaml: "entries: 3\n",
			line: 1, msg: "`entries` must be a list",
		},
		{
			name: "entry is not a mapping",
			yaml: good + "  - just a string\n",
			line: 5, msg: "each entry must be a set of fields",
		},
		{
			name: "unknown entry field",
			yaml: good + "    questoin: What is it really?\n",
			line: 5, id: "good-one", msg: `unknown field "questoin" (allowed: id, question, alternates, answer,`,
		},
		{
			name: "duplicate id in one file",
			yaml: good + "  - id: good-one\n    question: Another?\n    answer: Another.\n",
			line: 5, id: "good-one", msg: "duplicate id (first defined at faqs.yaml:2)",
		},
		{
			name: "related id that does not exist",
			yaml: good + "    related: [no-such-entry]\n",
			line: 2, id: "good-one", msg: `related id "no-such-entry" does not exist`,
		},
		{
			name: "unknown placeholder",
			yaml: "entries:\n  - id: a\n    question: How?\n    answer: Like this. {bookng}\n",
			line: 4, id: "a", msg: "contains {bookng}, which the bot cannot fill in; the words in braces it knows are {booking}, {emergency}, {urgent}",
		},
		{
			name: "booking placeholder without booking",
			yaml: "entries:\n  - id: a\n    question: How?\n    answer: Like this. {booking}\n",
			line: 4, id: "a", msg: "uses {booking} but the entry has no `booking: true`",
		},
		{
			name: "related to itself",
			yaml: good + "    related: [good-one]\n",
			line: 2, id: "good-one", msg: "cannot be related to itself",
		},
		{
			name: "empty question",
			yaml: "entries:\n  - id: a\n    question: \"  \"\n    answer: x\n",
			line: 3, id: "a", msg: "missing or empty `question`",
		},
		{
			name: "question with no value",
			yaml: "entries:\n  - id: a\n    question:\n    answer: x\n",
			line: 3, id: "a", msg: "missing or empty `question`",
		},
		{
			name: "missing question",
			yaml: "entries:\n  - id: a\n    answer: x\n",
			line: 2, id: "a", msg: "missing or empty `question`",
		},
		{
			name: "empty answer",
			yaml: "entries:\n  - id: a\n    question: q\n    answer: \"\"\n",
			line: 4, id: "a", msg: "missing or empty `answer`",
		},
		{
			name: "missing answer",
			yaml: "entries:\n  - id: a\n    question: q\n",
			line: 2, id: "a", msg: "missing or empty `answer`",
		},
		{
			name: "missing id",
			yaml: "entries:\n  - question: q\n    answer: x\n",
			line: 2, msg: "missing `id`",
		},
		{
			name: "bad id format: capitals and underscore",
			yaml: "entries:\n  - id: Bad_ID\n    question: q\n    answer: x\n",
			line: 2, id: "Bad_ID", msg: `id "Bad_ID" must be lowercase words and digits joined by dashes`,
		},
		{
			name: "bad id format: trailing dash",
			yaml: "entries:\n  - question: q\n    answer: x\n    id: trailing-\n",
			line: 4, id: "trailing-", msg: "must be lowercase words and digits joined by dashes",
		},
		{
			name: "bad id format: space",
			yaml: "entries:\n  - id: two words\n    question: q\n    answer: x\n",
			line: 2, id: "two words", msg: "must be lowercase words",
		},
		{
			name: "answer over 4096 characters",
			yaml: "entries:\n  - id: a\n    question: q\n    answer: " + long + "\n",
			line: 4, id: "a", msg: "answer is 4097 characters; one Telegram message holds at most 4096",
		},
		{
			name: "bad reviewed date",
			yaml: "entries:\n  - id: a\n    question: q\n    answer: x\n    reviewed: 25/11/2026\n",
			line: 5, id: "a", msg: `reviewed "25/11/2026" must be a date like 2026-11-25`,
		},
		{
			name: "impossible reviewed date",
			yaml: "entries:\n  - id: a\n    question: q\n    answer: x\n    reviewed: 2026-02-30\n",
			line: 5, id: "a", msg: `reviewed "2026-02-30" must be a date`,
		},
		{
			name: "empty alternate",
			yaml: "entries:\n  - id: a\n    question: q\n    answer: x\n    alternates: [ok, \" \"]\n",
			line: 5, id: "a", msg: "alternate 2 is empty",
		},
		{
			name: "wrong type for booking",
			yaml: good + "    booking: maybe\n",
			line: 5, id: "good-one", msg: "cannot unmarshal",
		},
		{
			name: "keywords not a list",
			yaml: good + "    keywords: foo\n",
			line: 5, id: "good-one", msg: "cannot unmarshal",
		},
		{
			name: "synonym group with one word",
			yaml: good + "synonyms:\n  - [rfa, radiofrequency ablation]\n  - [rfa]\n",
			line: 7, msg: "a synonym group needs at least two words",
		},
		{
			name: "synonym group of one word and blanks",
			yaml: good + "synonyms:\n  - [rfa, \" \", \"\"]\n",
			line: 6, msg: "a synonym group needs at least two words",
		},
		{
			name: "synonym group not a list",
			yaml: good + "synonyms:\n  - rfa\n",
			line: 6, msg: "a synonym group must be a list of words",
		},
		{
			name: "synonyms not a list",
			yaml: good + "synonyms: rfa\n",
			line: 5, msg: "`synonyms` must be a list of groups",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeDir(t, map[string]string{"faqs.yaml": tt.yaml})
			b, err := knowledge.LoadDir(dir)
			if b != nil {
				t.Errorf("LoadDir returned a base along with the error")
			}
			list := errorList(t, err)
			if len(list) != 1 {
				t.Fatalf("got %d errors, want 1:\n%v", len(list), list)
			}
			e := list[0]
			file := filepath.Join(dir, "faqs.yaml")
			if e.Pos.File != file || e.Pos.Line != tt.line {
				t.Errorf("position %s, want %s:%d (error: %v)", e.Pos, file, tt.line, e)
			}
			if e.EntryID != tt.id {
				t.Errorf("entry id %q, want %q", e.EntryID, tt.id)
			}
			if !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("message %q does not contain %q", e.Msg, tt.msg)
			}
			// The printed form is what staff read: file:line first.
			prefix := file + ":" + strconv.Itoa(tt.line) + ": "
			if !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("error %q does not start with %q", err, prefix)
			}
			if tt.id != "" && !strings.Contains(err.Error(), `entry "`+tt.id+`": `) {
				t.Errorf("error %q does not name entry %q", err, tt.id)
			}
		})
	}
}

func TestAnswerLengthIsCountedInCharacters(t *testing.T) {
	tests := []struct {
		name   string
		answer string
		ok     bool
	}{
		{"4096 ASCII letters", strings.Repeat("a", 4096), true},
		{"4096 two-byte letters", strings.Repeat("é", 4096), true},
		{"4097 two-byte letters", strings.Repeat("é", 4097), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeDir(t, map[string]string{"faqs.yaml": "entries:\n  - id: a\n    question: q\n    answer: " + tt.answer + "\n"})
			_, err := knowledge.LoadDir(dir)
			if (err == nil) != tt.ok {
				t.Fatalf("LoadDir error = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

// A field given twice is one mistake and should be reported once. Today the
// loader reports it twice on the same line: its own "appears twice" check
// and then yaml.v3's "mapping key already defined" from Node.Decode
// (load.go, parseEntry: the n.Decode error is added even when the duplicate
// was already reported).
func TestFieldTwiceReportedOnce(t *testing.T) {
	dir := writeDir(t, map[string]string{"faqs.yaml": good + "    answer: Again.\n"})
	_, err := knowledge.LoadDir(dir)
	list := errorList(t, err)
	if len(list) == 0 || list[0].Pos.Line != 5 || !strings.Contains(list[0].Msg, `field "answer" appears twice`) {
		t.Errorf("first error %v, want line 5: field \"answer\" appears twice", list)
	}
	if len(list) != 1 {
		t.Errorf("BUG: the duplicate field is reported %d times, want once:\n%v", len(list), list)
	}
}

func TestDuplicateIDAcrossFilesNamesFirstDefinition(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"a.yaml": "# first\n" + good,
		"b.yaml": good,
	})
	list := errorList(t, func() error { _, err := knowledge.LoadDir(dir); return err }())
	if len(list) != 1 {
		t.Fatalf("got %d errors, want 1:\n%v", len(list), list)
	}
	e := list[0]
	if e.Pos.File != filepath.Join(dir, "b.yaml") || e.Pos.Line != 2 {
		t.Errorf("position %s, want b.yaml:2", e.Pos)
	}
	if !strings.Contains(e.Msg, "first defined at a.yaml:3") {
		t.Errorf("message %q does not name the first definition a.yaml:3", e.Msg)
	}
}

func TestSeveralErrorsAtOnceSorted(t *testing.T) {
	dir := writeDir(t, map[string]string{
		// b.yaml sorts after a.yaml although its problems are listed first here.
		"b.yaml": "entries:\n  - id: b1\n    question: q\n    answer: x\n    related: [missing]\n",
		"a.yaml": "entries:\n" +
			"  - id: a1\n" + // 2
			"    question: q\n" +
			"    answer: x\n" +
			"    reviewed: yesterday\n" + // 5
			"  - id: A2\n" + // 6
			"    question: \"\"\n" + // 7
			"    answer: x\n" +
			"synonyms:\n" +
			"  - [lonely]\n", // 10
		"c.yaml": "entries: [\n", // not YAML: b.yaml's related ids go unchecked
	})
	_, err := knowledge.LoadDir(dir)
	list := errorList(t, err)
	type where struct {
		file string
		line int
		msg  string
	}
	want := []where{
		{"a.yaml", 5, "reviewed"},
		{"a.yaml", 6, `id "A2"`},
		{"a.yaml", 7, "question"},
		{"a.yaml", 10, "synonym group"},
		{"c.yaml", 1, "this list opens with [ but does not close"},
	}
	if len(list) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(list), len(want), list)
	}
	for i, w := range want {
		e := list[i]
		// c.yaml's line depends on the YAML parser; the order must not.
		if e.Pos.File != filepath.Join(dir, w.file) || (w.line != 0 && e.Pos.Line != w.line) || !strings.Contains(e.Msg, w.msg) {
			t.Errorf("error %d = %v, want %s:%d %s", i, e, w.file, w.line, w.msg)
		}
	}
	// Error() prints every problem, one a line.
	if lines := strings.Split(err.Error(), "\n"); len(lines) != len(want) {
		t.Errorf("Error() has %d lines, want %d:\n%s", len(lines), len(want), err)
	}
}

func TestReservedFilesAreSkipped(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"faqs.yaml":      good,
		"settings.yaml":  "answer: 0.5\nchoices: 0.3\n",
		"red_flags.yaml": "rules:\n  - id: x\n    kind: emergency\n    any: [chest pain]\n",
	})
	b, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(b.Files, []string{"faqs.yaml"}) {
		t.Errorf("Files = %v, want [faqs.yaml]", b.Files)
	}
	for _, r := range knowledge.Reserved {
		if slices.Contains(b.Files, r) {
			t.Errorf("reserved file %s was read", r)
		}
	}
}

func TestYmlFilesAreRead(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"a.yaml":  good,
		"b.yml":   "entries:\n  - id: other\n    question: Other?\n    answer: Other.\n",
		"c.txt":   "not: [yaml",
		"sub.bak": "entries: [",
	})
	b, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(b.Files, []string{"a.yaml", "b.yml"}) {
		t.Errorf("Files = %v, want [a.yaml b.yml]", b.Files)
	}
	if len(b.Entries) != 2 {
		t.Errorf("%d entries, want 2", len(b.Entries))
	}
}

func TestLoadDirFolderProblems(t *testing.T) {
	file := filepath.Join(t.TempDir(), "faqs.yaml")
	if err := os.WriteFile(file, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		dir     string
		msg     string
		notList bool
	}{
		{"empty folder", t.TempDir(), "no knowledge files (*.yaml) found", true},
		{"only reserved files", writeDir(t, map[string]string{"settings.yaml": "answer: 0.5\n", "red_flags.yaml": "x"}), "no knowledge files", true},
		{"files without entries", writeDir(t, map[string]string{"syn.yaml": "synonyms:\n  - [a, b]\n", "empty.yaml": "# nothing yet\n"}), "no entries in the knowledge files", true},
		{"missing folder", filepath.Join(t.TempDir(), "nope"), "knowledge folder", true},
		{"a file, not a folder", file, "not a directory", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := knowledge.LoadDir(tt.dir)
			if err == nil {
				t.Fatalf("loaded %d entries, want an error", len(b.Entries))
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not contain %q", err, tt.msg)
			}
			var list knowledge.ErrorList
			if tt.notList && errors.As(err, &list) {
				t.Errorf("a folder problem was reported as file errors: %v", err)
			}
		})
	}
	t.Run("missing folder wraps ErrNotExist", func(t *testing.T) {
		_, err := knowledge.LoadDir(filepath.Join(t.TempDir(), "nope"))
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("error %v does not wrap fs.ErrNotExist", err)
		}
	})
}

func TestLoadedBase(t *testing.T) {
	dir := writeDir(t, map[string]string{"faqs.yaml": `# A comment first.
entries:
  - id: rfa-what
    question: "  What is RFA?  "
    alternates: [what is radiofrequency ablation, explain rfa]
    answer: |
      Radiofrequency ablation treats nerves with heat.
    topic: procedure
    keywords: [rfa, ablation]
    related: [rfa-cost]
    booking: true
    owner: Clinical team
    reviewed: 2026-11-25

  - id: rfa-cost
    question: How much does RFA cost?
    answer: Ask the clinic.
    topic: practical

  - id: clinic-where
    question: Where are you?
    answer: Harley Street.
    topic: procedure
synonyms:
  - [rfa, " radiofrequency ablation ", ""]
`})
	b, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Entries) != 3 {
		t.Fatalf("%d entries, want 3", len(b.Entries))
	}
	e, ok := b.Entry("rfa-what")
	if !ok {
		t.Fatal("Entry(rfa-what) not found")
	}
	if e.Question != "What is RFA?" {
		t.Errorf("question %q was not trimmed", e.Question)
	}
	if e.Answer != "Radiofrequency ablation treats nerves with heat." {
		t.Errorf("answer %q was not trimmed", e.Answer)
	}
	if !e.Booking || e.Topic != "procedure" || e.Owner != "Clinical team" || e.Reviewed != "2026-11-25" {
		t.Errorf("fields not decoded: %+v", *e)
	}
	if !slices.Equal(e.Related, []string{"rfa-cost"}) || !slices.Equal(e.Keywords, []string{"rfa", "ablation"}) {
		t.Errorf("lists not decoded: related %v keywords %v", e.Related, e.Keywords)
	}
	if got := e.Questions(); !slices.Equal(got, []string{"What is RFA?", "what is radiofrequency ablation", "explain rfa"}) {
		t.Errorf("Questions() = %q", got)
	}
	if e.Pos.Line != 3 || e.Pos.File != "faqs.yaml" {
		t.Errorf("Pos = %v, want faqs.yaml:3", e.Pos)
	}
	if c, _ := b.Entry("rfa-cost"); c.Booking {
		t.Error("booking defaults to true")
	}
	if _, ok := b.Entry("nope"); ok {
		t.Error("Entry(nope) found")
	}
	if got := b.Topics(); !slices.Equal(got, []string{"procedure", "practical"}) {
		t.Errorf("Topics() = %v, want [procedure practical]", got)
	}
	if len(b.Synonyms) != 1 || !slices.Equal(b.Synonyms[0], []string{"rfa", "radiofrequency ablation"}) {
		t.Errorf("Synonyms = %q, want one trimmed group without blanks", b.Synonyms)
	}
	// Entry returns a pointer into the base, not a copy.
	if e != &b.Entries[0] {
		t.Error("Entry does not point into Entries")
	}
}

func TestPosString(t *testing.T) {
	tests := []struct {
		pos  knowledge.Pos
		want string
	}{
		{knowledge.Pos{File: "a.yaml", Line: 3}, "a.yaml:3"},
		{knowledge.Pos{File: "a.yaml"}, "a.yaml"},
	}
	for _, tt := range tests {
		if got := tt.pos.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.pos, got, tt.want)
		}
	}
}

func TestClinicKnowledgeLoads(t *testing.T) {
	b, err := knowledge.Load(knowledge.Clinic())
	if err != nil {
		t.Fatalf("the embedded clinic knowledge does not load:\n%v", err)
	}
	if len(b.Entries) < 20 {
		t.Errorf("only %d entries", len(b.Entries))
	}
	if len(b.Synonyms) == 0 {
		t.Error("no synonym groups")
	}
	if slices.Contains(b.Files, "red_flags.yaml") {
		t.Error("red_flags.yaml was read as knowledge")
	}
	for _, id := range []string{"fjd-what-is-it", "fjd-anaesthetic", "fjd-recovery", "practical-booking", "clinic-location"} {
		if _, ok := b.Entry(id); !ok {
			t.Errorf("entry %s missing", id)
		}
	}
	for _, e := range b.Entries {
		if e.Owner == "" || e.Reviewed == "" {
			t.Errorf("%s: clinic entries need an owner and a reviewed date", e.Pos)
		}
	}
}

func TestBenchKnowledgeLoads(t *testing.T) {
	for _, name := range []string{"covidq", "clinc150"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("..", "..", "shared", "bench", name, "knowledge")
			if _, err := os.Stat(dir); err != nil {
				t.Skipf("benchmark knowledge not present: %v", err)
			}
			b, err := knowledge.LoadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Entries) == 0 {
				t.Error("no entries")
			}
		})
	}
}

// A file that is not YAML at all hides its entries, so other files' related
// ids are not checked until it parses: no false "does not exist" errors.
func TestRelatedCheckedOnceEveryFileParses(t *testing.T) {
	files := map[string]string{
		"a.yaml": "entries:\n  - id: a\n    question: q\n    answer: x\n    related: [b]\n",
		"b.yaml": "entries: [\n",
	}
	list := errorList(t, func() error { _, err := knowledge.LoadDir(writeDir(t, files)); return err }())
	if len(list) != 1 || !strings.Contains(list[0].Msg, "this list opens with [ but does not close") {
		t.Fatalf("got %v, want only b.yaml's YAML error", list)
	}
	files["b.yaml"] = "entries:\n  - id: c\n    question: q\n    answer: x\n"
	list = errorList(t, func() error { _, err := knowledge.LoadDir(writeDir(t, files)); return err }())
	if len(list) != 1 || !strings.Contains(list[0].Msg, `related id "b" does not exist`) {
		t.Fatalf("got %v, want the missing related id", list)
	}
}

func TestLoadOutOfScope(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"a.yaml": "entries:\n  - id: fees\n    question: How much does it cost?\n    answer: It depends.\nout_of_scope:\n  - what is the price of bitcoin\n  - \"  book a flight to London  \"\n",
		"b.yaml": "out_of_scope:\n  - pizza near Harley Street\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"what is the price of bitcoin", "book a flight to London", "pizza near Harley Street"}
	if !slices.Equal(b.OutOfScope, want) {
		t.Errorf("OutOfScope = %q, want %q", b.OutOfScope, want)
	}
}
