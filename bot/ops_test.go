package bot_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/clinicbot/clinicbot/bot"
	"github.com/clinicbot/clinicbot/tests/fakeapi"
)

// recorder is a metrics.Observer that keeps what it hears, one string each.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) add(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, fmt.Sprintf(format, args...))
}

func (r *recorder) count(prefix string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, e := range r.events {
		if strings.HasPrefix(e, prefix) {
			n++
		}
	}
	return n
}

func (r *recorder) Update(kind string)  { r.add("update %s", kind) }
func (r *recorder) Refused(why string)  { r.add("refused %s", why) }
func (r *recorder) Delivery(out string) { r.add("delivery %s", out) }
func (r *recorder) PollConflict()       { r.add("conflict") }
func (r *recorder) Reply(kind string, took time.Duration) {
	r.add("reply %s", kind)
	if took <= 0 {
		r.add("bad duration")
	}
}
func (r *recorder) APICall(method string, code int) { r.add("api %s %d", method, code) }
func (r *recorder) Retry(method, reason string, wait time.Duration) {
	r.add("retry %s %s %s", method, reason, wait.Round(time.Second))
}

func TestMetricsObserved(t *testing.T) {
	rec := &recorder{}
	e := start(t, setup{
		opts:   func(o *bot.Options) { o.Metrics = rec },
		faults: func(s *fakeapi.Server) { s.Fail("sendMessage", fakeapi.TooManyRequests(1)) },
	})
	e.say(42, "what is facet joint denervation?")
	e.sent(1)
	msg, err := e.srv.Sent()[0].Message()
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Enqueue(fakeapi.CallbackQuery(42, "t:practical", msg.ID))
	e.sent(2)
	e.stop()
	for _, want := range []struct {
		event string
		n     int
	}{
		{"update message", 1},
		{"update callback_query", 1},
		{"reply answer", 1},
		{"reply topic", 1},
		{"api sendMessage 429", 1},
		{"api sendMessage 200", 2},
		{"api getMe 200", 1},
		{"retry sendMessage rate_limited 1s", 1},
		{"delivery delivered", 2},
		{"bad duration", 0},
		{"conflict", 0},
	} {
		if got := rec.count(want.event); got != want.n {
			t.Errorf("%q heard %d times, want %d; heard %q", want.event, got, want.n, rec.events)
		}
	}
	if rec.count("api getUpdates 200") == 0 {
		t.Errorf("polls not counted")
	}
}

func TestProfile(t *testing.T) {
	t.Run("default wording names the clinic", func(t *testing.T) {
		e := start(t, setup{})
		e.say(42, "/help")
		e.sent(1)
		e.stop()
		d := onlyCall(t, e.srv, "setMyDescription").Params.Get("description")
		if !strings.Contains(d, "London Spine Unit") || !strings.Contains(d, "call 999") {
			t.Errorf("description %q should name the clinic and the emergency number", d)
		}
		sd := onlyCall(t, e.srv, "setMyShortDescription").Params.Get("short_description")
		if !strings.Contains(sd, "London Spine Unit") || len([]rune(sd)) > 120 {
			t.Errorf("short description %q", sd)
		}
		if c := commandMenu(t, e.srv); c["book"] != "Book a consultation" || len(c) != 6 {
			t.Errorf("command menu %v", c)
		}
	})
	t.Run("the clinic's wording", func(t *testing.T) {
		e := start(t, setup{opts: func(o *bot.Options) {
			o.Telegram.Profile = bot.Profile{
				Description:      "Questions about spinal treatment at 19 Harley St.",
				ShortDescription: "The London Spine Unit's FAQ.",
				Commands:         map[string]string{"book": "Arrange to see a consultant", "help": "How to ask me"},
			}
		}})
		e.say(42, "/help")
		e.sent(1)
		e.stop()
		if d := onlyCall(t, e.srv, "setMyDescription").Params.Get("description"); d != "Questions about spinal treatment at 19 Harley St." {
			t.Errorf("description %q", d)
		}
		if d := onlyCall(t, e.srv, "setMyShortDescription").Params.Get("short_description"); d != "The London Spine Unit's FAQ." {
			t.Errorf("short description %q", d)
		}
		c := commandMenu(t, e.srv)
		if c["book"] != "Arrange to see a consultant" || c["help"] != "How to ask me" || c["topics"] != "Browse questions by topic" {
			t.Errorf("command menu %v", c)
		}
	})
}

func onlyCall(t *testing.T, srv *fakeapi.Server, method string) fakeapi.Call {
	t.Helper()
	cs := srv.Calls(method)
	if len(cs) != 1 || !cs[0].OK() {
		t.Fatalf("%s called %d times (%+v), want once, successfully", method, len(cs), cs)
	}
	return cs[0]
}

func commandMenu(t *testing.T, srv *fakeapi.Server) map[string]string {
	t.Helper()
	var cmds []models.BotCommand
	if err := json.Unmarshal([]byte(srv.Commands()), &cmds); err != nil {
		t.Fatalf("commands %q: %v", srv.Commands(), err)
	}
	out := map[string]string{}
	for _, c := range cmds {
		out[c.Command] = c.Description
	}
	return out
}

// Two processes polling one token: Telegram answers the older poll 409
// Conflict. It is reported once, clearly, polling backs off instead of
// spinning, and once the other process is gone the bot answers again.
func TestPollConflict(t *testing.T) {
	rec := &recorder{}
	const conflict = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	e := start(t, setup{
		opts: func(o *bot.Options) { o.Metrics = rec },
		before: func(b *bot.Bot) {
			bot.SetConflictWait(b, 100*time.Millisecond)
		},
		faults: func(s *fakeapi.Server) {
			s.Fail("getUpdates", fakeapi.APIError(409, conflict), fakeapi.APIError(409, conflict), fakeapi.APIError(409, conflict), fakeapi.APIError(409, conflict))
		},
	})
	began := time.Now()
	e.say(42, "what is facet joint denervation?")
	e.sent(1)
	// Waits of 100, 200, 400 and 800 ms, each jittered down to half at most.
	if took := time.Since(began); took < 700*time.Millisecond {
		t.Errorf("four conflicts passed in %s: no back-off", took)
	}
	e.stop()
	logs := e.logs.String()
	if n := strings.Count(logs, "another instance is polling this bot"); n != 1 {
		t.Errorf("the conflict reported %d times, want once:\n%s", n, logs)
	}
	if n := strings.Count(logs, "polling again"); n != 1 {
		t.Errorf("the end of the conflict reported %d times, want once", n)
	}
	if strings.Contains(logs, "level=WARN msg=\"telegram: library error\"") {
		t.Errorf("each conflict also logged as a library error:\n%s", logs)
	}
	if n := rec.count("conflict"); n != 4 {
		t.Errorf("%d conflicts counted, want 4", n)
	}
}

// A webhook set for the bot (another instance in webhook mode) also makes
// getUpdates fail with 409; the report says so.
func TestPollConflictWithWebhook(t *testing.T) {
	const desc = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
	e := start(t, setup{
		before: func(b *bot.Bot) { bot.SetConflictWait(b, 50*time.Millisecond) },
		faults: func(s *fakeapi.Server) { s.Fail("getUpdates", fakeapi.APIError(409, desc)) },
	})
	e.say(42, "what is facet joint denervation?")
	e.sent(1)
	e.stop()
	logs := e.logs.String()
	if !strings.Contains(logs, "a webhook is set for this bot") || strings.Contains(logs, "another instance is polling") {
		t.Errorf("the webhook conflict is not reported as such:\n%s", logs)
	}
}
