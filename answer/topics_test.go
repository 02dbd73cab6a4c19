package answer_test

import (
	"testing"

	"github.com/clinicbot/clinicbot/answer"
)

func TestTopicLabel(t *testing.T) {
	if got := answer.TopicLabel("facet-joint-denervation"); got != "Facet joint denervation" {
		t.Errorf("topic label %q", got)
	}
	if got := answer.TopicLabel("-"); got != "-" {
		t.Errorf("topic label of a dash %q", got)
	}
}

// The clinic's topics come with the titles staff gave them, and each
// lists its questions in the knowledge's order.
func TestTopics(t *testing.T) {
	e := engine(t)
	topics := e.Topics()
	if len(topics) == 0 {
		t.Fatal("no topics")
	}
	n := 0
	for _, tp := range topics {
		if tp.Title == "" || tp.ID == "" {
			t.Errorf("topic %+v", tp)
		}
		got, qs, ok := e.Topic(tp.ID)
		if !ok || got != tp || len(qs) == 0 {
			t.Errorf("Topic(%q) = %+v, %d questions, %v", tp.ID, got, len(qs), ok)
		}
		for _, q := range qs {
			if r, ok := e.Entry(q.EntryID); !ok || r.Title != q.Title {
				t.Errorf("topic %s offers %+v", tp.ID, q)
			}
		}
		n += len(qs)
	}
	if _, _, ok := e.Topic("no-such-topic"); ok {
		t.Error("a topic no entry has was found")
	}
	ids := 0
	for range e.EntryIDs() {
		ids++
	}
	if ids != e.Entries() || n > ids {
		t.Errorf("%d ids, %d entries, %d in topics", ids, e.Entries(), n)
	}
}
