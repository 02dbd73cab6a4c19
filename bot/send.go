package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// apiClient is the HTTP client the library sends requests with. It makes
// the failures worth retrying recognisable: a 5xx answer becomes a
// *statusError (the library would report it as plain text, or quote an
// HTML error page whole), and a transport failure becomes a *connError
// without the request URL, which holds the token.
type apiClient struct {
	hc     *http.Client
	server string
	token  string
	// salvaged, if set, hears of the updates in a getUpdates answer that
	// had to be salvaged (see readableUpdates).
	salvaged func(ids []int64)
	// observe, if set, hears of every answer (code 0: none came; resp nil
	// then) before the caller reads it.
	observe func(ctx context.Context, method string, code int, resp *http.Response)
}

// maxUpdatesBody bounds a getUpdates answer read for salvaging: 100
// updates of the longest messages fit many times over.
const maxUpdatesBody = 64 << 20

func newAPIClient(server, token string) *apiClient {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	return &apiClient{hc: &http.Client{Timeout: clientTimeout, Transport: tr}, server: server, token: token}
}

// statusError is a 5xx answer from the Bot API: the request was not done.
type statusError struct{ code int }

func (e *statusError) Error() string {
	return fmt.Sprintf("telegram answered %d %s", e.code, http.StatusText(e.code))
}

// connError is a request that got no answer: the connection could not be
// made, broke, or timed out.
type connError struct{ err error }

func (e *connError) Error() string { return "no answer from telegram: " + e.err.Error() }
func (e *connError) Unwrap() error { return e.err }

// Do implements the library's HttpClient.
func (c *apiClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.hc.Do(req)
	if c.observe != nil {
		code := 0
		if err == nil {
			code = resp.StatusCode
		}
		c.observe(req.Context(), methodOf(req), code, resp)
	}
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // drop the URL, keep the cause
		}
		return nil, &connError{err: err}
	}
	if resp.StatusCode >= 500 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
		return nil, &statusError{code: resp.StatusCode}
	}
	if resp.StatusCode == http.StatusOK && strings.HasSuffix(req.URL.Path, "/getUpdates") {
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxUpdatesBody))
		_ = resp.Body.Close()
		if err != nil {
			return nil, &connError{err: err}
		}
		fixed, ids := readableUpdates(body)
		if len(ids) > 0 && c.salvaged != nil {
			c.salvaged(ids)
		}
		resp.Body = io.NopCloser(bytes.NewReader(fixed))
		resp.ContentLength = int64(len(fixed))
	}
	return resp, nil
}

