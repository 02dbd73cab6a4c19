package clinicbot

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// The files in a knowledge folder that are not knowledge entries: each
// has its own owner and format.
const (
	// SettingsFile holds the answer thresholds (package answer).
	SettingsFile = "settings.yaml"
	// RedFlagsFile holds the urgent-symptom rules (package safety).
	RedFlagsFile = "red_flags.yaml"
)

// Reserved lists the file names in a knowledge folder that the knowledge
// loader skips because another package owns their format.
var Reserved = []string{SettingsFile, RedFlagsFile}

// Pos is a place in a file staff edit: the file and its 1-based line
// (0 for the file as a whole).
type Pos struct {
	File string
	Line int
}

// String formats the place as "file:line", or "file" without a line.
func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// Error is one problem in a file staff edit (knowledge entries, red-flag
// rules, thresholds), said where it is so staff and editors can jump to it.
type Error struct {
	Pos Pos
	// EntryID names the knowledge entry the problem is in, if any.
	EntryID string
	Msg     string
}

// Error formats the problem as "file:line: message" (with the entry, when
// there is one: "file:line: entry \"id\": message").
func (e *Error) Error() string {
	if e.EntryID != "" {
		return fmt.Sprintf("%s: entry %q: %s", e.Pos, e.EntryID, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Pos, e.Msg)
}

// ErrorList is every problem found in the files staff edit: the one error
// every loader of those files returns.
type ErrorList []*Error

// Error lists the problems, one a line.
func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Sort sorts the list by file, then line, keeping the order of problems
// on the same line.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		if l[i].Pos.File != l[j].Pos.File {
			return l[i].Pos.File < l[j].Pos.File
		}
		return l[i].Pos.Line < l[j].Pos.Line
	})
}

// InDir names each problem's file as it is within dir, for files that were
// read by their names inside dir.
func (l ErrorList) InDir(dir string) {
	for _, e := range l {
		e.Pos.File = filepath.Join(dir, e.Pos.File)
	}
}

// yamlLine is how the YAML parser says where a problem is.
var yamlLine = regexp.MustCompile(`line (\d+): `)

// SplitYAMLLine takes the first "line N: " out of a YAML parser's message
// (without its "yaml: " prefix): the line, and the message without it. A
// message that names no line is returned whole, with line 0.
func SplitYAMLLine(msg string) (line int, rest string) {
	m := yamlLine.FindStringSubmatchIndex(msg)
	if m == nil {
		return 0, msg
	}
	line, _ = strconv.Atoi(msg[m[2]:m[3]])
	return line, strings.TrimSpace(msg[:m[0]] + msg[m[1]:])
}

// Problems lists the problems in err one a line, as staff read them: each
// Error of every ErrorList that err is or joins, and any other error line
// by line. ok is false when err says a file or folder is missing or cannot
// be read: no mistake in a file, but one of configuration, reported as it is.
func Problems(err error) (problems []string, ok bool) {
	errs := []error{err}
	if j, isJoin := err.(interface{ Unwrap() []error }); isJoin {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		var list ErrorList
		switch {
		case errors.As(e, &list):
			for _, p := range list {
				problems = append(problems, p.Error())
			}
		case errors.Is(e, fs.ErrNotExist) || errors.Is(e, fs.ErrPermission):
			return nil, false
		default:
			problems = append(problems, strings.Split(e.Error(), "\n")...)
		}
	}
	return problems, true
}
