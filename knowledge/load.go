package knowledge

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/clinicbot/clinicbot/clinicbot"
)

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// EntryFields are the fields an entry may have, in the order of Entry's
// fields: read from Entry's yaml tags, so a field added to Entry is
// accepted here and must be added to the JSON Schema (the schema test
// checks it).
var EntryFields = yamlFields(reflect.TypeFor[Entry]())

// FileKeys are the keys a knowledge file may have at its top level.
var FileKeys = []string{"entries", "synonyms", "out_of_scope", "topics"}

// fileKeyList names FileKeys for a message: `a`, `b` or `c`.
func fileKeyList() string {
	n := len(FileKeys)
	return "`" + strings.Join(FileKeys[:n-1], "`, `") + "` or `" + FileKeys[n-1] + "`"
}

// yamlFields lists the yaml names of a struct's exported fields.
func yamlFields(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out = append(out, name)
	}
	return out
}

// LoadDir loads and validates the knowledge folder at dir, read through
// Dir (so within its limits).
func LoadDir(dir string) (*Base, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("knowledge folder: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("knowledge folder %s: not a directory", dir)
	}
	b, err := Load(Dir(dir))
	if err != nil {
		var list ErrorList
		if errors.As(err, &list) {
			list.InDir(dir)
			return nil, list
		}
		return nil, fmt.Errorf("knowledge folder %s: %w", dir, err)
	}
	b.Warnings.InDir(dir)
	return b, nil
}

