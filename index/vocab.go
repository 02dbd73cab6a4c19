package index

import (
	"sort"
	"strings"
)

// vocabulary is the set of plain words an index knows, for typo correction.
type vocabulary struct {
	freq  map[string]int
	byLen map[bucket][]string // words by first letter and length, most frequent first
}

// bucket groups words that could be one typo apart cheaply: people rarely
// get a word's first letter wrong.
type bucket struct {
	first rune
	n     int
}

func newVocabulary() vocabulary {
	return vocabulary{freq: map[string]int{}, byLen: map[bucket][]string{}}
}

func (v *vocabulary) add(toks []token) {
	for _, t := range toks {
		v.freq[t.plain]++
	}
}

func (v *vocabulary) finish() {
	for w := range v.freq {
		r := []rune(w)
		b := bucket{r[0], len(r)}
		v.byLen[b] = append(v.byLen[b], w)
	}
	for _, ws := range v.byLen {
		sort.Slice(ws, func(i, j int) bool {
			if v.freq[ws[i]] != v.freq[ws[j]] {
				return v.freq[ws[i]] > v.freq[ws[j]]
			}
			return ws[i] < ws[j]
		})
	}
}

func (v *vocabulary) has(w string) bool { _, ok := v.freq[w]; return ok }

// maxEdits is how many typing slips a word of n letters may carry and still
// be recognised: none for short words, where one slip makes another word.
func maxEdits(n int) int {
	switch {
	case n < 4:
		return 0
	case n < 8:
		return 1
	default:
		return 2
	}
}

// correct returns the known word closest to w that starts with the same
// letter, preferring fewer edits and then more frequent words, or "" when w
// is known or nothing is close.
func (v *vocabulary) correct(w string) string {
	if v.has(w) {
		return ""
	}
	r := []rune(w)
	k := maxEdits(len(r))
	if k == 0 {
		return ""
	}
	// Among words as close, one that the typed word spells without some
	// vowels wins ("numbr" is "number" rather than "numb": chat drops
	// vowels), then the one the knowledge uses most.
	best, bestD, bestVowels := "", k+1, false
	better := func(cand string, d int) bool {
		if d != bestD {
			return d < bestD
		}
		if d > k {
			return false
		}
		if dv := dropsVowels(r, cand); dv != bestVowels {
			return dv
		}
		return v.freq[cand] > v.freq[best]
	}
	for n := len(r) - k; n <= len(r)+k; n++ {
		if maxEdits(n) == 0 {
			continue
		}
		for _, cand := range v.byLen[bucket{r[0], n}] {
			if bestD <= 1 && v.freq[cand] <= v.freq[best] {
				// Words come most used first, so from here on only a
				// dropped-vowel reading can still win, and only of a
				// longer word when the best is not one already.
				if bestVowels || n <= len(r) {
					break
				}
				if !dropsVowels(r, cand) {
					continue
				}
			}
			d := editDistance(r, []rune(cand), bestD)
			if better(cand, d) {
				best, bestD, bestVowels = cand, d, dropsVowels(r, cand)
			}
		}
	}
	return best
}

// dropsVowels reports whether typed is word with one or more vowels left
// out, and nothing else changed.
func dropsVowels(typed []rune, word string) bool {
	w := []rune(word)
	if len(w) <= len(typed) {
		return false
	}
	i := 0
	for _, c := range w {
		switch {
		case i < len(typed) && typed[i] == c:
			i++
		case !strings.ContainsRune("aeiouy", c):
			return false
		}
	}
	return i == len(typed)
}

// editDistance is the optimal-string-alignment distance between a and b
// (insertions, deletions, substitutions and swaps of neighbours), or max+1
// as soon as it is known to exceed max.
func editDistance(a, b []rune, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			c := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				c = min(c, prev2[j-2]+1)
			}
			cur[j] = c
			rowMin = min(rowMin, c)
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
