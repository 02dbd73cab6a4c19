package safety

import (
	_ "embed"
	"sort"
	"strings"
	"sync"
)

// commonWordsText is a sorted list of common English words, one per line; lines
// starting with '#' are comments (source and licence).
//
//go:embed commonwords.txt
var commonWordsText string

var (
	commonWordsOnce sync.Once
	commonWords     []string
)

// CommonWord reports whether w (lower case, four letters or more) is a
// common English word, from the list the red-flag matcher uses.
func CommonWord(w string) bool { return isCommonWord(w) }

// isCommonWord reports whether w is a common English word. Such a word is taken
// as written and never as a typing error for a rule word: "fewer" is not "fever".
func isCommonWord(w string) bool {
	commonWordsOnce.Do(func() {
		lines := strings.Split(commonWordsText, "\n")
		words := make([]string, 0, len(lines))
		for _, l := range lines {
			if l = strings.TrimSpace(l); l != "" && l[0] != '#' {
				words = append(words, l)
			}
		}
		sort.Strings(words)
		commonWords = words
	})
	i := sort.SearchStrings(commonWords, w)
	return i < len(commonWords) && commonWords[i] == w
}

// maxTypoLen caps the message word lengths by which typo candidates are
// indexed: longer words share the last slot.
const maxTypoLen = 41

// letterMask has bit i set when s holds letter 'a'+i, and bit 26 for any
// other byte. A word within k edits of w lacks at most k of w's letters, which
// rules out most candidates before editDistance is run.
func letterMask(s string) uint32 {
	var m uint32
	for i := 0; i < len(s); i++ {
		if b := s[i] - 'a'; b < 26 {
			m |= 1 << b
		} else {
			m |= 1 << 26
		}
	}
	return m
}

// swapOf reports whether t is w with two neighbouring letters swapped, the
// first letter staying in place ("pian" for "pain", "bakc" for "back").
func swapOf(t, w string) bool {
	if len(t) != len(w) || len(t) < 3 {
		return false
	}
	i := 1
	for i < len(t) && t[i] == w[i] {
		i++
	}
	if t[0] != w[0] || i >= len(t)-1 || t[i] != w[i+1] || t[i+1] != w[i] || t[i] == t[i+1] {
		return false
	}
	return t[i+2:] == w[i+2:]
}

// editDistance returns the optimal-string-alignment distance between a and b
// (insertions, deletions, substitutions and swaps of neighbouring letters), or
// k+1 when it is larger than k.
func editDistance(a, b string, k int) int {
	const limit = 40
	la, lb := len(a), len(b)
	if d := la - lb; d > k || -d > k {
		return k + 1
	}
	if la > limit || lb > limit {
		return k + 1
	}
	var rows [3][limit + 1]int
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= lb; j++ {
		prev[j] = j
	}
	for i := 1; i <= la; i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= lb; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := prev[j-1] + cost
			if x := prev[j] + 1; x < v {
				v = x
			}
			if x := cur[j-1] + 1; x < v {
				v = x
			}
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				if x := prev2[j-2] + 1; x < v {
					v = x
				}
			}
			cur[j] = v
			if v < best {
				best = v
			}
		}
		if best > k {
			return k + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	if prev[lb] > k {
		return k + 1
	}
	return prev[lb]
}
