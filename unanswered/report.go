package unanswered

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
	"unicode"
)

// Read reads a log's lines, oldest first as written. Lines it cannot read
// (a hand edit, a write cut short) are skipped and counted. Questions are
// redacted again, so lines written before a redaction rule existed get it.
func Read(r io.Reader) (lines []Line, skipped int, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var ln Line
		if json.Unmarshal(sc.Bytes(), &ln) != nil || ln.Question == "" {
			skipped++
			continue
		}
		if ln.Reply == "" {
			ln.Reply = "fallback" // lines from before replies were recorded
		}
		ln.Question = Redact(ln.Question)
		lines = append(lines, ln)
	}
	return lines, skipped, sc.Err()
}

// ReadFile reads the log at path.
func ReadFile(path string) ([]Line, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("unanswered log: %w", err)
	}
	defer f.Close()
	lines, skipped, err := Read(f)
	if err != nil {
		return nil, 0, fmt.Errorf("unanswered log %s: %w", path, err)
	}
	return lines, skipped, nil
}

// Group is one question as staff see it: the lines that ask it in the same
// words, give or take case, spacing and punctuation.
type Group struct {
	Question string    // as last asked
	Count    int       // how many times
	Last     time.Time // when last asked
	Fallback int       // how many times it got "I don't know"
	Choices  int       // how many times it got a "did you mean" list
	Offered  []string  // the entries offered, most often offered first
}

// Summarise groups lines by question, most asked first (then most recent).
func Summarise(lines []Line) []Group {
	byKey := map[string]*Group{}
	offered := map[string]map[string]int{}
	var order []string
	for _, ln := range lines {
		k := groupKey(ln.Question)
		g := byKey[k]
		if g == nil {
			g = &Group{}
			byKey[k] = g
			offered[k] = map[string]int{}
			order = append(order, k)
		}
		g.Count++
		if !ln.Time.Before(g.Last) {
			g.Last, g.Question = ln.Time, ln.Question
		}
		if ln.Reply == "choices" {
			g.Choices++
		} else {
			g.Fallback++
		}
		for _, id := range ln.Offered {
			offered[k][id]++
		}
	}
	out := make([]Group, 0, len(order))
	for _, k := range order {
		g := byKey[k]
		for id := range offered[k] {
			g.Offered = append(g.Offered, id)
		}
		sort.Slice(g.Offered, func(i, j int) bool {
			a, b := offered[k][g.Offered[i]], offered[k][g.Offered[j]]
			if a != b {
				return a > b
			}
			return g.Offered[i] < g.Offered[j]
		})
		out = append(out, *g)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Last.After(out[j].Last)
	})
	return out
}

// groupKey is a question's words in lower case, without punctuation.
func groupKey(q string) string {
	f := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '[' && r != ']'
	})
	return strings.Join(f, " ")
}
