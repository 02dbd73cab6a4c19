package answer_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/clinicbot/clinicbot/answer"
	"github.com/clinicbot/clinicbot/index"
	"github.com/clinicbot/clinicbot/knowledge"
	"github.com/clinicbot/clinicbot/safety"
)

const bookingURL = "https://clinic.example/book"

var texts = answer.Texts{
	ClinicName:          "London Spine Unit",
	BookingURL:          bookingURL,
	Contact:             "The London Spine Unit, 19 Harley St, London W1G 9QJ",
	EmergencyNumber:     "999",
	EmergencyDepartment: "A&E",
	UrgentAdvice:        "NHS 111",
	CrisisLine:          "Samaritans on 116 123 (free, day or night)",
}

// clinic builds the engine over the embedded clinic knowledge and its red
// flags once per test binary.
var clinic = sync.OnceValues(func() (*answer.Engine, error) {
	base, err := knowledge.Load(knowledge.Clinic())
	if err != nil {
		return nil, err
	}
	chk, err := safety.Load(knowledge.Clinic(), "red_flags.yaml")
	if err != nil {
		return nil, err
	}
	ix, err := index.Build(base)
	if err != nil {
		return nil, err
	}
	return answer.New(ix, chk, answer.DefaultSettings(), texts), nil
})

func engine(t testing.TB) *answer.Engine {
	t.Helper()
	e, err := clinic()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func ask(t testing.TB, q string) answer.Reply {
	t.Helper()
	return engine(t).Answer(context.Background(), q)
}

func TestAnswerKind(t *testing.T) {
	e := engine(t)
	tests := []struct {
		question, entry string
		booking         bool
	}{
		{"is the anasthetic local or general", "fjd-anaesthetic", true},
		{"how much does it cost", "practical-fees", true},
		{"can i drive home afterwards", "fjd-driving-home", true},
		{"does it hurt", "fjd-does-it-hurt", true},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			r := e.Answer(context.Background(), tt.question)
			if r.Kind != answer.KindAnswer || r.EntryID != tt.entry {
				t.Fatalf("reply %s %s (candidates %v), want answer %s", r.Kind, r.EntryID, r.Candidates, tt.entry)
			}
			ent, _ := e.Base().Entry(tt.entry)
			if r.Entry != ent {
				t.Errorf("Entry = %v, want the base's entry", r.Entry)
			}
			if !filledFrom(ent.Answer, r.Text) || r.Title != ent.Question {
				t.Errorf("title %q text %q, want the entry's question and answer", r.Title, r.Text)
			}
			if r.Question != tt.question {
				t.Errorf("Question = %q", r.Question)
			}
			if r.Score < e.Settings().Answer || r.Score > 1 {
				t.Errorf("score %v outside [answer threshold, 1]", r.Score)
			}
			if len(r.Candidates) == 0 || r.Candidates[0].EntryID != tt.entry || r.Candidates[0].Score != r.Score {
				t.Errorf("candidates %v do not start with the answer at its score %v", r.Candidates, r.Score)
			}
			if len(r.Choices) != 0 {
				t.Errorf("an answer carries choices %v", r.Choices)
			}
			want := ""
			if tt.booking {
				want = bookingURL
			}
			if r.BookingURL != want {
				t.Errorf("booking_url %q, want %q", r.BookingURL, want)
			}
			if len(r.Related) != len(ent.Related) {
				t.Fatalf("related %v, want %v", r.Related, ent.Related)
			}
			for i, id := range ent.Related {
				rel, _ := e.Base().Entry(id)
				if r.Related[i] != (answer.Choice{EntryID: id, Title: rel.Question}) {
					t.Errorf("related %d = %+v, want %s %q", i, r.Related[i], id, rel.Question)
				}
			}
		})
	}
}

