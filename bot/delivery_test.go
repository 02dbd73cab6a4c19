package bot_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/clinicbot/clinicbot/answer"
	"github.com/clinicbot/clinicbot/bot"
	"github.com/clinicbot/clinicbot/tests/fakeapi"
)

const floodNotice = "one question at a time"

// settle waits until nothing has been sent for longer than the per-chat
// pace, and returns every message sent.
func (e *env) settle() []fakeapi.Call {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	n := -1
	for time.Now().Before(deadline) {
		cs := e.srv.Sent()
		if len(cs) == n {
			return cs
		}
		n = len(cs)
		time.Sleep(1500 * time.Millisecond)
	}
	e.t.Fatal("the bot never stopped sending")
	return nil
}

// A chat that sends more than its queue holds gets its queued answers and
// one notice, ahead of them; once its queue is empty it is answered again.
// A quiet chat meanwhile is answered at once.
func TestFloodGetsOneNotice(t *testing.T) {
	e := start(t, setup{before: func(b *bot.Bot) { bot.SetMaxQueued(b, 3) }})
	const flooder, quiet = 61, 62
	var flood []models.Update
	for i := range 10 {
		q := fmt.Sprintf("what is facet joint denervation? (%d)", i)
		e.remember(q)
		flood = append(flood, fakeapi.TextMessage(flooder, q))
	}
	e.srv.Enqueue(flood...) // one batch: all ten wait at once
	e.say(quiet, "where is the clinic")
	cs := e.settle()
	var toFlooder []string
	quietAt := -1
	for i, c := range cs {
		if c.ChatID() == quiet {
			quietAt = i
			continue
		}
		toFlooder = append(toFlooder, c.Text())
	}
	notices, answers := 0, 0
	for i, text := range toFlooder {
		if strings.Contains(text, floodNotice) {
			notices++
			if i > 2 {
				t.Errorf("the notice came %d of %d, want it ahead of the queued answers", i+1, len(toFlooder))
			}
		} else if strings.Contains(text, "Facet joint denervation is") {
			answers++
		} else {
			t.Errorf("flooder got %q", text)
		}
	}
	// Three wait at most; one may be sent while the batch is read.
	if notices != 1 || answers < 3 || answers > 5 {
		t.Errorf("flooder got %d notices and %d answers to 10 questions, want 1 and 3 to 5", notices, answers)
	}
	if quietAt < 0 || quietAt > 2 {
		t.Errorf("the quiet chat's reply came %d of %d, want among the first (it does not wait for the flooder)", quietAt+1, len(cs))
	}
	// The queue is empty again: the next question is answered.
	e.say(flooder, "how much does it cost")
	if c := e.sent(len(cs) + 1)[len(cs)]; c.ChatID() != flooder || !strings.Contains(c.Text(), "cost") {
		t.Errorf("after the flood: %q", c.Text())
	}
	if n := e.bot.Counters().FloodNotices.Load(); n != 1 {
		t.Errorf("%d flood notices counted, want 1", n)
	}
}

// In a group, each sender has a queue of their own: one person flooding
// does not silence another.
func TestGroupQueuesPerSender(t *testing.T) {
	e := start(t, setup{before: func(b *bot.Bot) { bot.SetMaxQueued(b, 2) }})
	const group = -1001234567899
	var us []models.Update
	for i := range 6 {
		q := fmt.Sprintf("@clinic_test_bot what is facet joint denervation? (%d)", i)
		e.remember(q)
		us = append(us, groupUpdate(group, 7, q))
	}
	e.remember("@clinic_test_bot where is the clinic")
	us = append(us, groupUpdate(group, 8, "@clinic_test_bot where is the clinic"))
	e.srv.Enqueue(us...)
	e.sent(4) // at least 2 answers and a notice for 7, an answer for 8
	cs := e.settle()
	replyTo := func(c fakeapi.Call) int {
		var rp models.ReplyParameters
		_ = c.Params.Decode("reply_parameters", &rp)
		return rp.MessageID
	}
	var notices, to8 int
	for _, c := range cs {
		if strings.Contains(c.Text(), floodNotice) {
			notices++
		}
		if !strings.Contains(c.Text(), floodNotice) && !strings.Contains(c.Text(), "Facet joint") {
			to8++
		}
	}
	if notices != 1 || to8 != 1 || len(cs) > 5 {
		t.Errorf("%d messages: %d notices and %d answers to the other sender, want 1 and 1", len(cs), notices, to8)
	}
	for _, c := range cs {
		if replyTo(c) == 0 {
			t.Errorf("group message %q is not a reply to its sender", c.Text())
		}
	}
}

