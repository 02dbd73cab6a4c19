package bot

// The bot's commands, declared once. The command menus (setMyCommands for
// patients and for the staff chats), the /help text and the dispatch of a
// "/name" message are all read from commandTable, so a new staff command
// is one row here; a new patients' command is one row in answer.Commands
// (which the terminal chat answers too) and its handler in
// patientsCommands (and, if the clinic may reword its menu entry, one
// field in config.Commands, the file's telegram.profile.commands).

import (
	"fmt"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/clinicbot/clinicbot/answer"
)

// audience is who may use a command and which menu shows it.
type audience int

const (
	// patients: anyone; shown in every command menu.
	patients audience = iota
	// staff: the staff chats only, where their menu shows it; elsewhere
	// it is an unknown command.
	staff
	// anyone: anyone, shown in no menu (a setup aid).
	anyone
)

// command is one row of the command table.
type command struct {
	name string
	// menu is the command menu's description, in the bot's own wording;
	// the clinic may reword a patients' command (telegram.profile.commands).
	menu string
	// inHelp lists the command in /help, as "/name: menu" with a lower-case
	// first letter.
	inHelp bool
	who    audience
	// run answers the command; arg is what follows it ("/start ARG").
	run func(b *Bot, t *turn, arg string)
}

// commandTable is every command, in menu and help order: the patients'
// commands every transport answers (answer.Commands), then the ones of
// the Telegram bot alone.
func commandTable() []command {
	var out []command
	for _, c := range answer.Commands() {
		out = append(out, command{name: c.Name, menu: c.Menu, inHelp: c.InHelp, who: patients, run: patientsCommands[c.Name]})
	}
	return append(out,
		command{name: "status", menu: "Staff: the knowledge and its problems", who: staff, run: (*Bot).cmdStatus},
		command{name: "unanswered", menu: "Staff: this week's unanswered questions", who: staff, run: (*Bot).cmdUnanswered},
		command{name: "stats", menu: "Staff: this week's counts", who: staff, run: (*Bot).cmdStats},
		command{name: "chatid", who: anyone, run: (*Bot).cmdChatID},
	)
}

// patientsCommands answer the patients' commands (answer.Commands) by name.
var patientsCommands = map[string]func(b *Bot, t *turn, arg string){
	"start":   (*Bot).cmdStart,
	"topics":  (*Bot).cmdTopics,
	"book":    (*Bot).cmdBook,
	"contact": (*Bot).cmdContact,
	"privacy": (*Bot).cmdPrivacy,
	"help":    (*Bot).cmdHelp,
}

// lookupCommand finds the row named name.
func lookupCommand(name string) (command, bool) {
	for _, c := range commandTable() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// menu is a command menu: the patients' commands in the clinic's wording
// where it has one, followed, when withStaff, by the staff commands.
func menu(reworded map[string]string, withStaff bool) []models.BotCommand {
	var out []models.BotCommand
	for _, c := range commandTable() {
		switch {
		case c.who == patients:
			d := strings.TrimSpace(reworded[c.name])
			if d == "" {
				d = c.menu
			}
			out = append(out, models.BotCommand{Command: c.name, Description: d})
		case c.who == staff && withStaff:
			out = append(out, models.BotCommand{Command: c.name, Description: c.menu})
		}
	}
	return out
}

// helpLines is the list of commands in /help, one "/name: what it does" a line.
func helpLines() string { return answer.HelpLines() }

// command answers a command from the table; an unknown one (or a staff
// command outside the staff chats) gets an apology and the help, except
// in a group when it named no bot: it may be another bot's.
func (b *Bot) command(t *turn, cmd, arg string, explicit bool) {
	t.what = "/" + cmd
	t.text = "" // a command is not a patient's words (a deep link names an entry)
	if c, ok := lookupCommand(cmd); ok && (c.who != staff || b.desk.isStaff(t.chat)) {
		c.run(b, t, arg)
		return
	}
	if t.to.group && !explicit {
		t.to, t.what = nil, "ignored" // perhaps another bot's command
		return
	}
	t.what = "unknown_command"
	b.send(t, *t.to, compose("", "Sorry, I don't know that command.\n\n"+b.helpText(t.to.group), nil))
}

// cmdStart is /start: the welcome, or with a deep link's entry id, that entry.
func (b *Bot) cmdStart(t *turn, arg string) {
	if arg != "" {
		if r, ok := b.live.Engine().Entry(arg); ok {
			t.entry = r.EntryID
			b.conv.Shown(t.conv, r)
			b.send(t, *t.to, b.bookingReply(r, *t.to))
			return
		}
	}
	b.send(t, *t.to, b.welcome())
}

func (b *Bot) cmdHelp(t *turn, _ string) {
	b.send(t, *t.to, compose("", b.helpText(t.to.group), nil))
}

func (b *Bot) cmdTopics(t *turn, _ string) {
	b.send(t, *t.to, compose("", "Pick a topic:", b.topicsKeyboard()))
}

func (b *Bot) cmdBook(t *turn, _ string) {
	b.send(t, *t.to, compose("", b.bookText(), b.withCallBack(b.bookKeyboard(), *t.to)))
}

func (b *Bot) cmdContact(t *turn, _ string) {
	b.send(t, *t.to, compose("", b.contactText(), b.withCallBack(b.bookKeyboard(), *t.to)))
}

func (b *Bot) cmdPrivacy(t *turn, _ string) {
	b.send(t, *t.to, compose("Privacy", b.privacyText(), nil))
}

// cmdChatID tells anyone their chat's id: it is how a chat is made a
// staff chat.
func (b *Bot) cmdChatID(t *turn, _ string) {
	b.send(t, *t.to, compose("", fmt.Sprintf("This chat's id is %d. To make it a staff chat, add it to staff.chat_ids in the bot's configuration (or CLINICBOT_STAFF_CHAT_IDS).", t.chat), nil))
}

func (b *Bot) cmdStatus(t *turn, _ string) {
	b.send(t, *t.to, compose("Status", b.statusText(), nil))
}

func (b *Bot) cmdUnanswered(t *turn, _ string) {
	text := "The unanswered-questions log is off, so there is nothing to show (privacy.unanswered.enabled in the configuration turns it on)."
	if b.opts.Staff.Unanswered != nil {
		text = b.opts.Staff.Unanswered()
	}
	b.send(t, *t.to, compose("Unanswered questions, last 7 days", text, nil))
}

func (b *Bot) cmdStats(t *turn, _ string) {
	b.send(t, *t.to, compose("This week", b.statsText(), nil))
}
