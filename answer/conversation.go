package answer

import (
	"context"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/clinicbot/clinicbot/index"
	"github.com/clinicbot/clinicbot/knowledge"
)

// Patients talk in turns. After "Did you mean one of these?" they answer
// "yes", "2" or "none of those"; after an answer they ask "does it hurt?"
// about what they just read. Conversations remembers, per chat, just enough
// of the bot's last reply to read such a message the way a receptionist
// would: its kind, the entry shown and the choices offered (with the
// question they were offered for, so that "none of those" can record it as
// unanswered), and a sender's last message while it is an unfinished
// fragment (so that an emergency sent in two pieces is caught). It is
// memory only, forgotten after a few minutes, and never logged or written
// anywhere: the type has no logger and no file.
//
// A transport calls Urgent for everything a patient writes, as it arrives,
// and Answer for the messages it answers (Turn does both). Engine.Answer,
// which `clinicbot ask` and the benchmarks use, stays stateless.
type Conversations struct {
	ttl         time.Duration // how long a conversation's context is kept
	fragmentTTL time.Duration // how long a fragment is kept to be read with the next message
	max         int
	now         func() time.Time

	mu    sync.Mutex
	chats map[string]*chatState
}

// chatState is what one conversation remembers.
type chatState struct {
	at       time.Time // the last reply, for expiry
	kind     Kind      // the last reply's kind (small talk leaves it alone)
	entry    string    // the entry last shown, for follow-ups
	choices  []Choice  // the choices last offered (kind choices)
	question string    // the question the choices were offered for

	fragment   string // the sender's last message, when it was a fragment
	fragmentAt time.Time
}

const (
	// ConversationTTL is how long a conversation's context is remembered
	// after the bot's last reply.
	ConversationTTL = 5 * time.Minute
	// FragmentTTL is how long an unfinished message is kept to be read
	// with the next one by the red-flag check.
	FragmentTTL = 2 * time.Minute
	// maxConversations bounds how many conversations are remembered; past
	// it the oldest go. Each is at most a few kilobytes (a question is cut
	// at MaxQuestionLen characters, three choices, a fragment of 160 bytes).
	maxConversations = 10000
	// maxFollowUpWords: a longer message says what it is about, and is
	// never read in the context of the last answer.
	maxFollowUpWords = 8
)

// NewConversations returns an empty store.
func NewConversations() *Conversations {
	return &Conversations{ttl: ConversationTTL, fragmentTTL: FragmentTTL, max: maxConversations, now: time.Now, chats: map[string]*chatState{}}
}

// Turn answers one message of the conversation key: the red-flag check
// (with the sender's previous fragment), then the reply in context. It is
// what a transport without its own urgent path (the terminal chat) calls.
func (c *Conversations) Turn(ctx context.Context, e *Engine, key, text string) Reply {
	if r, ok := c.Urgent(e, key, text); ok {
		return r
	}
	return c.Answer(ctx, e, key, text)
}

// Urgent runs the red-flag check on text, and on text read after the
// sender's message just before it when that was an unfinished fragment
// and text plainly goes on from it. It remembers text if it is itself a
// fragment. An emergency makes the conversation forget everything, so that
// the next message starts afresh.
func (c *Conversations) Urgent(e *Engine, key, text string) (Reply, bool) {
	if r, ok := e.Urgent(text); ok {
		c.Forget(key)
		return r, true
	}
	if strings.TrimSpace(text) == "" {
		return Reply{}, false
	}
	prev := c.swapFragment(key, text)
	if joinable(prev, text) {
		if r, ok := e.Urgent(prev + " " + text); ok {
			c.Forget(key)
			return r, true
		}
	}
	return Reply{}, false
}

// Answer replies to text in the context of the conversation key (see
// Conversations) and remembers the reply. It does not run the fragment
// joining of Urgent; the engine's own red-flag check on text still runs.
func (c *Conversations) Answer(ctx context.Context, e *Engine, key, text string) Reply {
	st := c.state(key)
	r, ok := replyToChoices(e, st, text)
	if !ok {
		r = e.Answer(ctx, text)
		r = followUp(ctx, e, st, r)
	}
	c.Shown(key, r)
	return r
}

// Shown records a reply the transport showed the patient without asking
// Answer (a button press, a deep link), so the next message is read after it.
func (c *Conversations) Shown(key string, r Reply) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.chats[key]
	if st == nil {
		if r.Kind == KindUrgent {
			return
		}
		if len(c.chats) >= c.max {
			c.dropOldLocked(now)
		}
		st = &chatState{}
		c.chats[key] = st
	}
	st.at = now
	switch r.Kind {
	case KindUrgent:
		delete(c.chats, key)
	case KindAnswer:
		st.kind, st.entry, st.choices, st.question = r.Kind, r.EntryID, nil, ""
	case KindChoices:
		st.kind, st.entry, st.choices, st.question = r.Kind, "", r.Choices, r.Question
	case KindFallback:
		st.kind, st.entry, st.choices, st.question = r.Kind, "", nil, ""
	default:
		// Small talk and the language notice keep the context: "thanks",
		// then "and does it hurt?".
	}
}

// Forget drops everything remembered of conversation key.
func (c *Conversations) Forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.chats, key)
}

// Len returns how many conversations are remembered.
func (c *Conversations) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.chats)
}

// Expire forgets, every interval until ctx ends, what is past its time, so
// that nothing stays in memory much longer than ConversationTTL or
// FragmentTTL even in a conversation that has gone quiet.
func (c *Conversations) Expire(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			c.mu.Lock()
			c.dropExpiredLocked(c.now())
			c.mu.Unlock()
		}
	}
}

