package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/clinicbot/clinicbot/answer"
)

// A call-back request lets a patient ask the clinic team to ring them,
// when the staff chats are set: "Request a call back" under a booking
// reply, then a phone number (Telegram's share-contact button, or typed)
// or an e-mail address, a time of day and a consent line. The request goes
// to every staff chat with an "I'll call" button; the first member of
// staff to press it takes it and the others see it taken.
//
// Nothing of a request is written to disk or to the logs: the patient's
// details live in this process's memory until the request is sent, and
// afterwards only in the staff chats' messages. These messages are sent
// directly, never through a queue that might store them.

// Button texts and callback data of the call-back flow.
const (
	callBackButton = "Request a call back"
	shareButton    = "Share my phone number"
	cancelButton   = "Cancel"
	sendButton     = "Send my request"
	takeButton     = "I'll call"

	callBackPrefix = "cb:"  // the patient's buttons: cb:start, cb:t:<time>, cb:ok, cb:no
	takePrefix     = "cbt:" // a staff chat's "I'll call": cbt:<request id>
	callStart      = "cb:start"
	callSend       = "cb:ok"
	callCancel     = "cb:no"
	callTimePrefix = "cb:t:"
)

// Timing of call-back requests.
const (
	callFormTTL  = 30 * time.Minute   // an unfinished request is forgotten after this
	callKeepSent = 7 * 24 * time.Hour // a sent request can be taken for this long
)

// callTimes are the times of day a patient may pick.
var callTimes = []struct{ key, label string }{
	{"morning", "Morning"}, {"afternoon", "Afternoon"}, {"evening", "Evening"}, {"any", "Any time"},
}

var (
	phoneRE = regexp.MustCompile(`\+?\d[\d\s().-]{5,}\d`)
	emailRE = regexp.MustCompile(`[^\s@]+@[^\s@]+\.[^\s@]+`)
)

// callRequests are the requests being filled in and the ones sent to the
// staff chats, in memory only.
type callRequests struct {
	mu    sync.Mutex
	forms map[int64]*callForm  // by the patient's chat
	sent  map[string]*sentCall // by request id
}

// callForm is a request a patient is filling in.
type callForm struct {
	contact string // phone number or e-mail address
	phone   bool   // contact is a phone number
	name    string // the first name Telegram gives, if any
	when    string // label of the time of day, once picked
	misses  int    // messages without a number or address so far
	expires time.Time
}

// sentCall is a request sent to the staff chats.
type sentCall struct {
	at       time.Time
	msgs     []sentMessage // its message in each staff chat
	takenBy  string
	patients int64 // the patient's chat, to refuse a second request at once
}

type sentMessage struct {
	chat int64
	id   int
}

// waiting counts the requests sent and not taken.
func (c *callRequests) waiting() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, s := range c.sent {
		if s.takenBy == "" {
			n++
		}
	}
	return n
}

// form returns chat's unfinished request, if any and not expired.
func (c *callRequests) form(chat int64, now time.Time) (*callForm, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, ok := c.forms[chat]
	if ok && now.After(f.expires) {
		delete(c.forms, chat)
		return nil, false
	}
	return f, ok
}

func (c *callRequests) setForm(chat int64, f *callForm) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.forms == nil {
		c.forms = map[int64]*callForm{}
	}
	c.forms[chat] = f
}

func (c *callRequests) forget(chat int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.forms, chat)
}

// filling reports whether chat is in the middle of a call-back request.
func (c *callRequests) filling(chat int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.forms[chat]
	return ok
}

// pendingFor reports whether chat has a request sent and not yet taken.
func (c *callRequests) pendingFor(chat int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.sent {
		if s.patients == chat && s.takenBy == "" {
			return true
		}
	}
	return false
}

// expire forgets sent requests older than callKeepSent and stale forms.
func (c *callRequests) expire(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, s := range c.sent {
		if now.Sub(s.at) > callKeepSent {
			delete(c.sent, id)
		}
	}
	for chat, f := range c.forms {
		if now.After(f.expires) {
			delete(c.forms, chat)
		}
	}
}

// callBackOffered reports whether a reply to to may offer a call back:
// staff chats are set and it is a private chat (a number is not asked
// for in a group).
func (b *Bot) callBackOffered(to target) bool {
	return b.desk.on() && !to.group
}