// post calls method with form parameters, for the one call the library
// does not expose (a final getUpdates to confirm handled updates).
func (c *apiClient) post(ctx context.Context, method string, params map[string]string) error {
	form := url.Values{}
	for k, v := range params {
		form.Set(k, v)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.server+"/bot"+c.token+"/"+method, strings.NewReader(form.Encode()))
	if err != nil {
		return errors.New("cannot build request for " + method)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r struct {
		OK          bool   `json:"ok"`
		Description string `json:"description"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&r); err != nil {
		return fmt.Errorf("%s: unreadable answer (HTTP %d)", method, resp.StatusCode)
	}
	if !r.OK {
		return fmt.Errorf("%s: %s", method, r.Description)
	}
	return nil
}

// call runs one API request and retries it while it surely was not done:
// a 429 is retried after its retry_after, a 5xx or a broken connection
// after an exponential, capped, jittered back-off. A timeout is retried
// only for idempotent calls, since Telegram may have done the request
// and just been slow to say so (a message would be sent twice). Retrying
// stops when ctx ends or, if budget > 0, when the next attempt would start
// after budget.
func (b *Bot) call(ctx context.Context, method string, budget time.Duration, idempotent bool, do func(context.Context) error) error {
	return b.callWith(ctx, method, budget, idempotent, b.attemptTimeout, do)
}

// callTimeout is call for an idempotent request whose attempts may each
// take up to timeout (a long poll).
func (b *Bot) callTimeout(ctx context.Context, method string, budget, timeout time.Duration, do func(context.Context) error) error {
	return b.callWith(ctx, method, budget, true, timeout, do)
}

func (b *Bot) callWith(ctx context.Context, method string, budget time.Duration, idempotent bool, timeout time.Duration, do func(context.Context) error) error {
	start := time.Now()
	next := b.backoff
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, timeout)
		err := do(actx)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		delay, ok := retryDelay(err, idempotent, &next)
		if !ok {
			return err
		}
		if budget > 0 && time.Since(start)+delay > budget {
			return fmt.Errorf("gave up after %d attempts in %s: %w", attempt, time.Since(start).Round(time.Millisecond), err)
		}
		b.log.Log(ctx, levelFor(attempt), "telegram: retrying", "method", method, "attempt", attempt, "wait", delay.String(), "error", b.scrub(err))
		b.obs.Retry(method, retryReason(err), delay)
		if !sleep(ctx, delay) {
			return ctx.Err()
		}
	}
}

// levelFor is the log level of a retry: the first ones are routine; an
// API that keeps failing must be visible at the default log level (the
// 3rd attempt, then every 10th).
func levelFor(attempt int) slog.Level {
	if attempt == 3 || (attempt > 3 && attempt%10 == 0) {
		return slog.LevelWarn
	}
	return slog.LevelDebug
}

// retryDelay says whether err is worth retrying and after how long; next
// is the back-off for 5xx and connection errors, doubled at each use.
func retryDelay(err error, idempotent bool, next *time.Duration) (time.Duration, bool) {
	var tooMany *tgbot.TooManyRequestsError
	if errors.As(err, &tooMany) {
		return max(time.Duration(tooMany.RetryAfter)*time.Second, time.Second), true
	}
	var se *statusError
	var ce *connError
	switch {
	case errors.As(err, &se):
	case errors.As(err, &ce):
		if isTimeout(ce) && !idempotent {
			return 0, false
		}
	default:
		return 0, false // 4xx: retrying would get the same answer
	}
	d := *next
	*next = min(2*d, backoffMax)
	return d/2 + rand.N(d/2+1), true
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// target is where a reply goes.
type target struct {
	chat    int64
	thread  int   // forum topic, 0 if none
	replyTo int   // message to reply to (in groups), 0 if none
	group   bool  // a group or supergroup
	lane    int64 // who in the chat is answered: the sender in a group, else the chat
	urgent  bool  // sent at once, beside the chat's queue
	first   bool  // sent ahead of the chat's queue (a notice about the queue)
}

// send puts msgs, a reply to the turn's update, with the turn's other
// replies: runTurn puts them in the outbox together when the turn ends.
func (b *Bot) send(t *turn, to target, msgs []message) {
	t.out = append(t.out, pendingSend{to: to, msgs: msgs})
}

// typing shows "typing…" in the chat: one attempt, no retries, and only
// when the pacer has a token to spare, as it is only a courtesy.
func (b *Bot) typing(ctx context.Context, t target) {
	if !b.pace.spare() {
		return // busy: the patient's reply matters more than the courtesy
	}
	ctx, cancel := context.WithTimeout(ctx, typingTimeout)
	defer cancel()
	_, err := b.tg.SendChatAction(ctx, &tgbot.SendChatActionParams{ChatID: t.chat, MessageThreadID: t.thread, Action: models.ChatActionTyping})
	if err != nil && ctx.Err() == nil {
		b.log.Debug("telegram: typing action failed", "chat", b.chatHash(t.chat), "error", b.scrub(err))
	}
}

// answerCallback stops the spinner on a pressed button.
func (b *Bot) answerCallback(ctx context.Context, id string) {
	err := b.call(ctx, "answerCallbackQuery", callbackBudget, true, func(ctx context.Context) error {
		_, err := b.tg.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: id})
		return err
	})
	if err != nil && ctx.Err() == nil {
		b.log.Warn("telegram: could not answer a button press", "error", b.scrub(err))
	}
}
