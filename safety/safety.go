// Package safety recognises messages that describe an emergency ("red flags")
// so that the bot can send the patient to urgent care before anything else.
//
// The rules live in a YAML file that clinic staff edit
// (knowledge/clinic/red_flags.yaml); its header documents the format and the
// matching semantics. Parse or Load compile the file into a Checker, and
// Checker.Check tests one message against every rule.
//
// Matching works on normalised words, not on regular expressions: the message
// is lower-cased, split into sentences, clauses and words, contractions are
// expanded ("can't", "cant", "cannot" all become "can not"), plurals match
// their singular, a trailing '*' in a rule matches any word ending, and rule
// words may carry typing errors, as long as the misspelt word is not itself a
// common English word: four-letter words one swap of neighbouring letters
// (pian = pain), words of five letters or more one wrong, missing, extra or
// swapped letter (two from eight letters). From five letters on the first
// letter may be the wrong one (xhest = chest, vladder = bladder); four-letter
// words must start right.
package safety

import (
	"fmt"
	"io/fs"
)

// Kind says what sort of urgent help an alert calls for.
type Kind string

const (
	// Emergency means call 999 or go to A&E now.
	Emergency Kind = "emergency"
	// Crisis means suicidal thoughts or self-harm: 999, and Samaritans on 116 123.
	Crisis Kind = "crisis"
)

// Alert is a matched rule.
type Alert struct {
	Rule string // the rule's id in the rules file
	Kind Kind   // what help the patient needs
}

// Checker holds compiled rules; safe for concurrent use.
type Checker struct {
	rules  []rule
	words  []pword
	exact  map[string][]int32 // a message word -> ids of rule words it equals (with plurals)
	prefix [256][]looseWord   // first byte -> rule words written with a trailing '*'
	typo   [256][]looseWord   // first byte -> rule words that tolerate typing errors
	// anyFirst[n] lists the rule words whose typos may start with a wrong first
	// letter (6+ letters) and that a message word of n bytes could be a typo of
	// (n == maxTypoLen: that long or longer).
	anyFirst [maxTypoLen + 1][]looseWord
	phrases  []phrase
	starts   [][]int32  // rule word id -> phrases that start with it
	members  [][]member // phrase id -> the rules and roles that use it
}

// rule is one compiled red flag.
type rule struct {
	id      string
	kind    Kind
	ngroups int
	within  int // 0: anywhere in the message
	// ignoreCould: a question whether it could happen ("could the needle
	// paralyse me?") is about a risk, not a report.
	ignoreCould bool
}

// pword is one distinct word used in rule phrases.
type pword struct {
	text   string
	prefix bool // written with a trailing '*'
	edits  int  // typing errors allowed (insertions, deletions, substitutions, swaps)
	swap   bool // edits == 0 but one swap of neighbouring letters, not the first, is allowed
}

// looseWord is a rule word matched by prefix or with typos, copied out of
// Checker.words so that scanning the candidates for a message word stays in
// one compact slice.
type looseWord struct {
	text   string
	id     int32
	edits  uint8  // copied from pword
	swap   bool   // copied from pword
	prefix bool   // copied from pword
	mask   uint32 // letterMask(text), for a quick test before editDistance
}

// phrase is a sequence of rule words.
type phrase struct {
	words []int32
}

// Roles of a phrase in a rule, besides group numbers (0, 1, ...).
const (
	roleAny    = -1
	roleUnless = -2
	roleOver   = -3
)

// member records that a phrase is used by a rule in a role.
type member struct {
	rule int32
	role int32
}

// Len returns the number of rules.
func (c *Checker) Len() int {
	if c == nil {
		return 0
	}
	return len(c.rules)
}

// Load reads name from fsys and parses it with Parse.
func Load(fsys fs.FS, name string) (*Checker, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("safety: %w", err)
	}
	return Parse(data, name)
}
