package knowledge

import (
	"regexp"
	"sort"
	"strings"
)

// Placeholders are the words in braces an answer may contain, which the bot
// replaces with text composed from its configuration, so that an answer is
// true however the bot is set up:
//
//   - {booking}: a sentence on how to book or contact the clinic. It names
//     the booking button only when the reply shows one (a booking link is
//     configured and the entry has `booking: true`); otherwise it gives the
//     clinic's contact details.
//   - {urgent}: "call NHS 111 for urgent medical advice, or call 999 or go
//     to A&E if it is an emergency", the numbers from the configuration.
//   - {emergency}: "call 999 or go to A&E now", for signs that need
//     emergency care at once, from the configuration.
var Placeholders = map[string]string{
	"booking":   "how to book or contact the clinic",
	"urgent":    "where to get urgent medical advice, with the numbers to call",
	"emergency": "the emergency number and department to go to now",
}

var placeholderRE = regexp.MustCompile(`\{([^{}\s]*)\}`)

// Fill replaces each placeholder in text with its value (a placeholder
// without one is removed).
func Fill(text string, values map[string]string) string {
	return placeholderRE.ReplaceAllStringFunc(text, func(m string) string {
		return values[strings.ToLower(m[1:len(m)-1])]
	})
}

// checkPlaceholders returns a message for each unknown placeholder in an
// answer, and for {booking} in an entry that shows no booking button.
func checkPlaceholders(e *Entry) []string {
	var msgs []string
	for _, m := range placeholderRE.FindAllStringSubmatch(e.Answer, -1) {
		name := strings.ToLower(m[1])
		if _, ok := Placeholders[name]; !ok {
			known := make([]string, 0, len(Placeholders))
			for k := range Placeholders {
				known = append(known, "{"+k+"}")
			}
			sort.Strings(known)
			msgs = append(msgs, "the answer contains "+m[0]+", which the bot cannot fill in; the words in braces it knows are "+strings.Join(known, ", "))
			continue
		}
		if name == "booking" && !e.Booking {
			msgs = append(msgs, "the answer uses {booking} but the entry has no `booking: true`, so no booking button would be shown with it")
		}
	}
	return msgs
}
