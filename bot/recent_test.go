package bot

import (
	"testing"
	"time"
)

func TestRecentWords(t *testing.T) {
	clock := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	r := newRecentWords()
	r.now = func() time.Time { return clock }
	r.max = 3
	a, b := sender{chat: 1, user: 1}, sender{chat: 1, user: 2}
	if got := r.swap(a, "first"); got != "" {
		t.Errorf("nothing before the first message, got %q", got)
	}
	clock = clock.Add(time.Minute)
	if got := r.swap(a, "second"); got != "first" {
		t.Errorf("got %q, want the message a minute before", got)
	}
	if got := r.swap(b, "other person"); got != "" {
		t.Errorf("another sender in the same chat got %q", got)
	}
	clock = clock.Add(recentTTL + time.Second)
	if got := r.swap(a, "third"); got != "" {
		t.Errorf("got %q, kept past its time", got)
	}
	r.forget(a)
	if got := r.swap(a, "fourth"); got != "" {
		t.Errorf("got %q after forget", got)
	}
	// Full: expired senders go first, then the oldest.
	r.swap(sender{chat: 2}, "x")
	clock = clock.Add(time.Second)
	r.swap(sender{chat: 3}, "y")
	if len(r.bySrc) > r.max {
		t.Errorf("%d senders kept, max %d", len(r.bySrc), r.max)
	}
	if _, ok := r.bySrc[b]; ok {
		t.Errorf("an expired sender was kept while the map was full")
	}
}

func TestUnfinished(t *testing.T) {
	for text, want := range map[string]bool{
		"I've lost control":            true,
		"i cant feel":                  true,
		"  my legs  ":                  true,
		"I hurt myself lifting a box.": false,
		"how long is the recovery?":    false,
		"help!":                        false,
		"":                             false,
		"I have had a sore back for a very long time now and": false, // too long to be a fragment
	} {
		if got := unfinished(text); got != want {
			t.Errorf("unfinished(%q) = %v, want %v", text, got, want)
		}
	}
}
