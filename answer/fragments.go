package answer

import "strings"

// A patient in distress may send an emergency in pieces: "I've lost
// control" then "of my bladder". A conversation (see Conversations.Urgent)
// keeps its sender's last message when it is a fragment, in memory only and
// for about two minutes, and reads it with the next one when that plainly
// goes on from it.

const (
	// fragmentWords and fragmentBytes: a longer message is not the first
	// half of a sentence cut in two.
	fragmentWords = 8
	fragmentBytes = 160
)

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
