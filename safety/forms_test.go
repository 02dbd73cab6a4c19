package safety

import "testing"

const formsRules = `
red_flags:
  - id: bladder
    kind: emergency
    any: [wet myself, lose control]
    all:
      - [bladder]
      - [leak]
    unless: [risk, likely, side effect]
    over: [cleared up, gone now]
  - id: crash
    kind: emergency
    all:
      - [came off my bike]
      - [hurt]
  - id: saddle
    kind: emergency
    all:
      - [numb*]
      - [bottom]
    unless: [likely, risk, for hours]
  - id: legs
    kind: emergency
    all:
      - [legs]
      - [not feel]
  - id: chest
    kind: emergency
    all:
      - [chest]
      - [pain]
`

// TestWordFormsPersonsAndScripts covers the general rules of matching that
// the blind red-flag sets showed were missing: a rule's verb in another
// tense or person, someone else's pronouns, questions about a risk across a
// comma, a denial after the symptom, "it has cleared up", a learner's "I no
// feel", and letters from other scripts that look like Latin ones.
func TestWordFormsPersonsAndScripts(t *testing.T) {
	c, err := Parse([]byte(formsRules), "forms.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		msg, rule string
	}{
		// tenses and persons of the rules' words
		{"I wet myself", "bladder"},
		{"he wetted himself last night", "bladder"},
		{"she has been wetting herself", "bladder"},
		{"I lost control this morning", "bladder"},
		{"he is losing control", "bladder"},
		{"my bladder leaked", "bladder"},
		{"my bladder keeps leaking", "bladder"},
		{"my son came off his bike and he is hurting", "crash"},
		{"she came off her bike, hurts a lot", "crash"},
		{"I can't feel my legs", "legs"},
		{"I couldn't feel my legs", "legs"},
		{"he no feel his legs", "legs"},
		{"i no feel my legs", "legs"},
		{"I no have chest pain", ""}, // a learner's denial is still a denial
		// a question about a risk, across a comma or into the next sentence
		{"will I lose control, how likely is that?", ""},
		{"could it make my bottom numb? Is that a risk?", ""},
		{"can my bottom go numb, is that likely", ""},
		{"my bottom is numb, is that a risk?", "saddle"}, // a report, then a question
		{"can't feel my legs, is that a risk?", "legs"},
		// a denial after the symptom
		{"they asked if my bottom was numb and I don't think so", "saddle"},
		{"they asked if my bottom was numb and I'm not", ""},
		{"numbness around my bottom, which I haven't got", ""},
		{"numbness around my bottom, which I have had since Monday", "saddle"},
		// an exception the patient denies cancels nothing
		{"my bottom is numb like I sat for hours but I have not", "saddle"},
		// "never" denies, unless it says something is new
		{"never had any bladder leak", ""},
		{"never had a bladder leak like this", "bladder"},
		// a short answer after a question denies it
		{"they asked if my bottom was numb? No, not at all", ""},
		{"is my bottom numb? Yes", "saddle"},
		// over: what came before is over, what comes after is not
		{"my bladder was leaking last week but it has cleared up", ""},
		{"my bladder leak has cleared up but now I wet myself", "bladder"},
		// look-alike letters from other scripts
		{"chest p\u0430in", "chest"},                // Cyrillic а
		{"\u0441hest pain", "chest"},                // Cyrillic с
		{"my l\u0435gs, I can't feel them", "legs"}, // Cyrillic е
		{"I can't feel my l\u0435gs", "legs"},
		{"chest p\u03b1in", "chest"},      // Greek alpha
		{"caf\u00e9 chest pain", "chest"}, // accented Latin stays, the rest matches
	} {
		a, ok := c.Check(tc.msg)
		got := ""
		if ok {
			got = a.Rule
		}
		if got != tc.rule {
			t.Errorf("Check(%q) = %q, want %q", tc.msg, got, tc.rule)
		}
	}
}

func TestFoldConfusables(t *testing.T) {
	for in, want := range map[string]string{
		"chest p\u0430in":   "chest pain",
		"bl\u0430dder":      "bladder",
		"l\u0435gs":         "legs",
		"caf\u00e9":         "caf\u00e9",
		"\u65e5\u672c":      "\u65e5\u672c",
		"plain ascii 0 1 l": "plain ascii 0 1 l",
	} {
		if got := foldConfusables(in); got != want {
			t.Errorf("foldConfusables(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestIgnoreCouldQuestions: with ignore_could_questions a question whether
// something could happen does not alarm; an inability, a request followed by
// a report, a patient speaking for themselves, or "could it be ... now" does.
func TestIgnoreCouldQuestions(t *testing.T) {
	const rules = `
red_flags:
  - id: legs
    kind: emergency
    ignore_could_questions: true
    any: [paraly*]
    all:
      - [legs]
      - [numb*, weak*]
  - id: wound
    kind: emergency
    ignore_could_questions: yes
    all:
      - [wound]
      - [infect*]
  - id: chest
    kind: emergency
    all:
      - [chest]
      - [pain]
`
	c, err := Parse([]byte(rules), "could.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ msg, rule string }{
		{"could the needle paralyse me?", ""},
		{"will I be paralysed afterwards?", ""},
		{"can the injection make my legs numb", ""},
		{"so might my legs go weak after it?", ""},
		{"I am paralysed", "legs"},
		{"can't move, my legs are numb", "legs"},
		{"can barely stand, legs weak", "legs"},
		{"can you help my legs are numb", "legs"},
		{"could this be why my legs are numb? I think they are", "legs"},
		{"could my wound be infected?", "wound"},
		{"can I come in today my legs are numb", "legs"}, // a report runs on
		{"will I see someone soon my legs went weak", "legs"},
		{"will my wound get infected?", ""},
		{"could this be chest pain from my heart?", "chest"}, // no ignore_could_questions
	} {
		a, ok := c.Check(tc.msg)
		got := ""
		if ok {
			got = a.Rule
		}
		if got != tc.rule {
			t.Errorf("Check(%q) = %q, want %q", tc.msg, got, tc.rule)
		}
	}
	if _, err := Parse([]byte("red_flags:\n  - id: x\n    kind: emergency\n    any: [a]\n    ignore_could_questions: maybe\n"), "bad.yaml"); err == nil {
		t.Error("ignore_could_questions: maybe was accepted")
	}
}
