package safety

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/mtibben/confusables"
)

// foldConfusables reads letters from other scripts that look like Latin
// letters as those letters, by the Unicode confusables table (TR39): a
// Cyrillic "а" in "chest pаin" or "е" in "lеgs" is an "a" or an "e". NFKC
// does not fold them. Only a letter whose skeleton is plain ASCII letters is
// replaced, so accented Latin letters and scripts with no look-alike stay.
func foldConfusables(s string) string {
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r < utf8.RuneSelf || !unicode.IsLetter(r) {
			b.WriteRune(r)
			continue
		}
		b.WriteString(foldRune(r))
	}
	return b.String()
}

var foldCache sync.Map // rune -> string

func foldRune(r rune) string {
	if v, ok := foldCache.Load(r); ok {
		return v.(string)
	}
	out := string(r)
	if sk := confusables.Skeleton(out); sk != "" && isASCIILetters(sk) {
		out = sk
	}
	foldCache.Store(r, out)
	return out
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}
