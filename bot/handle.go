package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
	"unicode"

	"github.com/go-telegram/bot/models"

	"github.com/clinicbot/clinicbot/answer"
	"github.com/clinicbot/clinicbot/state"
)

// turn is the handling of one update.
type turn struct {
	ctx    context.Context
	update int64
	chat   int64
	to     *target // set once the bot has decided to reply
	what   string  // what happened, for the log: a reply kind, a command, "ignored"…
	entry  string  // the entry shown, if any
	text   string  // the patient's text, logged only with Options.LogText
	conv   string  // the conversation's key (see conversationOf)
	out    []pendingSend
}

// pendingSend is a reply decided during a turn, put in the outbox when
// the turn ends.
type pendingSend struct {
	to   target
	msgs []message
}

// handleRaw answers an update taken from Telegram (or from the state, at
// a restart).
func (b *Bot) handleRaw(su state.Update) {
	var u models.Update
	if err := json.Unmarshal(su.Raw, &u); err != nil {
		b.log.Warn("telegram: an update this version cannot read was skipped", "update", su.ID)
		b.done(su.ID)
		return
	}
	b.onUpdate(&u)
}

// done records an update that needs no reply as answered.
func (b *Bot) done(update int64) {
	if _, err := b.store.Finish(update, nil); err != nil {
		b.log.Error("state: could not record an update as answered", "update", update, "error", err.Error())
	}
}

// onUpdate decides which lane an update belongs to and queues the work,
// so it never holds up polling (or a webhook request). An emergency is
// answered at once, beside the queues.
func (b *Bot) onUpdate(u *models.Update) {
	defer func() {
		if p := recover(); p != nil {
			b.logPanic(p, &turn{update: u.ID})
			b.done(u.ID)
		}
	}()
	b.obs.Update(updateKind(u))
	var l lane
	var handle func(*turn)
	switch {
	case u.Message != nil || u.EditedMessage != nil:
		m, edit := u.Message, false
		if m == nil {
			m, edit = u.EditedMessage, true
		}
		// Whatever it is (a question, a command, even one for another
		// bot, group chatter, a caption, an edit that adds to what was
		// written) and however long the chat's queue, an emergency is
		// answered first and at once.
		if r, ok := b.urgent(m, edit); ok {
			b.urgentNow(u.ID, m, r)
			return
		}
		if edit {
			// An edit is not a new question.
			b.log.Debug("telegram: update handled", "update", u.ID, "chat", b.chatHash(m.Chat.ID), "reply", "edit_ignored")
			b.done(u.ID)
			return
		}
		l, handle = replyTarget(m).laneOf(), func(t *turn) { b.handleMessage(t, m) }
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		if to, ok := callbackTarget(q); ok {
			l = to.laneOf()
		}
		handle = func(t *turn) { b.handleCallback(t, q) }
	default:
		// Channel posts and the like: nothing to answer.
		b.log.Debug("telegram: update ignored", "update", u.ID, "kind", updateKind(u))
		b.done(u.ID)
		return
	}
	id := u.ID
	res := b.disp.submit(l, func() { b.runTurn(id, l, handle, true) })
	switch res {
	case refusedFull:
		b.flooded(id, l, u)
	case refusedQuiet:
		b.obs.Refused("flood_dropped")
		b.log.Warn("telegram: flooding sender told already, update not answered", "update", id, "chat", b.chatHash(l.chat))
		b.done(id)
	case refusedClosed:
		b.log.Info("telegram: update arrived while shutting down, kept to answer after the restart", "update", id)
	}
}

// flooded answers the update that overflows a lane with one polite notice,
// ahead of the lane's queue; the lane's later updates get nothing until
// its queue is empty again. (An emergency was answered already.)
func (b *Bot) flooded(update int64, l lane, u *models.Update) {
	b.counters.FloodNotices.Add(1)
	b.obs.Refused("flood")
	b.log.Warn("telegram: too many messages waiting from one sender; told to send one question at a time", "update", update, "chat", b.chatHash(l.chat))
	var to target
	switch {
	case u.Message != nil:
		to = replyTarget(u.Message)
	case u.CallbackQuery != nil:
		to, _ = callbackTarget(u.CallbackQuery)
	}
	to.first = true
	b.disp.submitNow(func() {
		b.runTurn(update, l, func(t *turn) {
			t.to, t.what = &to, "flood_notice"
			b.send(t, to, compose("", b.floodText(), nil))
		}, false)
	})
}

