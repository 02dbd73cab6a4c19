// Package terminal is clinicbot's second transport: a chat in the
// terminal, with the Telegram bot's answers, conversation and commands
// and numbers standing in for buttons, and the one-line rendering of a
// reply that `clinicbot ask` prints. It knows the answering core (package
// answer), not the configuration file: what it says of the clinic is the
// engine's (answer.Engine.Texts), as for Telegram.
package terminal

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clinicbot/clinicbot/answer"
)

// terminalKey names the terminal chat's one conversation.
const terminalKey = "terminal"

// Chat is the terminal conversation: the same answers as Telegram, read
// in the same conversation (answer.Conversations), with the same commands,
// and numbers standing in for buttons. What it says of the clinic is the
// engine's (answer.Engine.Texts). from says where the knowledge was read.
// It returns when stdin ends or ctx is cancelled.
func Chat(ctx context.Context, eng *answer.Engine, from string, stdin io.Reader, stdout io.Writer) error {
	t := &terminal{eng: eng, p: eng.Texts(), conv: answer.NewConversations(), w: stdout, width: termWidth()}
	t.say(fmt.Sprintf("clinicbot: ask a question about %s (%d answers, from %s).", t.p.ClinicName, eng.Entries(), from))
	t.say(fmt.Sprintf("I give general information, not medical advice. In an emergency call %s.", t.p.EmergencyNumber))
	t.say("Type a number to pick a suggestion, /help for the commands; Ctrl-D to leave.")
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for {
		fmt.Fprint(stdout, "\n> ")
		if !sc.Scan() {
			fmt.Fprintln(stdout)
			return sc.Err()
		}
		if line := strings.TrimSpace(sc.Text()); line != "" {
			t.turn(ctx, line)
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

// terminal is the state of one terminal chat.
type terminal struct {
	eng    *answer.Engine
	p      answer.Texts
	conv   *answer.Conversations
	w      io.Writer
	width  int
	offers []offer // what a number picks now
}

// offer is a numbered suggestion: an entry, or a topic to list.
type offer struct {
	entry, topic, title string
}

// turn answers one line: the red-flag check first, whatever the line is
// (a command too), then a command, a number picking an offer, or a question.
func (t *terminal) turn(ctx context.Context, line string) {
	if r, ok := t.conv.Urgent(t.eng, terminalKey, line); ok {
		t.offers = t.reply(r)
		return
	}
	if strings.HasPrefix(line, "/") && len(line) > 1 && !unicode.IsSpace(rune(line[1])) {
		t.command(line)
		return
	}
	if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(t.offers) {
		o := t.offers[n-1]
		if o.topic != "" {
			t.offers = t.topic(o.topic)
			return
		}
		if r, ok := t.eng.Entry(o.entry); ok {
			t.conv.Shown(terminalKey, r)
			t.offers = t.reply(r)
			return
		}
	}
	t.offers = t.reply(t.conv.Answer(ctx, t.eng, terminalKey, line))
}

// command answers the patients' commands (answer.Commands) as the
// Telegram bot does, and an unknown one with an apology and the help.
func (t *terminal) command(line string) {
	name, arg, _ := strings.Cut(strings.TrimPrefix(line, "/"), " ")
	name, _, _ = strings.Cut(strings.ToLower(name), "@")
	if run, ok := commands[name]; ok {
		run(t, strings.TrimSpace(arg))
		return
	}
	t.say("\nSorry, I don't know that command.\n\n" + t.helpText())
	t.offers = nil
}

// commands answer the patients' commands by name.
var commands = map[string]func(t *terminal, arg string){
	"start": func(t *terminal, arg string) {
		if r, ok := t.eng.Entry(arg); ok {
			t.conv.Shown(terminalKey, r)
			t.offers = t.reply(r)
			return
		}
		t.say("\nHello! I'm the " + t.clinic() + " assistant.\n\n" + t.welcomeText())
		t.offers = t.topics()
	},
	"help": func(t *terminal, _ string) {
		t.say("\n" + t.helpText())
		t.offers = nil
	},
	"topics": func(t *terminal, _ string) {
		t.say("\nPick a topic:")
		t.offers = t.topics()
	},
	"book": func(t *terminal, _ string) {
		t.say("\n" + t.bookText())
		t.offers = nil
	},
	"contact": func(t *terminal, _ string) {
		if c := strings.TrimSpace(t.p.Contact); c != "" {
			t.say("\nYou can reach the clinic here:\n\n" + c)
		} else {
			t.say("\nPlease see the clinic's website for how to reach the team.")
		}
		if u := t.p.BookingURL; u != "" {
			t.say("\n" + answer.BookingLabel + ": " + u)
		}
		t.offers = nil
	},
	"privacy": func(t *terminal, _ string) {
		t.say("\n** Privacy **\n\n" + t.privacyText())
		t.offers = nil
	},
}

// topics lists the knowledge's topics and returns them as offers.
func (t *terminal) topics() []offer {
	var out []offer
	for _, topic := range t.eng.Topics() {
		out = append(out, offer{topic: topic.ID, title: topic.Title})
	}
	t.list(out)
	return out
}

// topic lists a topic's questions and returns them as offers.
func (t *terminal) topic(topic string) []offer {
	tp, questions, _ := t.eng.Topic(topic)
	title := tp.Title
	if title == "" {
		title = answer.TopicLabel(topic)
	}
	t.say("\n** " + title + " **\n\nPick a question:")
	var out []offer
	for _, q := range questions {
		out = append(out, offer{entry: q.EntryID, title: q.Title})
	}
	t.list(out)
	return out
}

// reply shows a reply and returns what it offers to pick.
func (t *terminal) reply(r answer.Reply) []offer {
	fmt.Fprintln(t.w)
	if r.Title != "" {
		t.say("** " + r.Title + " **\n")
	}
	t.say(r.Text)
	choices := r.Picks()
	if related := r.FollowUps(); len(related) > 0 {
		t.say("\nRelated:")
		choices = append(choices, related...)
	}
	var out []offer
	for _, c := range choices {
		out = append(out, offer{entry: c.EntryID, title: c.Title})
	}
	t.list(out)
	if u := r.BookingLink(); u != "" {
		t.say("\n" + answer.BookingLabel + ": " + u)
	}
	return out
}

func (t *terminal) list(offers []offer) {
	for i, o := range offers {
		t.say(fmt.Sprintf("  %d. %s", i+1, o.title))
	}
}

// say prints text wrapped at word boundaries.
func (t *terminal) say(text string) {
	fmt.Fprintln(t.w, wrap(text, t.width))
}

func (t *terminal) clinic() string { return t.p.Clinic() }

func (t *terminal) emergency() string { return t.p.EmergencyCall() }

func (t *terminal) welcomeText() string {
	return fmt.Sprintf("I can answer common questions about %s: its treatments, what to expect, appointments, fees and more. Type your question in your own words, or pick a topic below.\n\n"+
		"I give general information, not medical advice, and I can't help in an emergency: if you are seriously unwell, %s.\n\n"+
		"Privacy: this chat keeps no copy of your messages. /privacy has the details.", t.clinic(), t.emergency())
}

func (t *terminal) helpText() string {
	return fmt.Sprintf("I answer common questions about %s. Type a question in your own words, for example \"What happens at the first consultation?\"\n\n", t.clinic()) +
		answer.HelpLines() + "\n" +
		"Type a number to pick a suggestion. I give general information, not medical advice. In an emergency, " + t.emergency() + "."
}

func (t *terminal) bookText() string {
	c := strings.TrimSpace(t.p.Contact)
	u := t.p.BookingURL
	switch {
	case u != "" && c != "":
		return fmt.Sprintf("You can book a consultation with %s online at %s, or contact the clinic:\n\n%s", t.clinic(), u, c)
	case u != "":
		return fmt.Sprintf("You can book a consultation with %s online at %s.", t.clinic(), u)
	case c != "":
		return "To book a consultation, please contact the clinic:\n\n" + c
	default:
		return "To book a consultation, please contact the clinic."
	}
}

func (t *terminal) privacyText() string {
	return fmt.Sprintf("I give general information about %s, not medical advice. Please don't type personal medical details here; to talk about your own care, contact the clinic team.\n\n", t.clinic()) +
		"This chat keeps no copy of what you write. So that you can answer \"yes\" to a suggestion or ask a follow-up, it remembers its last reply for a few minutes, and so that an emergency typed in two lines is still noticed, a short unfinished line for about two minutes: in memory only, never written anywhere or logged, and gone when you leave."
}

// termWidth is the terminal's width from COLUMNS, else 80; text is wrapped
// two columns short of it.
func termWidth() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n >= 20 && n <= 1000 {
		return n - 2
	}
	return 78
}

// wrap breaks each line of text at word boundaries so that none is wider
// than width, keeping a line's indentation on its continuation lines. A
// word wider than width (a long link) stands alone on its line, unbroken.
func wrap(text string, width int) string {
	var b strings.Builder
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
		// A numbered line ("  2. ...") continues under its text.
		cont := indent
		if f := strings.Fields(line); len(f) > 1 && strings.HasSuffix(f[0], ".") {
			if _, err := strconv.Atoi(strings.TrimSuffix(f[0], ".")); err == nil {
				cont = indent + strings.Repeat(" ", utf8.RuneCountInString(f[0])+1)
			}
		}
		col := 0
		for j, w := range strings.Fields(line) {
			n := utf8.RuneCountInString(w)
			switch {
			case j == 0:
				b.WriteString(indent + w)
				col = len(indent) + n
			case col+1+n > width:
				b.WriteString("\n" + cont + w)
				col = len(cont) + n
			default:
				b.WriteString(" " + w)
				col += 1 + n
			}
		}
	}
	return b.String()
}
