package terminal

import (
	"testing"

	"github.com/clinicbot/clinicbot/answer"
)

// A numbered line continues under its text, and a word wider than the
// line (a long link) stands alone, unbroken. (The chat's wrapped output as
// a whole is tested through the clinicbot command.)
func TestWrap(t *testing.T) {
	if got := wrap("  2. a b c d e f g", 10); got != "  2. a b c\n     d e f\n     g" {
		t.Errorf("wrap of a numbered line: %q", got)
	}
	if got := wrap("see https://clinic.example/a/very/long/link ok", 10); got != "see\nhttps://clinic.example/a/very/long/link\nok" {
		t.Errorf("wrap of a long word: %q", got)
	}
}

// The chat answers every patients' command, as the Telegram bot does.
func TestEveryCommandAnswered(t *testing.T) {
	for _, c := range answer.Commands() {
		if commands[c.Name] == nil {
			t.Errorf("/%s has no handler in the terminal chat", c.Name)
		}
	}
	if len(commands) != len(answer.Commands()) {
		t.Errorf("%d handlers for %d commands", len(commands), len(answer.Commands()))
	}
}