// withCallBack adds "Request a call back" under kb when it may be offered.
func (b *Bot) withCallBack(kb *keyboard, to target) *keyboard {
	if !b.callBackOffered(to) {
		return kb
	}
	return kb.add(button{Text: callBackButton, CallbackData: callStart})
}

// bookingReply formats r, adding "Request a call back" when r is a
// booking reply: an answer that offers booking, or the honest "I don't
// know" that points to the clinic team.
func (b *Bot) bookingReply(r answer.Reply, to target) []message {
	msgs := replyMessages(r)
	if r.OffersCallBack() {
		last := &msgs[len(msgs)-1]
		last.kb = b.withCallBack(last.kb, to)
	}
	return msgs
}

// callBackInput handles a patient's message while they fill in a request
// and reports whether it did. It keeps the message out of the logs.
func (b *Bot) callBackInput(t *turn, m *models.Message) bool {
	if !b.desk.on() {
		return false
	}
	f, ok := b.desk.calls.form(m.Chat.ID, b.desk.now())
	if !ok || f.contact != "" {
		return false
	}
	t.text, t.what = "", "call_back_contact"
	text := strings.TrimSpace(m.Text)
	switch {
	case m.Contact != nil && m.Contact.PhoneNumber != "":
		f.contact, f.phone, f.name = m.Contact.PhoneNumber, true, m.Contact.FirstName
	case strings.EqualFold(text, cancelButton):
		b.desk.calls.forget(m.Chat.ID)
		t.what = "call_back_cancelled"
		b.sendCall(t.ctx, t.chat, "No problem: nothing was sent. You can ask me a question at any time.", &models.ReplyKeyboardRemove{RemoveKeyboard: true})
		return true
	case emailRE.MatchString(text):
		f.contact = emailRE.FindString(text)
	case phoneRE.MatchString(text) && digits(phoneRE.FindString(text)) >= 7:
		f.contact, f.phone = strings.TrimSpace(phoneRE.FindString(text)), true
	case f.misses > 0:
		// A second message without a number: the patient has moved on.
		// Drop the request and read the message as a question.
		b.desk.calls.forget(m.Chat.ID)
		t.what = "ignored"
		return false
	default:
		f.misses++
		b.sendCall(t.ctx, t.chat, "I couldn't find a phone number or e-mail address in that. Please type one (for example 07700 900123), tap \""+shareButton+"\", or tap "+cancelButton+". Or just ask your question.", nil)
		return true
	}
	if f.name == "" && m.From != nil {
		f.name = m.From.FirstName
	}
	if !b.sendCall(t.ctx, t.chat, "Thank you.", &models.ReplyKeyboardRemove{RemoveKeyboard: true}) {
		return true
	}
	var kb *keyboard
	for _, ct := range callTimes {
		kb = kb.add(button{Text: ct.label, CallbackData: callTimePrefix + ct.key})
	}
	kb = kb.add(button{Text: cancelButton, CallbackData: callCancel})
	b.sendCall(t.ctx, t.chat, "When is a good time for the team to get in touch?", kb)
	return true
}

