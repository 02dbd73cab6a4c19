package answer_test

import (
	"strings"
	"testing"

	"github.com/clinicbot/clinicbot/answer"
)

// TestEveryEntryTrueWithAndWithoutBookingLink shows every entry of the
// clinic's knowledge with a booking link configured and without one: a
// text names the booking button only when the reply carries it, no
// placeholder is left unfilled, and the urgent-advice wording gives the
// configured numbers.
func TestEveryEntryTrueWithAndWithoutBookingLink(t *testing.T) {
	e := engine(t)
	noLink := texts
	noLink.BookingURL = ""
	for _, tc := range []struct {
		name  string
		texts answer.Texts
	}{{"with a booking link", texts}, {"without a booking link", noLink}} {
		eng := answer.New(indexOf(t, e), nil, answer.DefaultSettings(), tc.texts)
		buttons, urgent := 0, 0
		for _, ent := range e.Base().Entries {
			r, ok := eng.Entry(ent.ID)
			if !ok {
				t.Fatalf("%s: entry %s not found", tc.name, ent.ID)
			}
			if strings.ContainsAny(r.Text, "{}") {
				t.Errorf("%s: %s has an unfilled placeholder: %q", tc.name, ent.ID, r.Text)
			}
			mentions := strings.Contains(strings.ToLower(r.Text), "button")
			if mentions && r.BookingURL == "" {
				t.Errorf("%s: %s mentions a button the reply does not show: %q", tc.name, ent.ID, r.Text)
			}
			if mentions {
				buttons++
				if !strings.Contains(r.Text, answer.BookingLabel) {
					t.Errorf("%s: %s names a button other than %q: %q", tc.name, ent.ID, answer.BookingLabel, r.Text)
				}
			}
			if r.BookingURL == "" && strings.Contains(ent.Answer, "{booking}") && !strings.Contains(r.Text, tc.texts.Contact) {
				t.Errorf("%s: %s gives neither the button nor the contact line: %q", tc.name, ent.ID, r.Text)
			}
			low := strings.ToLower(r.Text)
			if strings.Contains(low, "urgent medical") {
				urgent++
				if !strings.Contains(r.Text, "NHS 111") || !strings.Contains(r.Text, "999") {
					t.Errorf("%s: %s says to get urgent medical advice without the numbers: %q", tc.name, ent.ID, r.Text)
				}
			}
		}
		if tc.texts.BookingURL != "" && buttons == 0 {
			t.Errorf("%s: no entry points to the booking button", tc.name)
		}
		if urgent == 0 {
			t.Errorf("%s: no entry gives urgent-advice numbers", tc.name)
		}
		t.Logf("%s: %d entries name the button, %d give urgent-advice numbers", tc.name, buttons, urgent)
	}
}

// TestUrgentAdviceFromConfiguration: the numbers come from the texts, so a
// clinic elsewhere gets its own.
func TestUrgentAdviceFromConfiguration(t *testing.T) {
	e := engine(t)
	other := answer.Texts{EmergencyNumber: "112", UrgentAdvice: "the out-of-hours doctor on 116 117"}
	eng := answer.New(indexOf(t, e), nil, answer.DefaultSettings(), other)
	found := false
	for _, ent := range e.Base().Entries {
		if !strings.Contains(ent.Answer, "{urgent}") {
			continue
		}
		found = true
		r, _ := eng.Entry(ent.ID)
		if !strings.Contains(r.Text, "call 112") || !strings.Contains(r.Text, "116 117") || strings.Contains(r.Text, "999") {
			t.Errorf("%s with other numbers: %q", ent.ID, r.Text)
		}
	}
	if !found {
		t.Error("no entry uses {urgent}")
	}
}
