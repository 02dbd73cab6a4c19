package bot

import (
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// A patient in distress may send an emergency in pieces: "I've lost
// control" then "of my bladder". recentWords keeps each sender's last
// message, in memory only and for a short while, so the red-flag check can
// read an unfinished one with the next. It is never logged or written
// anywhere.
type recentWords struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu    sync.Mutex
	bySrc map[sender]said
}

// sender is one person in one chat: in a group, two people's messages are
// not one emergency.
type sender struct{ chat, user int64 }

type said struct {
	text string
	at   time.Time
}

// recentTTL is how long a message is kept to be read with the next one.
const recentTTL = 2 * time.Minute

// recentMax bounds how many senders are remembered; past it the oldest go.
const recentMax = 10000

func newRecentWords() *recentWords {
	return &recentWords{ttl: recentTTL, max: recentMax, now: time.Now, bySrc: map[sender]said{}}
}

// swap remembers text as s's last message and returns the one before it,
// if it came within the time to keep it ("" otherwise).
func (r *recentWords) swap(s sender, text string) string {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	prev, ok := r.bySrc[s]
	if len(r.bySrc) >= r.max && !ok {
		r.dropOldLocked(now)
	}
	r.bySrc[s] = said{text: text, at: now}
	if !ok || now.Sub(prev.at) > r.ttl {
		return ""
	}
	return prev.text
}

// unfinished reports whether a message looks like the first part of a
// sentence sent in pieces: a few words, without a full stop, question or
// exclamation mark at the end. Two whole messages are not read together:
// "I hurt myself lifting a box." and "I want the pain to end" are not a
// crisis.
func unfinished(text string) bool {
	text = strings.TrimSpace(text)
	if text == "" || strings.ContainsAny(text[len(text)-1:], ".?!") {
		return false
	}
	return len(strings.Fields(text)) <= 8
}

// forget drops s's last message: it was answered as an emergency, and must
// not make the next message look like one.
func (r *recentWords) forget(s sender) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.bySrc, s)
}

func senderOf(m *models.Message) sender {
	s := sender{chat: m.Chat.ID}
	if m.From != nil {
		s.user = m.From.ID
	}
	return s
}

// dropOldLocked forgets expired messages, and if that frees nothing, the
// oldest one.
func (r *recentWords) dropOldLocked(now time.Time) {
	var oldest sender
	var oldestAt time.Time
	for s, v := range r.bySrc {
		if now.Sub(v.at) > r.ttl {
			delete(r.bySrc, s)
			continue
		}
		if oldestAt.IsZero() || v.at.Before(oldestAt) {
			oldest, oldestAt = s, v.at
		}
	}
	if len(r.bySrc) >= r.max {
		delete(r.bySrc, oldest)
	}
}
