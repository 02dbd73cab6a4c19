package e2e

import (
	"testing"
)

// TestBriefExamples pins the replies the clinic asked for by example:
// its headline question gets the passage with the booking and related
// buttons, and questions off the subject get the honest fallback (and so
// reach the unanswered-questions log when that is on). The other tests
// follow whatever the engine says; this one fails when retrieval changes
// these answers.
func TestBriefExamples(t *testing.T) {
	t.Parallel()
	p := start(t, options{config: testdata(t, "default.yaml")})
	p.ready()
	chat := int64(4900)
	next := func() int64 { chat++; return chat }

	t.Run("headline question", func(t *testing.T) {
		c := p.say(next(), "what is facet joint denervation?")
		if got := titleOf(c); got != "What is facet joint denervation?" {
			t.Fatalf("got %q, want the passage fjd-what-is-it", plain(c.Text()))
		}
		bs := buttons(t, c)
		if urlButtons(bs)[bookLabel] != bookingURL || len(callbackData(bs)) == 0 {
			t.Errorf("passage without the booking and related buttons: %s", c.ReplyMarkup())
		}
	})
	// Off the subject: never a confident passage. ("price of bitcoin in
	// yen" still is one today: issue 2/6 stays open for it.)
	for _, q := range []string{"price of bitcoin", "book a flight to London", "what's the football score"} {
		t.Run(q, func(t *testing.T) {
			c := p.say(next(), q)
			if titleOf(c) != "" {
				t.Errorf("got the passage %q, want the fallback or choices", titleOf(c))
			}
		})
	}
	p.stop()
}
