package suggest_test

import (
	"context"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/clinicbot/clinicbot/answer"
	"github.com/clinicbot/clinicbot/index"
	"github.com/clinicbot/clinicbot/knowledge"
	"github.com/clinicbot/clinicbot/suggest"
	"github.com/clinicbot/clinicbot/unanswered"
)

var clinic = sync.OnceValues(func() (*answer.Engine, error) {
	base, err := knowledge.Load(knowledge.Clinic())
	if err != nil {
		return nil, err
	}
	ix, err := index.Build(base)
	if err != nil {
		return nil, err
	}
	data, err := fs.ReadFile(knowledge.Clinic(), "settings.yaml")
	if err != nil {
		return nil, err
	}
	s, err := answer.ParseSettings(data, "settings.yaml")
	if err != nil {
		return nil, err
	}
	return answer.New(ix, nil, s, answer.Texts{}), nil
})

var now = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)

func lines(qs ...string) []unanswered.Line {
	var out []unanswered.Line
	for i, q := range qs {
		reply, rest := "fallback", q
		if r, ok := strings.CutPrefix(q, "?"); ok {
			reply, rest = "choices", r
		}
		out = append(out, unanswered.Line{Time: now.Add(-time.Duration(len(qs)-i) * time.Hour), Question: rest, Reply: reply})
	}
	return out
}

func TestReportGroupsAndSnippets(t *testing.T) {
	eng, err := clinic()
	if err != nil {
		t.Fatal(err)
	}
	groups, err := suggest.Report(context.Background(), eng, lines(
		"is there a cafe nearby", "is there a cafe near the clinic", "who won the football",
		"?how is denervaton performed", "?how is the denervation performed",
		"is there a cafe nearby", "is there a cafe nearby",
	), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 3 {
		for _, g := range groups {
			t.Logf("%d× %v", g.Count, g.Questions)
		}
		t.Fatalf("%d groups, want 3 (cafe, denervation, football)", len(groups))
	}
	dog, den, coin := groups[0], groups[1], groups[2]
	if dog.Count != 4 || len(dog.Questions) != 2 || dog.Questions[0].Question != "is there a cafe nearby" || dog.Questions[0].Count != 3 || dog.Kind != suggest.NewEntry {
		t.Errorf("most asked group: %+v", dog)
	}
	if den.Count != 2 || den.Choices != 2 || den.Kind != suggest.Alternate || den.Closest == nil {
		t.Fatalf("denervation group: %+v", den)
	}
	if coin.Count != 1 || coin.Kind != suggest.NewEntry {
		t.Errorf("football group: %+v", coin)
	}

	// The alternate snippet names the entry and reads back as two alternates.
	if !strings.Contains(den.Snippet, "under `alternates:` of "+den.Closest.ID) {
		t.Errorf("alternate snippet does not name %s:\n%s", den.Closest.ID, den.Snippet)
	}
	var alts struct{ Alternates []string }
	if err := yaml.Unmarshal([]byte("alternates:\n"+den.Snippet), &alts); err != nil || len(alts.Alternates) != 2 {
		t.Errorf("alternate snippet does not paste as alternates (%v):\n%s", err, den.Snippet)
	}
	// The new entry snippet pastes under entries: and loads; its other
	// choice is an out_of_scope list.
	var doc struct {
		Entries    []knowledge.Entry `yaml:"entries"`
		OutOfScope []string          `yaml:"out_of_scope"`
	}
	if err := yaml.Unmarshal([]byte("entries:\n"+dog.Snippet), &doc); err != nil {
		t.Fatalf("new entry snippet is not YAML: %v\n%s", err, dog.Snippet)
	}
	if len(doc.Entries) != 1 || doc.Entries[0].ID != "is-there-a-cafe-nearby" || doc.Entries[0].Question != "Is there a cafe nearby?" ||
		len(doc.Entries[0].Alternates) != 1 || doc.Entries[0].Reviewed != "2026-12-03" {
		t.Errorf("new entry: %+v\n%s", doc.Entries, dog.Snippet)
	}
	if len(doc.OutOfScope) != 2 {
		t.Errorf("out_of_scope lines: %q", doc.OutOfScope)
	}
	// What the snippet proposes is a valid knowledge entry.
	entry := strings.Split(dog.Snippet, "# or,")[0]
	if _, err := knowledge.Load(fstest.MapFS{"a.yaml": {Data: []byte("entries:\n" + entry)}}); err != nil {
		t.Errorf("the new entry does not load: %v\n%s", err, entry)
	}
}

func TestReportNoLines(t *testing.T) {
	eng, err := clinic()
	if err != nil {
		t.Fatal(err)
	}
	if g, err := suggest.Report(context.Background(), eng, nil, now); err != nil || len(g) != 0 {
		t.Errorf("no lines: %v, %v", g, err)
	}
}

// A question logged before the knowledge had its answer: the bot answers
// it now, so the only thing to add, if that answer is wrong, is an
// out_of_scope line.
func TestReportAnsweredNow(t *testing.T) {
	eng, err := clinic()
	if err != nil {
		t.Fatal(err)
	}
	groups, err := suggest.Report(context.Background(), eng, lines("How much does it cost?"), now)
	if err != nil || len(groups) != 1 {
		t.Fatalf("%v, %v", groups, err)
	}
	g := groups[0]
	if !g.Answered || g.Kind != suggest.OutOfScope || g.Closest == nil || g.Closest.ID != "practical-fees" {
		t.Fatalf("group %+v", g)
	}
	var doc struct {
		OutOfScope []string `yaml:"out_of_scope"`
	}
	if err := yaml.Unmarshal([]byte(g.Snippet), &doc); err != nil || len(doc.OutOfScope) != 1 || doc.OutOfScope[0] != "How much does it cost?" {
		t.Errorf("snippet (%v):\n%s", err, g.Snippet)
	}
}
