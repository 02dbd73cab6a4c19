package e2e

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clinicbot/clinicbot/unanswered"
)

// choicesQuestion returns a question of the clinic's development set that
// the engine answers with two or more choices, and that reply, so the tests
// follow the engine's thresholds rather than one question that happened to
// get choices under earlier ones.
func choicesQuestion(t *testing.T) reply {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "clinic", "questions.jsonl"))
	if err != nil {
		t.Fatalf("clinic development set: %v", err)
	}
	defer f.Close()
	var qs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l struct{ Query string }
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("clinic development set: %v", err)
		}
		// The unanswered log must keep the question as asked: none it redacts.
		if q := strings.TrimSpace(l.Query); q != "" && !strings.ContainsAny(q, "\n\r") && !strings.HasPrefix(q, "/") && unanswered.Redact(q) == q {
			qs = append(qs, q)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, r := range askEngine(t, nil, qs...) {
		if r.Kind == "choices" && len(r.Choices) >= 2 {
			return r
		}
	}
	t.Fatal("no question of the development set gets two or more choices: the engine never offers a choice")
	return reply{}
}

// TestConversation: the bot reads a patient's message after its own last
// reply, the way a receptionist would.
func TestConversation(t *testing.T) {
	t.Parallel()
	choices := choicesQuestion(t)
	path := filepath.Join(t.TempDir(), "unanswered.log")
	p := start(t, options{config: strings.ReplaceAll(testdata(t, "unanswered.yaml"), "UNANSWERED_PATH", path)})
	p.ready()
	chat := int64(7700)
	next := func() int64 { chat++; return chat }

	offer := func(t *testing.T, patient int64) {
		t.Helper()
		c := p.say(patient, choices.Question)
		if got := callbackData(buttons(t, c)); len(got) != len(choices.Choices) || !strings.Contains(plain(c.Text()), "Did you mean") {
			t.Fatalf("choices reply %q with buttons %v", plain(c.Text()), got)
		}
	}
	for _, tc := range []struct {
		say  string
		pick int
	}{{"yes", 0}, {"2", 1}, {"the second one", 1}} {
		t.Run("choices then "+tc.say, func(t *testing.T) {
			patient := next()
			offer(t, patient)
			c := p.say(patient, tc.say)
			if want := choices.Choices[tc.pick].Title; titleOf(c) != want {
				t.Errorf("%q after choices got %q, want the entry %q", tc.say, plain(c.Text()), want)
			}
		})
	}
	t.Run("choices then no", func(t *testing.T) {
		patient := next()
		offer(t, patient)
		c := p.say(patient, "no")
		text := plain(c.Text())
		if titleOf(c) != "" || !strings.Contains(text, "Sorry") || !strings.Contains(text, "Harley St") {
			t.Errorf("no after choices got %q, want an apology and the contact", text)
		}
		if urlButtons(buttons(t, c))[bookLabel] != bookingURL {
			t.Errorf("no booking button: %s", c.ReplyMarkup())
		}
	})
	t.Run("another chat's choices are not mine", func(t *testing.T) {
		offer(t, next())
		if c := p.say(next(), "2"); titleOf(c) == choices.Choices[1].Title {
			t.Errorf("2 in a fresh chat picked another chat's choice")
		}
	})
	t.Run("follow-up after the denervation answer", func(t *testing.T) {
		patient := next()
		if c := p.say(patient, "what is facet joint denervation?"); titleOf(c) != "What is facet joint denervation?" {
			t.Fatalf("headline question got %q", plain(c.Text()))
		}
		if c := p.say(patient, "does it hurt?"); titleOf(c) != "Does facet joint denervation hurt?" {
			t.Errorf("does it hurt? got %q, want the pain entry", plain(c.Text()))
		}
		if c := p.say(patient, "thanks"); !strings.Contains(plain(c.Text()), "welcome") {
			t.Errorf("thanks got %q", plain(c.Text()))
		}
	})
	t.Run("are you a robot", func(t *testing.T) {
		c := p.say(next(), "are you a robot?")
		if text := plain(c.Text()); !strings.Contains(text, "automated assistant, not a person") || strings.Contains(text, "don't have an answer") {
			t.Errorf("are you a robot? got %q", text)
		}
	})
	for _, q := range []string{"مرحبا، كم تكلفة الاستشارة؟", "Здравствуйте, сколько стоит консультация?"} {
		t.Run("another language", func(t *testing.T) {
			c := p.say(next(), q)
			text := plain(c.Text())
			if titleOf(c) != "" || !strings.Contains(text, "only answer in English") || !strings.Contains(text, "999") || !strings.Contains(text, "Harley St") {
				t.Errorf("%q got %q, want the English notice with the contact and the emergency number", q, text)
			}
		})
	}
	t.Run("a fees question's fallback has no 999", func(t *testing.T) {
		var q string
		for _, r := range askEngine(t, nil, "do you take bitcoin for the fees", "can I pay in bitcoin", "where do I park") {
			if r.Kind == "fallback" || r.Kind == "choices" {
				q = r.Question
				break
			}
		}
		if q == "" {
			t.Fatal("every fees question is answered")
		}
		if text := plain(p.say(next(), q).Text()); strings.Contains(text, "999") {
			t.Errorf("%q got %q, with the emergency line", q, text)
		}
		if text := plain(p.say(next(), "my big toe hurts when I play golf").Text()); !strings.Contains(text, "999") {
			t.Errorf("a fallback about the body lacks the emergency line: %q", text)
		}
	})
	p.stop()

	// "no" recorded the question the choices were offered for.
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	declined := 0
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		var line struct{ Question, Reply string }
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if line.Question == "no" || line.Question == "the second one" || line.Question == "yes" {
			t.Errorf("a reply to choices was logged as a question: %s", sc.Text())
		}
		if line.Question == choices.Question && line.Reply == "fallback" {
			declined++
		}
	}
	if declined != 1 {
		t.Errorf("%d fallback lines for the declined question, want 1:\n%s", declined, b)
	}
	if strings.Contains(p.stderr.String(), "does it hurt") {
		t.Errorf("a patient's words reached the log")
	}
}

// TestTerminalChatCatchesSplitEmergency runs `clinicbot chat` as a patient
// would, typing an emergency in two lines.
func TestTerminalChatCatchesSplitEmergency(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cmd := exec.Command(binary, "chat")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + dir}
	cmd.Stdin = strings.NewReader("I've lost control\nof my bladder\n/help\n")
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("clinicbot chat: %v", err)
	}
	parts := strings.Split(string(out), "\n> ")
	for i := range parts {
		parts[i] = strings.Join(strings.Fields(parts[i]), " ") // the chat wraps lines
	}
	if len(parts) < 4 {
		t.Fatalf("output:\n%s", out)
	}
	if strings.Contains(parts[1], "999 or go to A&E") {
		t.Errorf("half a sentence alarmed:\n%s", parts[1])
	}
	if !strings.Contains(parts[2], "call 999 or go to A&E now") {
		t.Errorf("the emergency in two lines was missed:\n%s", parts[2])
	}
	if !strings.Contains(parts[3], "/topics") {
		t.Errorf("/help in the terminal:\n%s", parts[3])
	}
}
