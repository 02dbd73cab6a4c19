package clinicbot

// The package comment is in doc.go.

// Profile is the clinic as patients are told of it: its name, how to
// book and reach it, and the numbers for an emergency. The configuration
// fills it (config.Config.Profile); the answering core words it
// (answer.Texts is a Profile), and the transports read it from the
// engine, so every reply names the same clinic and the same numbers.
type Profile struct {
	// ClinicName names the clinic, e.g. "London Spine Unit"; empty says
	// "the clinic".
	ClinicName string
	// BookingURL is where patients book or contact the clinic online;
	// empty when there is none (no booking button is shown).
	BookingURL string
	// Contact is how to reach the clinic team, in the clinic's words
	// (an address, a phone number).
	Contact string
	// EmergencyNumber is the number to call in an emergency, e.g. 999;
	// empty says "your local emergency number".
	EmergencyNumber string
	// EmergencyDepartment is where to go in an emergency, e.g. A&E.
	EmergencyDepartment string
	// UrgentAdvice is who gives urgent medical advice, e.g. NHS 111.
	UrgentAdvice string
	// CrisisLine is who to talk to in a mental health crisis, e.g.
	// "Samaritans on 116 123 (free, day or night)".
	CrisisLine string
}
