package safety

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/clinicbot/clinicbot/clinicbot"
)

// maxGroups bounds the number of groups under all: in one rule.
const maxGroups = 16

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Parse compiles a rules file. filename is used only in error messages. On
// failure the error is a clinicbot.ErrorList holding every problem found,
// each with its line number, in line order.
func Parse(data []byte, filename string) (*Checker, error) {
	p := &parser{
		file:      filename,
		c:         &Checker{exact: map[string][]int32{}},
		wordIDs:   map[string]int32{},
		phraseIDs: map[string]int32{},
		ruleLines: map[string]int{},
	}
	p.parse(data)
	if len(p.problems) > 0 {
		p.problems.Sort()
		return nil, p.problems
	}
	return p.c, nil
}

type parser struct {
	file      string
	problems  clinicbot.ErrorList
	c         *Checker
	wordIDs   map[string]int32
	phraseIDs map[string]int32
	ruleLines map[string]int // rule id -> line of its first definition
}

func (p *parser) addf(line int, format string, args ...any) {
	if line < 1 {
		line = 1
	}
	p.problems = append(p.problems, &clinicbot.Error{Pos: clinicbot.Pos{File: p.file, Line: line}, Msg: fmt.Sprintf(format, args...)})
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func (p *parser) parse(data []byte) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		for _, msg := range yamlMessages(err) {
			line, rest := clinicbot.SplitYAMLLine(strings.TrimPrefix(msg, "yaml: "))
			p.addf(line, "YAML syntax: %s", rest) // addf makes line 0 line 1
		}
		return
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		p.addf(1, "the file is empty: it needs a red_flags: list of rules")
		return
	}
	root := deref(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		p.addf(root.Line, "the file must start with red_flags: followed by a list of rules")
		return
	}
	var list *yaml.Node
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], deref(root.Content[i+1])
		if first, dup := seen[k.Value]; dup {
			p.addf(k.Line, "%s: is given twice (first on line %d)", k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		if k.Value != "red_flags" {
			p.addf(k.Line, "unknown field %q at the top of the file (the only field is red_flags)", k.Value)
			continue
		}
		list = v
	}
	switch {
	case list == nil:
		p.addf(root.Line, "missing red_flags: list of rules")
		return
	case list.Kind != yaml.SequenceNode:
		p.addf(list.Line, "red_flags must be a list of rules, each starting with \"- id:\"")
		return
	case len(list.Content) == 0:
		p.addf(list.Line, "red_flags has no rules")
		return
	}
	for _, n := range list.Content {
		p.rule(deref(n))
	}
}

// yamlMessages splits a yaml.v3 error into its messages.
func yamlMessages(err error) []string {
	if te, ok := err.(*yaml.TypeError); ok {
		out := make([]string, len(te.Errors))
		for i, e := range te.Errors {
			out[i] = "yaml: " + e
		}
		return out
	}
	return []string{err.Error()}
}

var ruleFields = "id, kind, note, any, all, within, unless, over, ignore_could_questions"