// After the first two, a chat gets at most one message a second.
func TestPacedPerChat(t *testing.T) {
	e := start(t, setup{})
	for _, q := range []string{"/help", "/contact", "/book", "/privacy"} {
		e.say(64, q)
	}
	cs := e.sent(4)
	if gap := cs[2].Time.Sub(cs[1].Time); gap < 900*time.Millisecond {
		t.Errorf("third message %s after the second, want about a second", gap)
	}
	if gap := cs[3].Time.Sub(cs[2].Time); gap < 900*time.Millisecond {
		t.Errorf("fourth message %s after the third, want about a second", gap)
	}
}

// A 429 on getUpdates is honoured: the next poll waits its retry_after.
func TestGetUpdatesHonoursRetryAfter(t *testing.T) {
	e := start(t, setup{faults: func(srv *fakeapi.Server) {
		srv.Fail("getUpdates", fakeapi.TooManyRequests(2))
	}})
	e.say(65, "/help")
	e.sent(1)
	polls := e.srv.Calls("getUpdates")
	if len(polls) < 2 || polls[0].Fault != fakeapi.FaultTooManyRequests {
		t.Fatalf("polls: %d", len(polls))
	}
	if gap := polls[1].Time.Sub(polls[0].Time); gap < 1900*time.Millisecond {
		t.Errorf("polled again %s after a 429 with retry_after 2", gap)
	}
}

// An update answered before a restart is not answered again when Telegram
// delivers it again (webhook); one not yet recorded is answered.
func TestRedeliveryAfterRestartAnsweredOnce(t *testing.T) {
	stateDir := t.TempDir()
	srv := fakeapi.NewT(t, token)
	webhook := func() (*env, string) {
		addr := freeAddr(t)
		url := "http://" + addr + "/telegram"
		e := start(t, setup{stateDir: stateDir, srv: srv, opts: func(o *bot.Options) {
			o.Telegram.Mode = "webhook"
			o.Telegram.WebhookSecret = webhookSecret
			o.Telegram.Webhook = bot.Webhook{Listen: addr, URL: url, Path: "/telegram"}
		}})
		for srv.Webhook().URL != url {
			time.Sleep(10 * time.Millisecond)
		}
		return e, url
	}
	update := `{"update_id":7001,"message":{"message_id":1,"date":1,"chat":{"id":66,"type":"private"},"text":"/help"}}`
	e, url := webhook()
	if code := postJSON(t, url, webhookSecret, update); code != http.StatusOK {
		t.Fatalf("first delivery: %d", code)
	}
	e.sent(1)
	e.stop()
	e.opts.State.Close()

	e2, url := webhook()
	if code := postJSON(t, url, webhookSecret, update); code != http.StatusOK {
		t.Fatalf("redelivery: %d", code)
	}
	e2.quiet(1)
	if !strings.Contains(e2.logs.String(), "delivered twice, answered once") {
		t.Errorf("redelivery not logged")
	}
	if code := postJSON(t, url, webhookSecret, strings.Replace(update, "7001", "7002", 1)); code != http.StatusOK {
		t.Fatalf("new update: %d", code)
	}
	e2.sent(2)
}

// A flood of refused webhook requests is logged once a minute, not once
// each.
func TestRefusedWebhookLogThrottled(t *testing.T) {
	w := startWebhook(t)
	for range 50 {
		postJSON(t, w.url, "wrong", `{"update_id":1}`)
		postJSON(t, w.url, webhookSecret, `{"update_id":`)
	}
	logs := w.logs.String()
	if n := strings.Count(logs, "webhook request with a missing or wrong secret refused"); n != 1 {
		t.Errorf("%d lines for 50 wrong secrets, want 1", n)
	}
	if n := strings.Count(logs, "refused"); n > 2 {
		t.Errorf("%d refusal lines for 100 refused requests", n)
	}
}

