package knowledge

import (
	"fmt"
	"regexp"
	"strings"
)

// scanMistake looks, line by line, for the usual mistakes that make a
// file unreadable as YAML: a line indented unlike the lines it belongs
// with, a quoted text that is not closed or holds its own quote mark, a
// [list] not closed. It is run only once the parser has failed, whose
// line can be one or several lines early; it returns the first mistake.
func scanMistake(data []byte) (line int, msg string, ok bool) {
	lines := strings.Split(string(data), "\n")
	var levels []int      // indents in use, innermost last
	prevIndent := -1      // indent of the last field or list item
	prevOpens := false    // the last line ends with "key:": a child may follow
	prevPlain := false    // the last line's value is plain text, which may go on below
	block, text := -1, -1 // in a | or > text: its field's indent, and its text's
	blockJustEnded := false
	for i := 0; i < len(lines); i++ {
		l := strings.TrimRight(lines[i], " \r")
		content := strings.TrimLeft(l, " ")
		if content == "" || strings.HasPrefix(content, "#") {
			continue
		}
		ind := len(l) - len(content)
		if block >= 0 {
			if ind > block {
				if text < 0 {
					text = ind
				} else if ind < text {
					return i + 1, fmt.Sprintf("this line is part of the text above but indented less: start it after %d spaces, like the text above it", text), true
				}
				continue
			}
			block, text, blockJustEnded = -1, -1, true
		}
		switch {
		case prevOpens && (ind > prevIndent || ind == prevIndent && strings.HasPrefix(content, "- ")):
			if len(levels) == 0 || levels[len(levels)-1] != ind {
				levels = append(levels, ind) // a child level
			}
		case prevPlain && ind > prevIndent:
			if keyRE.MatchString(strings.TrimPrefix(content, "- ")) {
				// "field: value" indented under a field with text reads
				// as more of that text.
				return i + 1, fmt.Sprintf("this line is indented more than the line above it, so it reads as more of that line's text: start it after %d spaces, like the lines it belongs with", levels[len(levels)-1]), true
			}
			continue // plain text going on from the line above
		default:
			popped := -1
			for len(levels) > 0 && levels[len(levels)-1] > ind {
				popped = levels[len(levels)-1]
				levels = levels[:len(levels)-1]
			}
			if len(levels) == 0 {
				levels = append(levels, ind) // the first line sets the top level
			}
			if len(levels) == 0 || levels[len(levels)-1] != ind {
				want := popped
				if want < 0 && len(levels) > 0 {
					want = levels[len(levels)-1]
				}
				return i + 1, fmt.Sprintf("this line is indented differently from the lines above it: start it after %d spaces, like the lines it belongs with", max(want, 0)), true
			}
		}
		// A list item "- key: value" opens a level for its fields.
		rest, itemInd := content, ind
		if r, isItem := strings.CutPrefix(content, "- "); isItem || content == "-" {
			r = strings.TrimLeft(r, " ")
			itemInd = ind + len(content) - len(r)
			rest = r
			if keyRE.MatchString(rest) {
				levels = append(levels, itemInd)
			}
		}
		value := rest
		isKey := false
		if m := keyRE.FindStringSubmatchIndex(rest); m != nil {
			isKey = true
			value = strings.TrimSpace(rest[m[1]:])
		} else if rest == content && !strings.HasPrefix(content, "-") {
			// Neither a field nor a list item where one is expected.
			if blockJustEnded {
				return i + 1, "this line seems to belong to the text above it, but is not indented as far: indent it like that text", true
			}
			return i + 1, "this line has no field name: write it as `field: value`, or indent it to belong to the line above", true
		}
		blockJustEnded = false
		if value != "" && !strings.HasPrefix(value, "#") {
			if msg, bad, skip := checkValue(value, lines, i, ind); bad {
				return i + 1, msg, true
			} else {
				i += skip
			}
		}
		prevIndent, prevOpens = itemInd, isKey && (value == "" || strings.HasPrefix(value, "#"))
		if !isKey {
			prevIndent = ind
		}
		prevPlain = value != "" && !strings.ContainsAny(value[:1], `"'[{|>`)
		if isKey && (strings.HasPrefix(value, "|") || strings.HasPrefix(value, ">")) {
			block, text = itemInd, -1
		}
	}
	return 0, "", false
}

// keyRE is the start of a field: a plain name, a colon, then a space or
// the end of the line.
var keyRE = regexp.MustCompile(`^[A-Za-z_][\w.-]*:(?:\s|$)`)

// checkValue checks a value's quotes and brackets. skip is how many
// following lines a quoted text spread over several lines takes.
func checkValue(v string, lines []string, i, ind int) (msg string, bad bool, skip int) {
	switch v[0] {
	case '"':
		end := closingDouble(v[1:])
		if end < 0 {
			// A quoted text may go on over lines, up to its closing quote.
			for k := i + 1; k < len(lines); k++ {
				c := strings.TrimLeft(lines[k], " ")
				if n := len(lines[k]) - len(c); c != "" && n <= ind {
					break // the next field: the quote was never closed
				}
				if closingDouble(c) >= 0 {
					return "", false, k - i
				}
			}
			return `this text starts with a quote mark " but has none at its end: add " at the end of the text`, true, 0
		}
		if after := strings.TrimSpace(v[1+end+1:]); after != "" && !strings.HasPrefix(after, "#") {
			return `this text has a quote mark " inside it, which ends it early: write \" for a quote mark inside quotes, or use ' around the text`, true, 0
		}
	case '\'':
		for j := 1; j < len(v); j++ {
			if v[j] != '\'' {
				continue
			}
			if j+1 < len(v) && v[j+1] == '\'' {
				j++ // '' is a quote mark inside
				continue
			}
			if after := strings.TrimSpace(v[j+1:]); after != "" && !strings.HasPrefix(after, "#") {
				return fmt.Sprintf(`this text starts with ' and has another ' inside it (as in "it's"), which ends it early: put the text in double quotes instead, like this: "%s"`, strings.ReplaceAll(strings.Trim(v, "'"), `"`, `\"`)), true, 0
			}
			return "", false, 0
		}
		return "this text starts with ' but has none at its end: add ' at the end of the text", true, 0
	case '[':
		depth := brackets(v, 0)
		// A list may go on over lines, up to its closing ].
		for k := i + 1; depth > 0 && k < len(lines); k++ {
			c := strings.TrimLeft(lines[k], " ")
			if n := len(lines[k]) - len(c); c != "" && !strings.HasPrefix(c, "#") && n <= ind && (keyRE.MatchString(c) || strings.HasPrefix(c, "- ")) {
				break // the next field: the list was never closed
			}
			if depth = brackets(c, depth); depth <= 0 {
				return "", false, k - i
			}
		}
		if depth > 0 {
			return "this list opens with [ but does not close: end it with ], e.g. keywords: [recovery, work]", true, 0
		}
	}
	return "", false, 0
}

// brackets returns depth after the [ and ] of s (outside quotes and
// comments).
func brackets(s string, depth int) int {
	quote := byte(0)
	for j := 0; j < len(s); j++ {
		switch c := s[j]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '#' && (j == 0 || s[j-1] == ' '):
			return depth
		}
	}
	return depth
}

// closingDouble returns the index of the first unescaped " in s, or -1.
func closingDouble(s string) int {
	for j := 0; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return -1
}
