package bot

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/clinicbot/clinicbot/state"
)

// Counters count what became of replies, for the logs and for metrics.
// All fields are safe to read at any time.
type Counters struct {
	// Sent is messages delivered.
	Sent atomic.Int64
	// Lost is messages given up after retrying for the whole send budget.
	Lost atomic.Int64
	// Refused is messages Telegram refused for good (the bot was blocked,
	// the chat is gone…).
	Refused atomic.Int64
	// TimedOut is sends that got no answer in time and were tried again:
	// Telegram may have delivered the first, so the patient may see two.
	TimedOut atomic.Int64
	// Resent is messages found in the outbox at start that had been
	// handed to Telegram before the last stop: perhaps delivered, sent
	// again (Telegram gives no way to know).
	Resent atomic.Int64
	// FloodNotices is "one question at a time" notices sent.
	FloodNotices atomic.Int64
}

// wireMessage is one message as kept in the outbox.
type wireMessage struct {
	Chat    int64     `json:"chat"`
	Thread  int       `json:"thread,omitempty"`
	ReplyTo int       `json:"reply_to,omitempty"`
	Group   bool      `json:"group,omitempty"`
	HTML    string    `json:"html"`
	Plain   string    `json:"plain"`
	KB      *keyboard `json:"kb,omitempty"`
}

// outgoing is a reply in the outbox: the messages answering one update,
// sent in order, then done is called.
type outgoing struct {
	parts []state.Reply
	done  func()
}

// outbox delivers replies: in each chat one after another, in order, at
// the pace the pacer allows; an urgent reply at once, beside the queue.
// A reply leaves the state's outbox only once delivered or given up, so
// what shutdown or a crash interrupts is sent after the restart.
type outbox struct {
	b *Bot

	mu    sync.Mutex
	chats map[int64]*chatQueue
	wg    sync.WaitGroup
}

// chatQueue is one chat's replies waiting: notices first, then one reply
// from each lane (sender) in turn, so one person cannot hold up a group.
type chatQueue struct {
	first []outgoing
	lanes map[int64][]outgoing
	order []int64 // lanes with replies waiting, next first
}

func newOutbox(b *Bot) *outbox { return &outbox{b: b, chats: map[int64]*chatQueue{}} }

// put queues o for delivery. An urgent reply starts at once.
func (ob *outbox) put(o outgoing) {
	if len(o.parts) == 0 {
		if o.done != nil {
			o.done()
		}
		return
	}
	p := o.parts[0]
	ob.mu.Lock()
	defer ob.mu.Unlock()
	if p.Urgent {
		ob.wg.Add(1)
		go func() {
			defer ob.wg.Done()
			ob.deliver(o)
		}()
		return
	}
	q, busy := ob.chats[p.Chat]
	if !busy {
		q = &chatQueue{lanes: map[int64][]outgoing{}}
		ob.chats[p.Chat] = q
		ob.wg.Add(1)
		go ob.work(p.Chat)
	}
	if p.First {
		q.first = append(q.first, o)
		return
	}
	if len(q.lanes[p.Lane]) == 0 {
		q.order = append(q.order, p.Lane)
	}
	q.lanes[p.Lane] = append(q.lanes[p.Lane], o)
}

// next takes chat's next reply; false when there is none (the worker ends).
func (ob *outbox) next(chat int64) (outgoing, bool) {
	ob.mu.Lock()
	defer ob.mu.Unlock()
	q := ob.chats[chat]
	if q == nil {
		return outgoing{}, false
	}
	if len(q.first) > 0 {
		o := q.first[0]
		q.first = q.first[1:]
		return o, true
	}
	if len(q.order) == 0 {
		delete(ob.chats, chat)
		return outgoing{}, false
	}
	lane := q.order[0]
	q.order = q.order[1:]
	l := q.lanes[lane]
	o := l[0]
	if len(l) > 1 {
		q.lanes[lane] = l[1:]
		q.order = append(q.order, lane)
	} else {
		delete(q.lanes, lane)
	}
	return o, true
}

