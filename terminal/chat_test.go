package terminal

import "testing"

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