func TestAnswerCarriesRelated(t *testing.T) {
	r := ask(t, "rhizotomy")
	if r.Kind != answer.KindAnswer || r.EntryID != "fjd-what-is-it" {
		t.Fatalf("reply %s %s, want answer fjd-what-is-it", r.Kind, r.EntryID)
	}
	var got []string
	for _, c := range r.Related {
		got = append(got, c.EntryID)
		if c.Title == "" {
			t.Errorf("related %s has no title", c.EntryID)
		}
	}
	if want := []string{"fjd-facet-joints", "fjd-how-is-it-done", "fjd-who-is-it-for", "fjd-effectiveness"}; !slices.Equal(got, want) {
		t.Errorf("related %v, want %v", got, want)
	}
	if !strings.Contains(r.Text, "radiofrequency ablation (RFA)") {
		t.Errorf("text is not the passage: %q", r.Text)
	}
}

// TestChoices finds a question the clinic knowledge answers with choices,
// and checks the choices are the close top candidates.
func TestChoices(t *testing.T) {
	e := engine(t)
	s := e.Settings()
	tried := []string{"facet", "joints", "facet joints", "facet joint pain", "what happens after", "nerves", "the procedure"}
	found := false
	for _, q := range tried {
		r := e.Answer(context.Background(), q)
		if r.Kind != answer.KindChoices {
			continue
		}
		if len(r.Choices) < 1 || len(r.Choices) > 3 {
			t.Errorf("%q: %d choices, want 1 to 3", q, len(r.Choices))
		}
		if r.EntryID != "" || r.Title != "" || r.Entry != nil || r.BookingURL != "" { // Telegram shows no booking button with choices
			t.Errorf("%q: choices reply has entry %q title %q booking %q", q, r.EntryID, r.Title, r.BookingURL)
		}
		if !strings.Contains(r.Text, "not completely sure") {
			t.Errorf("%q: text %q", q, r.Text)
		}
		if r.Score < s.Choices || (r.Score >= s.Answer && len(r.Choices) == 1 && len(r.Candidates) == 1) {
			t.Errorf("%q: score %v does not call for choices", q, r.Score)
		}
		for i, c := range r.Choices {
			ent, ok := e.Base().Entry(c.EntryID)
			if !ok || c.Title != ent.Question {
				t.Errorf("%q: choice %+v is not an entry with its question as title", q, c)
			}
			// Choices are the top candidates, in order, each likely enough.
			if r.Candidates[i].EntryID != c.EntryID {
				t.Errorf("%q: choice %d is %s, candidate %d is %s", q, i, c.EntryID, i, r.Candidates[i].EntryID)
			}
			if i > 0 && r.Candidates[i].Score < s.Choices-0.001 {
				t.Errorf("%q: choice %d at %v is below the choices threshold %v", q, i, r.Candidates[i].Score, s.Choices)
			}
		}
		if len(r.Choices) >= 2 {
			found = true
			if !strings.Contains(r.Text, "one of these") {
				t.Errorf("%q: text %q for %d choices", q, r.Text, len(r.Choices))
			}
		} else if !strings.Contains(r.Text, "Did you mean this?") {
			t.Errorf("%q: text %q for one choice", q, r.Text)
		}
	}
	if !found {
		t.Errorf("none of %q gets 2-3 choices", tried)
	}
}

