package e2e

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/clinicbot/clinicbot/tests/fakeapi"
)

// TestPollingConversation is one patient's conversation by long polling,
// through every kind of reply, plus group chatter and updates the bot
// must ignore.
func TestPollingConversation(t *testing.T) {
	t.Parallel()
	const patient = 4201
	const fjd = "what is facet joint denervation?"
	// What the engine makes of the questions below. Which reply each
	// example gets is TestBriefExamples' business; here, the transport
	// must deliver whatever the engine says, with the right buttons.
	eng := askEngine(t, nil, append([]string{fjd}, answerable...)...)
	question := eng[0] // the clinic's headline question, if it is answered
	for _, r := range eng {
		if question.Kind == "answer" {
			break
		}
		question = r
	}
	var fallback, choices *reply
	for _, r := range askEngine(t, nil, "price of bitcoin", "quantum chromodynamics lecture notes", "who won the football",
		"appointment", "treatment", "after the procedure", "does it work?") {
		switch {
		case r.Kind == "fallback" && fallback == nil:
			fallback = &r
		case r.Kind == "choices" && len(r.Choices) > 1 && choices == nil:
			choices = &r
		}
	}

	p := start(t, options{config: testdata(t, "default.yaml")})
	p.ready()

	t.Run("command menu", func(t *testing.T) {
		var cmds []models.BotCommand
		if err := json.Unmarshal([]byte(p.srv.Commands()), &cmds); err != nil {
			t.Fatalf("setMyCommands: %v (%q)", err, p.srv.Commands())
		}
		var names []string
		for _, c := range cmds {
			names = append(names, c.Command)
		}
		for _, want := range []string{"start", "help", "topics", "book", "contact", "privacy"} {
			if !slices.Contains(names, want) {
				t.Errorf("command menu %v lacks /%s", names, want)
			}
		}
	})

	t.Run("start", func(t *testing.T) {
		c := p.say(patient, "/start")
		if c.ParseMode() != "HTML" {
			t.Errorf("parse_mode %q", c.ParseMode())
		}
		if !strings.HasPrefix(c.Text(), "<b>Hello!") {
			t.Errorf("welcome %q", c.Text())
		}
		if !strings.Contains(c.Text(), "999") {
			t.Errorf("the welcome does not name the emergency number: %q", c.Text())
		}
		bs := buttons(t, c)
		topics := 0
		for _, d := range callbackData(bs) {
			if strings.HasPrefix(d, "t:") || strings.HasPrefix(d, "T:") {
				topics++
			}
		}
		if topics == 0 {
			t.Errorf("welcome without topic buttons: %v", callbackData(bs))
		}
		if got := urlButtons(bs); got[bookLabel] != bookingURL {
			t.Errorf("welcome URL buttons %v, want "+bookLabel+" -> %s", got, bookingURL)
		}
	})

	// A deep link opens an entry whatever retrieval would make of its
	// question; its related buttons are pressed below.
	var entry fakeapi.Call
	t.Run("deep link", func(t *testing.T) {
		entry = p.say(patient, "/start fjd-what-is-it")
		if got := titleOf(entry); got != "What is facet joint denervation?" {
			t.Errorf("deep link title %q", got)
		}
		bs := buttons(t, entry)
		if len(callbackData(bs)) == 0 {
			t.Errorf("deep link without related buttons")
		}
		if got := urlButtons(bs); got[bookLabel] != bookingURL {
			t.Errorf("deep link URL buttons %v, want "+bookLabel+" -> %s", got, bookingURL)
		}
	})

	t.Run("question", func(t *testing.T) {
		if question.Kind != "answer" {
			t.Fatal("the engine answers none of the test questions")
		}
		c := p.say(patient, question.Question)
		expect(t, c, question)
		if c.ParseMode() != "HTML" {
			t.Errorf("parse_mode %q", c.ParseMode())
		}
		if !strings.HasPrefix(c.Text(), "<b>") {
			t.Errorf("the title is not in bold: %q", c.Text())
		}
		if !c.Params.Has("link_preview_options") {
			t.Errorf("link previews not turned off")
		}
		bs := buttons(t, c)
		want := map[string]string{}
		if question.BookingURL != "" {
			want[bookLabel] = bookingURL
		}
		if got := urlButtons(bs); !maps.Equal(got, want) {
			t.Errorf("URL buttons %v, want %v", got, want)
		}
		for _, d := range callbackData(bs) {
			if !strings.HasPrefix(d, "e:") && !strings.HasPrefix(d, "E:") {
				t.Errorf("related button data %q is not an entry", d)
			}
		}
		if question.Entry == "fjd-what-is-it" && len(callbackData(bs)) == 0 {
			t.Errorf("no related-question buttons")
		}
	})

	t.Run("related button", func(t *testing.T) {
		var btn models.InlineKeyboardButton
		for _, b := range buttons(t, entry) {
			if b.CallbackData != "" {
				btn = b
				break
			}
		}
		if btn.CallbackData == "" {
			t.Fatal("no related button to press")
		}
		u := fakeapi.CallbackQuery(patient, btn.CallbackData, messageID(t, entry))
		c := p.ask(patient, u)
		if got := titleOf(c); got != btn.Text {
			t.Errorf("pressing %q (%s) showed %q", btn.Text, btn.CallbackData, got)
		}
		// The spinner is stopped, for this query, before the entry is sent.
		answered, sentAt := -1, -1
		for i, call := range p.srv.Calls("") {
			switch {
			case call.Method == "answerCallbackQuery" && call.Params.Get("callback_query_id") == u.CallbackQuery.ID:
				if answered >= 0 {
					t.Errorf("callback %s answered twice", u.CallbackQuery.ID)
				}
				answered = i
			case call.Method == "sendMessage" && call.OK() && call.Text() == c.Text() && call.ChatID() == patient:
				sentAt = i
			}
		}
		if answered < 0 {
			t.Fatalf("no answerCallbackQuery for %s; calls: %v", u.CallbackQuery.ID, methods(p.srv.Calls("")))
		}
		if answered > sentAt {
			t.Errorf("answerCallbackQuery came after the entry was sent")
		}
	})

	t.Run("choices", func(t *testing.T) {
		if choices == nil {
			t.Fatal("none of the test questions gets choices from the engine any more")
		}
		c := p.say(patient, choices.Question)
		var want []string
		for _, ch := range choices.Choices {
			want = append(want, "e:"+ch.Entry)
		}
		bs := buttons(t, c)
		if got := callbackData(bs); !slices.Equal(got, want) {
			t.Errorf("%q: choice buttons %v, want %v", choices.Question, got, want)
		}
		if len(urlButtons(bs)) != 0 {
			t.Errorf("choices with a URL button")
		}
		expect(t, c, *choices)
	})

	t.Run("fallback", func(t *testing.T) {
		if fallback == nil {
			t.Fatal("none of the test questions gets the fallback from the engine any more")
		}
		c := p.say(patient, fallback.Question)
		expect(t, c, *fallback)
		if !strings.Contains(plain(c.Text()), "I don't have an answer") {
			t.Errorf("fallback %q", c.Text())
		}
		if got := urlButtons(buttons(t, c)); got[bookLabel] != bookingURL {
			t.Errorf("fallback URL buttons %v", got)
		}
	})

	t.Run("photo", func(t *testing.T) {
		c := p.ask(patient, fakeapi.PhotoMessage(patient, ""))
		if !strings.Contains(c.Text(), "I can only read text") {
			t.Errorf("reply to a photo: %q", c.Text())
		}
		if c.ReplyMarkup() != "" {
			t.Errorf("reply to a photo has buttons: %s", c.ReplyMarkup())
		}
	})

	t.Run("group", func(t *testing.T) {
		const group = -1001234567890
		chatter := fakeapi.GroupMessage(group, 77, fjd)
		chatter.Message.ID = 9001
		mention := fakeapi.GroupMessage(group, 78, "@"+botName+" "+fjd)
		mention.Message.ID = 9002
		// One chat's updates are handled in order, so once the mention is
		// answered the chatter before it has been handled too.
		p.srv.Enqueue(chatter, mention)
		got := p.waitSentTo(group, 1)
		if len(got) != 1 {
			t.Fatalf("%d replies in the group, want 1 (to the mention only)", len(got))
		}
		if r := replyTo(t, got[0]); r != 9002 {
			t.Errorf("the group reply replies to message %d, want 9002 (the mention)", r)
		}
		expect(t, got[0], eng[0])
	})

	t.Run("ignored updates", func(t *testing.T) {
		const channel = -1009876543210
		// The bot asks only for messages and button presses
		// (allowed_updates), so the fake, like Telegram, holds these back
		// in polling mode; TestWebhook delivers them to the bot itself.
		before := len(p.sentTo(patient))
		p.srv.Enqueue(
			fakeapi.EditedMessage(patient, messageID(t, entry), "edited: "+fjd),
			fakeapi.ChannelPost(channel, fjd),
		)
		// The bot still answers afterwards, once.
		c := p.say(patient, "how much does it cost?")
		if c.Text() == "" {
			t.Fatal("no answer after the edited message and channel post")
		}
		if n := len(p.sentTo(patient)); n != before+1 {
			t.Errorf("%d messages to the patient after an edit and a question, want 1", n-before)
		}
		if n := len(p.sentTo(channel)); n != 0 {
			t.Errorf("%d messages to the channel", n)
		}
	})

	p.stop()
	for _, c := range p.srv.Calls("sendMessage") {
		if c.ParseMode() != "HTML" {
			t.Errorf("a message without parse_mode HTML: %q", c.Text())
		}
	}
	if logs := p.stderr.String(); strings.Contains(logs, "panic") || strings.Contains(logs, "level=ERROR") {
		t.Errorf("errors in the logs")
	}
	p.checkNoSecrets()
}