// Load reads every *.yaml file at the top of fsys, except the Reserved
// names, and validates the result as a whole. A problem in the files is
// reported as an ErrorList naming each file and line; nothing is returned
// unless every file is valid.
func Load(fsys fs.FS) (*Base, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	yml, err := fs.Glob(fsys, "*.yml")
	if err != nil {
		return nil, err
	}
	names = append(names, yml...)
	slices.Sort(names)
	b := &Base{byID: map[string]int{}, topics: map[string]topicTitle{}}
	var errs ErrorList
	unparsed := false // a file was not YAML at all, or was not read
	total := 0
	modified := map[string]time.Time{}
	for _, name := range names {
		if slices.Contains(Reserved, name) {
			continue
		}
		data, err := readBounded(fsys, name)
		if msg, ok := isLimit(err); ok {
			errs = append(errs, &Error{Pos: Pos{File: name}, Msg: msg})
			unparsed = true
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		if total += len(data); total > MaxTotalBytes {
			errs = append(errs, &Error{Pos: Pos{File: name}, Msg: fmt.Sprintf("the knowledge files up to this one are more than %s together; split the knowledge into folders, or remove files that are not knowledge", megabytes(MaxTotalBytes))})
			unparsed = true
			break
		}
		if info, err := fs.Stat(fsys, name); err == nil {
			modified[name] = info.ModTime()
		}
		b.Files = append(b.Files, name)
		ferrs, ok := parseFile(b, name, data)
		errs = append(errs, ferrs...)
		unparsed = unparsed || !ok
	}
	if len(b.Files) == 0 {
		return nil, errors.New("no knowledge files (*.yaml) found")
	}
	errs = append(errs, b.dedupe(modified)...)
	if !unparsed {
		// Cross-file checks only when every file parsed: a broken file
		// would make other files' related ids look missing.
		errs = append(errs, b.validate()...)
	}
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	if len(b.Entries) == 0 {
		return nil, errors.New("no entries in the knowledge files")
	}
	if len(b.Entries) > MaxEntries {
		return nil, fmt.Errorf("%d entries in the knowledge files, more than the %d a folder may hold", len(b.Entries), MaxEntries)
	}
	b.Warnings = b.topicWarnings()
	b.Warnings.Sort()
	return b, nil
}

// dedupe keeps one entry per id and reports the others. The entry kept is
// the one that was there first: in the file saved longest ago, or higher
// up in the same file. So a copy pasted into a new file, or an entry
// added below an old one, is the one blamed, not the original.
func (b *Base) dedupe(modified map[string]time.Time) ErrorList {
	var errs ErrorList
	kept := b.Entries[:0:0]
	for _, e := range b.Entries {
		prev, dup := b.byID[e.ID]
		if !dup {
			b.byID[e.ID] = len(kept)
			kept = append(kept, e)
			continue
		}
		old := &kept[prev]
		if modified[e.Pos.File].Before(modified[old.Pos.File]) {
			// This copy's file was saved before the other's: the other is the newcomer.
			e, *old = *old, e
		}
		errs = append(errs, &Error{Pos: Pos{File: e.Pos.File, Line: e.idLine}, EntryID: e.ID,
			Msg: fmt.Sprintf("duplicate id (first defined at %s)", old.Pos)})
	}
	b.Entries = kept
	return errs
}

// parseFile decodes one file into b, returning its problems and whether
// the file was valid YAML at all.
func parseFile(b *Base, name string, data []byte) (ErrorList, bool) {
	var errs ErrorList
	fail := func(line int, id, format string, args ...any) {
		errs = append(errs, &Error{Pos: Pos{File: name, Line: line}, EntryID: id, Msg: fmt.Sprintf(format, args...)})
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := explainYAML(data, err)
		fail(line, "", "%s", msg)
		return errs, false
	}
	if len(doc.Content) == 0 {
		return nil, true // an empty file is allowed (e.g. everything commented out)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		fail(root.Line, "", "expected keys such as `entries:` at the top of the file")
		return errs, false
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		switch key.Value {
		case "entries":
			if val.Kind != yaml.SequenceNode {
				if isNull(val) {
					continue
				}
				fail(val.Line, "", "`entries` must be a list (each item starting with `- id:`)")
				continue
			}
			for _, item := range val.Content {
				errs = append(errs, parseEntry(b, name, data, item)...)
			}
		case "synonyms":
			if isNull(val) {
				continue
			}
			if val.Kind != yaml.SequenceNode {
				fail(val.Line, "", "`synonyms` must be a list of groups, e.g. `- [rfa, radiofrequency ablation]`")
				continue
			}
			for _, g := range val.Content {
				var group []string
				if g.Kind != yaml.SequenceNode || g.Decode(&group) != nil {
					fail(g.Line, "", "a synonym group must be a list of words, e.g. `- [rfa, radiofrequency ablation]`")
					continue
				}
				var clean []string
				for _, w := range group {
					if w = strings.TrimSpace(w); w != "" {
						clean = append(clean, w)
					}
				}
				if len(clean) < 2 {
					fail(g.Line, "", "a synonym group needs at least two words")
					continue
				}
				b.Synonyms = append(b.Synonyms, clean)
			}
		case "out_of_scope":
			if isNull(val) {
				continue
			}
			if val.Kind != yaml.SequenceNode {
				fail(val.Line, "", "`out_of_scope` must be a list of example questions the clinic does not answer, each starting with `- `")
				continue
			}
			for _, q := range val.Content {
				if q.Kind != yaml.ScalarNode || isNull(q) {
					fail(q.Line, "", "each `out_of_scope` item must be one question written as text, e.g. `- what is the price of bitcoin`")
					continue
				}
				if t := strings.TrimSpace(q.Value); t != "" {
					b.OutOfScope = append(b.OutOfScope, t)
				} else {
					fail(q.Line, "", "an `out_of_scope` question is empty")
				}
			}
		case "topics":
			errs = append(errs, parseTopics(b, name, val)...)
		default:
			fail(key.Line, "", "unknown top-level key %q (expected %s)", key.Value, fileKeyList())
		}
	}
	return errs, true
}

func parseEntry(b *Base, name string, data []byte, n *yaml.Node) ErrorList {
	var errs ErrorList
	if n.Kind != yaml.MappingNode {
		return ErrorList{{Pos: Pos{File: name, Line: n.Line}, Msg: "each entry must be a set of fields starting with `- id:`"}}
	}
	id := ""
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "id" {
			id = n.Content[i+1].Value
		}
	}
	fail := func(line int, format string, args ...any) {
		errs = append(errs, &Error{Pos: Pos{File: name, Line: line}, EntryID: id, Msg: fmt.Sprintf(format, args...)})
	}
	lines := map[string]int{}
	dupField := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !slices.Contains(EntryFields, k.Value) {
			fail(k.Line, "unknown field %q (allowed: %s)", k.Value, strings.Join(EntryFields, ", "))
			continue
		}
		if _, dup := lines[k.Value]; dup {
			fail(k.Line, "field %q appears twice", k.Value)
			dupField = true
		}
		lines[k.Value] = n.Content[i+1].Line
	}
	if dupField {
		return errs // decoding would only report the same problem again
	}
	var e Entry
	if err := n.Decode(&e); err != nil {
		line, msg := yamlErrorLine(err)
		if line == 0 {
			line = n.Line
		}
		if strings.Contains(msg, "cannot unmarshal !!map into string") {
			// "- how: now" in a list of texts: YAML read the colon as a field.
			if l, ok := colonLine(data, line); ok {
				line, msg = l, quoteAdvice(data, l)
			}
		}
		fail(line, "%s", msg)
		return errs
	}
	e.Pos = Pos{File: name, Line: n.Line}
	at := func(field string) int {
		if l, ok := lines[field]; ok {
			return l
		}
		return n.Line
	}
	e.ID = strings.TrimSpace(e.ID)
	e.Question = strings.TrimSpace(e.Question)
	e.Answer = strings.TrimSpace(e.Answer)
	switch {
	case e.ID == "":
		fail(n.Line, "missing `id`")
	case !idPattern.MatchString(e.ID):
		fail(at("id"), "id %q must be lowercase words and digits joined by dashes, e.g. facet-joint-recovery", e.ID)
	}
	if e.Question == "" {
		fail(at("question"), "missing or empty `question`")
	}
	if e.Answer == "" {
		fail(at("answer"), "missing or empty `answer`")
	} else if n := utf8.RuneCountInString(e.Answer); n > MaxAnswerLen {
		fail(at("answer"), "answer is %d characters; one Telegram message holds at most %d", n, MaxAnswerLen)
	}
	for _, msg := range checkPlaceholders(&e) {
		fail(at("answer"), "%s", msg)
	}
	for j, a := range e.Alternates {
		if strings.TrimSpace(a) == "" {
			fail(at("alternates"), "alternate %d is empty", j+1)
		}
	}
	if e.Reviewed != "" {
		if _, err := time.Parse(time.DateOnly, e.Reviewed); err != nil {
			fail(at("reviewed"), "reviewed %q must be a date like 2026-11-25", e.Reviewed)
		}
	}
	if e.ID != "" {
		e.idLine, e.topicLine = at("id"), at("topic")
		b.Entries = append(b.Entries, e)
	}
	return errs
}

// validate checks what needs the whole folder: related ids, topic titles.
func (b *Base) validate() ErrorList {
	errs := b.validateTopics()
	for _, e := range b.Entries {
		for _, r := range e.Related {
			if _, ok := b.byID[r]; !ok {
				msg := fmt.Sprintf("related id %q does not exist", r)
				if near := b.closestID(r); near != "" {
					msg += fmt.Sprintf("; did you mean %s?", near)
				}
				errs = append(errs, &Error{Pos: e.Pos, EntryID: e.ID, Msg: msg})
			} else if r == e.ID {
				errs = append(errs, &Error{Pos: e.Pos, EntryID: e.ID, Msg: "an entry cannot be related to itself"})
			}
		}
	}
	return errs
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// yamlErrorLine pulls the first line number out of a yaml.v3 error.
func yamlErrorLine(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	return clinicbot.SplitYAMLLine(msg)
}
