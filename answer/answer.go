// Package answer turns a patient's message into one reply.
//
// The order is fixed and the same for every transport (Telegram, the
// terminal chat, `clinicbot ask`): first the safety check, so a patient
// describing an emergency is sent to emergency care before anything else;
// then greetings and thanks; then retrieval, where the confidence of the best
// entries decides between one answer, a short list of choices, and an
// honest "I don't know" with the way to reach the clinic.
//
// The engine is built here too: Build assembles it from a Source (a
// knowledge folder's entries, red-flag rules and thresholds), Loader.Start
// falls back on the last good copy, and Loader.Watch swaps in a new engine
// (Live) after each edit that loads.
package answer

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clinicbot/clinicbot/clinicbot"
	"github.com/clinicbot/clinicbot/index"
	"github.com/clinicbot/clinicbot/knowledge"
	"github.com/clinicbot/clinicbot/safety"
)

// Kind says what sort of reply a message gets.
type Kind string

// Reply kinds.
const (
	KindAnswer    Kind = "answer"    // one entry is a confident match
	KindChoices   Kind = "choices"   // two or three entries are close; the patient picks
	KindFallback  Kind = "fallback"  // nothing matches well enough
	KindSmalltalk Kind = "smalltalk" // a greeting, thanks or goodbye
	KindUrgent    Kind = "urgent"    // the message describes an emergency
	KindLanguage  Kind = "language"  // the message is in another language than English
)

// smalltalkOverride is the confidence an entry needs to answer a greeting
// or thanks instead of small talk (a knowledge base may have its own
// "hello" entry; the clinic's "good evening" is not about opening hours).
const smalltalkOverride = 0.5

// MaxQuestionLen is the longest message, in characters, that is searched;
// the rest is ignored. Telegram messages are at most 4096 characters.
const MaxQuestionLen = 1000

// Reply is the bot's reply to one message. Its JSON form is what
// `clinicbot ask --json` prints.
type Reply struct {
	Question   string      `json:"question"`
	Kind       Kind        `json:"kind"`
	EntryID    string      `json:"entry"`
	Title      string      `json:"title"`
	Text       string      `json:"text"` // what the patient reads
	Score      float64     `json:"score"`
	BookingURL string      `json:"booking_url"`
	Choices    []Choice    `json:"choices"`
	Candidates []Candidate `json:"candidates"`

	// Entry is the answered entry (kind answer only).
	Entry *knowledge.Entry `json:"-"`
	// Related are follow-up entries worth offering with an answer.
	Related []Choice `json:"-"`
	// Alert is the safety rule that matched (kind urgent only).
	Alert safety.Alert `json:"-"`
}

// Choice is an entry offered to the patient to pick.
type Choice struct {
	EntryID string `json:"entry"`
	Title   string `json:"title"`
}

// Candidate is a ranked entry, for diagnostics and evaluation.
type Candidate struct {
	EntryID string  `json:"entry"`
	Score   float64 `json:"score"`
}

// Checker finds urgent symptoms in a message; *safety.Checker is one.
type Checker interface {
	Check(text string) (safety.Alert, bool)
}

// Engine answers messages from one knowledge base. It is safe for
// concurrent use and never changes; reloading knowledge builds a new Engine.
type Engine struct {
	ix       *index.Index
	safety   Checker
	settings Settings
	texts    Texts
	vocab    vocabulary // the knowledge's words (see foreign)
}

// Texts are the clinic facts every reply is worded with: the clinic's
// profile, filled from the configuration. The transports read them from
// the engine (Engine.Texts), so patient wording has one route.
type Texts clinicbot.Profile

// New returns an engine over ix. safety may be nil only in tests of retrieval.
func New(ix *index.Index, safety Checker, settings Settings, texts Texts) *Engine {
	return &Engine{ix: ix, safety: safety, settings: settings, texts: texts, vocab: knowledgeWords(ix.Base())}
}

// WithSettings returns an engine like e with other thresholds.
func (e *Engine) WithSettings(s Settings) *Engine {
	c := *e
	c.settings = s
	return &c
}

// Texts returns the clinic facts the engine words its replies with.
func (e *Engine) Texts() Texts { return e.texts }

