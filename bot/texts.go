package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/clinicbot/clinicbot/answer"
)

// Fixed texts. They are plain text: compose escapes them.
const (
	bookButton = answer.BookingLabel
	sorryText  = "Sorry, something went wrong on my side and I couldn't answer that. Please try again in a moment, or use /contact to reach the clinic team."
	staleText  = "Sorry, that button is out of date: the information has changed since. Please type your question, or use /topics to browse."
)

// notText answers a voice note, photo or file without words: the bot can't
// hear or see it, and it may be about an emergency.
func (b *Bot) notText() string {
	return "Sorry, I can only read text questions. Please type your question in a message, for example \"How do I book a consultation?\"\n\n" +
		"If you feel seriously unwell or this is an emergency, " + b.emergencyLine() + ".\n\n" +
		"Please don't send photos, documents or voice notes about your health here."
}

// floodText answers a sender who sends faster than the bot can answer,
// with the clinic's own emergency number: a clinic outside the UK must
// never be told 999.
func (b *Bot) floodText() string {
	return "I'm still answering your earlier messages, please send one question at a time. If this is an emergency, " + b.emergencyLine() + "."
}

// clinic is the clinic's profile, as the engine words replies with it.
func (b *Bot) clinic() answer.Texts { return b.live.Engine().Texts() }

func (b *Bot) clinicName() string { return b.clinic().Clinic() }

func (b *Bot) emergencyLine() string { return b.clinic().EmergencyCall() }

// welcome is the /start message: what the bot does, its limits, privacy in
// a line, and buttons for the main topics and booking.
func (b *Bot) welcome() []message {
	text := fmt.Sprintf("I can answer common questions about %s: its treatments, what to expect, appointments, fees and more. Type your question in your own words, or pick a topic below.\n\n"+
		"I give general information, not medical advice, and I can't help in an emergency: if you are seriously unwell, %s.\n\n"+
		"%s /privacy has the details.", b.clinicName(), b.emergencyLine(), b.privacySummary())
	kb := b.topicsKeyboard()
	if u := b.clinic().BookingURL; u != "" {
		kb = kb.add(urlButton(bookButton, u))
	}
	return compose("Hello! I'm the "+b.clinicName()+" assistant.", text, kb)
}

func (b *Bot) topicsKeyboard() *keyboard {
	var kb *keyboard
	for _, topic := range b.live.Engine().Topics() {
		kb = kb.add(topicButton(topic))
	}
	return kb
}

func (b *Bot) bookKeyboard() *keyboard {
	var kb *keyboard
	if u := b.clinic().BookingURL; u != "" {
		kb = kb.add(urlButton(bookButton, u))
	}
	return kb
}

func (b *Bot) helpText(group bool) string {
	var s strings.Builder
	fmt.Fprintf(&s, "I answer common questions about %s. Type a question in your own words, for example \"What happens at the first consultation?\"\n\n", b.clinicName())
	s.WriteString(helpLines() + "\n")
	if group {
		if me := b.me.Load(); me != nil && me.username != "" {
			fmt.Fprintf(&s, "In a group, mention me (@%s) or reply to one of my messages.\n\n", me.username)
		} else {
			s.WriteString("In a group, mention me or reply to one of my messages.\n\n")
		}
	}
	fmt.Fprintf(&s, "I give general information, not medical advice. In an emergency, %s.", b.emergencyLine())
	return s.String()
}

func (b *Bot) bookText() string {
	p := b.clinic()
	c := strings.TrimSpace(p.Contact)
	switch {
	case p.BookingURL != "" && c != "":
		return fmt.Sprintf("To book a consultation with %s or ask a question, use the button below, or contact the clinic:\n\n%s", b.clinicName(), c)
	case p.BookingURL != "":
		return fmt.Sprintf("To book a consultation with %s or ask a question, use the button below.", b.clinicName())
	case c != "":
		return "To book a consultation, please contact the clinic:\n\n" + c
	default:
		return "To book a consultation, please contact the clinic."
	}
}

func (b *Bot) contactText() string {
	if c := strings.TrimSpace(b.clinic().Contact); c != "" {
		return "You can reach the clinic here:\n\n" + c
	}
	return "Please see the clinic's website for how to reach the team."
}

// privacySummary is the one line of the welcome about what is kept.
func (b *Bot) privacySummary() string {
	switch {
	case b.opts.LogText:
		return "Privacy: this service keeps your messages in its logs."
	case b.opts.OnUnanswered != nil:
		return "Privacy: I keep no copy of your messages, except the words of questions I can't answer for sure."
	default:
		return "Privacy: I keep no copy of your messages."
	}
}

// privacyText is /privacy: the limits of the service and what it keeps,
// true to the operator's settings.
func (b *Bot) privacyText() string {
	var s strings.Builder
	fmt.Fprintf(&s, "I give general information about %s, not medical advice. Please don't send personal medical details here; to talk about your own care, contact the clinic team.\n\n", b.clinicName())
	if b.opts.LogText {
		s.WriteString("This service has message logging turned on: the text of your messages is kept in its server logs.\n\n")
	} else {
		s.WriteString("By default this bot keeps no copy of what you write once it has answered: a message waits on the server, without your name, only until its answer is sent. Its logs note which answers were given, under a code that can't be traced back to your Telegram account. So that you can answer \"yes\" to a suggestion or ask a follow-up, I remember my last reply to you for a few minutes, and so that an emergency sent in two messages is still noticed, a short unfinished message for about two minutes: in memory only, never stored.\n\n")
	}
	if b.opts.OnUnanswered != nil {
		s.WriteString("When I can't answer a question, or am not sure which answer you need, its words are kept")
		if d := b.opts.UnansweredRetention; d > 0 {
			days := int((d + 24*time.Hour - 1) / (24 * time.Hour))
			fmt.Fprintf(&s, " for at most %d day%s", days, plural(days))
		}
		s.WriteString(" so the clinic team can add the answer: not your Telegram name, username or account, and the names, e-mail addresses, phone numbers, dates and postcodes I can recognise in it are blanked out. Please don't put your name or health details in a question.\n\n")
	}
	if b.desk.on() {
		s.WriteString("If you ask for a call back, the phone number or e-mail address you give and your first name go to the clinic staff's Telegram chat, and nowhere else: I hold them in memory only until they are sent, and write them to no file or log.\n\n")
	}
	s.WriteString("Telegram keeps this chat, like any Telegram conversation; you can delete it at any time.")
	return s.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