func TestFallback(t *testing.T) {
	for _, q := range []string{"who won the football world cup", "best pizza in rome", "how do I bake sourdough bread", "", "   ", "?!", "*"} {
		t.Run(q, func(t *testing.T) {
			r := ask(t, q)
			if r.Kind != answer.KindFallback {
				t.Fatalf("reply %s %s %v, want fallback", r.Kind, r.EntryID, r.Choices)
			}
			if r.EntryID != "" || r.Title != "" || len(r.Choices) != 0 || r.Entry != nil {
				t.Errorf("fallback names an entry: %+v", r)
			}
			if r.BookingURL != bookingURL {
				t.Errorf("booking_url %q, want %q", r.BookingURL, bookingURL)
			}
			for _, want := range []string{"don't have an answer", "book a consultation", texts.Contact, "not medical advice"} {
				if !strings.Contains(r.Text, want) {
					t.Errorf("text %q lacks %q", r.Text, want)
				}
			}
			if len(r.Candidates) > 5 {
				t.Errorf("%d candidates, want at most 5", len(r.Candidates))
			}
			if r.Score >= engine(t).Settings().Choices {
				t.Errorf("score %v is above the choices threshold", r.Score)
			}
		})
	}
	t.Run("candidates are kept for diagnostics", func(t *testing.T) {
		r := ask(t, "who won the football world cup")
		if len(r.Candidates) == 0 {
			t.Fatal("no candidates")
		}
		if r.Score != r.Candidates[0].Score {
			t.Errorf("score %v, best candidate %v", r.Score, r.Candidates[0].Score)
		}
	})
	t.Run("Urgent()", func(t *testing.T) {
		r, ok := engine(t).Urgent("/help my back hurts and I can't control my bladder")
		if !ok || r.Kind != answer.KindUrgent || !strings.Contains(r.Text, "999") || r.BookingURL != "" {
			t.Errorf("Urgent() = %+v, %v", r, ok)
		}
		if r.Choices == nil || r.Candidates == nil {
			t.Error("Urgent() has nil lists (JSON null)")
		}
		if _, ok := engine(t).Urgent("/help"); ok {
			t.Error("Urgent(/help) flagged")
		}
	})
	// The emergency line goes where the patient speaks of their body or
	// of feeling unwell, not after a question about pizza or parking.
	t.Run("fallback names the emergency number", func(t *testing.T) {
		r := ask(t, "my big toe hurts when I play golf")
		if r.Kind != answer.KindFallback || !strings.Contains(r.Text, "call 999 now") {
			t.Errorf("%s %q", r.Kind, r.Text)
		}
		if r := ask(t, "best pizza in rome"); strings.Contains(r.Text, "999") {
			t.Errorf("fallback about pizza names the emergency number: %q", r.Text)
		}
	})
}

func TestFallbackWithoutBookingOrContact(t *testing.T) {
	e := engine(t)
	bare := answer.New(indexOf(t, e), nil, answer.DefaultSettings(), answer.Texts{EmergencyNumber: "999"})
	r := bare.Answer(context.Background(), "best pizza in rome")
	if r.Kind != answer.KindFallback {
		t.Fatalf("kind %s", r.Kind)
	}
	if r.BookingURL != "" || strings.Contains(r.Text, "button") {
		t.Errorf("fallback offers a booking button it does not have: %q %q", r.BookingURL, r.Text)
	}
	if !strings.Contains(r.Text, "not medical advice") || !strings.Contains(r.Text, "The team will be glad to help.") {
		t.Errorf("text %q", r.Text)
	}
}