// work delivers chat's replies until none is left.
func (ob *outbox) work(chat int64) {
	defer ob.wg.Done()
	for {
		o, ok := ob.next(chat)
		if !ok {
			return
		}
		if !ob.deliver(o) {
			return // shutting down: the rest stays in the state
		}
	}
}

// close waits up to grace for the replies queued to be sent; it reports
// whether they all were. (Cancelling the bot's work then stops the rest,
// which stays in the state.)
func (ob *outbox) close(grace time.Duration) bool {
	done := make(chan struct{})
	go func() {
		ob.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(max(grace, 0)):
		return false
	}
}

func (ob *outbox) wait() { ob.wg.Wait() }

// deliver sends o's messages in order; false if shutdown cut it short.
func (ob *outbox) deliver(o outgoing) bool {
	b := ob.b
	for _, p := range o.parts {
		res := b.sendPart(b.work, p)
		if res == sendAbandoned {
			return false
		}
		if p.Key != 0 {
			if err := b.store.Done(p.Key); err != nil {
				b.log.Error("state: could not mark a reply sent; it may be sent again after a restart", "error", err.Error())
			}
		}
	}
	if o.done != nil {
		o.done()
	}
	return true
}

type sendResult int

const (
	sendDelivered sendResult = iota
	sendRefused              // Telegram refused it for good
	sendLost                 // retried for the whole budget
	sendAbandoned            // shutdown came first; it stays in the outbox
)

// sendPart sends one message, paced, retrying what surely failed (429
// after its retry_after, 5xx, a broken connection, a timeout) with
// back-off until sendBudget is spent.
func (b *Bot) sendPart(ctx context.Context, r state.Reply) sendResult {
	var m wireMessage
	if err := json.Unmarshal(r.Payload, &m); err != nil {
		b.log.Error("telegram: unreadable reply in the outbox, dropped", "error", err.Error())
		b.counters.Lost.Add(1)
		b.obs.Delivery("lost")
		return sendLost
	}
	p := &tgbot.SendMessageParams{
		ChatID:             m.Chat,
		MessageThreadID:    m.Thread,
		Text:               m.HTML,
		ParseMode:          models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
	}
	if m.ReplyTo != 0 {
		p.ReplyParameters = &models.ReplyParameters{MessageID: m.ReplyTo, AllowSendingWithoutReply: true}
	}
	if m.KB != nil {
		p.ReplyMarkup = m.KB // set only when present: a nil *keyboard would be sent as "null"
	}
	chat := b.chatHash(m.Chat)
	start := time.Now()
	next := b.backoff
	abandon := func() sendResult {
		b.log.Warn("telegram: reply abandoned at shutdown, kept to send after the restart", "chat", chat)
		b.obs.Delivery("abandoned")
		return sendAbandoned
	}
	for attempt := 1; ; attempt++ {
		if b.pace.waitChat(ctx, m.Chat, m.Group, r.Urgent) != nil {
			return abandon()
		}
		started, err := b.pace.wait(ctx, r.Urgent)
		if err != nil {
			started()
			return abandon()
		}
		if r.Key != 0 {
			if _, err := b.store.Attempt(r.Key); err != nil {
				b.log.Error("state: could not record a send", "error", err.Error())
			}
		}
		started()
		actx, cancel := context.WithTimeout(ctx, b.attemptTimeout)
		_, err = b.tg.SendMessage(actx, p)
		cancel()
		if err == nil || deliveredButUnreadable(err) {
			b.counters.Sent.Add(1)
			b.obs.Delivery("delivered")
			return sendDelivered
		}
		if ctx.Err() != nil {
			return abandon()
		}
		if errors.Is(err, tgbot.ErrorBadRequest) && strings.Contains(err.Error(), "can't parse entities") && p.ParseMode != "" {
			// Telegram could not read the formatting: the same words, plain.
			p.Text, p.ParseMode = m.Plain, ""
			continue
		}
		delay, ok := retryDelay(err, true, &next)
		if !ok {
			b.counters.Refused.Add(1)
			b.obs.Delivery("failed")
			b.log.Error("telegram: reply not delivered", "chat", chat, "part", r.Part, "parts", r.Parts, "error", b.scrub(err))
			return sendRefused
		}
		if isTimeout(err) {
			b.counters.TimedOut.Add(1)
			b.log.Warn("telegram: a send timed out and is tried again; the patient may see it twice", "chat", chat)
		}
		if time.Since(start)+delay > sendBudget {
			b.counters.Lost.Add(1)
			b.obs.Delivery("lost")
			b.log.Error("telegram: reply lost: Telegram kept failing for the whole send budget", "chat", chat,
				"part", r.Part, "parts", r.Parts, "attempts", attempt, "error", b.scrub(err))
			return sendLost
		}
		level := levelFor(attempt)
		b.log.Log(ctx, level, "telegram: retrying", "method", "sendMessage", "attempt", attempt, "wait", delay.String(), "error", b.scrub(err))
		b.obs.Retry("sendMessage", retryReason(err), delay)
		if !sleep(ctx, delay) {
			return abandon()
		}
	}
}