func (p *parser) rule(n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		p.addf(n.Line, "each rule must be a set of fields (id:, kind:, ...), not %s", describe(n))
		return
	}
	fields := map[string]*yaml.Node{}
	keyLine := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		if first, dup := keyLine[k.Value]; dup {
			p.addf(k.Line, "%s: is given twice in this rule (first on line %d)", k.Value, first)
			continue
		}
		keyLine[k.Value] = k.Line
		switch k.Value {
		case "id", "kind", "note", "any", "all", "within", "unless", "over", "ignore_could_questions":
			fields[k.Value] = v
		default:
			p.addf(k.Line, "unknown field %q (rule fields are %s)", k.Value, ruleFields)
		}
	}
	name := "rule"
	r := rule{}
	ok := true
	if v := fields["id"]; v == nil {
		p.addf(n.Line, "rule has no id:")
		ok = false
	} else if v.Kind != yaml.ScalarNode || v.Tag == "!!null" || !idPattern.MatchString(v.Value) {
		p.addf(v.Line, "id must be lower-case letters, digits and hyphens, like chest-pain; got %s", describe(v))
		ok = false
	} else {
		r.id = v.Value
		name = fmt.Sprintf("rule %q", r.id)
		if first, dup := p.ruleLines[r.id]; dup {
			p.addf(v.Line, "duplicate id %q (first used on line %d)", r.id, first)
			ok = false
		} else {
			p.ruleLines[r.id] = v.Line
		}
	}
	if v := fields["kind"]; v == nil {
		p.addf(n.Line, "%s has no kind: (emergency or crisis)", name)
		ok = false
	} else if v.Kind != yaml.ScalarNode || (Kind(v.Value) != Emergency && Kind(v.Value) != Crisis) {
		p.addf(v.Line, "%s: unknown kind %s (must be emergency or crisis)", name, describe(v))
		ok = false
	} else {
		r.kind = Kind(v.Value)
	}
	if v := fields["note"]; v != nil && v.Kind != yaml.ScalarNode {
		p.addf(v.Line, "%s: note must be text", name)
	}
	if v := fields["within"]; v != nil {
		w, err := strconv.Atoi(v.Value)
		if v.Kind != yaml.ScalarNode || err != nil || w < 1 || w > 1000 {
			p.addf(v.Line, "%s: within must be a whole number of words from 1 to 1000, got %s", name, describe(v))
			ok = false
		}
		r.within = w
	}
	if v := fields["ignore_could_questions"]; v != nil {
		switch {
		case v.Kind == yaml.ScalarNode && (v.Value == "true" || v.Value == "yes"):
			r.ignoreCould = true
		case v.Kind == yaml.ScalarNode && (v.Value == "false" || v.Value == "no"):
		default:
			p.addf(v.Line, "%s: ignore_could_questions must be true or false, got %s", name, describe(v))
			ok = false
		}
	}
	anyNode, allNode := fields["any"], fields["all"]
	if anyNode == nil && allNode == nil {
		p.addf(n.Line, "%s has no phrases: give any: (a list of phrases) or all: (a list of groups), or both", name)
		ok = false
	}
	var anyPh, unlessPh, overPh []phraseAt
	var groups [][]phraseAt
	if anyNode != nil {
		anyPh = p.phraseList(anyNode, name, "any")
		if anyPh == nil {
			ok = false
		}
	}
	if allNode != nil {
		switch {
		case allNode.Kind != yaml.SequenceNode:
			p.addf(allNode.Line, "%s: all must be a list of groups, each a list of phrases in [ ]", name)
			ok = false
		case len(allNode.Content) == 0:
			p.addf(allNode.Line, "%s: all is empty", name)
			ok = false
		case len(allNode.Content) > maxGroups:
			p.addf(allNode.Line, "%s: all has %d groups; at most %d are allowed", name, len(allNode.Content), maxGroups)
			ok = false
		default:
			for gi, g := range allNode.Content {
				ph := p.phraseList(deref(g), name, fmt.Sprintf("group %d of all", gi+1))
				if ph == nil {
					ok = false
				}
				groups = append(groups, ph)
			}
		}
	}
	if v := fields["unless"]; v != nil {
		unlessPh = p.phraseList(v, name, "unless")
		if unlessPh == nil {
			ok = false
		}
	}
	if v := fields["over"]; v != nil {
		overPh = p.phraseList(v, name, "over")
		if overPh == nil {
			ok = false
		}
	}
	if !ok {
		return
	}
	r.ngroups = len(groups)
	ri := int32(len(p.c.rules))
	p.c.rules = append(p.c.rules, r)
	for _, ph := range anyPh {
		p.addMember(ph, ri, roleAny)
	}
	for gi, g := range groups {
		for _, ph := range g {
			p.addMember(ph, ri, int32(gi))
		}
	}
	for _, ph := range unlessPh {
		p.addMember(ph, ri, roleUnless)
	}
	for _, ph := range overPh {
		p.addMember(ph, ri, roleOver)
	}
}

