package knowledge

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// This file turns what the YAML parser says into words a member of staff
// who has never heard of YAML can act on, and finds the line the mistake
// is really on (the parser sometimes names the line before).

// Messages staff read for the most common YAML mistakes.
const (
	tabAdvice = "use spaces, not a tab, to indent"
	// quoteAdviceText is followed by an example built from the line.
	quoteAdviceText = "a colon followed by a space starts a new field, so this text cannot hold one as it is: put this text in quotes"
)

// explainYAML turns a yaml.v3 syntax error into the line of the mistake
// and a message in plain words.
func explainYAML(data []byte, err error) (int, string) {
	line, msg := yamlErrorLine(err)
	switch {
	case strings.Contains(msg, "tab character") || strings.Contains(msg, "cannot start any token"):
		// The parser names the line before, or the line where the tab
		// first upsets it: the mistake is the first tab in an indent.
		if l, ok := tabLine(data); ok {
			return l, tabAdvice
		}
	case strings.Contains(msg, "mapping values are not allowed"):
		if l, ok := colonLine(data, line); ok {
			return l, quoteAdvice(data, l)
		}
	}
	if l, m, ok := scanMistake(data); ok {
		return l, m
	}
	return line, "invalid YAML: " + msg
}

// tabLine finds the first line indented with a tab.
func tabLine(data []byte) (int, bool) {
	for i, l := range strings.Split(string(data), "\n") {
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if strings.Contains(indent, "\t") {
			return i + 1, true
		}
	}
	return 0, false
}

// textWithColon is a line of the form "key: text: more" or "- text: more",
// text that is not quoted and holds a colon followed by a space.
var textWithColon = regexp.MustCompile(`^\s*(?:-\s+)?(?:[A-Za-z_][\w-]*:\s+)?([^\s"'\[{|>&*!#-][^#]*?:\s.*)$`)

// colonLine finds, at line or the line after it (the parser may name
// either), a line whose unquoted text holds ": ".
func colonLine(data []byte, line int) (int, bool) {
	lines := strings.Split(string(data), "\n")
	for _, l := range []int{line, line + 1} {
		if l < 1 || l > len(lines) {
			continue
		}
		if m := textWithColon.FindStringSubmatch(lines[l-1]); m != nil && hasTwoColons(lines[l-1]) {
			return l, true
		}
	}
	return 0, false
}

// hasTwoColons reports whether a line holds a field name and then, in its
// text, another ": " (or a list item's text holds one).
func hasTwoColons(l string) bool {
	t := strings.TrimSpace(l)
	if strings.HasPrefix(t, "- ") {
		return strings.Contains(t, ": ") || strings.HasSuffix(t, ":")
	}
	_, rest, ok := strings.Cut(t, ": ")
	return ok && (strings.Contains(rest, ": ") || strings.HasSuffix(rest, ":"))
}

// quoteAdvice is the advice for a text holding ": ", with the line as it
// should be written.
func quoteAdvice(data []byte, line int) string {
	l := strings.Split(string(data), "\n")[line-1]
	t := strings.TrimSpace(l)
	prefix := ""
	if rest, ok := strings.CutPrefix(t, "- "); ok {
		prefix, t = "- ", rest
	} else if key, rest, ok := strings.Cut(t, ": "); ok {
		prefix, t = key+": ", strings.TrimSpace(rest)
	}
	fixed := prefix + `"` + strings.ReplaceAll(t, `"`, `\"`) + `"`
	return fmt.Sprintf("%s, like this: %s", quoteAdviceText, fixed)
}

// closestID is the entry id nearest to a mistyped one, or "" if none is
// near enough to be what was meant.
func (b *Base) closestID(typo string) string {
	ids := make([]string, len(b.Entries))
	for i, e := range b.Entries {
		ids[i] = e.ID
	}
	return closest(typo, ids)
}

// closest returns the word in words nearest to w by edit distance, if it
// is within about a third of w's length; ties go to the first.
func closest(w string, words []string) string {
	best, bestD := "", len([]rune(w))/3+1
	for _, c := range words {
		if d := editDistance(w, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, with a
// transposition of two neighbouring letters counted as one edit.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	prev2 := make([]int, len(y)+1)
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(y)]
}

// topicWarnings flags a topic that only one entry uses while other topics
// are shared: most likely a typo, and it would add a /topics button of
// its own. It is a warning, since a new topic may be meant.
func (b *Base) topicWarnings() ErrorList {
	uses := map[string]int{}
	for _, e := range b.Entries {
		if e.Topic != "" {
			uses[e.Topic]++
		}
	}
	var shared []string
	for t, n := range uses {
		if n > 1 {
			shared = append(shared, t)
		}
	}
	sort.Strings(shared)
	if len(shared) == 0 {
		return nil
	}
	var out ErrorList
	for _, e := range b.Entries {
		if e.Topic == "" || uses[e.Topic] != 1 {
			continue
		}
		msg := fmt.Sprintf("topic %q is used by no other entry, so it adds a topic of its own to /topics; the topics in use are %s", e.Topic, strings.Join(shared, ", "))
		if near := closest(e.Topic, shared); near != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", near)
		}
		out = append(out, &Error{Pos: Pos{File: e.Pos.File, Line: e.topicLine}, EntryID: e.ID, Msg: msg})
	}
	return out
}
