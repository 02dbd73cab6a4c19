package bot

import (
	"testing"

	"github.com/clinicbot/clinicbot/config"
)

// The command table feeds the menus, the help and the dispatch; these
// check the three read it the same way.
func TestCommandTable(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range commandTable() {
		if seen[c.name] || !commandName.MatchString(c.name) || c.run == nil {
			t.Errorf("command %q: duplicate, badly named or without a handler", c.name)
		}
		seen[c.name] = true
		if c.who != anyone && c.menu == "" {
			t.Errorf("command %q is in a menu without a description", c.name)
		}
	}
	// The configuration's rewordable commands are the patients' ones.
	// (The one use of config in bot, and in a test: the file's keys must
	// meet the table; Telegram.Validate refuses any other name.)
	for _, w := range (config.Commands{}).List() {
		if c, ok := lookupCommand(w[0]); !ok || c.who != patients {
			t.Errorf("telegram.profile.commands.%s rewords no patients' command", w[0])
		}
		if err := (Telegram{Token: "1:x", Profile: Profile{Commands: map[string]string{w[0]: "x"}}}).Validate(); err != nil {
			t.Errorf("telegram.profile.commands.%s: %v", w[0], err)
		}
	}
	if err := (Telegram{Token: "1:x", Profile: Profile{Commands: map[string]string{"status": "x"}}}).Validate(); err == nil {
		t.Error("a staff command was reworded")
	}
	if got, want := helpLines(), "/topics: browse questions by topic\n/book: book a consultation\n/contact: how to reach the clinic\n/privacy: what this bot keeps\n"; got != want {
		t.Errorf("help lines %q, want %q", got, want)
	}
	if p, s := len(menu(nil, false)), len(menu(nil, true)); p != 6 || s != 9 {
		t.Errorf("menus of %d and %d commands, want 6 for patients and 9 for staff", p, s)
	}
}