// indexOf rebuilds the clinic index (the engine does not expose its own).
func indexOf(t *testing.T, e *answer.Engine) *index.Index {
	t.Helper()
	ix, err := index.Build(e.Base())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func TestSmalltalk(t *testing.T) {
	tests := []struct {
		message, want string
	}{
		{"hello", "Hello! I'm the London Spine Unit assistant."},
		{"Hi there!", "Hello!"},
		{"good morning", "Hello!"},
		{"thanks!", "You're very welcome"},
		{"thank you so much, that was really helpful", "You're very welcome"},
		{"that's all I needed, have a nice day", "Take care"},
		{"hi, thanks", "You're very welcome"}, // thanks outranks a greeting
		{"bye", "goodbye"},
		{"ok thanks bye", "goodbye"},
	}
	for _, tt := range tests {
		t.Run(tt.message, func(t *testing.T) {
			r := ask(t, tt.message)
			if r.Kind != answer.KindSmalltalk {
				t.Fatalf("kind %s %s, want smalltalk", r.Kind, r.EntryID)
			}
			if !strings.Contains(r.Text, tt.want) {
				t.Errorf("text %q lacks %q", r.Text, tt.want)
			}
			if r.Score != 1 || r.EntryID != "" || len(r.Candidates) != 0 || len(r.Choices) != 0 {
				t.Errorf("smalltalk reply %+v", r)
			}
		})
	}
	// A greeting with a question is a question.
	for _, q := range []string{"hi, does it hurt?", "hello, how much does it cost", "thanks, where is the clinic"} {
		if r := ask(t, q); r.Kind == answer.KindSmalltalk {
			t.Errorf("%q: smalltalk, want it answered as a question", q)
		}
	}
}

func TestSmalltalkDefaultClinicName(t *testing.T) {
	bare := answer.New(indexOf(t, engine(t)), nil, answer.DefaultSettings(), answer.Texts{})
	if r := bare.Answer(context.Background(), "hello"); !strings.HasPrefix(r.Text, "Hello! I can answer questions about the clinic") || strings.Contains(r.Text, "the  assistant") {
		t.Errorf("text %q without a clinic name", r.Text)
	}
}

func TestUrgent(t *testing.T) {
	tests := []struct {
		message string
		kind    safety.Kind
		want    []string
	}{
		{"my back is agony and I can't control my bladder", safety.Emergency, []string{"999", "A&E", "NHS 111", "emergency"}},
		{"I have suicidal thoughts", safety.Crisis, []string{"999", "Samaritans on 116 123"}},
		{"I want to kill myself", safety.Crisis, []string{"Samaritans"}},
		// Urgent wins over everything: small talk, a confident answer.
		{"hello, I can't control my bladder", safety.Emergency, []string{"999"}},
		{"thanks! I can't control my bladder", safety.Emergency, []string{"999"}},
		{"is the anasthetic local or general? since this morning I can't control my bladder", safety.Emergency, []string{"999"}},
		{"how much does it cost? I want to kill myself", safety.Crisis, []string{"Samaritans"}},
	}
	for _, tt := range tests {
		t.Run(tt.message, func(t *testing.T) {
			r := ask(t, tt.message)
			if r.Kind != answer.KindUrgent {
				t.Fatalf("kind %s %s, want urgent", r.Kind, r.EntryID)
			}
			if r.Alert.Kind != tt.kind || r.Alert.Rule == "" {
				t.Errorf("alert %+v, want kind %s", r.Alert, tt.kind)
			}
			if r.BookingURL != "" {
				t.Errorf("urgent reply offers booking %q", r.BookingURL)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.Text, w) {
					t.Errorf("text %q lacks %q", r.Text, w)
				}
			}
			if r.Score != 1 || r.EntryID != "" || len(r.Choices) != 0 || len(r.Candidates) != 0 {
				t.Errorf("urgent reply %+v", r)
			}
		})
	}
}

// TestUrgentAtEndOfLongMessage: a patient may tell a long story before the
// red flag. Telegram messages hold up to 4096 characters.
//
// BUG: answer/answer.go Answer runs clean(message), which cuts the message
// to MaxQuestionLen (1000) characters, and only then the safety check
// (line ~119: e.safety.Check(q)), so a red flag after the first 1000
// characters is never seen and the patient gets the fallback. The cut
// should apply to the search only.
func TestUrgentAtEndOfLongMessage(t *testing.T) {
	story := strings.Repeat("I have had back pain for years. ", 40) // 1,280 characters
	r := ask(t, story+"Since this morning I can't control my bladder.")
	if r.Kind != answer.KindUrgent {
		t.Errorf("kind %s for a red flag after %d characters, want urgent", r.Kind, len(story))
	}
}

func TestEntry(t *testing.T) {
	e := engine(t)
	r, ok := e.Entry("fjd-recovery")
	if !ok {
		t.Fatal("Entry(fjd-recovery) not found")
	}
	ent, _ := e.Base().Entry("fjd-recovery")
	if r.Kind != answer.KindAnswer || r.EntryID != ent.ID || !filledFrom(ent.Answer, r.Text) || r.Title != ent.Question || r.Question != ent.Question {
		t.Errorf("Entry reply %+v", r)
	}
	if r.Score != 1 || r.BookingURL != bookingURL || len(r.Related) != len(ent.Related) {
		t.Errorf("score %v booking %q related %v", r.Score, r.BookingURL, r.Related)
	}
	if r, _ := e.Entry("fjd-warning-signs"); r.BookingURL != "" {
		t.Errorf("entry without booking: true has booking_url %q", r.BookingURL)
	}
	for _, id := range []string{"", "no-such-entry", "FJD-RECOVERY"} {
		if r, ok := e.Entry(id); ok || r.Kind != "" {
			t.Errorf("Entry(%q) = %+v, %v; want not found", id, r, ok)
		}
	}
}

