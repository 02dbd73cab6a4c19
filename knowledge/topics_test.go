package knowledge_test

import (
	"strings"
	"testing"

	"github.com/clinicbot/clinicbot/knowledge"
)

const twoTopics = `entries:
  - id: fees
    question: How much does it cost?
    answer: The clinic will tell you.
    topic: practical
  - id: what-is-rfa
    question: What is RFA?
    answer: A treatment.
    topic: facet-joint-denervation
`

func TestTopicTitles(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"faq.yaml":    twoTopics,
		"topics.yaml": "topics:\n  practical: Booking, fees and practicalities\n",
	})
	b, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.TopicTitle("practical"); got != "Booking, fees and practicalities" {
		t.Errorf("TopicTitle(practical) = %q", got)
	}
	if got := b.TopicTitle("facet-joint-denervation"); got != "" {
		t.Errorf("a topic without a title: %q", got)
	}
}

func TestTopicTitleErrors(t *testing.T) {
	tests := []struct {
		name, topics, want string
		line               int
	}{
		{"misspelt topic", "topics:\n  practicl: Booking\n", `topic "practicl" has a title but no entry has ` + "`topic: practicl`", 2},
		{"no title", "topics:\n  practical:\n", `topic "practical" needs a title after the colon`, 2},
		{"not an id", "topics:\n  Practical Things: Booking\n", `topic "Practical Things" must be lowercase words`, 2},
		{"too long", "topics:\n  practical: " + strings.Repeat("x", 41) + "\n", "is 41 characters; a button shows at most 40", 2},
		{"twice", "topics:\n  practical: Booking\n  practical: Fees\n", `topic "practical" has a title already (at `, 3},
		{"not a map", "topics:\n  - practical\n", "`topics` must be a list of `topic-id: Title` lines", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeDir(t, map[string]string{"faq.yaml": twoTopics, "topics.yaml": tt.topics})
			_, err := knowledge.LoadDir(dir)
			list := errorList(t, err)
			if len(list) != 1 || !strings.Contains(list[0].Msg, tt.want) || list[0].Pos.Line != tt.line || !strings.HasSuffix(list[0].Pos.File, "topics.yaml") {
				t.Errorf("errors %v, want one at topics.yaml:%d containing %q", err, tt.line, tt.want)
			}
		})
	}
}