// A send Telegram accepted (ok:true) but whose result this version cannot
// read was delivered: it is neither sent again nor logged as lost.
func TestDeliveredButUnreadableResult(t *testing.T) {
	e := start(t, setup{})
	if err := e.srv.SetResult("sendMessage", "a message in a shape this version does not know"); err != nil {
		t.Fatal(err)
	}
	e.say(67, "/help")
	e.say(67, "/contact")
	e.sent(2)
	e.quiet(2)
	if n := len(e.srv.Calls("sendMessage")); n != 2 {
		t.Errorf("%d sendMessage calls for 2 replies", n)
	}
	if strings.Contains(e.logs.String(), "not delivered") || strings.Contains(e.logs.String(), "retrying") {
		t.Errorf("a delivered reply was taken for a failure:\n%s", e.logs.String())
	}
	if n := e.bot.Counters().Sent.Load(); n != 2 {
		t.Errorf("%d counted sent, want 2", n)
	}
}

// An update kept in the state until answered holds what answering needs,
// not the patient's name or username; after a restart it is answered
// from what was kept.
func TestKeptUpdateHasNoNames(t *testing.T) {
	stateDir := t.TempDir()
	srv := fakeapi.NewT(t, token)
	answering := make(chan struct{}, 1)
	e := start(t, setup{stateDir: stateDir, srv: srv,
		opts: func(o *bot.Options) { o.ShutdownGrace = 200 * time.Millisecond },
		before: func(b *bot.Bot) {
			// The answer takes longer than the shutdown grace: the update
			// stays taken, unanswered.
			bot.SetBeforeAnswer(b, func(string) {
				answering <- struct{}{}
				time.Sleep(time.Second)
			})
		}})
	e.say(68, "what is facet joint denervation?")
	<-answering
	e.stop()
	e.opts.State.Close()

	st := openState(t, stateDir)
	taken, err := st.Taken()
	if err != nil || len(taken) != 1 {
		t.Fatalf("taken: %d %v", len(taken), err)
	}
	raw := string(taken[0].Raw)
	for _, leak := range []string{"first_name", "last_name", "username", "language_code", "user68"} {
		if strings.Contains(raw, leak) {
			t.Errorf("kept update holds %s: %s", leak, raw)
		}
	}
	if !strings.Contains(raw, "what is facet joint denervation?") {
		t.Errorf("kept update lost the question: %s", raw)
	}
	st.Close()

	e2 := start(t, setup{stateDir: stateDir, srv: srv})
	if c := e2.sent(1)[0]; c.ChatID() != 68 || !strings.Contains(c.Text(), "Facet joint denervation is") {
		t.Errorf("after the restart: %q to %d", c.Text(), c.ChatID())
	}
}

// The flood notice gives the clinic's own emergency number: a clinic
// outside the UK must never tell a patient to call 999.
func TestFloodNoticeUsesClinicEmergencyNumber(t *testing.T) {
	e := start(t, setup{
		before: func(b *bot.Bot) { bot.SetMaxQueued(b, 1) },
		texts:  func(p *answer.Texts) { p.EmergencyNumber, p.EmergencyDepartment = "112", "the emergency department" },
	})
	const flooder = 63
	var flood []models.Update
	for i := range 6 {
		q := fmt.Sprintf("what is facet joint denervation? (%d)", i)
		e.remember(q)
		flood = append(flood, fakeapi.TextMessage(flooder, q))
	}
	e.srv.Enqueue(flood...)
	var notice string
	for _, c := range e.settle() {
		if strings.Contains(c.Text(), floodNotice) {
			notice = c.Text()
		}
	}
	if notice == "" {
		t.Fatal("no flood notice sent")
	}
	if !strings.Contains(notice, "call 112") || strings.Contains(notice, "999") {
		t.Errorf("flood notice %q, want the clinic's number 112 and never 999", notice)
	}
}