// deliveredButUnreadable reports an answer ok:true whose result this
// version of the library could not decode: the message was delivered.
func deliveredButUnreadable(err error) bool {
	return strings.Contains(err.Error(), "error decode response result")
}

// answeredMemory is how long answered update ids are remembered: Telegram
// delivers an unconfirmed update again for up to a day.
const answeredMemory = 48 * time.Hour

// resume picks up what the last process left: replies in the outbox are
// sent, updates taken and not answered are answered. A reply that was
// being sent at the stop may have reached the patient already; it is sent
// again (a duplicate is better than a loss), counted and logged.
func (b *Bot) resume() {
	if n, err := b.store.Forget(time.Now().Add(-answeredMemory)); err == nil && n > 0 {
		b.log.Debug("state: forgot old answered updates", "updates", n)
	}
	go func() {
		t := time.NewTicker(time.Hour)
		defer t.Stop()
		for {
			select {
			case <-b.work.Done():
				return
			case <-t.C:
				_, _ = b.store.Forget(time.Now().Add(-answeredMemory))
			}
		}
	}()
	replies, err := b.store.Outbox()
	if err != nil {
		b.log.Error("state: cannot read the outbox; replies from before the restart are not sent", "error", err.Error())
	}
	inFlight := 0
	var o outgoing
	flush := func() {
		if len(o.parts) > 0 {
			b.out.put(o)
		}
		o = outgoing{}
	}
	for _, r := range replies {
		if r.Attempts > 0 {
			inFlight++
		}
		if len(o.parts) > 0 && (o.parts[0].Update != r.Update || o.parts[0].Chat != r.Chat || r.Part == 1) {
			flush()
		}
		o.parts = append(o.parts, r)
	}
	flush()
	if len(replies) > 0 {
		b.log.Info("telegram: sending the replies left unsent at the last stop", "messages", len(replies))
	}
	if inFlight > 0 {
		b.counters.Resent.Add(int64(inFlight))
		b.log.Warn("telegram: replies that were on their way at the last stop are sent again; Telegram gives no way to know if they arrived, so a patient may see one twice", "messages", inFlight)
	}
	taken, err := b.store.Taken()
	if err != nil {
		b.log.Error("state: cannot read the updates taken before the restart", "error", err.Error())
		return
	}
	if len(taken) > 0 {
		b.log.Info("telegram: answering the updates taken before the last stop", "updates", len(taken))
	}
	for _, u := range taken {
		b.handleRaw(u)
	}
}

// Counters returns the bot's delivery counters.
func (b *Bot) Counters() *Counters { return b.counters }