func methods(cs []fakeapi.Call) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Method)
	}
	return out
}

// TestUrgentComesFirst: a message describing an emergency gets the
// emergency advice at once, before anything else, with no booking button.
func TestUrgentComesFirst(t *testing.T) {
	t.Parallel()
	const patient = 4301
	const msg = "my back is agony and I can't control my bladder"
	p := start(t, options{config: testdata(t, "default.yaml")})
	p.ready()
	p.srv.Enqueue(fakeapi.TextMessage(patient, msg))
	got := p.waitSentTo(patient, 1)
	c := got[0]
	if !strings.Contains(c.Text(), "999") {
		t.Errorf("urgent reply without 999: %q", c.Text())
	}
	if c.ReplyMarkup() != "" {
		t.Errorf("urgent reply with buttons: %s", c.ReplyMarkup())
	}
	// Let the turn finish (the process drains on SIGTERM), then check that
	// the urgent reply was the one and only thing done in the chat.
	p.stop()
	for _, call := range p.srv.Calls("") {
		if call.Params.Get("chat_id") == fmt.Sprint(patient) && call.Method != "sendMessage" {
			t.Errorf("%s in the chat with an urgent message", call.Method)
		}
	}
	if got := p.sentTo(patient); len(got) != 1 {
		t.Errorf("%d messages in reply to an urgent message, want 1", len(got))
	}
	if strings.Contains(p.stderr.String(), "bladder") {
		t.Errorf("the patient's words are in the logs")
	}
}

