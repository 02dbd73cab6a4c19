package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/clinicbot/clinicbot/state"
)

// The bot polls Telegram itself rather than with the library's Start: the
// library moves the getUpdates offset (which tells Telegram the updates
// before it are handled and may be forgotten) as soon as an update is
// queued in memory, so a crash lost them; and it ignores retry_after.
// Here an update is confirmed only once it is in the state folder, from
// which a restart answers it.

// pollLimit is how many updates one getUpdates may return (Telegram's most).
const pollLimit = 100

// poll takes updates by long polling until ctx ends.
func (b *Bot) poll(ctx context.Context) {
	for ctx.Err() == nil {
		offset, err := b.store.Offset()
		if err != nil {
			b.log.Error("state: cannot read the polling offset", "error", err.Error())
			sleep(ctx, backoffMax)
			continue
		}
		var raw []json.RawMessage
		err = b.callTimeout(ctx, "getUpdates", 0, clientTimeout, func(actx context.Context) error {
			var err error
			raw, err = b.api.getUpdates(actx, offset, int(pollTimeout/time.Second)-1, allowedUpdates())
			return err
		})
		if ctx.Err() != nil {
			return
		}
		var conflict *conflictError
		if errors.As(err, &conflict) {
			// Another poller or a webhook: reported once and waited for
			// already, with its own back-off (see pollConflict).
			continue
		}
		if err != nil {
			// Not worth retrying at once (401…): said, then tried again later.
			b.log.Warn("telegram: getUpdates failed", "error", b.scrub(err))
			sleep(ctx, backoffMax)
			continue
		}
		b.ingest(raw)
	}
}

// ingest records updates in the state, then hands the new ones to the
// dispatcher. When the state cannot be written they are not confirmed, so
// Telegram delivers them again.
func (b *Bot) ingest(raw []json.RawMessage) bool {
	if len(raw) == 0 {
		return true
	}
	batch := make([]state.Update, 0, len(raw))
	received := make(map[int64]json.RawMessage, len(raw)) // as Telegram sent them, for answering now
	for _, r := range raw {
		var head struct {
			ID int64 `json:"update_id"`
		}
		if json.Unmarshal(r, &head) != nil || head.ID <= 0 {
			b.log.Warn("telegram: an update without an id was skipped")
			continue
		}
		received[head.ID] = r
		batch = append(batch, state.Update{ID: head.ID, Raw: keepable(r, b.desk.calls.filling)})
	}
	fresh, err := b.store.Take(batch)
	if err != nil {
		b.log.Error("state: cannot record updates; they stay with Telegram and come again", "error", err.Error())
		sleep(b.work, time.Second)
		return false
	}
	if n := len(batch) - len(fresh); n > 0 {
		b.log.Info("telegram: update delivered twice, answered once", "updates", n)
	}
	for _, u := range fresh {
		// Answered from what Telegram sent (the state keeps less of it).
		b.handleRaw(state.Update{ID: u.ID, Raw: received[u.ID]})
	}
	return true
}

// conflictError is a 409 Conflict answer: another process polls the same
// token, or a webhook is set.
type conflictError struct{ method, desc string }

func (e *conflictError) Error() string { return e.method + ": 409 " + e.desc }

// getUpdates asks for updates from offset, holding the request up to
// timeout seconds; it returns each update's JSON as received.
func (c *apiClient) getUpdates(ctx context.Context, offset int64, timeout int, allowed []string) ([]json.RawMessage, error) {
	al, _ := json.Marshal(allowed)
	form := url.Values{
		"offset":          {strconv.FormatInt(offset, 10)},
		"limit":           {strconv.Itoa(pollLimit)},
		"timeout":         {strconv.Itoa(timeout)},
		"allowed_updates": {string(al)},
	}
	var result []json.RawMessage
	if err := c.postResult(ctx, "getUpdates", form, &result); err != nil {
		return nil, err
	}
	return result, nil
}

// postResult calls method with form parameters and decodes its result,
// turning Telegram's errors into the library's (a 429 into a
// *tgbot.TooManyRequestsError with its retry_after).
func (c *apiClient) postResult(ctx context.Context, method string, form url.Values, dest any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.server+"/bot"+c.token+"/"+method, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("cannot build request for %s", method)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r struct {
		OK          bool            `json:"ok"`
		Result      json.RawMessage `json:"result"`
		ErrorCode   int             `json:"error_code"`
		Description string          `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxUpdatesBody)).Decode(&r); err != nil {
		if ctx.Err() != nil {
			return &connError{err: ctx.Err()}
		}
		return fmt.Errorf("%s: unreadable answer (HTTP %d)", method, resp.StatusCode)
	}
	if !r.OK {
		if r.ErrorCode == http.StatusTooManyRequests {
			return &tgbot.TooManyRequestsError{Message: "too many requests, " + r.Description, RetryAfter: r.Parameters.RetryAfter}
		}
		if r.ErrorCode == http.StatusConflict {
			return &conflictError{method: method, desc: r.Description}
		}
		return fmt.Errorf("%s: %d %s", method, r.ErrorCode, r.Description)
	}
	if dest == nil {
		return nil
	}
	if err := json.Unmarshal(r.Result, dest); err != nil {
		return fmt.Errorf("%s: unreadable result", method)
	}
	return nil
}
