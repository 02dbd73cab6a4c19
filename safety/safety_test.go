package safety

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/clinicbot/clinicbot/clinicbot"
)

const rulesPath = "../knowledge/clinic/red_flags.yaml"

func loadClinicRules(t testing.TB) *Checker {
	t.Helper()
	c, err := Load(os.DirFS(filepath.Dir(rulesPath)), filepath.Base(rulesPath))
	if err != nil {
		t.Fatalf("loading the clinic's rules:\n%v", err)
	}
	return c
}

// readLines reads a test data file: one message per line, '#' comments and
// blank lines skipped.
func readLines(t testing.TB, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// gateSets are the red-flag test sets in the gate: each pair is a file of
// messages that must alarm and a file of near misses that must not (at most
// 2%). urgent.txt and near_misses.txt were written from patients' wording;
// the blind sets were written by people who never saw the rules.
var gateSets = []struct{ name, urgent, near string }{
	{"written", "urgent.txt", "near_misses.txt"},
	{"blind A", "blind_a_urgent.txt", "blind_a_near.txt"},
	{"blind B", "blind_b_urgent.txt", "blind_b_near.txt"},
}

func TestClinicRulesRecall(t *testing.T) {
	c := loadClinicRules(t)
	for _, set := range gateSets {
		msgs := readLines(t, "../tests/safety/"+set.urgent)
		if len(msgs) < 60 {
			t.Fatalf("%s has %d messages, want at least 60", set.urgent, len(msgs))
		}
		missed := 0
		for _, m := range msgs {
			if _, ok := c.Check(m); !ok {
				missed++
				t.Errorf("%s: MISSED urgent message: %q", set.name, m)
			}
		}
		t.Logf("%s recall: %d/%d urgent messages caught (%.1f%%)", set.name, len(msgs)-missed, len(msgs),
			100*float64(len(msgs)-missed)/float64(len(msgs)))
	}
}

func TestClinicRulesFalseAlarms(t *testing.T) {
	c := loadClinicRules(t)
	for _, set := range gateSets {
		msgs := readLines(t, "../tests/safety/"+set.near)
		if len(msgs) < 60 {
			t.Fatalf("%s has %d messages, want at least 60", set.near, len(msgs))
		}
		alarms := 0
		for _, m := range msgs {
			if a, ok := c.Check(m); ok {
				alarms++
				t.Logf("%s: false alarm (%s, rule %s): %q", set.name, a.Kind, a.Rule, m)
			}
		}
		rate := 100 * float64(alarms) / float64(len(msgs))
		t.Logf("%s false alarms: %d/%d near misses (%.1f%%)", set.name, alarms, len(msgs), rate)
		if alarms*100 > 2*len(msgs) {
			t.Errorf("%s: false alarm rate %.1f%% is over 2%%", set.name, rate)
		}
	}
}

// TestClinicRulesEveryRuleUsed checks that every rule in the clinic's file is
// exercised by at least one urgent message.
func TestClinicRulesEveryRuleUsed(t *testing.T) {
	c := loadClinicRules(t)
	hit := map[string]int{}
	for _, m := range readLines(t, "../tests/safety/urgent.txt") {
		if a, ok := c.Check(m); ok {
			hit[a.Rule]++
		}
	}
	for _, r := range c.rules {
		if hit[r.id] == 0 {
			t.Errorf("no urgent message is reported under rule %q", r.id)
		}
	}
	t.Logf("urgent messages per rule: %v", hit)
}

// TestClinicRulesKinds spot-checks the rule and kind reported.
func TestClinicRulesKinds(t *testing.T) {
	c := loadClinicRules(t)
	for _, tc := range []struct {
		msg  string
		kind Kind
	}{
		{"I want to end my life", Crisis},
		{"i keep thinking about hurting myself", Crisis},
		{"I have chest pain", Emergency},
		{"I can't control my bladder", Emergency},
	} {
		a, ok := c.Check(tc.msg)
		if !ok || a.Kind != tc.kind {
			t.Errorf("Check(%q) = %+v, %v; want kind %s", tc.msg, a, ok, tc.kind)
		}
	}
	if c.Len() < 8 {
		t.Errorf("Len() = %d, want at least 8 rules", c.Len())
	}
}

const semanticsRules = `
red_flags:
  - id: chest
    kind: emergency
    any: [heart attack]
    all:
      - [chest]
      - [pain*, tight*]
    within: 6
    unless: [chest infection, years ago]
  - id: legs
    kind: emergency
    all:
      - [legs]
      - [numb*, not feel, weak]
  - id: bladder
    kind: emergency
    any: [wet myself, not pee, lost all control]
  - id: crisis
    kind: crisis
    any: [kill myself, want to die]
  - id: fever
    kind: emergency
    all:
      - [fever]
      - [back]
`

func TestMatchingSemantics(t *testing.T) {
	c, err := Parse([]byte(semanticsRules), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		msg  string
		want string // rule id, or "" for no alert
	}{
		// case, punctuation, word order, plurals, prefix
		{"CHEST PAIN!!!", "chest"},
		{"pains in my chest", "chest"},
		{"my chest is so tight", "chest"},
		{"tightness in the chest", "chest"},
		{"chestpain", ""},
		// typos: 5+ letter words tolerate one error, the first letter too
		{"chesst pain", "chest"},
		{"cheat pain", ""},      // a real word is never a typo
		{"chess pains", ""},     // likewise
		{"shest pain", ""},      // first letter wrong, but one slip from "sheet" as well
		{"xhest pain", "chest"}, // the key beside it
		{"xhesy pain", ""},      // two slips in a 5-letter word
		// four-letter words: one swap of neighbouring letters, first letter kept
		{"chest pian", "chest"},
		{"chest pianful", "chest"}, // pain*
		{"chest apin", ""},         // first two letters swapped
		{"chest pein", ""},         // a wrong letter is not a swap
		{"my lges are numb", "legs"},
		{"my legs are nubm", "legs"},
		{"i have a fever and bakc ache", "fever"},
		{"i have a fever and abck ache", ""},
		// 6+ letters: the first letter may be wrong or swapped with the second
		{"heart sttack", "chest"},
		{"heart tatack", "chest"},
		{"heart ttack", ""},   // a missing first letter is not allowed
		{"heart xattack", ""}, // nor an extra one
		{"heart sttacj", ""},  // a wrong first letter uses up a 6-letter word's one error
		{"i want to kill nyself", "crisis"},
		{"my xegs are numb", ""}, // 4 letters: the first letter must be right
		{"i have a fevr and back ache", "fever"},
		{"fewer back problems", ""},
		{"never had a fever, back is fine", ""},              // "never" denies ...
		{"never had a fever like this, back hurts", "fever"}, // ... unless it says something is new
		// window: within 6 words, same sentence
		{"chest, and then after a long time I got some pain", ""},
		{"my chest. pain in my knee", ""},
		// plurals: "legs" needs the plural; "leg" does not match
		{"my legs are numb", "legs"},
		{"my leg is numb", ""},
		// contractions
		{"I can't feel my legs", "legs"},
		{"I cant feel my legs", "legs"},
		{"I cannot feel my legs", "legs"},
		{"I can not feel my legs", "legs"},
		{"I can’t feel my legs", "legs"},
		{"I can no longer feel my legs", "legs"},
		{"I don't feel my legs", "legs"}, // the "not" belongs to the phrase
		{"I couldnt pee", "bladder"},
		{"I can't pee", "bladder"},
		// negation
		{"no chest pain", ""},
		{"I don't have chest pain", ""},
		{"I do not have any chest pain", ""},
		{"no fever but my back hurts", ""},
		{"I have no numbness in my legs", ""},
		{"my legs are not weak", ""},
		{"my legs are weak, not numb", "legs"},
		{"no idea why my legs are numb", "legs"},
		{"I'm not sure but my legs feel numb", "legs"},
		{"I didn't realise I'd wet myself", "bladder"}, // unawareness, not a denial
		{"I didn't wet myself", ""},
		{"I'm not suicidal, I don't want to die", ""},
		{"no fever. my chest is tight", "chest"},
		{"no fever, and chest pain", "chest"},
		// filler words between phrase words
		{"I've lost all control", "bladder"},
		{"I have wet myself", "bladder"},
		{"I've wet my self", "bladder"},
		// unless: same clause only
		{"I had a chest infection, pain is gone", ""},
		{"chest pain years ago", ""},
		{"I had a heart attack years ago", ""},
		{"chest pain now, heart trouble years ago", "chest"},
		// any
		{"I think it's a heart attack", "chest"},
		// figures of speech
		{"this pain is killing me", ""},
		{"i want to kill myself", "crisis"},
		// order: first matching rule in file order
		{"chest pain and i want to die", "chest"},
		// a line break inside a phrase, as a phone wraps it
		{"I can't feel\nmy legs", "legs"},
		{"chest\r\npain", "chest"},
		{"my back hurts\n\nno chest pain", ""},
		// but a new line that starts a new sentence is one
		{"a rash on my chest\nPain in my back is worse", ""},
		{"a rash on my chest\npain too", "chest"},
		{"I have a sore chest.\npain in my back", ""},
		{"i don't think i have chest pain", ""}, // "not" reaches past a subject
		// invisible characters and look-alike letters
		{"le\u200bgs are numb and I can't fe\u00adel them", "legs"},
		{"\uff23\uff28\uff25\uff33\uff34 \uff30\uff21\uff29\uff2e", "chest"}, // fullwidth
		{"\U0001d41c\U0001d421\U0001d41e\U0001d42c\U0001d42d pain", "chest"}, // mathematical bold
		// a negation does not reach past a new subject
		{"no, i can't feel my legs", "legs"},
		{"without warning i wet myself", "bladder"},
		{"he denies chest pain", ""},
		// how the patient is, not a denial
		{"i'm not ok, chest pain", "chest"},
		// empty and odd input
		{"", ""},
		{"   \n\t", ""},
		{"!!!", ""},
		{"🙂🙂", ""},
	} {
		a, ok := c.Check(tc.msg)
		got := ""
		if ok {
			got = a.Rule
		}
		if got != tc.want {
			t.Errorf("Check(%q) = %q, want %q", tc.msg, got, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		yaml string
		want []string // each a full "file:line: message" or a prefix of it
	}{
		{"empty file", ``, []string{"r.yaml:1: the file is empty"}},
		{"only comments", "# nothing\n", []string{"r.yaml:1: the file is empty"}},
		{"syntax", "red_flags:\n  - id: a\n    kind: x\n  bad\n", []string{"r.yaml:4: YAML syntax: could not find expected ':'"}},
		{"syntax on line 1", "a: b: c\n", []string{"r.yaml:1: YAML syntax: mapping values are not allowed"}},
		{"not a mapping", "- a\n- b\n", []string{"r.yaml:1: the file must start with red_flags:"}},
		{"unknown top field", "rules: []\nred_flags:\n  - id: a\n    kind: crisis\n    any: [x]\n",
			[]string{`r.yaml:1: unknown field "rules" at the top of the file`}},
		{"missing red_flags", "other: 1\n", []string{`r.yaml:1: unknown field "other"`, "r.yaml:1: missing red_flags"}},
		{"red_flags not a list", "red_flags: yes\n", []string{"r.yaml:1: red_flags must be a list"}},
		{"no rules", "red_flags: []\n", []string{"r.yaml:1: red_flags has no rules"}},
		{"rule not a mapping", "red_flags:\n  - chest pain\n", []string{"r.yaml:2: each rule must be a set of fields"}},
		{"unknown rule field", "red_flags:\n  - id: a\n    kind: crisis\n    any: [x]\n    phrases: [y]\n",
			[]string{`r.yaml:5: unknown field "phrases"`}},
		{"missing id and kind", "red_flags:\n  - any: [x]\n",
			[]string{"r.yaml:2: rule has no id:", "r.yaml:2: rule has no kind:"}},
		{"bad id", "red_flags:\n  - id: Chest Pain\n    kind: crisis\n    any: [x]\n",
			[]string{"r.yaml:2: id must be lower-case letters"}},
		{"unknown kind", "red_flags:\n  - id: a\n    kind: urgent\n    any: [x]\n",
			[]string{`r.yaml:3: rule "a": unknown kind "urgent" (must be emergency or crisis)`}},
		{"duplicate id", "red_flags:\n  - id: a\n    kind: crisis\n    any: [x]\n  - id: a\n    kind: crisis\n    any: [y]\n",
			[]string{`r.yaml:5: duplicate id "a" (first used on line 2)`}},
		{"duplicate field", "red_flags:\n  - id: a\n    kind: crisis\n    kind: emergency\n    any: [x]\n",
			[]string{"r.yaml:4: kind: is given twice in this rule (first on line 3)"}},
		{"no phrases", "red_flags:\n  - id: a\n    kind: crisis\n",
			[]string{`r.yaml:2: rule "a" has no phrases`}},
		{"empty any", "red_flags:\n  - id: a\n    kind: crisis\n    any: []\n",
			[]string{`r.yaml:4: rule "a": any is empty`}},
		{"empty all", "red_flags:\n  - id: a\n    kind: crisis\n    all: []\n",
			[]string{`r.yaml:4: rule "a": all is empty`}},
		{"empty group", "red_flags:\n  - id: a\n    kind: crisis\n    all:\n      - [x]\n      - []\n",
			[]string{`r.yaml:6: rule "a": group 2 of all is empty`}},
		{"group not a list", "red_flags:\n  - id: a\n    kind: crisis\n    all: [x, y]\n",
			[]string{`r.yaml:4: rule "a": group 1 of all must be a list of phrases`, `r.yaml:4: rule "a": group 2 of all must be a list`}},
		{"any not a list", "red_flags:\n  - id: a\n    kind: crisis\n    any: chest pain\n",
			[]string{`r.yaml:4: rule "a": any must be a list of phrases in [ ], like [chest pain]`}},
		{"empty phrase", "red_flags:\n  - id: a\n    kind: crisis\n    any: [x, \"\", ~]\n",
			[]string{`r.yaml:4: rule "a": any has an empty or invalid phrase`, `r.yaml:4: rule "a": any has an empty or invalid phrase`}},
		{"phrase without words", "red_flags:\n  - id: a\n    kind: crisis\n    any: [\"!!\"]\n",
			[]string{`r.yaml:4: rule "a": any: phrase "!!" has no words`}},
		{"bad star", "red_flags:\n  - id: a\n    kind: crisis\n    any: [nu*mb, ab*]\n",
			[]string{`r.yaml:4: rule "a": any: phrase "nu*mb" may only have * at the end`, `r.yaml:4: rule "a": any: phrase "ab*" needs at least 3 letters`}},
		{"bad within", "red_flags:\n  - id: a\n    kind: crisis\n    all: [[x]]\n    within: lots\n",
			[]string{`r.yaml:5: rule "a": within must be a whole number`}},
		{"unless empty", "red_flags:\n  - id: a\n    kind: crisis\n    any: [x]\n    unless: []\n",
			[]string{`r.yaml:5: rule "a": unless is empty`}},
		{"several problems at once",
			"red_flags:\n  - id: a\n    kind: bad\n    any: [x]\n  - id: b\n    kind: crisis\n    colour: red\n    any: [y]\n  - id: a\n    kind: crisis\n    any: []\n",
			[]string{
				`r.yaml:3: rule "a": unknown kind "bad"`,
				`r.yaml:7: unknown field "colour"`,
				`r.yaml:9: duplicate id "a" (first used on line 2)`,
				`r.yaml:11: rule "a": any is empty`,
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(tc.yaml), "r.yaml")
			if err == nil {
				t.Fatalf("Parse succeeded with %d rules; want errors %q", c.Len(), tc.want)
			}
			if c != nil {
				t.Errorf("Parse returned a Checker along with an error")
			}
			var el clinicbot.ErrorList
			if !errors.As(err, &el) {
				t.Fatalf("error is %T, want clinicbot.ErrorList: %v", err, err)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(el) {
				t.Errorf("Error() has %d lines for %d problems", len(lines), len(el))
			}
			if len(el) != len(tc.want) {
				t.Errorf("got %d problems, want %d:\n%v", len(el), len(tc.want), err)
			}
			for i, w := range tc.want {
				if i < len(lines) && !strings.HasPrefix(lines[i], w) {
					t.Errorf("problem %d = %q, want prefix %q", i+1, lines[i], w)
				}
			}
		})
	}
}

func TestParseAcceptsAliasesAndNotes(t *testing.T) {
	src := `
red_flags:
  - id: one
    kind: emergency
    note: >
      Long note
      over lines.
    all:
      - &where [needle site, wound]
      - [pus]
    unless: &u [risk]
  - id: two
    kind: emergency
    all:
      - *where
      - [red]
    unless: *u
`
	c, err := Parse([]byte(src), "a.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != 2 {
		t.Fatalf("Len() = %d, want 2", c.Len())
	}
	if a, ok := c.Check("the wound is red"); !ok || a.Rule != "two" {
		t.Errorf("Check = %+v, %v; want rule two", a, ok)
	}
	if _, ok := c.Check("risk of a red wound"); ok {
		t.Errorf("unless via alias did not cancel")
	}
}

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"ok.yaml":  {Data: []byte("red_flags:\n  - id: a\n    kind: crisis\n    any: [x]\n")},
		"bad.yaml": {Data: []byte("red_flags:\n  - id: a\n    kind: nope\n    any: [x]\n")},
	}
	c, err := Load(fsys, "ok.yaml")
	if err != nil || c.Len() != 1 {
		t.Fatalf("Load ok.yaml = %v, %v", c, err)
	}
	if _, err := Load(fsys, "bad.yaml"); err == nil || !strings.HasPrefix(err.Error(), "bad.yaml:3: ") {
		t.Errorf("Load bad.yaml error = %v, want bad.yaml:3: ...", err)
	}
	if _, err := Load(fsys, "missing.yaml"); err == nil {
		t.Errorf("Load missing.yaml succeeded")
	}
}

func TestNilAndEmptyChecker(t *testing.T) {
	var c *Checker
	if _, ok := c.Check("chest pain"); ok || c.Len() != 0 {
		t.Errorf("nil Checker should match nothing")
	}
	if _, ok := (&Checker{}).Check("chest pain"); ok {
		t.Errorf("zero Checker should match nothing")
	}
}

func TestConcurrentCheck(t *testing.T) {
	c := loadClinicRules(t)
	msgs := append(readLines(t, "../tests/safety/urgent.txt"), readLines(t, "../tests/safety/near_misses.txt")...)
	want := make([]bool, len(msgs))
	for i, m := range msgs {
		_, want[i] = c.Check(m)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := range msgs {
				j := (i + g*17) % len(msgs)
				if _, ok := c.Check(msgs[j]); ok != want[j] {
					t.Errorf("concurrent Check(%q) = %v, want %v", msgs[j], ok, want[j])
				}
			}
		}(g)
	}
	wg.Wait()
}

