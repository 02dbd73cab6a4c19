package answer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Command is one of the patients' commands, which every transport
// answers (Telegram's menu and /help, the terminal chat's /help). A
// transport joins each to its handler by name; its tests fail when one
// has none. Commands for one transport only (the Telegram staff's) stay
// in that transport.
type Command struct {
	// Name is the command without its slash.
	Name string
	// Menu is what it does, as a command menu shows it.
	Menu string
	// InHelp lists it in /help, as "/name: menu" with a lower-case first letter.
	InHelp bool
}

// Commands are the patients' commands, in menu and help order.
func Commands() []Command {
	return []Command{
		{Name: "start", Menu: "Welcome and main topics"},
		{Name: "topics", Menu: "Browse questions by topic", InHelp: true},
		{Name: "book", Menu: "Book a consultation", InHelp: true},
		{Name: "contact", Menu: "How to reach the clinic", InHelp: true},
		{Name: "privacy", Menu: "What this bot keeps", InHelp: true},
		{Name: "help", Menu: "What I can help with"},
	}
}

// HelpLines is the list of commands /help shows, one "/name: what it
// does" a line.
func HelpLines() string {
	var s strings.Builder
	for _, c := range Commands() {
		if c.InHelp {
			s.WriteString("/" + c.Name + ": " + lowerFirst(c.Menu) + "\n")
		}
	}
	return s.String()
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}