func TestMessyInput(t *testing.T) {
	tests := []struct {
		name, message, question string
	}{
		{"control characters", "\x00what\x07 is\tfacet joint\r\ndenervation\x1b?", "what is facet joint denervation ?"},
		{"invalid UTF-8", "what is \xff\xfe facet joint denervation", "what is facet joint denervation"},
		{"zero-width and bidi marks", "what is facet\u200b joint\u202e denervation", ""},
		{"emoji", "🙂🙂 does it hurt? 🙏", "🙂🙂 does it hurt? 🙏"},
		{"only whitespace", " \t\n\u00a0 ", ""},
		{"NUL only", "\x00\x00\x00", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ask(t, tt.message)
			if tt.question != "" && r.Question != tt.question {
				t.Errorf("Question = %q, want %q", r.Question, tt.question)
			}
			checkReply(t, r)
		})
	}
	t.Run("100 KB", func(t *testing.T) {
		for _, msg := range []string{
			strings.Repeat("what is facet joint denervation ", 100_000/32),
			strings.Repeat("a", 100_000),
			strings.Repeat("é\x00\xff", 30_000),
		} {
			r := ask(t, msg)
			if n := utf8.RuneCountInString(r.Question); n > answer.MaxQuestionLen {
				t.Errorf("question kept %d characters, want at most %d", n, answer.MaxQuestionLen)
			}
			checkReply(t, r)
		}
	})
}

var kinds = []answer.Kind{answer.KindAnswer, answer.KindChoices, answer.KindFallback, answer.KindSmalltalk, answer.KindUrgent, answer.KindLanguage}

// checkReply asserts what holds for every reply.
func checkReply(t testing.TB, r answer.Reply) {
	t.Helper()
	if !slices.Contains(kinds, r.Kind) {
		t.Errorf("kind %q is not one of %v", r.Kind, kinds)
	}
	if !(r.Score >= 0 && r.Score <= 1) {
		t.Errorf("score %v outside [0,1]", r.Score)
	}
	if r.Text == "" {
		t.Error("empty text")
	}
	if !utf8.ValidString(r.Question) || strings.ContainsFunc(r.Question, unicode.IsControl) {
		t.Errorf("question %q has invalid UTF-8 or control characters", r.Question)
	}
	if r.Question != strings.TrimSpace(r.Question) {
		t.Errorf("question %q not trimmed", r.Question)
	}
	if r.Choices == nil || r.Candidates == nil {
		t.Error("nil choices or candidates (JSON null)")
	}
	if len(r.Candidates) > 5 || len(r.Choices) > 3 {
		t.Errorf("%d candidates, %d choices", len(r.Candidates), len(r.Choices))
	}
	for _, c := range r.Candidates {
		if !(c.Score >= 0 && c.Score <= 1) || math.IsNaN(c.Score) {
			t.Errorf("candidate %s score %v", c.EntryID, c.Score)
		}
	}
	switch r.Kind {
	case answer.KindAnswer:
		if r.EntryID == "" || r.Entry == nil || r.Entry.ID != r.EntryID {
			t.Errorf("answer without its entry: %q %v", r.EntryID, r.Entry)
		}
	case answer.KindChoices:
		if len(r.Choices) == 0 {
			t.Error("choices reply without choices")
		}
	default:
		if r.EntryID != "" || len(r.Choices) != 0 {
			t.Errorf("%s reply names entry %q choices %v", r.Kind, r.EntryID, r.Choices)
		}
	}
	if r.Kind == answer.KindUrgent && r.BookingURL != "" {
		t.Errorf("urgent reply with booking_url %q", r.BookingURL)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Errorf("json: %v", err)
	} else if !utf8.Valid(b) || !json.Valid(b) {
		t.Errorf("json %q is not valid", b)
	}
}