func TestTokenize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"I can't WALK", "i can not walk"},
		{"cant, cannot, can not", "can not | can not | can not"},
		{"won't don't isn't shan't", "will not do not is not shall not"},
		{"I'm I've we'll he'd it's", "i am i have we will he would it"},
		{"my back's sore", "my back sore"},
		{"x-ray self-harm", "x ray self harm"},
		{"temp of 38.5. Ok", "temp of 38.5 . ok"},
		{"couldn’t", "could not"},
		{"I can no longer walk", "i can not walk"},
		{"my self", "myself"},
		{"fever and chills", "fever and | chills"},
	} {
		toks := tokenize(tc.in, nil)
		var b strings.Builder
		for i, tk := range toks {
			if i > 0 {
				switch {
				case tk.sent != toks[i-1].sent:
					b.WriteString(" . ")
				case tk.clause != toks[i-1].clause:
					b.WriteString(" | ")
				default:
					b.WriteString(" ")
				}
			}
			b.WriteString(tk.text)
		}
		if b.String() != tc.want {
			t.Errorf("tokenize(%q) = %q, want %q", tc.in, b.String(), tc.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		max  int
		want int
	}{
		{"fever", "fever", 1, 0},
		{"fevr", "fever", 1, 1},
		{"fveer", "fever", 1, 1}, // swap
		{"bladdr", "bladder", 1, 1},
		{"temprature", "temperature", 2, 1},
		{"tempratur", "temperature", 2, 2},
		{"xyz", "fever", 2, 3},
	} {
		if got := editDistance(tc.a, tc.b, tc.max); got != tc.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tc.a, tc.b, tc.max, got, tc.want)
		}
	}
}

