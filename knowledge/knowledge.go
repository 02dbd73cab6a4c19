// Package knowledge owns the clinic's knowledge format: the YAML files that
// clinic staff edit, loaded and validated into entries the index can search.
//
// A knowledge folder holds *.yaml files. Each may list `entries:` (the
// questions and passages patients read), `synonyms:` (groups of words
// patients use interchangeably) and `out_of_scope:` (example questions the
// clinic does not answer). Two names are reserved for other owners and
// are not read here: settings.yaml (answer thresholds) and red_flags.yaml
// (urgent-symptom rules).
package knowledge

import (
	"fmt"
	"strings"

	"github.com/clinicbot/clinicbot/clinicbot"
)

// MaxAnswerLen is the longest answer, in characters, that fits one Telegram message.
const MaxAnswerLen = 4096

// Reserved lists the file names in a knowledge folder that Load skips
// because another package owns their format (clinicbot.Reserved).
var Reserved = clinicbot.Reserved

// Entry is one question a patient may ask and the passage that answers it.
type Entry struct {
	ID         string   `yaml:"id"`
	Question   string   `yaml:"question"`
	Alternates []string `yaml:"alternates"`
	Answer     string   `yaml:"answer"`
	Topic      string   `yaml:"topic"`
	Keywords   []string `yaml:"keywords"`
	Related    []string `yaml:"related"`
	Booking    bool     `yaml:"booking"`
	Owner      string   `yaml:"owner"`
	Reviewed   string   `yaml:"reviewed"`

	// Pos is where the entry starts in its file.
	Pos Pos `yaml:"-"`

	idLine, topicLine int // where its id and topic are, for messages
}

// Questions returns the canonical question followed by its alternates.
func (e *Entry) Questions() []string {
	return append([]string{e.Question}, e.Alternates...)
}

// Pos is a place in a knowledge file: the domain's clinicbot.Pos.
type Pos = clinicbot.Pos

// Base is a loaded, validated knowledge folder.
type Base struct {
	Entries  []Entry
	Synonyms [][]string
	// OutOfScope lists example questions the knowledge does not answer
	// (the files' `out_of_scope:` lists): a question close to one of them
	// gets the honest fallback.
	OutOfScope []string
	// Files lists the files that were read, in order.
	Files []string
	// Warnings are problems that do not stop the knowledge loading, such
	// as a topic no other entry uses (perhaps a typo).
	Warnings ErrorList

	byID map[string]int
	// topics holds the titles staff gave topics (a file's `topics:`).
	topics map[string]topicTitle
}

type topicTitle struct {
	title string
	pos   Pos
}

// TopicTitle returns the title staff gave topic, "" if none.
func (b *Base) TopicTitle(topic string) string {
	return b.topics[topic].title
}

// Entry returns the entry with the given id.
func (b *Base) Entry(id string) (*Entry, bool) {
	i, ok := b.byID[id]
	if !ok {
		return nil, false
	}
	return &b.Entries[i], true
}

// Topics returns the distinct topics in the order they first appear.
func (b *Base) Topics() []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range b.Entries {
		if e.Topic != "" && !seen[e.Topic] {
			seen[e.Topic] = true
			out = append(out, e.Topic)
		}
	}
	return out
}

// Error is one problem in a knowledge file: the domain's clinicbot.Error,
// the one error type of every file staff edit.
type Error = clinicbot.Error

// ErrorList is every problem found in a knowledge folder, sorted by file
// and line: the domain's clinicbot.ErrorList.
type ErrorList = clinicbot.ErrorList

// New returns a base of entries and synonym groups that come from
// somewhere other than a folder (such as patients' questions, to search
// them with the same engine). Ids must be unique; questions and answers
// must not be empty.
func New(entries []Entry, synonyms [][]string) (*Base, error) {
	b := &Base{Entries: entries, Synonyms: synonyms, byID: make(map[string]int, len(entries))}
	for i, e := range entries {
		if e.ID == "" || strings.TrimSpace(e.Question) == "" || strings.TrimSpace(e.Answer) == "" {
			return nil, fmt.Errorf("entry %d: id, question and answer are required", i+1)
		}
		if _, dup := b.byID[e.ID]; dup {
			return nil, fmt.Errorf("duplicate id %q", e.ID)
		}
		b.byID[e.ID] = i
	}
	return b, nil
}