// urgent runs the red-flag check on m, and on m read after the sender's
// message just before it (see answer.Conversations.Urgent).
func (b *Bot) urgent(m *models.Message, edit bool) (answer.Reply, bool) {
	eng := b.live.Engine()
	text := words(m)
	if edit || strings.TrimSpace(text) == "" {
		return eng.Urgent(text)
	}
	return b.conv.Urgent(eng, conversationOf(m), text)
}

// urgentNow sends the urgent reply to m at once, beside the chat's queue:
// it must not wait behind earlier replies (which may be retrying for
// minutes). Shutdown waits for it like any reply.
func (b *Bot) urgentNow(update int64, m *models.Message, r answer.Reply) {
	to := replyTarget(m)
	to.urgent = true
	res := b.disp.submitNow(func() {
		b.runTurn(update, to.laneOf(), func(t *turn) {
			t.to, t.what, t.text = &to, string(r.Kind), words(m)
			b.desk.tally(r.Kind)
			b.send(t, to, replyMessages(r))
		}, false)
	})
	if res == refusedClosed {
		b.log.Info("telegram: update arrived while shutting down, kept to answer after the restart", "update", update)
	}
}

// replyTarget is where a reply to m goes: its chat and topic, and in a
// group, as a reply to m so that its writer sees it is for them.
func replyTarget(m *models.Message) target {
	to := target{chat: m.Chat.ID}
	if m.IsTopicMessage {
		to.thread = m.MessageThreadID
	}
	if isGroup(m.Chat) {
		to.group, to.replyTo = true, m.ID
		if m.From != nil {
			to.lane = m.From.ID
		}
	}
	return to
}

// laneOf is the lane whose turn a reply to t waits for.
func (t target) laneOf() lane {
	if t.group {
		return lane{chat: t.chat, user: t.lane}
	}
	return lane{chat: t.chat}
}

func isGroup(c models.Chat) bool {
	return c.Type == models.ChatTypeGroup || c.Type == models.ChatTypeSupergroup
}

// runTurn handles one update under the work context, recovering from a
// panic with a polite reply, then records it answered and puts its
// replies in the outbox, in one commit. A turn that shutdown cut short is
// not recorded: the restart answers the update. counted says the update
// counts against lane l until its replies are sent.
func (b *Bot) runTurn(update int64, l lane, handle func(*turn), counted bool) {
	t := &turn{ctx: b.work, update: update, chat: l.chat, what: "ignored"}
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			t.what = "panic"
			b.logPanic(p, t)
			if t.to != nil {
				b.send(t, *t.to, compose("", sorryText, nil))
			}
		}
		took := time.Since(start)
		b.logTurn(t, took)
		if t.to != nil {
			b.obs.Reply(t.what, took)
		}
		b.finishTurn(t, l, counted)
	}()
	handle(t)
}

// wireReplies turns the replies decided for an update into the outbox's
// records, numbered part by part.
func (b *Bot) wireReplies(update int64, sends []pendingSend) []state.Reply {
	var replies []state.Reply
	for _, ps := range sends {
		for i, m := range ps.msgs {
			w := wireMessage{Chat: ps.to.chat, Thread: ps.to.thread, Group: ps.to.group, HTML: m.html, Plain: m.plain, KB: m.kb}
			if i == 0 {
				w.ReplyTo = ps.to.replyTo
			}
			payload, err := json.Marshal(w)
			if err != nil {
				b.log.Error("telegram: cannot encode a reply", "error", err.Error())
				continue
			}
			replies = append(replies, state.Reply{
				Update: update, Chat: ps.to.chat, Lane: ps.to.lane,
				Urgent: ps.to.urgent, First: ps.to.first, Payload: payload,
			})
		}
	}
	for i := range replies {
		replies[i].Part, replies[i].Parts = i+1, len(replies)
	}
	return replies
}

// notify sends msgs to one chat outside any patient's turn (a notice to
// the staff), paced like every reply but kept in memory only: it answers
// no update, so there is nothing to redeliver after a restart.
func (b *Bot) notify(to target, msgs []message) {
	b.out.put(outgoing{parts: b.wireReplies(0, []pendingSend{{to: to, msgs: msgs}}), done: func() {}})
}

// finishTurn records t's update answered with its replies, and hands them
// to the outbox.
func (b *Bot) finishTurn(t *turn, l lane, counted bool) {
	release := func() {
		if counted {
			b.disp.release(l)
		}
	}
	if t.ctx.Err() != nil {
		release()
		return
	}
	replies := b.wireReplies(t.update, t.out)
	kept, err := b.store.Finish(t.update, replies)
	if err != nil {
		// Sent all the same, from memory: a reply now beats a durable one later.
		b.log.Error("state: cannot record a reply; sending it without keeping it", "update", t.update, "error", err.Error())
		kept = replies
	}
	b.out.put(outgoing{parts: kept, done: release})
}