func TestSettingsChangeTheKind(t *testing.T) {
	e := engine(t)
	q := "is the anasthetic local or general"
	if r := e.Answer(context.Background(), q); r.Kind != answer.KindAnswer {
		t.Fatalf("kind %s with default settings", r.Kind)
	}
	// With a choices threshold above the best confidence, the bot falls back.
	strict := e.WithSettings(answer.Settings{Answer: 1, Choices: 0.99, Margin: 1})
	if r := strict.Answer(context.Background(), "how long will it take me to recover"); r.Kind != answer.KindFallback {
		t.Errorf("with choices 0.99: kind %s score %v, want fallback", r.Kind, r.Score)
	}
	lax := e.WithSettings(answer.Settings{Answer: 0, Choices: 0, Margin: 0})
	if r := lax.Answer(context.Background(), "best pizza in rome"); r.Kind != answer.KindAnswer {
		t.Errorf("with all thresholds 0: kind %s, want answer", r.Kind)
	}
	if e.Settings() != answer.DefaultSettings() {
		t.Errorf("WithSettings changed the original engine: %+v", e.Settings())
	}
	if strict.Base() != e.Base() {
		t.Error("WithSettings changed the knowledge")
	}
}

func TestAnswerConcurrent(t *testing.T) {
	e := engine(t)
	qs := []string{"hello", "does it hurt", "best pizza in rome", "I can't control my bladder", "facet"}
	want := make([]answer.Reply, len(qs))
	for i, q := range qs {
		want[i] = e.Answer(context.Background(), q)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Go(func() {
			for i, q := range qs {
				if r := e.Answer(context.Background(), q); r.Kind != want[i].Kind || r.EntryID != want[i].EntryID || r.Score != want[i].Score {
					t.Errorf("%q: concurrent reply %s %s %v, want %s %s %v", q, r.Kind, r.EntryID, r.Score, want[i].Kind, want[i].EntryID, want[i].Score)
				}
			}
		})
	}
	wg.Wait()
}

func TestCancelledContextNeverFails(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := engine(t).Answer(ctx, "what is facet joint denervation")
	checkReply(t, r)
	// Safety does not depend on the search.
	if r := engine(t).Answer(ctx, "I can't control my bladder"); r.Kind != answer.KindUrgent {
		t.Errorf("kind %s with a cancelled context, want urgent", r.Kind)
	}
}

func TestLive(t *testing.T) {
	a := engine(t)
	b := a.WithSettings(answer.Settings{Answer: 0.9, Choices: 0.1, Margin: 0.1})
	l := answer.NewLive(a)
	if l.Engine() != a {
		t.Fatal("Engine() is not the engine given")
	}
	if old := l.Swap(b); old != a {
		t.Error("Swap did not return the old engine")
	}
	if l.Engine() != b {
		t.Error("Engine() is not the swapped-in engine")
	}
}

// A patient's story before the question does not hide the question, and a
// story is never answered on its own.
func TestStoryThenQuestion(t *testing.T) {
	data, err := fs.ReadFile(knowledge.Clinic(), "settings.yaml")
	if err != nil {
		t.Fatal(err)
	}
	set, err := answer.ParseSettings(data, "settings.yaml")
	if err != nil {
		t.Fatal(err)
	}
	eng := engine(t).WithSettings(set) // the thresholds patients get
	ctx := context.Background()
	q := "I have to pick my kids up from school at 3. How long will the procedure take on the day?"
	if r := eng.Answer(ctx, q); r.Kind != answer.KindAnswer || r.EntryID != "fjd-procedure-duration" {
		t.Errorf("%q: %s %s (%.3f), want the procedure-duration answer", q, r.Kind, r.EntryID, r.Score)
	}
	q = "I had RFA last year. What is the best painkiller for sciatica?"
	if r := eng.Answer(ctx, q); r.Kind == answer.KindAnswer {
		t.Errorf("%q: answered with %s; the story alone must not be what is answered", q, r.EntryID)
	}
}

// filledFrom reports whether text is answer with its placeholders filled
// in: every piece of the answer between placeholders appears, in order.
func filledFrom(answer, text string) bool {
	if strings.ContainsAny(text, "{}") {
		return false
	}
	for _, piece := range regexp.MustCompile(`\{[a-z]+\}`).Split(answer, -1) {
		i := strings.Index(text, piece)
		if i < 0 {
			return false
		}
		text = text[i+len(piece):]
	}
	return true
}