func TestSwapOf(t *testing.T) {
	for _, tc := range []struct {
		t, w string
		want bool
	}{
		{"pian", "pain", true},
		{"pani", "pain", true},
		{"apin", "pain", false}, // the first letter must stay
		{"pain", "pain", false}, // no swap at all
		{"pill", "pill", false}, // swapping equal letters changes nothing
		{"pina", "pain", false}, // a letter moved two places
		{"pein", "pain", false},
		{"pai", "pain", false},
		{"bakc", "back", true},
	} {
		if got := swapOf(tc.t, tc.w); got != tc.want {
			t.Errorf("swapOf(%q, %q) = %v, want %v", tc.t, tc.w, got, tc.want)
		}
	}
}

func FuzzCheck(f *testing.F) {
	c := loadClinicRules(f)
	for _, s := range []string{
		"", "chest pain", "I can't feel my legs", "no fever, no chest pain",
		"pins and needles in my bum", "'''", "can't'n't", "38.5.5..", "- - -",
		"\xff\xfe", "my self self self", "no longer longer", strings.Repeat("not ", 50),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, ok := c.Check(s)
		if ok && (a.Rule == "" || (a.Kind != Emergency && a.Kind != Crisis)) {
			t.Errorf("Check(%q) = %+v", s, a)
		}
		if !ok && a != (Alert{}) {
			t.Errorf("Check(%q) returned a non-zero Alert with false", s)
		}
	})
}

func BenchmarkCheck(b *testing.B) {
	c := loadClinicRules(b)
	msgs := []string{
		"Hi, can I drive home after the facet joint injection or should someone pick me up?",
		"I fell down the stairs an hour ago and now my back is agony",
		"hello there i saw you guys in march for the facet joint thing and it helped loads but this week my back got bad again, is that normal?",
	}
	c.Check(msgs[0]) // load the word list outside the timing
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Check(msgs[i%len(msgs)])
	}
}
