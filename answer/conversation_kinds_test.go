package answer_test

import (
	"context"
	"strings"
	"testing"

	"github.com/clinicbot/clinicbot/answer"
)

func TestSmalltalkAReceptionistHandles(t *testing.T) {
	tests := []struct {
		message, want string
		route         bool // offers the booking button and the contact
	}{
		{"ok", "Glad that helps", false},
		{"cool", "Glad that helps", false},
		{"great", "Glad that helps", false},
		{"got it", "Glad that helps", false},
		{"hmm", "Take your time", false},
		{"?", "wasn't clear", false},
		{"huh?", "wasn't clear", false},
		{"are you a robot?", "automated assistant, not a person", true},
		{"is this a bot", "automated assistant, not a person", true},
		{"are you a real person?", "automated assistant, not a person", true},
		{"what can you do?", "I can answer common questions", false},
		{"you're useless", "I'm sorry I haven't been more helpful", true},
		{"this is rubbish", "I'm sorry I haven't been more helpful", true},
		{"useless bot", "I'm sorry I haven't been more helpful", true},
		{"bye", "goodbye", false},
		{"ok thanks", "You're very welcome", false},
	}
	for _, tt := range tests {
		t.Run(tt.message, func(t *testing.T) {
			r := ask(t, tt.message)
			if r.Kind != answer.KindSmalltalk {
				t.Fatalf("kind %s %s, want smalltalk", r.Kind, r.EntryID)
			}
			if !strings.Contains(r.Text, tt.want) {
				t.Errorf("text %q lacks %q", r.Text, tt.want)
			}
			if tt.route != (r.BookingURL == bookingURL) || tt.route != strings.Contains(r.Text, texts.Contact) {
				t.Errorf("route offered %v (booking %q), want %v: %q", !tt.route, r.BookingURL, tt.route, r.Text)
			}
			if strings.Contains(r.Text, "999") {
				t.Errorf("small talk names the emergency number: %q", r.Text)
			}
		})
	}
	// Each kind in its own words.
	seen := map[string]string{}
	for _, tt := range tests {
		seen[tt.want] = tt.message
	}
	if len(seen) < 8 {
		t.Errorf("only %d different replies", len(seen))
	}
	// A question with such words is a question.
	for _, q := range []string{"ok, does it hurt?", "can you help me book a consultation", "hmm, how much does it cost"} {
		if r := ask(t, q); r.Kind == answer.KindSmalltalk {
			t.Errorf("%q: smalltalk, want it answered as a question", q)
		}
	}
}

// The knowledge's own entry outranks small talk: the clinic answers "can I
// speak to a human?" with its contact entry, which staff wrote for it.
func TestKnowledgeOutranksSmalltalk(t *testing.T) {
	if r := ask(t, "can I speak to a human"); r.Kind != answer.KindAnswer || r.EntryID != "practical-contact" {
		t.Errorf("%s %s, want the clinic's contact entry", r.Kind, r.EntryID)
	}
}

func TestOtherLanguage(t *testing.T) {
	for _, q := range []string{
		"Здравствуйте, сколько стоит консультация?",
		"مرحبا، كم تكلفة الاستشارة؟",
		"¿Cuánto cuesta la consulta?",
		"Wie viel kostet eine Behandlung?",
		"我想预约咨询",
	} {
		t.Run(q, func(t *testing.T) {
			r := ask(t, q)
			if r.Kind != answer.KindLanguage {
				t.Fatalf("kind %s %s, want language", r.Kind, r.EntryID)
			}
			for _, want := range []string{"only answer in English", texts.Contact, "call 999 now"} {
				if !strings.Contains(r.Text, want) {
					t.Errorf("notice %q lacks %q", r.Text, want)
				}
			}
			if r.EntryID != "" || len(r.Choices) != 0 || r.BookingURL != bookingURL {
				t.Errorf("notice %+v", r)
			}
		})
	}
	// The red-flag check runs first, whatever the language around it.
	if r := ask(t, "Здравствуйте, I can't control my bladder"); r.Kind != answer.KindUrgent {
		t.Errorf("an emergency beside another language: %s", r.Kind)
	}
}

// A word in another script inside an English question costs no answer;
// English, typos and chat forms are never taken for another language.
func TestForeignWordsInEnglish(t *testing.T) {
	for _, tc := range []struct{ q, entry string }{
		{"what is facet joint denervation مرحبا", "fjd-what-is-it"},
		{"how is denervation done شكرا", "fjd-how-is-it-done"},
		{"what is denervation привет", "fjd-what-is-it"},
		{"facet joint denervation 你好 what is it", "fjd-what-is-it"},
		{"what is facet joint denervation gracias", "fjd-what-is-it"},
		{"merci, how is denervation done?", "fjd-how-is-it-done"},
	} {
		english := strings.NewReplacer("gracias", "", "merci,", "").Replace(tc.q)
		want := ask(t, strings.Join(strings.FieldsFunc(english, func(r rune) bool { return r > 0x2000 || r == ' ' }), " "))
		r := ask(t, tc.q)
		if r.Kind != answer.KindAnswer || r.EntryID != want.EntryID || r.Question == "" {
			t.Errorf("%q: %s %s, want %s %s as without the foreign word", tc.q, r.Kind, r.EntryID, want.Kind, want.EntryID)
		}
	}
	for _, q := range []string{"hw mch dos it cst", "can i drive home after", "give me celcius to fahrenheit", "don't know",
		"wat is rfa", "recovry tme aftr denervaton", "is the clinic open on saturdays", "pls can u tell me the price"} {
		if r := ask(t, q); r.Kind == answer.KindLanguage {
			t.Errorf("%q was taken for another language", q)
		}
	}
}

// The emergency line goes on a fallback or "did you mean" only where the
// message speaks of the body or of feeling unwell.
func TestEmergencyLineOnlyAboutTheBody(t *testing.T) {
	for _, tc := range []struct {
		q    string
		line bool
	}{
		{"what are the parking options", false},
		{"do you take bitcoin for the fees", false},
		{"how is denervaton performed", false},
		{"how painful is facet joint denervation", true},
		{"my knee has been swollen for a week", true},
		{"I feel dizzy and sick", true},
	} {
		r := ask(t, tc.q)
		if r.Kind != answer.KindFallback && r.Kind != answer.KindChoices {
			continue // answered: nothing to check
		}
		if got := strings.Contains(r.Text, "999"); got != tc.line {
			t.Errorf("%q (%s): emergency line %v, want %v: %q", tc.q, r.Kind, got, tc.line, r.Text)
		}
	}
	// Urgent replies are unchanged.
	if r := ask(t, "I can't feel my legs"); r.Kind != answer.KindUrgent || !strings.Contains(r.Text, "999") {
		t.Errorf("urgent: %s %q", r.Kind, r.Text)
	}
	_ = context.Background
}