// phraseAt is a compiled phrase (its word keys) before it is given an id.
type phraseAt struct {
	words []pword
}

// phraseList compiles a YAML list of phrases. It returns nil after reporting
// a problem.
func (p *parser) phraseList(n *yaml.Node, name, what string) []phraseAt {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		p.addf(n.Line, "%s: %s must be a list of phrases in [ ], like [%s]", name, what, n.Value)
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.addf(n.Line, "%s: %s must be a list of phrases in [ ], got %s", name, what, describe(n))
		return nil
	}
	if len(n.Content) == 0 {
		p.addf(n.Line, "%s: %s is empty", name, what)
		return nil
	}
	out := make([]phraseAt, 0, len(n.Content))
	bad := false
	for _, e := range n.Content {
		e = deref(e)
		if e.Kind != yaml.ScalarNode || e.Tag == "!!null" || strings.TrimSpace(e.Value) == "" {
			if e.Kind == yaml.SequenceNode {
				p.addf(e.Line, "%s: %s has a list inside a list; write each phrase as text", name, what)
			} else {
				p.addf(e.Line, "%s: %s has an empty or invalid phrase (%s)", name, what, describe(e))
			}
			bad = true
			continue
		}
		ph, msg := compilePhrase(e.Value)
		if msg != "" {
			p.addf(e.Line, "%s: %s: phrase %q %s", name, what, e.Value, msg)
			bad = true
			continue
		}
		out = append(out, ph)
	}
	if bad {
		return nil
	}
	return out
}

// compilePhrase normalises a phrase as messages are normalised, keeping '*'.
func compilePhrase(s string) (phraseAt, string) {
	t := tokenizer{pattern: true}
	t.run(s)
	if len(t.out) == 0 {
		return phraseAt{}, "has no words"
	}
	ph := phraseAt{}
	for _, tok := range t.out {
		w := tok.text
		star := strings.IndexByte(w, '*')
		prefix := false
		if star >= 0 {
			if star != len(w)-1 {
				return phraseAt{}, "may only have * at the end of a word"
			}
			w = w[:star]
			if n := utf8.RuneCountInString(w); n < 3 && (n < 2 || strings.Trim(w, "0123456789") != "") {
				return phraseAt{}, "needs at least 3 letters (or 2 digits) before *"
			}
			prefix = true
		}
		edits, swap := allowedEdits(w)
		ph.words = append(ph.words, pword{text: w, prefix: prefix, edits: edits, swap: swap})
	}
	return ph, ""
}

// allowedEdits is the number of typing errors (wrong, missing, extra or
// swapped letters) tolerated in a rule word, and for words too short for any,
// whether one swap of two neighbouring letters is tolerated.
func allowedEdits(w string) (edits int, swap bool) {
	if strings.ContainsAny(w, "0123456789") {
		return 0, false
	}
	switch n := utf8.RuneCountInString(w); {
	case n >= 8:
		return 2, false
	case n >= 5:
		return 1, false
	case n == 4:
		return 0, true
	}
	return 0, false
}

// anyFirstMinLen is the length from which a rule word's typos may have a wrong
// first letter.
const anyFirstMinLen = 5

// indexTypo lists rule word w (id) among the typo candidates: by its first
// byte, and when its first letter may be wrong by the lengths of the message
// words that could be a typo of it.
func (c *Checker) indexTypo(w pword, id int32) {
	if w.edits == 0 && !w.swap {
		return
	}
	lw := looseWord{text: w.text, id: id, edits: uint8(w.edits), swap: w.swap, prefix: w.prefix, mask: letterMask(w.text)}
	c.typo[w.text[0]] = append(c.typo[w.text[0]], lw)
	if w.edits == 0 || utf8.RuneCountInString(w.text) < anyFirstMinLen {
		return
	}
	lo, hi := len(w.text)-w.edits, len(w.text)+w.edits+1 // +1: a plural "s"
	if w.prefix {
		hi = maxTypoLen
	}
	for n := max(lo, 0); n <= min(hi, maxTypoLen); n++ {
		c.anyFirst[n] = append(c.anyFirst[n], lw)
	}
}