// Base returns the knowledge the engine answers from.
func (e *Engine) Base() *knowledge.Base { return e.ix.Base() }

// Settings returns the engine's thresholds.
func (e *Engine) Settings() Settings { return e.settings }

// Answer replies to one message. It never fails: a message it cannot
// search (empty, only symbols) gets the fallback.
func (e *Engine) Answer(ctx context.Context, message string) Reply {
	q := clean(message)
	r := Reply{Question: q, BookingURL: e.texts.BookingURL, Choices: []Choice{}, Candidates: []Candidate{}}
	// The whole message, with its line breaks: a red flag may come after a
	// long history, and sentences matter to the rules.
	if u, ok := e.Urgent(message); ok {
		return u
	}
	if e.foreign(q) {
		// Never a guessed answer (see language.go).
		r.Kind, r.Text, r.Score = KindLanguage, e.languageText(), 1
		return r
	}
	sq := searchText(q) // a word in another language costs no answer
	hits := e.search(ctx, sq)
	if kind, ok := smalltalk(sq); ok && e.smalltalkWins(kind, hits) {
		// Small talk, unless the knowledge has an entry for it (see
		// smalltalkYield).
		r.Kind, r.Text, r.Score, r.BookingURL = KindSmalltalk, e.smalltalkText(kind), 1, e.smalltalkBooking(kind)
		return r
	}
	for _, h := range hits {
		r.Candidates = append(r.Candidates, Candidate{EntryID: h.Entry.ID, Score: round(h.Confidence)})
	}
	conf := make([]float64, len(hits))
	for i, h := range hits {
		conf[i] = h.Confidence
	}
	kind, n := e.settings.Decide(conf)
	switch kind {
	case KindFallback:
		r.Kind, r.Text = KindFallback, e.fallbackText(q)
		if len(hits) > 0 {
			r.Score = round(hits[0].Confidence)
		}
	case KindAnswer:
		r = e.entryReply(r, hits[0].Entry, hits[0].Confidence)
	default:
		r.Kind, r.Score = KindChoices, round(hits[0].Confidence)
		for _, h := range hits[:n] {
			r.Choices = append(r.Choices, Choice{EntryID: h.Entry.ID, Title: h.Entry.Question})
		}
		if len(r.Choices) == 1 {
			// Only one entry is near: offer it as a question, not a list of one.
			r.Text = "I'm not completely sure I've understood. Did you mean this?"
		} else {
			r.Text = "I'm not completely sure I've understood. Did you mean one of these?"
		}
		if speaksOfBody(q) {
			r.Text += "\n\n" + e.emergencyLine()
		}
		r.BookingURL = "" // the patient picks first; the answer then offers booking
	}
	return r
}

// search finds the entries for q. When a part of the message is itself
// a question (see questionParts) and, on its own, points to the same best
// entry as the whole message, only more surely, its result is taken: the
// patient's story no longer dilutes what they ask. A part that points
// elsewhere is ignored, since the story may be what the question is about
// ("I ordered new speakers, so when will they get here").
func (e *Engine) search(ctx context.Context, q string) []index.Hit {
	hits, err := e.ix.Search(ctx, q, 5)
	if err != nil || len(hits) == 0 {
		return nil // a failed search is an honest "I don't know", never a crash
	}
	best := hits[0].Entry.ID
	for _, part := range questionParts(q) {
		ph, err := e.ix.Search(ctx, part, 5)
		if err == nil && len(ph) > 0 && ph[0].Entry.ID == best && ph[0].Confidence > hits[0].Confidence {
			hits = ph
		}
	}
	return hits
}

// Urgent returns the urgent reply when text describes an emergency, for
// messages that are not questions (commands): the safety check runs on
// everything a patient writes.
func (e *Engine) Urgent(text string) (Reply, bool) {
	if e.safety == nil {
		return Reply{}, false
	}
	alert, ok := e.safety.Check(forSafety(text))
	if !ok {
		return Reply{}, false
	}
	return Reply{Question: clean(text), Kind: KindUrgent, Alert: alert, Score: 1, Text: e.urgentText(alert), Choices: []Choice{}, Candidates: []Candidate{}}, true
}

// Close releases the engine's index. Replies in progress on it fail
// softly (the fallback), so close an engine only after it is swapped out
// and its last replies have had time to finish.
func (e *Engine) Close() error { return e.ix.Close() }

