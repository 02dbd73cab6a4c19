package index

import (
	"context"
	"testing"

	"github.com/clinicbot/clinicbot/knowledge"
)

func TestCorrect(t *testing.T) {
	v := newVocabulary()
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	an := newAnalyzer(m)
	for _, s := range []string{
		"number number numb numb numb",
		"pain pain pains",
		"appointment appointments",
		"anaesthetic",
		"cat",
	} {
		v.add(an.tokens(s))
	}
	v.finish()
	for typed, want := range map[string]string{
		"numbr":       "number", // a dropped vowel: as close as "numb" (more used), but chat drops vowels
		"numbe":       "numb",   // as close as "number", and more used
		"pans":        "pains",  // a dropped vowel
		"paim":        "pain",
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

// Chat short forms read as the words they stand for, unless the knowledge
// uses them itself.
func TestChatWords(t *testing.T) {
	base, err := knowledge.Load(knowledge.Clinic())
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Build(base)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for short, long := range map[string]string{
		"wat is rfa":                 "what is rfa",
		"r u open on saturdays":      "are you open on saturdays",
		"can u do it on my neck pls": "can you do it on my neck please",
		"how long b4 i can drive":    "how long before i can drive",
	} {
		a, err := ix.Search(context.Background(), short, 1)
		if err != nil || len(a) == 0 {
			t.Fatalf("%q: %v", short, err)
		}
		b, _ := ix.Search(context.Background(), long, 1)
		if a[0].Entry.ID != b[0].Entry.ID || a[0].Confidence < 0.9*b[0].Confidence {
			t.Errorf("%q: %s %.3f, but %q: %s %.3f", short, a[0].Entry.ID, a[0].Confidence, long, b[0].Entry.ID, b[0].Confidence)
		}
	}
	// Every short form stands for one word.
	m, _ := newMapping()
	an := newAnalyzer(m)
	for short, long := range chatWords {
		if n := len(an.tokens(long)); n != 1 {
			t.Errorf("chatWords[%q] = %q: %d words, want 1", short, long, n)
		}
	}
}
