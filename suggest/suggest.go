// Package suggest turns the questions the bot could not answer into work
// for the staff: it groups the questions that ask the same thing, most
// asked first, names the existing entry closest to each group, and writes
// the YAML to paste (a new alternate, a new entry, or an out_of_scope
// line).
//
// Similarity is the answering engine's own: two questions are grouped when
// the engine, searching one among the others, is as sure they match as it
// must be to answer, and they do not lead to different closest entries.
// So the grouping improves with the engine (typos, word forms, synonyms).
// Print is `clinicbot report`; Week is the staff chats' /unanswered.
package suggest

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/clinicbot/clinicbot/answer"
	"github.com/clinicbot/clinicbot/index"
	"github.com/clinicbot/clinicbot/knowledge"
	"github.com/clinicbot/clinicbot/unanswered"
)

// Kind is what a group's snippet adds.
type Kind string

// Snippet kinds.
const (
	Alternate  Kind = "alternate"    // the closest entry answers it: add the questions as alternates
	NewEntry   Kind = "entry"        // nothing close: a new entry (or an out_of_scope line)
	OutOfScope Kind = "out_of_scope" // the bot answers it now: if wrongly, an out_of_scope line
)

// Group is one thing patients asked, in one or more wordings.
type Group struct {
	Questions []unanswered.Group // the wordings, most asked first
	Count     int                // times asked, all wordings
	Fallback  int                // times it got "I don't know"
	Choices   int                // times it got a "did you mean" list
	Last      time.Time
	// Closest is the existing entry nearest to the group's first wording,
	// nil when no entry is near enough to be offered.
	Closest *knowledge.Entry
	Score   float64 // the engine's confidence in Closest
	// Answered: the bot now answers the first wording with Closest (the
	// knowledge changed since, or the question was asked in other words).
	Answered bool
	Kind     Kind
	Snippet  string // YAML to paste
}

// maxCompared is how many of the most asked wordings are compared with
// the others (each costs an index build); the rest are compared only with
// these.
const maxCompared = 40

// Report groups the unanswered questions lines, most asked first.
func Report(ctx context.Context, eng *answer.Engine, lines []unanswered.Line, now time.Time) ([]Group, error) {
	wordings := unanswered.Summarise(lines)
	if len(wordings) == 0 {
		return nil, nil
	}
	s := eng.Settings()
	base := eng.Base()
	// The closest entry of each wording, as the bot sees it now.
	closest := make([]string, len(wordings))
	scores := make([]float64, len(wordings))
	answered := make([]bool, len(wordings))
	for i, w := range wordings {
		r := eng.Answer(ctx, w.Question)
		if len(r.Candidates) > 0 && r.Candidates[0].Score >= s.Choices {
			closest[i], scores[i] = r.Candidates[0].EntryID, r.Candidates[0].Score
			answered[i] = r.Kind == answer.KindAnswer && r.EntryID == closest[i]
		}
	}
	// How alike two wordings are: the engine's confidence searching one
	// among the others, the larger of both ways (a short wording covers
	// less of a long one than the long one of it). The others are searched
	// as entries added to the knowledge (with its synonyms), so that word
	// weights are the knowledge's, as when answering, however few the
	// wordings are; and without the wording searched, which would match
	// itself best and leave the others looking unsure.
	sim := map[[2]int]float64{}
	for i, w := range wordings[:min(len(wordings), maxCompared)] {
		entries := slices.Clone(base.Entries)
		byID := map[string]int{}
		for j, o := range wordings {
			if j == i {
				continue
			}
			id := fmt.Sprintf("unanswered-question-%d", j)
			byID[id] = j
			entries = append(entries, knowledge.Entry{ID: id, Question: o.Question, Answer: o.Question})
		}
		qb, err := knowledge.New(entries, base.Synonyms)
		if err != nil {
			return nil, err
		}
		ix, err := index.Build(qb)
		if err != nil {
			return nil, err
		}
		hits, err := ix.Search(ctx, w.Question, min(len(entries), 200))
		ix.Close()
		if err != nil {
			return nil, err
		}
		for _, h := range hits {
			j, ok := byID[h.Entry.ID]
			if !ok {
				continue // an entry of the knowledge
			}
			k := [2]int{min(i, j), max(i, j)}
			sim[k] = max(sim[k], h.Confidence)
		}
	}
	group := make([]bool, len(wordings)) // wording already in a group
	var out []Group
	for i := range wordings { // most asked first
		if group[i] {
			continue
		}
		g := Group{}
		for j := i; j < len(wordings); j++ {
			agree := closest[j] == closest[i] || closest[j] == "" || closest[i] == ""
			if !group[j] && (j == i || sim[[2]int{i, j}] >= s.Answer && agree) {
				group[j] = true
				g.Questions = append(g.Questions, wordings[j])
			}
		}
		if closest[i] != "" {
			g.Closest, _ = base.Entry(closest[i])
			g.Score, g.Answered = scores[i], answered[i]
		}
		out = append(out, g)
	}
	for k := range out {
		g := &out[k]
		sort.SliceStable(g.Questions, func(a, b int) bool { return g.Questions[a].Count > g.Questions[b].Count })
		for _, q := range g.Questions {
			g.Count += q.Count
			g.Fallback += q.Fallback
			g.Choices += q.Choices
			if q.Last.After(g.Last) {
				g.Last = q.Last
			}
		}
		g.Kind, g.Snippet = snippet(g, now)
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].Count != out[b].Count {
			return out[a].Count > out[b].Count
		}
		return out[a].Last.After(out[b].Last)
	})
	return out, nil
}