// Entry returns the reply that shows one entry, for a button press or a deep link.
func (e *Engine) Entry(id string) (Reply, bool) {
	ent, ok := e.ix.Base().Entry(id)
	if !ok {
		return Reply{}, false
	}
	r := Reply{Question: ent.Question, BookingURL: e.texts.BookingURL, Choices: []Choice{}, Candidates: []Candidate{}}
	return e.entryReply(r, ent, 1), true
}

func (e *Engine) entryReply(r Reply, ent *knowledge.Entry, conf float64) Reply {
	r.Kind, r.Entry, r.EntryID, r.Title, r.Score = KindAnswer, ent, ent.ID, ent.Question, round(conf)
	if !ent.Booking {
		r.BookingURL = ""
	}
	r.Text = e.fill(ent.Answer, r.BookingURL != "")
	for _, id := range ent.Related {
		if rel, ok := e.ix.Base().Entry(id); ok {
			r.Related = append(r.Related, Choice{EntryID: rel.ID, Title: rel.Question})
		}
	}
	return r
}

func (e *Engine) fallbackText(q string) string {
	var b strings.Builder
	b.WriteString("I'm sorry, I don't have an answer to that in the clinic's information, and I'd rather not guess.\n\n")
	b.WriteString("The team will be glad to help")
	if e.texts.BookingURL != "" {
		b.WriteString(": you can book a consultation with the button below")
	}
	b.WriteString(".")
	if e.texts.Contact != "" {
		b.WriteString("\n\n" + e.texts.Contact)
	}
	b.WriteString("\n\nI give general information, not medical advice.")
	if speaksOfBody(q) {
		b.WriteString(" " + e.emergencyLine())
	}
	return b.String()
}

// emergencyLine reminds a patient the bot did not understand where to go
// if they are unwell: a red flag in words no rule knows must not end in
// "I don't know" alone (see wellbeing.go for when it is said).
func (e *Engine) emergencyLine() string {
	if e.texts.EmergencyNumber == "" {
		return "If you feel seriously unwell, get urgent medical help now."
	}
	return "If you feel seriously unwell or this is an emergency, " + e.texts.EmergencyCall() + "."
}

func (e *Engine) urgentText(a safety.Alert) string {
	t := e.texts
	dept := ""
	if t.EmergencyDepartment != "" {
		dept = " or go to " + t.EmergencyDepartment
	}
	if a.Kind == safety.Crisis {
		s := fmt.Sprintf("I'm really sorry you're feeling like this. Please reach out for support now.\n\nIf you might act on these thoughts or you are in danger, call %s%s now.", t.EmergencyNumber, dept)
		if t.CrisisLine != "" {
			s += fmt.Sprintf("\n\nYou can talk to %s.", t.CrisisLine)
		}
		return s
	}
	s := fmt.Sprintf("What you describe can be a medical emergency. Please call %s%s now.\n\nDon't wait for a reply from the clinic or for an appointment.", t.EmergencyNumber, dept)
	if t.UrgentAdvice != "" {
		s += fmt.Sprintf(" If you are unsure how urgent it is, call %s for advice.", t.UrgentAdvice)
	}
	return s
}

// MaxSafetyLen is the longest message, in characters, checked for red
// flags; Telegram messages are at most 4096.
const MaxSafetyLen = 20000

// forSafety keeps a message's line breaks but drops invalid UTF-8 and
// other control characters.
func forSafety(s string) string {
	s = strings.ToValidUTF8(s, " ")
	if utf8.RuneCountInString(s) > MaxSafetyLen {
		s = string([]rune(s)[:MaxSafetyLen])
	}
	return strings.Map(func(r rune) rune {
		if r == '\n' {
			return r
		}
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// clean trims a message to a searchable size and drops control characters
// and invalid UTF-8, so nothing a patient types can upset what follows.
func clean(s string) string {
	s = strings.ToValidUTF8(s, " ")
	if utf8.RuneCountInString(s) > MaxQuestionLen {
		s = string([]rune(s)[:MaxQuestionLen])
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func round(f float64) float64 {
	return float64(int(f*1000+0.5)) / 1000
}
