package knowledge_test

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/clinicbot/clinicbot/knowledge"
)

// The messages staff read for the usual mistakes, word for word, on the
// line the mistake is on.
func TestPlainWordsMessages(t *testing.T) {
	const quote = "a colon followed by a space starts a new field, so this text cannot hold one as it is: put this text in quotes, like this: "
	tests := []struct {
		name string
		yaml string
		line int
		id   string
		msg  string
	}{
		{
			// yaml.v3 names line 3, the line before the tab.
			name: "tab before a field",
			yaml: "entries:\n  - id: a\n    question: q\n\tanswer: x\n",
			line: 4, msg: "use spaces, not a tab, to indent",
		},
		{
			name: "tab before a list item",
			yaml: "entries:\n\t- id: a\n    question: q\n    answer: x\n",
			line: 2, msg: "use spaces, not a tab, to indent",
		},
		{
			name: "tab after spaces",
			yaml: good + "    keywords:\n     \t- back\n",
			line: 6, msg: "use spaces, not a tab, to indent",
		},
		{
			name: "colon inside a question",
			yaml: "entries:\n  - id: a\n    question: Note: is it safe?\n    answer: x\n",
			line: 3, msg: quote + `question: "Note: is it safe?"`,
		},
		{
			name: "colon inside an answer",
			yaml: "entries:\n  - id: a\n    question: q\n    answer: Opening times: ask the clinic\n",
			line: 4, msg: quote + `answer: "Opening times: ask the clinic"`,
		},
		{
			// A list item with a colon is read as a field, not as text.
			name: "colon inside an alternate",
			yaml: "entries:\n  - id: a\n    question: q\n    alternates:\n      - recovery time\n      - RFA: how long off work\n    answer: x\n",
			line: 6, id: "a", msg: quote + `- "RFA: how long off work"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeDir(t, map[string]string{"faqs.yaml": tt.yaml})
			_, err := knowledge.LoadDir(dir)
			list := errorList(t, err)
			if len(list) != 1 {
				t.Fatalf("got %d errors, want 1:\n%v", len(list), list)
			}
			e := list[0]
			if e.Pos.Line != tt.line || e.EntryID != tt.id || e.Msg != tt.msg {
				t.Errorf("got line %d, entry %q: %q\nwant line %d, entry %q: %q", e.Pos.Line, e.EntryID, e.Msg, tt.line, tt.id, tt.msg)
			}
		})
	}
}

// A duplicate id is blamed on the file that added it second: the one
// saved last, even when its name sorts first.
func TestDuplicateIDBlamesTheNewerFile(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"practical.yaml": "entries:\n  - id: clinic-location\n    question: Where are you?\n    answer: Harley Street.\n",
		"a-new.yaml":     "# added today\nentries:\n  - id: other\n    question: q\n    answer: x\n  - id: clinic-location\n    question: Where is the clinic?\n    answer: London.\n",
	})
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "practical.yaml"), old, old); err != nil {
		t.Fatal(err)
	}
	list := errorList(t, func() error { _, err := knowledge.LoadDir(dir); return err }())
	if len(list) != 1 {
		t.Fatalf("got %d errors, want 1:\n%v", len(list), list)
	}
	want := filepath.Join(dir, "a-new.yaml") + `:6: entry "clinic-location": duplicate id (first defined at practical.yaml:2)`
	if got := list[0].Error(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestRelatedTypoSuggestsTheID(t *testing.T) {
	dir := writeDir(t, map[string]string{"faqs.yaml": "entries:\n" +
		"  - id: clinic-location\n    question: Where are you?\n    answer: Harley Street.\n" +
		"  - id: clinic-parking\n    question: Can I park?\n    answer: Ask.\n    related: [clinic-locaton, no-such-thing]\n"})
	list := errorList(t, func() error { _, err := knowledge.LoadDir(dir); return err }())
	want := []string{
		`related id "clinic-locaton" does not exist; did you mean clinic-location?`,
		`related id "no-such-thing" does not exist`,
	}
	if len(list) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(list), len(want), list)
	}
	for i, w := range want {
		if list[i].Msg != w {
			t.Errorf("error %d: %q, want %q", i, list[i].Msg, w)
		}
	}
}

func TestTopicUsedOnceIsAWarning(t *testing.T) {
	entry := func(id, topic string) string {
		return "  - id: " + id + "\n    question: " + id + "?\n    answer: x\n    topic: " + topic + "\n"
	}
	dir := writeDir(t, map[string]string{"faqs.yaml": "entries:\n" +
		entry("a", "practical") + entry("b", "practical") + entry("c", "clinic") + entry("d", "clinic") +
		entry("e", "practcal") + entry("f", "parking")})
	b, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatalf("a topic used once must not stop loading: %v", err)
	}
	want := []string{
		`faqs.yaml:21: entry "e": topic "practcal" is used by no other entry, so it adds a topic of its own to /topics; the topics in use are clinic, practical (did you mean practical?)`,
		`faqs.yaml:25: entry "f": topic "parking" is used by no other entry, so it adds a topic of its own to /topics; the topics in use are clinic, practical`,
	}
	if len(b.Warnings) != len(want) {
		t.Fatalf("got %d warnings, want %d:\n%v", len(b.Warnings), len(want), b.Warnings)
	}
	for i, w := range want {
		if got := b.Warnings[i].Error(); got != filepath.Join(dir, w) {
			t.Errorf("warning %d:\n got  %s\n want %s", i, got, w)
		}
	}
	// Every topic used once, or only one topic: nothing to compare with.
	b, err = knowledge.LoadDir(writeDir(t, map[string]string{"faqs.yaml": "entries:\n" + entry("a", "one") + entry("b", "two")}))
	if err != nil || len(b.Warnings) != 0 {
		t.Errorf("no shared topic: warnings %v, err %v", b.Warnings, err)
	}
}

// Mistakes the parser reports on the wrong line, or in its own words.
func TestMistakesOnTheirLine(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		line int
		msg  string
	}{
		{
			// yaml.v3: line 1, "did not find expected '-' indicator".
			name: "field indented less than its siblings",
			yaml: "entries:\n  - id: a\n    question: q\n   answer: x\n",
			line: 4, msg: "this line is indented differently from the lines above it: start it after 4 spaces, like the lines it belongs with",
		},
		{
			name: "field indented more than its siblings",
			yaml: "entries:\n  - id: a\n    question: q\n    answer: x\n  - id: b\n     question: q\n    answer: x\n",
			line: 6, msg: "this line is indented more than the line above it, so it reads as more of that line's text: start it after 4 spaces, like the lines it belongs with",
		},
		{
			// yaml.v3: line 4, the line before.
			name: "list item indented less",
			yaml: "entries:\n  - id: a\n    question: q\n    answer: x\n - id: b\n    question: q\n    answer: y\n",
			line: 5, msg: "this line is indented differently from the lines above it: start it after 2 spaces, like the lines it belongs with",
		},
		{
			name: "text of an answer indented less",
			yaml: "entries:\n  - id: a\n    question: q\n    answer: |\n      First paragraph.\n     goes on\n",
			line: 6, msg: "this line is part of the text above but indented less: start it after 6 spaces, like the text above it",
		},
		{
			name: "text of an answer back at the field's indent",
			yaml: "entries:\n  - id: a\n    question: q\n    answer: |\n      First paragraph.\n    goes on\n",
			line: 6, msg: "this line seems to belong to the text above it, but is not indented as far: indent it like that text",
		},
		{
			// yaml.v3: line 1, "did not find expected key".
			name: "apostrophe inside single quotes",
			yaml: "entries:\n  - id: a\n    question: 'it's here'\n    answer: x\n",
			line: 3, msg: `this text starts with ' and has another ' inside it (as in "it's"), which ends it early: put the text in double quotes instead, like this: "it's here"`,
		},
		{
			name: "unclosed double quote",
			yaml: "entries:\n  - id: a\n    question: \"where are you\n    answer: x\n",
			line: 3, msg: `this text starts with a quote mark " but has none at its end: add " at the end of the text`,
		},
		{
			// yaml.v3: line 3, the line before.
			name: "unclosed list",
			yaml: "entries:\n  - id: a\n    question: q\n    keywords: [a, b\n    answer: x\n",
			line: 4, msg: "this list opens with [ but does not close: end it with ], e.g. keywords: [recovery, work]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := knowledge.LoadDir(writeDir(t, map[string]string{"faqs.yaml": tt.yaml}))
			list := errorList(t, err)
			if len(list) != 1 || list[0].Pos.Line != tt.line || list[0].Msg != tt.msg {
				t.Errorf("got %v\nwant line %d: %s", list, tt.line, tt.msg)
			}
		})
	}
}

// The line scanner finds nothing wrong in files that are valid YAML,
// whatever their style (the clinic's, and the benchmarks' compact lists
// and long plain texts over several lines).
func TestScanQuietOnValidFiles(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("clinic", "*.yaml"))
	bench, _ := filepath.Glob(filepath.Join("..", "..", "shared", "bench", "*", "knowledge", "*.yaml"))
	files = append(files, bench...)
	files = append(files, "") // the valid examples below
	examples := map[string]string{
		"compact list":      "entries:\n- id: a\n  question: q\n  alternates:\n  - x\n  - y\n  answer: x\n",
		"quoted over lines": "entries:\n  - id: a\n    question: \"a long\n      question\"\n    answer: x\n",
		"plain over lines":  "entries:\n  - id: a\n    question: q\n    answer: a long text\n      that goes on\n    topic: t\n",
		"folded answer":     "entries:\n  - id: a\n    question: q\n    answer: >\n      one\n\n      two\n    topic: t\n",
		"comments anywhere": "# top\nentries:\n# here\n  - id: a # why\n      # odd comment\n    question: q\n    answer: x\n",
		"quotes inside":     "entries:\n  - id: a\n    question: 'it''s here'\n    answer: \"say \\\"hi\\\"\"\n    keywords: [\"a, b\", c]\n",
		"empty values":      "entries:\nsynonyms:\n",
		"nested flow lists": "synonyms:\n  - [rfa, radiofrequency ablation]\n  - [a, b] # c\n",
	}
	for _, f := range files {
		if f == "" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if line, msg, ok := knowledge.ScanMistake(data); ok {
			t.Errorf("%s:%d: false alarm: %s", f, line, msg)
		}
	}
	for name, y := range examples {
		if line, msg, ok := knowledge.ScanMistake([]byte(y)); ok {
			t.Errorf("%s: line %d: false alarm: %s", name, line, msg)
		}
	}
}

// Whatever the file, the scanner and the loader never panic.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{good, "entries:\n  - id: a\n   question: [x\n", "  entries:\n\t- '\n", "-\n- - [\n\"", "a: |\n b\n  c\n d: e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		knowledge.ScanMistake([]byte(s))
		_, _ = knowledge.Load(fstest.MapFS{"a.yaml": {Data: []byte(s)}})
	})
}