func (p *parser) addMember(ph phraseAt, rule, role int32) {
	c := p.c
	ids := make([]int32, len(ph.words))
	keys := make([]string, len(ph.words))
	for i, w := range ph.words {
		key := w.text
		if w.prefix {
			key += "*"
		}
		keys[i] = key
		id, ok := p.wordIDs[key]
		if !ok {
			id = int32(len(c.words))
			p.wordIDs[key] = id
			c.words = append(c.words, w)
			c.starts = append(c.starts, nil)
			if !w.prefix {
				for _, form := range wordForms(w.text) {
					c.exact[form] = append(c.exact[form], id)
				}
			}
			if w.text != "" {
				if w.prefix {
					c.prefix[w.text[0]] = append(c.prefix[w.text[0]], looseWord{text: w.text, id: id})
				}
				c.indexTypo(w, id)
			}
		}
		ids[i] = id
	}
	key := strings.Join(keys, " ")
	pid, ok := p.phraseIDs[key]
	if !ok {
		pid = int32(len(c.phrases))
		p.phraseIDs[key] = pid
		c.phrases = append(c.phrases, phrase{words: ids})
		c.members = append(c.members, nil)
		c.starts[ids[0]] = append(c.starts[ids[0]], pid)
	}
	m := member{rule: rule, role: role}
	for _, x := range c.members[pid] {
		if x == m {
			return
		}
	}
	c.members[pid] = append(c.members[pid], m)
}

// wordForms lists the message words that equal rule word w: itself, its
// plurals (or third person), and for a word of three letters or more the
// forms of a verb: past tense, participles and -ing ("wet" matches
// "wetted" and "wetting", "feel" "felt", "pass" "passed"), so that a rule
// written in the present matches the other tenses and persons.
func wordForms(w string) []string {
	forms := []string{w, w + "s", w + "es"}
	n := len(w)
	if n > 2 && w[n-1] == 'y' {
		forms = append(forms, w[:n-1]+"ies")
	}
	if n < 3 || !isLetters(w) {
		return forms
	}
	switch {
	case w[n-1] == 'e':
		forms = append(forms, w+"d", w[:n-1]+"ing", w+"ing")
	case w[n-1] == 'y' && !isVowel(w[n-2]):
		forms = append(forms, w[:n-1]+"ied", w+"ing")
	default:
		forms = append(forms, w+"ed", w+"ing")
		// a short vowel before a final consonant doubles it: wet, wetted
		if last := w[n-1]; !isVowel(last) && isVowel(w[n-2]) && (n < 3 || !isVowel(w[n-3])) && last != 'w' && last != 'x' && last != 'y' {
			forms = append(forms, w+string(last)+"ed", w+string(last)+"ing")
		}
	}
	return append(forms, irregularForms[w]...)
}

// irregularForms are the irregular past forms of verbs patients use when
// they describe symptoms and events.
var irregularForms = map[string][]string{
	"feel": {"felt"}, "lose": {"lost"}, "fall": {"fell", "fallen"},
	"take": {"took", "taken"}, "wake": {"woke", "woken"}, "go": {"went", "gone"},
	"come": {"came"}, "get": {"got", "gotten"}, "have": {"had", "has"},
	"think": {"thought"}, "bleed": {"bled"}, "break": {"broke", "broken"},
	"throw": {"threw", "thrown"}, "strike": {"struck"}, "swell": {"swollen"},
	"shake": {"shook", "shaken"}, "hold": {"held"}, "keep": {"kept"},
	"begin": {"began", "begun"}, "know": {"knew", "known"}, "run": {"ran"},
	"sleep": {"slept"}, "find": {"found"}, "shit": {"shat"}, "see": {"saw", "seen"},
}

func isVowel(b byte) bool { return strings.IndexByte("aeiou", b) >= 0 }

func isLetters(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// describe shows a YAML node in an error message.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return strconv.Quote(n.Value)
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a set of fields"
	}
	return "nothing"
}