func digits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// callBackButtons handles the call-back flow's buttons, the patient's and
// the staff's, and reports whether q was one of them.
func (b *Bot) callBackButtons(t *turn, q *models.CallbackQuery) bool {
	switch {
	case strings.HasPrefix(q.Data, takePrefix):
		b.take(t, q, strings.TrimPrefix(q.Data, takePrefix))
		return true
	case !strings.HasPrefix(q.Data, callBackPrefix):
		return false
	}
	b.answerCallback(t.ctx, q.ID)
	to, ok := callbackTarget(q)
	if !ok {
		return true
	}
	t.to = &to
	if !b.callBackOffered(to) {
		t.what = "stale_button"
		b.send(t, to, compose("", staleText, nil))
		return true
	}
	now := b.desk.now()
	b.desk.calls.expire(now)
	f, open := b.desk.calls.form(to.chat, now)
	switch {
	case q.Data == callStart:
		t.what = "call_back_start"
		if b.desk.calls.pendingFor(to.chat) {
			b.sendCall(t.ctx, to.chat, "Your call-back request is with the clinic team already. "+b.opts.Staff.NextSteps, nil)
			return true
		}
		b.desk.calls.setForm(to.chat, &callForm{expires: now.Add(callFormTTL)})
		kb := &models.ReplyKeyboardMarkup{
			Keyboard:        [][]models.KeyboardButton{{{Text: shareButton, RequestContact: true}}, {{Text: cancelButton}}},
			ResizeKeyboard:  true,
			OneTimeKeyboard: true,
		}
		b.sendCall(t.ctx, to.chat, "I can ask the clinic team to call you back. Tap \""+shareButton+"\" below to send the number of your Telegram account, or type a phone number or e-mail address.", kb)
	case q.Data == callCancel:
		t.what = "call_back_cancelled"
		b.desk.calls.forget(to.chat)
		b.sendCall(t.ctx, to.chat, "No problem: nothing was sent. You can ask me a question at any time.", &models.ReplyKeyboardRemove{RemoveKeyboard: true})
	case !open || f.contact == "":
		t.what = "stale_button"
		b.send(t, to, compose("", "Sorry, that request has expired. Tap \""+callBackButton+"\" again to start a new one.", b.withCallBack(nil, to)))
	case strings.HasPrefix(q.Data, callTimePrefix):
		t.what = "call_back_time"
		key := strings.TrimPrefix(q.Data, callTimePrefix)
		f.when = ""
		for _, ct := range callTimes {
			if ct.key == key {
				f.when = ct.label
			}
		}
		if f.when == "" {
			f.when = "Any time"
		}
		how := "call you on " + f.contact
		if !f.phone {
			how = "write to you at " + f.contact
		}
		when := strings.ToLower(f.when)
		if f.when == "Any time" {
			when = "at any time"
		} else {
			when = "in the " + when + " if they can"
		}
		kb := (*keyboard)(nil).add(button{Text: sendButton, CallbackData: callSend}).add(button{Text: cancelButton, CallbackData: callCancel})
		b.sendCall(t.ctx, to.chat, fmt.Sprintf("Please check: the clinic team will %s, %s.\n\nBy tapping \"%s\" you agree that I pass these details and your first name to the clinic's staff, only so that they can contact you about an appointment. I keep no copy once it is sent.", how, when, sendButton), kb)
	case q.Data == callSend && f.when != "":
		t.what = "call_back_sent"
		b.desk.calls.forget(to.chat)
		if b.sendToStaff(t.ctx, to.chat, f) {
			b.sendCall(t.ctx, to.chat, strings.TrimSpace(b.opts.Staff.NextSteps+" If you feel seriously unwell before then, "+b.emergencyLine()+"."), nil)
		} else {
			b.sendCall(t.ctx, to.chat, "Sorry, I couldn't pass your request on just now. Please try again in a moment, or use /contact to reach the clinic.", nil)
		}
	default:
		t.what = "stale_button"
		b.send(t, to, compose("", staleText, nil))
	}
	return true
}

// sendToStaff sends a finished request to every staff chat and reports
// whether at least one got it.
func (b *Bot) sendToStaff(ctx context.Context, patient int64, f *callForm) bool {
	var idb [8]byte
	_, _ = rand.Read(idb[:])
	id := hex.EncodeToString(idb[:])
	now := b.desk.now()
	kind := "Phone"
	if !f.phone {
		kind = "E-mail"
	}
	name := f.name
	if name == "" {
		name = "(not given)"
	}
	text := fmt.Sprintf("Call-back request\n\nName: %s\n%s: %s\nPreferred time: %s\nAsked: %s\n\nTap \"%s\" so the others know it is taken.",
		name, kind, f.contact, f.when, now.UTC().Format("Mon 2 Jan 15:04 MST"), takeButton)
	kb := (*keyboard)(nil).add(button{Text: takeButton, CallbackData: takePrefix + id})
	s := &sentCall{at: now, patients: patient}
	for _, chat := range b.desk.chats {
		if mid, ok := b.sendCallID(ctx, chat, text, kb); ok {
			s.msgs = append(s.msgs, sentMessage{chat: chat, id: mid})
		}
	}
	if len(s.msgs) == 0 {
		return false
	}
	c := &b.desk.calls
	c.mu.Lock()
	if c.sent == nil {
		c.sent = map[string]*sentCall{}
	}
	c.sent[id] = s
	c.mu.Unlock()
	return true
}

