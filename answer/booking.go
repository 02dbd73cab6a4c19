package answer

import (
	"fmt"
	"strings"

	"github.com/clinicbot/clinicbot/knowledge"
)

// BookingLabel is the label of the booking button every transport shows
// with a reply that has a BookingURL. The link is the clinic's own site, so
// the label promises no more than booking or contacting the clinic.
const BookingLabel = "Book or contact the clinic"

// fill composes an entry's placeholders (see knowledge.Placeholders) from
// the configuration, for a reply that does or does not show the booking
// button: no text mentions a button the patient cannot see.
func (e *Engine) fill(text string, withButton bool) string {
	if !strings.Contains(text, "{") {
		return text
	}
	return knowledge.Fill(text, map[string]string{
		"booking":   e.bookingSentence(withButton),
		"urgent":    e.urgentAdvice(),
		"emergency": e.emergencyNow(),
	})
}

// bookingSentence says how to book or contact the clinic.
func (e *Engine) bookingSentence(withButton bool) string {
	if withButton {
		return fmt.Sprintf("To book a consultation or ask us a question, use the %q button below.", BookingLabel)
	}
	if c := strings.TrimRight(strings.TrimSpace(e.texts.Contact), "."); c != "" {
		return "To book a consultation or ask us a question, please contact the clinic: " + c + "."
	}
	return "To book a consultation or ask us a question, please contact the clinic."
}

// Clinic names the clinic in a sentence: its name, else "the clinic".
func (t Texts) Clinic() string {
	if n := strings.TrimSpace(t.ClinicName); n != "" {
		return n
	}
	return "the clinic"
}

// EmergencyCall is "call 999 now", or "call your local emergency number
// now" when no number is set, written to end a sentence. It is the one
// phrasing of the emergency line: the engine's replies and every
// transport's welcome and help say it the same way.
func (t Texts) EmergencyCall() string {
	if n := strings.TrimSpace(t.EmergencyNumber); n != "" {
		return "call " + n + " now"
	}
	return "call your local emergency number now"
}

// emergencyNow is "call 999 or go to A&E now", from the configuration,
// written to end a sentence.
func (e *Engine) emergencyNow() string {
	n := strings.TrimSpace(e.texts.EmergencyNumber)
	if n == "" {
		return "call your local emergency number now"
	}
	if d := strings.TrimSpace(e.texts.EmergencyDepartment); d != "" {
		return "call " + n + " or go to " + d + " now"
	}
	return "call " + n + " now"
}

// urgentAdvice is "call NHS 111 for urgent medical advice" with the numbers
// from the configuration, written to end a sentence.
func (e *Engine) urgentAdvice() string {
	t := e.texts
	emergency := ""
	if n := strings.TrimSpace(t.EmergencyNumber); n != "" {
		emergency = "call " + n
		if d := strings.TrimSpace(t.EmergencyDepartment); d != "" {
			emergency += " or go to " + d
		}
	}
	advice := strings.TrimSpace(t.UrgentAdvice)
	switch {
	case advice != "" && emergency != "":
		return "call " + advice + " for urgent medical advice, or " + emergency + " if it is an emergency"
	case advice != "":
		return "call " + advice + " for urgent medical advice"
	case emergency != "":
		return emergency + " for urgent medical help"
	default:
		return "get urgent medical help from your local emergency services"
	}
}
