package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// devQuestions is the clinic's development set, resolved before any test
// moves to its own folder.
var devQuestions, _ = filepath.Abs(filepath.Join("..", "..", "tests", "clinic", "questions.jsonl"))

// choicesQuestion returns a question of the clinic's development set that
// `clinicbot ask` answers with two or more choices, and those choices'
// titles: the tests of replies to choices follow the engine and its
// thresholds rather than one question that happens to get choices today.
func choicesQuestion(t *testing.T) (string, []string) {
	t.Helper()
	f, err := os.Open(devQuestions)
	if err != nil {
		t.Fatalf("clinic development set: %v", err)
	}
	defer f.Close()
	var qs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l struct{ Query string }
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s: %v", devQuestions, err)
		}
		if q := strings.TrimSpace(l.Query); q != "" && !strings.ContainsAny(q, "\n\r") && !strings.HasPrefix(q, "/") {
			qs = append(qs, q)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	_, out, errs := clinicbot(t, strings.Join(qs, "\n")+"\n", "ask", "--json")
	dec := json.NewDecoder(strings.NewReader(out))
	for dec.More() {
		var r struct {
			Question, Kind string
			Choices        []struct{ Title string }
		}
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("ask --json: %v (stderr %q)", err, errs)
		}
		if r.Kind == "choices" && len(r.Choices) >= 2 {
			titles := make([]string, len(r.Choices))
			for i, c := range r.Choices {
				titles[i] = c.Title
			}
			return r.Question, titles
		}
	}
	t.Fatal("no question of the development set gets two or more choices: the engine never offers a choice")
	return "", nil
}

// replies splits a terminal chat's output into what followed each prompt.
func replies(out string) []string {
	parts := strings.Split(out, "\n> ")
	return parts[1:]
}

func TestChatCommands(t *testing.T) {
	isolate(t)
	t.Setenv("CLINICBOT_BOOKING_URL", "https://clinic.example/book")
	code, out, errs := clinicbot(t, "/help\n/topics\n1\n/book\n/contact\n/privacy\n/start\n/nonsense\n", "chat")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	rs := replies(out)
	if len(rs) < 8 {
		t.Fatalf("%d replies for 8 lines:\n%s", len(rs), out)
	}
	for i, want := range []string{
		"/topics: browse questions by topic",         // /help
		"Pick a topic:\n  1. ",                       // /topics
		"Pick a question:\n  1. ",                    // 1: the first topic's questions
		"https://clinic.example/book",                // /book
		"19 Harley St",                               // /contact
		"** Privacy **",                              // /privacy
		"Hello! I'm the London Spine Unit assistant", // /start
		"Sorry, I don't know that command.",          // unknown
	} {
		if !strings.Contains(rs[i], want) {
			t.Errorf("reply %d lacks %q:\n%s", i+1, want, rs[i])
		}
		if strings.Contains(rs[i], "Did you mean") || strings.Contains(rs[i], "don't have an answer") {
			t.Errorf("command %d was answered as a question:\n%s", i+1, rs[i])
		}
	}
	// Topics read as staff titled them in topics.yaml, as on Telegram,
	// not as their ids.
	for _, title := range []string{"About the London Spine Unit", "Booking, fees and practical questions"} {
		if !strings.Contains(rs[1], title) {
			t.Errorf("/topics lacks the title %q:\n%s", title, rs[1])
		}
	}
	if !strings.Contains(rs[2], " **\n") || strings.Contains(rs[2], "** Clinic **") || strings.Contains(rs[2], "** Practical **") {
		t.Errorf("the picked topic is not headed by its title:\n%s", rs[2])
	}
}

func TestChatIsAConversation(t *testing.T) {
	isolate(t)
	// An emergency typed in two lines is caught, as on Telegram.
	_, out, _ := clinicbot(t, "I've lost control\nof my bladder\n", "chat")
	if rs := replies(out); len(rs) < 2 || !strings.Contains(rs[1], "call 999") || !strings.Contains(rs[1], "emergency") {
		t.Errorf("emergency in two lines not caught:\n%s", out)
	}
	// A reply to choices picks one; "are you a robot?" gets its own reply.
	q, titles := choicesQuestion(t)
	_, out, _ = clinicbot(t, q+"\nthe second one\nare you a robot?\n", "chat")
	rs := replies(out)
	if len(rs) < 3 || !strings.Contains(rs[0], "Did you mean") {
		t.Fatalf("no choices first for %q:\n%s", q, out)
	}
	second := ""
	for _, l := range strings.Split(rs[0], "\n") {
		if strings.HasPrefix(l, "  2. ") {
			second = strings.TrimPrefix(l, "  2. ")
		}
	}
	if second == "" || !strings.HasPrefix(titles[1], second) || !strings.Contains(rs[1], "** "+second+" **") {
		t.Errorf("the second one (%q offered, %q by ask) did not show:\n%s", second, titles[1], rs[1])
	}
	if !strings.Contains(rs[2], "automated assistant") {
		t.Errorf("are you a robot?:\n%s", rs[2])
	}
}

func TestChatWrapsAtWords(t *testing.T) {
	isolate(t)
	t.Setenv("COLUMNS", "40")
	_, out, _ := clinicbot(t, "what is facet joint denervation?\n", "chat")
	body := replies(out)[0]
	words := 0
	for _, l := range strings.Split(body, "\n") {
		if n := utf8.RuneCountInString(l); n > 38 && strings.Contains(strings.TrimSpace(l), " ") {
			t.Errorf("line of %d characters at width 38: %q", n, l)
		}
		words += len(strings.Fields(l))
	}
	// Nothing is cut inside a word: the answer's words are all there.
	r := strings.Fields(answerText(t, "what is facet joint denervation?"))
	if !strings.Contains(strings.Join(strings.Fields(body), " "), strings.Join(r, " ")) {
		t.Errorf("wrapped text lost or broke words:\n%s", body)
	}
	// wrap's own cases are in package terminal.
}

func answerText(t *testing.T, q string) string {
	t.Helper()
	_, out, _ := clinicbot(t, "", "ask", "--json", q)
	var r struct{ Text string }
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	return r.Text
}

// `ask` answers each line on its own; `ask --conversation` reads them as one.
func TestAskConversation(t *testing.T) {
	isolate(t)
	q, _ := choicesQuestion(t)
	in := q + "\n2\nno\n"
	kinds := func(args ...string) []string {
		_, out, _ := clinicbot(t, in, append([]string{"ask", "--json"}, args...)...)
		var ks []string
		dec := json.NewDecoder(bytes.NewReader([]byte(out)))
		for dec.More() {
			var r struct{ Kind, Entry string }
			if err := dec.Decode(&r); err != nil {
				t.Fatal(err)
			}
			ks = append(ks, r.Kind+" "+r.Entry)
		}
		return ks
	}
	alone, conv := kinds(), kinds("--conversation")
	if len(alone) != 3 || len(conv) != 3 {
		t.Fatalf("replies %v %v", alone, conv)
	}
	if alone[1] == conv[1] || !strings.HasPrefix(conv[1], "answer ") {
		t.Errorf("2 on its own %q, in the conversation %q: want the second choice", alone[1], conv[1])
	}
	if !strings.HasPrefix(alone[0], "choices") || alone[0] != conv[0] {
		t.Errorf("first line %q / %q", alone[0], conv[0])
	}
}