// take handles a staff member's "I'll call": the first press takes the
// request, and every staff chat's copy then shows who took it.
func (b *Bot) take(t *turn, q *models.CallbackQuery, id string) {
	t.what = "call_back_take"
	to, ok := callbackTarget(q)
	if !ok || !b.desk.isStaff(to.chat) {
		b.answerCallbackText(t.ctx, q.ID, "")
		return
	}
	who := strings.TrimSpace(q.From.FirstName)
	if who == "" {
		who = "a colleague"
	}
	c := &b.desk.calls
	c.mu.Lock()
	s, found := c.sent[id]
	taken := ""
	if found {
		taken = s.takenBy
		if taken == "" {
			s.takenBy = who
		}
	}
	var msgs []sentMessage
	if found {
		msgs = s.msgs
	}
	c.mu.Unlock()
	switch {
	case !found:
		b.answerCallbackText(t.ctx, q.ID, "This request is no longer kept (it is over a week old, or the bot restarted). Please check with your colleagues.")
		return
	case taken != "":
		b.answerCallbackText(t.ctx, q.ID, "Already taken by "+taken+".")
		return
	}
	b.answerCallbackText(t.ctx, q.ID, "Thank you: it's yours.")
	done := (*keyboard)(nil).add(button{Text: "✓ Taken by " + who, CallbackData: takePrefix + id})
	for _, m := range msgs {
		err := b.call(t.ctx, "editMessageReplyMarkup", sendBudget, true, func(ctx context.Context) error {
			_, err := b.tg.EditMessageReplyMarkup(ctx, &tgbot.EditMessageReplyMarkupParams{ChatID: m.chat, MessageID: m.id, ReplyMarkup: done})
			return err
		})
		if err != nil && t.ctx.Err() == nil {
			b.log.Warn("telegram: could not mark a call-back request taken", "chat", b.chatHash(m.chat), "error", b.scrub(err))
		}
	}
}

// sendCall sends one plain-text message of the call-back flow.
func (b *Bot) sendCall(ctx context.Context, chat int64, text string, markup models.ReplyMarkup) bool {
	_, ok := b.sendCallID(ctx, chat, text, markup)
	return ok
}

// sendCallID sends one plain-text message of the call-back flow directly
// (it may hold a patient's number, so it goes through no queue that could
// store it) and returns its message id. A failure is logged without the text.
func (b *Bot) sendCallID(ctx context.Context, chat int64, text string, markup models.ReplyMarkup) (int, bool) {
	p := &tgbot.SendMessageParams{ChatID: chat, Text: text}
	if kb, ok := markup.(*keyboard); ok && kb == nil {
		markup = nil // a nil *keyboard would be sent as "null"
	}
	if markup != nil {
		p.ReplyMarkup = markup
	}
	var id int
	err := b.call(ctx, "sendMessage", sendBudget, false, func(ctx context.Context) error {
		// Paced like every reply, though kept out of the outbox.
		if err := b.pace.waitChat(ctx, chat, chat < 0, false); err != nil {
			return err
		}
		started, err := b.pace.wait(ctx, false)
		if err != nil {
			started()
			return err
		}
		started()
		m, err := b.tg.SendMessage(ctx, p)
		if m != nil {
			id = m.ID
		}
		return err
	})
	if err != nil {
		if ctx.Err() == nil {
			b.log.Error("telegram: call-back message not delivered", "chat", b.chatHash(chat), "error", b.scrub(err))
		}
		return 0, false
	}
	return id, true
}

// answerCallbackText stops a button's spinner with a short notice.
func (b *Bot) answerCallbackText(ctx context.Context, id, text string) {
	err := b.call(ctx, "answerCallbackQuery", callbackBudget, true, func(ctx context.Context) error {
		_, err := b.tg.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: id, Text: text})
		return err
	})
	if err != nil && ctx.Err() == nil {
		b.log.Warn("telegram: could not answer a button press", "error", b.scrub(err))
	}
}