// state returns a copy of key's unexpired context, or nil.
func (c *Conversations) state(key string) *chatState {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.chats[key]
	if st == nil || st.at.IsZero() || now.Sub(st.at) > c.ttl {
		return nil
	}
	cp := *st
	return &cp
}

// swapFragment returns key's previous message, if it was a fragment kept
// within its time, and keeps text in its place if text is a fragment.
func (c *Conversations) swapFragment(key, text string) string {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.chats[key]
	prev := ""
	if st != nil && st.fragment != "" && now.Sub(st.fragmentAt) <= c.fragmentTTL {
		prev = st.fragment
	}
	if !fragment(text) {
		if st != nil {
			st.fragment, st.fragmentAt = "", time.Time{}
			if st.at.IsZero() {
				delete(c.chats, key)
			}
		}
		return prev
	}
	if st == nil {
		if len(c.chats) >= c.max {
			c.dropOldLocked(now)
		}
		st = &chatState{}
		c.chats[key] = st
	}
	st.fragment, st.fragmentAt = text, now
	return prev
}

func (c *Conversations) dropExpiredLocked(now time.Time) {
	for k, st := range c.chats {
		if st.fragment != "" && now.Sub(st.fragmentAt) > c.fragmentTTL {
			st.fragment, st.fragmentAt = "", time.Time{}
		}
		if !st.at.IsZero() && now.Sub(st.at) > c.ttl {
			st.at, st.kind, st.entry, st.choices, st.question = time.Time{}, "", "", nil, ""
		}
		if st.at.IsZero() && st.fragment == "" {
			delete(c.chats, k)
		}
	}
}

// dropOldLocked makes room: expired conversations go, and if that frees
// nothing, the one least recently used.
func (c *Conversations) dropOldLocked(now time.Time) {
	c.dropExpiredLocked(now)
	if len(c.chats) < c.max {
		return
	}
	var oldest string
	var oldestAt time.Time
	for k, st := range c.chats {
		at := st.at
		if st.fragmentAt.After(at) {
			at = st.fragmentAt
		}
		if oldestAt.IsZero() || at.Before(oldestAt) {
			oldest, oldestAt = k, at
		}
	}
	delete(c.chats, oldest)
}

// followUp reads a short message right after an answer in the context of
// the entry answered. When the message alone gets no sure answer, it is
// searched again with that entry's topic ("facet joint denervation"), or
// its question when the topic is no words of it, read the way a
// receptionist would: in place of the message's "it" or "that" ("does it
// hurt?": "does facet joint denervation hurt?"), else after it. That
// reading is taken when the engine's own thresholds (Settings.Decide) make
// it an answer with another entry than the one just shown (the patient
// asks something new, and has just read that one, so it is no rival)
// that the message alone already ranked among its candidates: the
// context's words only settle which of them is meant. A message that
// stands on its own (an answer, small talk, an emergency) is never
// changed, and without context nothing is.
func followUp(ctx context.Context, e *Engine, st *chatState, alone Reply) Reply {
	if st == nil || st.entry == "" || (alone.Kind != KindFallback && alone.Kind != KindChoices) {
		return alone
	}
	if alone.Question == "" || len(strings.Fields(alone.Question)) > maxFollowUpWords {
		return alone
	}
	prev, ok := e.Base().Entry(st.entry)
	if !ok {
		return alone // the knowledge changed since
	}
	var hits []index.Hit
	q := alone.Question + "\n" + prev.Question
	if topic, ok := topicWords(prev); ok {
		q = inContext(alone.Question, topic)
	}
	for _, h := range e.search(ctx, searchText(q)) {
		if h.Entry.ID != prev.ID {
			hits = append(hits, h)
		}
	}
	conf := make([]float64, len(hits))
	for i, h := range hits {
		conf[i] = h.Confidence
	}
	// Only an answer: "did you mean" in context is a guess on a guess.
	if kind, _ := e.settings.Decide(conf); kind != KindAnswer {
		return alone
	}
	// The message's own words must point there too: else the context's
	// words did all the work.
	own := false
	for _, c := range alone.Candidates {
		own = own || c.EntryID == hits[0].Entry.ID
	}
	if !own {
		return alone
	}
	r := Reply{Question: alone.Question, BookingURL: e.texts.BookingURL, Choices: []Choice{}, Candidates: []Candidate{}}
	for _, h := range hits {
		r.Candidates = append(r.Candidates, Candidate{EntryID: h.Entry.ID, Score: round(h.Confidence)})
	}
	return e.entryReply(r, hits[0].Entry, hits[0].Confidence)
}

// referWords stand for what was just talked about.
var referWords = wordSet(`it this that they them`)

// inContext is question read with topic, the words for what was just
// talked about: in place of the question's words that refer to it, when it
// has any, else after it.
func inContext(question, topic string) string {
	fields := strings.Fields(question)
	replaced := false
	for i, f := range fields {
		w := strings.ToLower(strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) }))
		if referWords[w] {
			// Keep what is around the word: "it?" becomes "… denervation?".
			fields[i] = strings.Replace(strings.ToLower(f), w, topic, 1)
			replaced = true
		}
	}
	if !replaced {
		return question + "\n" + topic
	}
	return strings.Join(fields, " ")
}

// topicWords are the entry's topic in words ("facet-joint-denervation":
// "facet joint denervation"), when one of its questions uses them all: a
// name for what the entry is about. A follow-up after an entry without
// one is read with the entry's question after it.
func topicWords(ent *knowledge.Entry) (string, bool) {
	topic := plainWords(ent.Topic)
	if len(topic) == 0 {
		return "", false
	}
	for _, q := range ent.Questions() {
		have := wordSet(strings.Join(plainWords(q), " "))
		all := true
		for _, w := range topic {
			all = all && have[w]
		}
		if all {
			return strings.Join(topic, " "), true
		}
	}
	return "", false
}
