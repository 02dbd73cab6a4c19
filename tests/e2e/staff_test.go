package e2e

import (
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

const staffChat = 9100

// staffConfig is a config with one staff chat, a state dir and a quick reload.
func staffConfig(state string) string {
	return fmt.Sprintf("reload: 200ms\nstate_dir: %s\nstaff:\n  chat_ids: [%d]\n", state, staffChat)
}

// breakWithTab indents one line of file with a tab and returns its line number.
func breakWithTab(t *testing.T, file string) (broken []byte, line int) {
	t.Helper()
	orig, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	ls := strings.Split(string(orig), "\n")
	for i, l := range ls {
		if strings.HasPrefix(l, "    answer:") {
			ls[i] = "\t" + strings.TrimLeft(l, " ")
			return []byte(strings.Join(ls, "\n")), i + 1
		}
	}
	t.Fatalf("no answer line in %s", file)
	return nil, 0
}

// staffText is the text of the staff chat's n-th message, as staff read it.
func (p *proc) staffText(n int) string {
	p.t.Helper()
	return html.UnescapeString(p.waitSentTo(staffChat, n)[n-1].Text())
}

// A broken edit reaches the staff chat with its file and line within
// seconds; the fix is announced; staff commands are refused elsewhere.
func TestStaffToldOfBrokenEdit(t *testing.T) {
	t.Parallel()
	const patient = 4701
	dir := copyKnowledge(t)
	file := filepath.Join(dir, "practical.yaml")
	orig, _ := os.ReadFile(file)
	p := start(t, options{config: staffConfig(filepath.Join(t.TempDir(), "state")), args: []string{"--knowledge", dir}})
	p.ready()

	broken, line := breakWithTab(t, file)
	edited := time.Now()
	replaceFile(t, file, broken)
	got := p.staffText(1)
	d := time.Since(edited)
	t.Logf("the staff heard of the broken edit after %s", d.Round(time.Millisecond))
	if d > 10*time.Second {
		t.Errorf("the staff heard of the broken edit after %s, want within 10 s", d)
	}
	if want := fmt.Sprintf("practical.yaml:%d: use spaces, not a tab, to indent", line); !strings.Contains(got, want) {
		t.Errorf("staff message %q does not contain %q", got, want)
	}
	if !strings.Contains(got, "patients still get the last version that loaded") {
		t.Errorf("staff message %q does not say the last version keeps serving", got)
	}

	// /status in the staff chat shows the problem; elsewhere it is unknown.
	status := html.UnescapeString(p.say(staffChat, "/status").Text())
	if !strings.Contains(status, "has not loaded since") || !strings.Contains(status, fmt.Sprintf("practical.yaml:%d", line)) {
		t.Errorf("/status: %q", status)
	}
	if c := html.UnescapeString(p.say(patient, "/status").Text()); !strings.HasPrefix(c, "Sorry, I don't know that command.") || strings.Contains(c, "practical.yaml") {
		t.Errorf("/status from a patient: %q, want the unknown-command reply", c)
	}

	replaceFile(t, file, orig)
	fixed := p.staffText(3) // 1: the problem, 2: /status, 3: the fix
	if !regexp.MustCompile(`^knowledge loaded again: \d+ entries`).MatchString(fixed) {
		t.Errorf("after the fix the staff got %q", fixed)
	}
	p.stop()
	if n := len(p.sentTo(staffChat)); n != 3 {
		t.Errorf("staff chat got %d messages, want 3", n)
	}
	p.checkNoSecrets()
}

// A restart with a broken folder keeps answering from the last knowledge
// that loaded, and tells the staff; without any copy, start fails.
func TestRestartWithBrokenFolder(t *testing.T) {
	t.Parallel()
	const patient = 4702
	dir := copyKnowledge(t)
	state := filepath.Join(t.TempDir(), "state")
	question := pickAnswered(t, 1)[0]

	p := start(t, options{config: staffConfig(state), args: []string{"--knowledge", dir}})
	p.ready()
	p.stop()

	file := filepath.Join(dir, "procedure.yaml")
	broken, line := breakWithTab(t, file)
	replaceFile(t, file, broken)

	p = start(t, options{config: staffConfig(state), args: []string{"--knowledge", dir}})
	p.ready()
	p.waitLog(regexp.MustCompile(`knowledge folder does not load; serving the last knowledge that loaded`))
	expect(t, p.say(patient, question.Question), question)
	if got, want := p.staffText(1), fmt.Sprintf("procedure.yaml:%d: use spaces, not a tab, to indent", line); !strings.Contains(got, want) {
		t.Errorf("staff message %q does not contain %q", got, want)
	}
	p.stop()

	// No copy kept (a new state dir): start fails as before, naming the problem.
	p = start(t, options{config: staffConfig(filepath.Join(t.TempDir(), "empty-state")), args: []string{"--knowledge", dir}})
	if code := p.exitCode(); code != 1 {
		t.Errorf("exit code %d with a broken folder and no copy, want 1", code)
	}
	if !strings.Contains(p.stderr.String(), fmt.Sprintf("procedure.yaml:%d: use spaces, not a tab, to indent", line)) {
		t.Errorf("stderr does not name the problem:\n%s", p.stderr.String())
	}
}
