package index

import "testing"

func TestCorrect(t *testing.T) {
	v := newVocabulary()
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	an := newAnalyzer(m)
	for _, s := range []string{
		"number number number numb",
		"appointment appointments",
		"anaesthetic",
		"cat",
	} {
		v.add(an.tokens(s))
	}
	v.finish()
	for typed, want := range map[string]string{
		"numbr":       "number", // a dropped letter: as close as "numb", and the more used word
		"numbe":       "number",
		"anasthetic":  "anaesthetic",
		"apointment":  "appointment",
		"appointmnts": "appointments",
		"cta":         "", // too short to correct
		"number":      "", // known
		"xumber":      "", // first letters are rarely wrong
		"nmbrs":       "", // two slips in a short word
	} {
		if got := v.correct(typed); got != want {
			t.Errorf("correct(%q) = %q, want %q", typed, got, want)
		}
	}
}