// snippet is the YAML a group needs: alternates for an entry that the
// bot already offers (it was unsure, not wrong); otherwise a new entry,
// with an out_of_scope line as the other choice for questions the clinic
// does not answer.
func snippet(g *Group, now time.Time) (Kind, string) {
	var b strings.Builder
	switch {
	case g.Answered:
		fmt.Fprintf(&b, "# the bot now answers this with %s (%s). If that is right, nothing to add.\n", g.Closest.ID, g.Closest.Pos)
		b.WriteString("# If it is wrong and the clinic does not answer this, so the bot says \"I don't know\":\n")
		b.WriteString("out_of_scope:\n")
		for _, q := range g.Questions {
			fmt.Fprintf(&b, "  - %s\n", yamlText(q.Question))
		}
		return OutOfScope, b.String()
	case g.Closest != nil && g.Choices > 0:
		fmt.Fprintf(&b, "# in %s, under `alternates:` of %s (if that entry answers it):\n", g.Closest.Pos, g.Closest.ID)
		for _, q := range g.Questions {
			fmt.Fprintf(&b, "      - %s\n", yamlText(q.Question))
		}
		return Alternate, b.String()
	}
	first := g.Questions[0].Question
	b.WriteString("# a new entry, under `entries:` (write an answer the clinic has signed off):\n")
	fmt.Fprintf(&b, "  - id: %s\n", slug(first))
	fmt.Fprintf(&b, "    question: %s\n", yamlText(sentence(first)))
	if len(g.Questions) > 1 {
		b.WriteString("    alternates:\n")
		for _, q := range g.Questions[1:] {
			fmt.Fprintf(&b, "      - %s\n", yamlText(q.Question))
		}
	}
	b.WriteString("    answer: |\n      (the clinic's answer)\n")
	if g.Closest != nil && g.Closest.Topic != "" {
		fmt.Fprintf(&b, "    topic: %s\n", g.Closest.Topic)
	}
	fmt.Fprintf(&b, "    reviewed: %s\n", now.Format(time.DateOnly))
	b.WriteString("# or, if the clinic does not answer this, so the bot keeps saying \"I don't know\":\n")
	b.WriteString("out_of_scope:\n")
	for _, q := range g.Questions {
		fmt.Fprintf(&b, "  - %s\n", yamlText(q.Question))
	}
	return NewEntry, b.String()
}

// yamlText writes s as a YAML value, quoted when a plain value would not
// read back as the same text.
func yamlText(s string) string {
	plain := s != "" && !strings.ContainsAny(s[:1], "-?:,[]{}#&*!|>'\"%@`") && !strings.Contains(s, ": ") &&
		!strings.Contains(s, " #") && !strings.HasSuffix(s, ":") && strings.TrimSpace(s) == s
	switch strings.ToLower(s) {
	case "yes", "no", "true", "false", "on", "off", "null", "~":
		plain = false
	}
	if plain {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// sentence capitalises s and ends it with a question mark, as entry
// questions are shown as titles.
func sentence(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) == 0 {
		return s
	}
	r[0] = unicode.ToUpper(r[0])
	out := string(r)
	if !strings.HasSuffix(out, "?") {
		out = strings.TrimRight(out, ".!") + "?"
	}
	return out
}

// slug makes an entry id from a question: its first words, lower case,
// joined by dashes.
func slug(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	if len(words) > 5 {
		words = words[:5]
	}
	if len(words) == 0 {
		return "new-entry"
	}
	return strings.Join(words, "-")
}
