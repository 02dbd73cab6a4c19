package knowledge_test

import (
	"os"
	"path/filepath"
	"testing"
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
