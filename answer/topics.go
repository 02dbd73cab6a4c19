package answer

// What a transport needs to browse the knowledge: its topics, a topic's
// questions, and the ids its buttons name. Transports get them here, not
// from the knowledge itself, so they depend on the answering core alone.

import (
	"iter"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Topic is one topic of the knowledge, as a transport lists it.
type Topic struct {
	// ID is the topic as the entries name it (`topic: practical`).
	ID string
	// Title is the title staff gave it (a file's `topics:`), else its id
	// made readable: "facet-joint-denervation" is "Facet joint denervation".
	Title string
}

// Topics returns the knowledge's topics in the order they first appear.
func (e *Engine) Topics() []Topic {
	base := e.ix.Base()
	var out []Topic
	for _, id := range base.Topics() {
		out = append(out, e.topic(id))
	}
	return out
}

// Topic returns the topic id and its questions, each a choice that opens
// its entry, in the knowledge's order; ok is false when no entry has that
// topic (any more).
func (e *Engine) Topic(id string) (t Topic, questions []Choice, ok bool) {
	for _, ent := range e.ix.Base().TopicEntries(id) {
		questions = append(questions, Choice{EntryID: ent.ID, Title: ent.Question})
	}
	if len(questions) == 0 {
		return Topic{}, nil, false
	}
	return e.topic(id), questions, true
}

func (e *Engine) topic(id string) Topic {
	if t := e.ix.Base().TopicTitle(id); t != "" {
		return Topic{ID: id, Title: t}
	}
	return Topic{ID: id, Title: TopicLabel(id)}
}

// EntryIDs yields the id of every entry, in the knowledge's order: for a
// transport that finds an entry again from a shortened form of its id
// (Telegram's buttons carry at most 64 bytes).
func (e *Engine) EntryIDs() iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, ent := range e.ix.Base().Entries {
			if !yield(ent.ID) {
				return
			}
		}
	}
}

// Entries is the number of entries the engine answers from.
func (e *Engine) Entries() int { return len(e.ix.Base().Entries) }

// TopicLabel turns a topic id such as "facet-joint-denervation" into
// "Facet joint denervation", for a topic without a title.
func TopicLabel(id string) string {
	s := strings.TrimSpace(strings.NewReplacer("-", " ", "_", " ").Replace(id))
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return id
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
