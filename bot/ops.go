package bot

// What operators need from the transport: readiness, queue depth, metrics
// hooks, the 409 Conflict of two processes polling one token, and the
// bot's Telegram profile. The rest of the package calls these at a few
// clear call sites.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
)

// Ready reports why the bot is not serving yet, or nil once Telegram has
// answered getMe and until shutdown begins.
func (b *Bot) Ready() error {
	switch {
	case b.disp.isClosed():
		return errors.New("shutting down")
	case b.me.Load() == nil:
		return errors.New("waiting for Telegram to answer getMe")
	}
	return nil
}

// Pending is the number of updates taken and not yet answered.
func (b *Bot) Pending() int { return b.disp.waiting() }

// waiting is the number of updates taken and not yet replied to, in all lanes.
func (d *dispatcher) waiting() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, p := range d.pending {
		n += p
	}
	return n
}

// methodOf is the Bot API method a request calls: the last part of its path.
func methodOf(req *http.Request) string {
	p := req.URL.Path
	return p[strings.LastIndexByte(p, '/')+1:]
}

// retryReason names, for the metrics, why a failed request is retried.
func retryReason(err error) string {
	var tooMany *tgbot.TooManyRequestsError
	var se *statusError
	switch {
	case errors.As(err, &tooMany):
		return "rate_limited"
	case errors.As(err, &se):
		return "server_error"
	default:
		return "connection"
	}
}

// Waits after a getUpdates refused with 409 Conflict: long enough that two
// processes do not keep cutting each other's polls short, short enough
// that a process left alone resumes soon.
const (
	conflictFirstWait = 5 * time.Second
	conflictMaxWait   = time.Minute
)

// pollConflicts tracks 409 answers to getUpdates. Telegram lets one
// connection poll a token at a time and ends the older long poll with 409
// when another begins, so two processes polling one bot take turns
// failing. It is reported once, clearly, when it starts and once when it
// ends; in between the poller backs off.
type pollConflicts struct {
	mu     sync.Mutex
	first  time.Duration // first wait; 0 means conflictFirstWait
	active bool
	wait   time.Duration
	count  int
}

// pollConflict is called with the body of a 409 answer to getUpdates and
// returns how long to wait before polling again.
func (b *Bot) pollConflict(body []byte) time.Duration {
	b.obs.PollConflict()
	c := &b.conflicts
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count++
	first := !c.active
	if first {
		c.active, c.wait = true, conflictFirstWait
		if c.first > 0 {
			c.wait = c.first
		}
	} else {
		c.wait = min(2*c.wait, conflictMaxWait)
	}
	d := c.wait/2 + rand.N(c.wait/2+1)
	if first {
		wait := d.Round(100 * time.Millisecond).String()
		if bytes.Contains(body, []byte("webhook")) {
			b.log.Error("telegram: a webhook is set for this bot, so it cannot be polled: is another instance running in webhook mode? Retrying with back-off", "wait", wait)
		} else {
			b.log.Error("telegram: another instance is polling this bot (409 Conflict); only one process may poll a token. Stop the other one, or use webhook mode. Retrying with back-off", "wait", wait)
		}
	}
	return d
}

// polled is called for every getUpdates that succeeded.
func (b *Bot) polled() {
	c := &b.conflicts
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.active {
		b.log.Info("telegram: polling again, no other instance in the way", "conflicts", c.count)
		c.active, c.count = false, 0
	}
}

// observeResponse is the apiClient's hook for every answer: it counts the
// request and handles getUpdates' 409 Conflict by waiting (until ctx ends)
// before the answer goes back to the poller, whichever loop drives it.
func (b *Bot) observeResponse(ctx context.Context, method string, code int, resp *http.Response) {
	b.obs.APICall(method, code)
	if method != "getUpdates" || resp == nil {
		return
	}
	switch code {
	case http.StatusOK:
		b.polled()
	case http.StatusConflict:
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		sleep(ctx, b.pollConflict(body))
	}
}

// description is shown in an empty chat with the bot, above Start.
func (b *Bot) description() string {
	if d := strings.TrimSpace(b.opts.Telegram.Profile.Description); d != "" {
		return d
	}
	return "I answer common questions about " + b.clinicName() + ": its treatments, what to expect, appointments and more, from the clinic's own information, with a link to book.\n\n" +
		"I give general information, not medical advice. In an emergency, " + b.emergencyLine() + "."
}

// shortDescription is shown on the bot's profile and when it is shared.
func (b *Bot) shortDescription() string {
	if d := strings.TrimSpace(b.opts.Telegram.Profile.ShortDescription); d != "" {
		return d
	}
	s := "Answers to common questions about " + b.clinicName() + ", with a link to book."
	if len([]rune(s)) > 120 {
		s = "Answers to common questions about the clinic, with a link to book."
	}
	return s
}

// setProfile sets the bot's description and short description. A failure
// is logged, not fatal: the bot answers patients without them.
func (b *Bot) setProfile(ctx context.Context) {
	err := b.call(ctx, "setMyDescription", setupBudget, true, func(ctx context.Context) error {
		_, err := b.tg.SetMyDescription(ctx, &tgbot.SetMyDescriptionParams{Description: b.description()})
		return err
	})
	if err == nil {
		err = b.call(ctx, "setMyShortDescription", setupBudget, true, func(ctx context.Context) error {
			_, err := b.tg.SetMyShortDescription(ctx, &tgbot.SetMyShortDescriptionParams{ShortDescription: b.shortDescription()})
			return err
		})
	}
	if err != nil && ctx.Err() == nil {
		b.log.Warn("telegram: could not set the bot's description", "error", b.scrub(err))
	}
}