func (b *Bot) logTurn(t *turn, d time.Duration) {
	attrs := []any{"update", t.update, "chat", b.chatHash(t.chat), "reply", t.what}
	if t.entry != "" {
		attrs = append(attrs, "entry", t.entry)
	}
	if b.opts.LogText && t.text != "" {
		attrs = append(attrs, "text", t.text)
	}
	attrs = append(attrs, "ms", d.Milliseconds())
	if t.to == nil {
		b.log.Debug("telegram: update handled", attrs...)
		return
	}
	b.log.Info("telegram: update handled", attrs...)
}

// logPanic logs a recovered panic without the message text: the panic
// value is logged only when the runtime raised it (its message names no
// user data) or when message text may be logged; the stack trace shows
// arguments only as numbers and addresses.
func (b *Bot) logPanic(p any, t *turn) {
	attrs := []any{"update", t.update, "chat", b.chatHash(t.chat)}
	if _, ok := p.(runtime.Error); ok || b.opts.LogText {
		attrs = append(attrs, "panic", scrubText(fmt.Sprint(p), b.token))
	} else {
		attrs = append(attrs, "panic_type", fmt.Sprintf("%T", p))
	}
	attrs = append(attrs, "stack", string(debug.Stack()))
	b.log.Error("telegram: panic while handling an update", attrs...)
}

func updateKind(u *models.Update) string {
	switch {
	case u.Message != nil:
		return "message"
	case u.CallbackQuery != nil:
		return "callback_query"
	case u.EditedMessage != nil:
		return "edited_message"
	case u.ChannelPost != nil:
		return "channel_post"
	case u.EditedChannelPost != nil:
		return "edited_channel_post"
	case u.MyChatMember != nil:
		return "my_chat_member"
	default:
		return "other"
	}
}

// handleMessage answers a message: a command, a question, or anything
// else with a polite "text only". In groups it answers only commands,
// messages that mention the bot and replies to the bot's own messages.
func (b *Bot) handleMessage(t *turn, m *models.Message) {
	me := b.me.Load()
	cmd, arg, isCmd, explicit, forMe := parseCommand(m.Text, me)
	if isCmd && !forMe {
		return // addressed to another bot
	}
	to := replyTarget(m)
	if to.group && !isCmd && !mentions(m, me) && !repliesToMe(m, me) {
		return // group chatter is not for the bot (an emergency was answered already)
	}
	t.to = &to
	if isCmd {
		b.desk.calls.forget(m.Chat.ID) // a command leaves a call-back request unfinished
	} else if b.callBackInput(t, m) {
		return
	}
	text := words(m)
	t.text = text
	t.conv = conversationOf(m)
	if isCmd {
		b.command(t, cmd, arg, explicit)
		return
	}
	if text == "" {
		if !hasContent(m) {
			t.to = nil // a service message (member joined, pinned…): nothing to say
			return
		}
		t.what = "not_text"
		b.send(t, to, compose("", b.notText(), nil))
		return
	}
	if me != nil && me.mention != nil {
		text = me.mention.ReplaceAllString(text, " ")
	}
	if strings.TrimSpace(text) == "" {
		t.what = "welcome"
		b.send(t, to, b.welcome())
		return
	}
	b.question(t, text)
}

// words is what the patient wrote: the text, or a photo's or file's
// caption (which may describe an emergency too).
func words(m *models.Message) string {
	if m.Text != "" {
		return m.Text
	}
	return m.Caption
}

// question answers free text with the core's reply.
func (b *Bot) question(t *turn, text string) {
	eng := b.live.Engine()
	if b.beforeAnswer != nil {
		b.beforeAnswer(text)
	}
	r := b.conv.Answer(t.ctx, eng, t.conv, text)
	t.what, t.entry = string(r.Kind), r.EntryID
	b.desk.tally(r.Kind)
	if r.Urgent() {
		// Urgent after all (the knowledge was reloaded, or the words read
		// differently without the bot's name): at once, beside the queue.
		t.to.urgent = true
	} else {
		b.typing(t.ctx, *t.to)
	}
	b.send(t, *t.to, b.bookingReply(r, *t.to))
	if r.Unsure() && r.Question != "" && b.opts.OnUnanswered != nil {
		b.reportUnanswered(t, r)
	}
}

// reportUnanswered calls the OnUnanswered hook; the patient already has
// the reply, so a panic in the hook is logged but not apologised for.
func (b *Bot) reportUnanswered(t *turn, r answer.Reply) {
	defer func() {
		if p := recover(); p != nil {
			b.logPanic(p, t)
		}
	}()
	b.opts.OnUnanswered(r.Question, r)
}

