package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// logrotate moves the unanswered log away and sends SIGHUP: the bot keeps
// running and writes the next question to a new file at the path.
func TestUnansweredLogRotation(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "unanswered.log")
	cfg := strings.ReplaceAll(testdata(t, "unanswered.yaml"), "UNANSWERED_PATH", path)
	p := start(t, options{config: cfg})
	p.ready()
	lines := func(name string) int {
		b, _ := os.ReadFile(name)
		return bytes.Count(b, []byte("\n"))
	}
	const q1, q2 = "quantum chromodynamics lecture notes", "quantum chromodynamics lecture notes again"
	p.say(privatePatient, q1)
	waitUntil(t, "the first line", func() bool { return lines(path) == 1 })
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	p.waitLog(regexp.MustCompile(`unanswered log reopened`))
	p.say(privatePatient, q2)
	waitUntil(t, "a line in the new file", func() bool { return lines(path) >= 1 })
	p.stop()
	if lines(path+".1") != 1 {
		t.Errorf("the rotated file has %d lines, want 1", lines(path+".1"))
	}
}

// An unanswered log in a folder that does not exist stops serve at start,
// saying so, rather than failing every write later.
func TestUnansweredLogInMissingFolder(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "no-such-folder", "unanswered.log")
	cfg := strings.ReplaceAll(testdata(t, "unanswered.yaml"), "UNANSWERED_PATH", path)
	p := start(t, options{config: cfg})
	if code := p.exitCode(); code == 0 {
		t.Errorf("exit code 0")
	}
	if out := p.stderr.String(); !strings.Contains(out, "does not exist") || !strings.Contains(out, "no-such-folder") {
		t.Errorf("stderr does not say the folder is missing:\n%s", out)
	}
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