// TestTooManyRequestsStorm: with 429s and a 500 on sendMessage, every
// message from three chats is still answered exactly once, in order.
func TestTooManyRequestsStorm(t *testing.T) {
	t.Parallel()
	// Ten questions with ten different answers, dealt to three chats.
	chats := []int64{4401, 4402, 4403}
	questions := map[int64][]string{}
	title := map[string]string{}
	var all []string
	for i, r := range pickAnswered(t, 10) {
		c := chats[i%len(chats)]
		questions[c] = append(questions[c], r.Question)
		title[r.Question] = r.Title
		all = append(all, r.Question)
	}

	p := start(t, options{config: testdata(t, "default.yaml")})
	p.srv.Fail("sendMessage",
		fakeapi.TooManyRequests(1), fakeapi.TooManyRequests(1), fakeapi.ServerError(),
		fakeapi.TooManyRequests(1), fakeapi.TooManyRequests(1))
	p.ready()
	// Interleave the chats, as patients writing at once would.
	var updates []models.Update
	for i := 0; ; i++ {
		added := false
		for _, c := range chats {
			if i < len(questions[c]) {
				updates = append(updates, fakeapi.TextMessage(c, questions[c][i]))
				added = true
			}
		}
		if !added {
			break
		}
	}
	p.srv.Enqueue(updates...)
	for _, c := range chats {
		p.waitSentTo(c, len(questions[c]))
	}
	p.stop() // drains: any duplicate would be sent by now

	if n := p.srv.PendingFaults("sendMessage"); n != 0 {
		t.Errorf("%d injected faults not consumed", n)
	}
	faulted := 0
	for _, c := range p.srv.Calls("sendMessage") {
		if c.Faulted() {
			faulted++
		}
	}
	if faulted != 5 {
		t.Errorf("%d faulted sendMessage calls, want 5", faulted)
	}
	total := 0
	for _, c := range chats {
		var got, want []string
		for _, m := range p.sentTo(c) {
			got = append(got, titleOf(m))
		}
		for _, q := range questions[c] {
			want = append(want, title[q])
		}
		total += len(got)
		if !slices.Equal(got, want) {
			t.Errorf("chat %d got\n  %q\nwant each question answered once, in order:\n  %q", c, got, want)
		}
	}
	if total != len(all) || len(p.srv.Sent()) != len(all) {
		t.Errorf("%d messages delivered (%d to the patients), want %d", len(p.srv.Sent()), total, len(all))
	}
	if strings.Contains(p.stderr.String(), "reply not delivered") {
		t.Errorf("a reply was given up on")
	}
	p.checkNoSecrets()
}