// replyMessages formats a core reply with the buttons it offers: the
// choices to pick from, or booking and related questions. An urgent reply
// offers none.
func replyMessages(r answer.Reply) []message {
	var kb *keyboard
	for _, c := range r.Picks() {
		kb = kb.add(entryButton(c))
	}
	if u := r.BookingLink(); u != "" {
		kb = kb.add(urlButton(bookButton, u))
	}
	for _, c := range r.FollowUps() {
		kb = kb.add(entryButton(c))
	}
	return compose(r.Title, r.Text, kb)
}

// handleCallback answers a button press: always stop the button's spinner
// first, then show the entry or the topic the button names.
func (b *Bot) handleCallback(t *turn, q *models.CallbackQuery) {
	if b.callBackButtons(t, q) {
		return
	}
	b.answerCallback(t.ctx, q.ID)
	to, ok := callbackTarget(q)
	if !ok {
		return // a button on an inline message: no chat to write to
	}
	t.to = &to
	eng := b.live.Engine()
	if id, ok := resolveEntry(eng, q.Data); ok {
		if r, ok := eng.Entry(id); ok {
			t.what, t.entry = "entry", id
			b.conv.Shown(pressedBy(q), r)
			b.send(t, to, b.bookingReply(r, to))
			return
		}
	} else if id, ok := resolveTopic(eng, q.Data); ok {
		if topic, questions, ok := eng.Topic(id); ok {
			t.what = "topic"
			var kb *keyboard
			for _, c := range questions[:min(len(questions), maxTopicButtons)] {
				kb = kb.add(entryButton(c))
			}
			b.send(t, to, compose(topic.Title, "Pick a question:", kb))
			return
		}
	}
	t.what = "stale_button"
	b.send(t, to, compose("", staleText, nil))
}

// callbackTarget is the chat a pressed button's message is in.
func callbackTarget(q *models.CallbackQuery) (target, bool) {
	var c models.Chat
	thread := 0
	switch {
	case q.Message.Message != nil:
		c = q.Message.Message.Chat
		if q.Message.Message.IsTopicMessage {
			thread = q.Message.Message.MessageThreadID
		}
	case q.Message.InaccessibleMessage != nil:
		c = q.Message.InaccessibleMessage.Chat
	}
	if c.ID == 0 {
		return target{}, false
	}
	to := target{chat: c.ID, thread: thread, group: isGroup(c)}
	if to.group {
		to.lane = q.From.ID
	}
	return to, true
}

var commandName = regexp.MustCompile(`^[A-Za-z0-9_]{1,32}$`)

// parseCommand reads "/cmd[@bot] [arg]". explicit says the command named a
// bot; forMe says it is for this bot (no name, or this bot's).
func parseCommand(text string, me *identity) (cmd, arg string, isCmd, explicit, forMe bool) {
	if !strings.HasPrefix(text, "/") {
		return
	}
	first, rest := text, ""
	if i := strings.IndexFunc(text, unicode.IsSpace); i >= 0 {
		first, rest = text[:i], text[i:]
	}
	name, at, hasAt := strings.Cut(first[1:], "@")
	if !commandName.MatchString(name) {
		return // "/ something", a path…: text, not a command
	}
	cmd, arg, isCmd = strings.ToLower(name), strings.TrimSpace(rest), true
	explicit = hasAt
	forMe = !hasAt || (me != nil && strings.EqualFold(at, me.username))
	return
}

func mentions(m *models.Message, me *identity) bool {
	return me != nil && me.mention != nil && (me.mention.MatchString(m.Text) || me.mention.MatchString(m.Caption))
}

func repliesToMe(m *models.Message, me *identity) bool {
	return me != nil && m.ReplyToMessage != nil && m.ReplyToMessage.From != nil && m.ReplyToMessage.From.ID == me.id
}

// hasContent reports whether a message without text carries something a
// patient sent (a photo, voice note, sticker, file, location…), as opposed
// to a service message.
func hasContent(m *models.Message) bool {
	return len(m.Photo) > 0 || m.Voice != nil || m.Audio != nil || m.Video != nil || m.VideoNote != nil ||
		m.Sticker != nil || m.Document != nil || m.Animation != nil || m.Location != nil || m.Venue != nil ||
		m.Contact != nil || m.Poll != nil || m.Dice != nil || m.Story != nil || m.PaidMedia != nil ||
		m.Checklist != nil || m.Game != nil || m.Caption != ""
}
