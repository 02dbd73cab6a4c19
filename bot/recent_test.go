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

func TestJoinable(t *testing.T) {
	for _, tc := range []struct {
		prev, next string
		want       bool
	}{
		{"I've lost control", "of my bladder", true},
		{"i cant feel", "my legs", true},
		{"my legs are", "numb", true},
		{"I can't feel my", "legs", true},
		{"Had my injection yesterday", "Temperature in the waiting room is freezing", false},
		{"Should I empty my bladder before the scan", "Will I feel numb after the injection?", false},
		{"I hurt myself lifting a box.", "and I want the pain to end", false}, // a whole sentence
		{"how long is the recovery?", "of the neck", false},
		{"", "of my bladder", false},
		{"I have had a sore back for a very long time now and", "my legs", false}, // too long
	} {
		if got := joinable(tc.prev, tc.next); got != tc.want {
			t.Errorf("joinable(%q, %q) = %v, want %v", tc.prev, tc.next, got, tc.want)
		}
	}
}

// Only a fragment is kept, and nothing outlives its time once expire runs.
func TestRecentWordsKeepsOnlyFragments(t *testing.T) {
	clock := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	r := newRecentWords()
	r.now = func() time.Time { return clock }
	s := sender{chat: 1, user: 1}
	r.swap(s, "Is it safe to drive home after the procedure? I live in Kent.")
	if len(r.bySrc) != 0 {
		t.Errorf("a whole question was kept")
	}
	r.swap(s, "i cant feel")
	clock = clock.Add(recentTTL + time.Second)
	r.mu.Lock()
	r.dropExpiredLocked(clock)
	n := len(r.bySrc)
	r.mu.Unlock()
	if n != 0 {
		t.Errorf("%d messages kept past their time", n)
	}
}
