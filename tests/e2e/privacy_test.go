package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clinicbot/clinicbot/tests/fakeapi"
)

// The patient in the privacy tests, with an id and username distinctive
// enough to search for.
const (
	privatePatient  = 987654321
	privateUsername = "user987654321"
	privateGroup    = -1005550001112
)

// privateWords are what patients write in TestPrivacy: none of it may be
// kept by the bot, in its logs or in any file.
var privateWords = []string{
	"sciatica", "Jane Doe", "terrible", "bitcoin", "bladder", "agony",
	"MRI of my spine", "what is facet joint denervation", "how much does it cost",
	privateUsername,
}

// converse holds a conversation full of personal details with p.
func converse(t *testing.T, p *proc) {
	t.Helper()
	p.say(privatePatient, "/start")
	p.say(privatePatient, "I have terrible sciatica and my name is Jane Doe, what is facet joint denervation?")
	c := p.say(privatePatient, "what is facet joint denervation?")
	if data := callbackData(buttons(t, c)); len(data) > 0 {
		p.ask(privatePatient, fakeapi.CallbackQuery(privatePatient, data[0], messageID(t, c)))
	}
	p.say(privatePatient, "price of bitcoin")
	if c := p.say(privatePatient, "my back is agony and I can't control my bladder"); !strings.Contains(c.Text(), "999") {
		t.Errorf("urgent reply %q", c.Text())
	}
	p.ask(privatePatient, fakeapi.PhotoMessage(privatePatient, "MRI of my spine, Jane Doe"))
	p.ask(privateGroup, fakeapi.GroupMessage(privateGroup, privatePatient, "@"+botName+" Jane Doe here, sciatica again: how much does it cost?"))
	if c := p.say(privatePatient, "/privacy"); !strings.Contains(c.Text(), "keeps no copy") {
		t.Errorf("/privacy does not say that nothing is kept: %q", c.Text())
	}
}

// leaks returns the private words found in s (case-insensitive).
func leaks(s string) []string {
	s = strings.ToLower(s)
	var out []string
	for _, w := range privateWords {
		if strings.Contains(s, strings.ToLower(w)) {
			out = append(out, w)
		}
	}
	return out
}

// TestPrivacy: with the default configuration, nothing a patient writes is
// kept: not in the logs, not in any file the process writes; and the
// token never reaches the logs.
func TestPrivacy(t *testing.T) {
	t.Parallel()
	p := start(t, options{config: testdata(t, "default.yaml")})
	p.ready()
	converse(t, p)
	p.stop()

	logs := p.stdout.String() + p.stderr.String()
	if !strings.Contains(logs, `msg="telegram: update handled"`) {
		t.Fatalf("no logs of handled updates: is stderr captured?")
	}
	if found := leaks(logs); len(found) > 0 {
		t.Errorf("patients' words in the logs: %q", found)
	}
	var files []string
	err := filepath.WalkDir(p.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(p.dir, path)
		files = append(files, rel)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if found := leaks(string(b)); len(found) > 0 {
			t.Errorf("patients' words in %s: %q", rel, found)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(files, []string{"config.yaml"}) {
		t.Logf("files in the working directory: %v", files)
	}
	p.checkNoSecrets()
}

// TestPrivacyControl checks TestPrivacy's search: with message logging
// turned on, the patient's words are found in the logs.
func TestPrivacyControl(t *testing.T) {
	t.Parallel()
	p := start(t, options{config: testdata(t, "default.yaml"), env: map[string]string{"CLINICBOT_LOG_MESSAGE_TEXT": "true"}})
	p.ready()
	p.say(privatePatient, "I have terrible sciatica and my name is Jane Doe, what is facet joint denervation?")
	if c := p.say(privatePatient, "/privacy"); !strings.Contains(c.Text(), "logging turned on") {
		t.Errorf("/privacy does not say messages are logged: %q", c.Text())
	}
	p.stop()
	if found := leaks(p.stderr.String()); !slices.Contains(found, "sciatica") {
		t.Errorf("with CLINICBOT_LOG_MESSAGE_TEXT=true the message text should be in the logs; found %q", found)
	}
	p.checkNoSecrets()
}

// TestUnansweredLog turns the unanswered-questions log on: it keeps the
// words of unanswered questions only, with the time and the kind of reply,
// readable by its owner only, and purges old lines at start.
func TestUnansweredLog(t *testing.T) {
	t.Parallel()
	answered := pickAnswered(t, 1)[0]
	// The brief's example is "price of bitcoin in yen"; use the first of
	// these that the engine really cannot answer.
	candidates := []string{"price of bitcoin in yen", "price of bitcoin", "quantum chromodynamics lecture notes"}
	eng := askEngine(t, nil, candidates...)
	unanswered := ""
	for _, r := range eng {
		if r.Kind == "fallback" {
			unanswered = r.Question
			break
		}
		t.Logf("note: the engine replies to %q with %s, so it is not an unanswered question", r.Question, r.Kind)
	}
	if unanswered == "" {
		t.Fatal("the engine answers every candidate question")
	}

	path := filepath.Join(t.TempDir(), "unanswered.log")
	old, _ := json.Marshal(map[string]any{"time": time.Now().Add(-40 * 24 * time.Hour).UTC(), "question": "an old question kept too long"})
	if err := os.WriteFile(path, append(old, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := strings.ReplaceAll(testdata(t, "unanswered.yaml"), "UNANSWERED_PATH", path)
	p := start(t, options{config: cfg})
	p.ready()
	if b, err := os.ReadFile(path); err != nil || bytes.Contains(b, []byte("an old question")) {
		t.Errorf("the 40-day-old line was not purged at start (err %v): %q", err, b)
	}
	if c := p.say(privatePatient, "/privacy"); !strings.Contains(c.Text(), "30 days") {
		t.Errorf("/privacy does not give the retention period: %q", c.Text())
	}
	expect(t, p.say(privatePatient, answered.Question), answered)
	if c := p.say(privatePatient, unanswered); !strings.Contains(plain(c.Text()), "I don't have an answer") {
		t.Errorf("reply to %q: %q", unanswered, c.Text())
	}
	p.stop()

	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("unanswered log mode %o, want 600", mode)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var questions []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		var keys []string
		for k := range line {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, []string{"question", "reply", "time"}) || line["reply"] != "fallback" {
			t.Errorf("line with keys %v, want exactly time, question and reply (fallback): %s", keys, sc.Text())
		}
		for _, s := range []string{"987654321", privateUsername, "Test"} {
			if strings.Contains(sc.Text(), s) {
				t.Errorf("line names the patient (%q): %s", s, sc.Text())
			}
		}
		if ts, _ := line["time"].(string); ts != "" {
			if tm, err := time.Parse(time.RFC3339, ts); err != nil || time.Since(tm) > time.Hour || time.Until(tm) > time.Hour {
				t.Errorf("line time %q is not now", ts)
			}
		}
		q, _ := line["question"].(string)
		questions = append(questions, q)
	}
	if !slices.Equal(questions, []string{unanswered}) {
		t.Errorf("unanswered log holds %q, want only %q", questions, unanswered)
	}
	if strings.Contains(p.stderr.String(), unanswered) {
		t.Errorf("the unanswered question is in the logs")
	}
	p.checkNoSecrets()
}
