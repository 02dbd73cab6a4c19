package knowledge

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// MaxTopicTitleLen is the longest topic title, in characters: it is a
// button's label, and Telegram cuts longer labels short on a phone.
const MaxTopicTitleLen = 40

// parseTopics reads a file's `topics:` map, topic id -> title, e.g.
//
//	topics:
//	  facet-joint-denervation: Facet joint denervation (RFA)
//	  practical: Booking, fees and practical questions
func parseTopics(b *Base, name string, n *yaml.Node) ErrorList {
	var errs ErrorList
	fail := func(line int, format string, args ...any) {
		errs = append(errs, &Error{Pos: Pos{File: name, Line: line}, Msg: fmt.Sprintf(format, args...)})
	}
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		fail(n.Line, "`topics` must be a list of `topic-id: Title` lines, e.g. `practical: Booking and fees`")
		return errs
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		id := strings.TrimSpace(k.Value)
		title := strings.TrimSpace(v.Value)
		switch {
		case !idPattern.MatchString(id):
			fail(k.Line, "topic %q must be lowercase words and digits joined by dashes, as in the entries' `topic:`", id)
			continue
		case v.Kind != yaml.ScalarNode || title == "":
			fail(v.Line, "topic %q needs a title after the colon, e.g. `%s: Booking and fees`", id, id)
			continue
		case utf8.RuneCountInString(title) > MaxTopicTitleLen:
			fail(v.Line, "the title of topic %q is %d characters; a button shows at most %d", id, utf8.RuneCountInString(title), MaxTopicTitleLen)
			continue
		}
		if prev, dup := b.topics[id]; dup {
			fail(k.Line, "topic %q has a title already (at %s)", id, prev.pos)
			continue
		}
		b.topics[id] = topicTitle{title: title, pos: Pos{File: name, Line: k.Line}}
	}
	return errs
}

// validateTopics reports titles of topics no entry uses, most likely a
// misspelt topic id.
func (b *Base) validateTopics() ErrorList {
	used := map[string]bool{}
	for _, t := range b.Topics() {
		used[t] = true
	}
	var errs ErrorList
	for id, t := range b.topics {
		if !used[id] {
			errs = append(errs, &Error{Pos: t.pos, Msg: fmt.Sprintf("topic %q has a title but no entry has `topic: %s` (the topics in use: %s)", id, id, strings.Join(b.Topics(), ", "))})
		}
	}
	return errs
}

// TopicEntries returns the entries whose topic is topic, in the order
// they appear in the knowledge.
func (b *Base) TopicEntries(topic string) []*Entry {
	var out []*Entry
	for i := range b.Entries {
		if b.Entries[i].Topic == topic {
			out = append(out, &b.Entries[i])
		}
	}
	return out
}
