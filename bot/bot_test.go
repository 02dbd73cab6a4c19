package bot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"

	"github.com/clinicbot/clinicbot/answer"
	"github.com/clinicbot/clinicbot/bot"
	"github.com/clinicbot/clinicbot/index"
	"github.com/clinicbot/clinicbot/knowledge"
	"github.com/clinicbot/clinicbot/safety"
	"github.com/clinicbot/clinicbot/state"
	"github.com/clinicbot/clinicbot/tests/fakeapi"
)

const (
	token      = "1000:SECRET-token-part-XYZ"
	secretHalf = "SECRET-token-part-XYZ"
	bookingURL = "https://example.org/book"
	clinicDir  = "../knowledge/clinic"
)

// clinicTexts are the clinic's profile the tests' engine words replies
// with, and the bot its own texts.
var clinicTexts = answer.Texts{
	ClinicName: "London Spine Unit", BookingURL: bookingURL, Contact: "19 Harley St",
	EmergencyNumber: "999", EmergencyDepartment: "A&E", UrgentAdvice: "NHS 111", CrisisLine: "Samaritans on 116 123",
}

// clinicIndex builds the index and red-flag rules of the real clinic
// knowledge, once.
var clinicIndex = sync.OnceValues(func() (func(answer.Texts) *answer.Engine, error) {
	base, err := knowledge.Load(os.DirFS(clinicDir))
	if err != nil {
		return nil, err
	}
	ix, err := index.Build(base)
	if err != nil {
		return nil, err
	}
	chk, err := safety.Load(os.DirFS(clinicDir), "red_flags.yaml")
	if err != nil {
		return nil, err
	}
	return func(texts answer.Texts) *answer.Engine {
		return answer.New(ix, chk, answer.DefaultSettings(), texts)
	}, nil
})

// engine is the answering engine over the real clinic knowledge, once.
var engine = sync.OnceValues(func() (*answer.Engine, error) {
	build, err := clinicIndex()
	if err != nil {
		return nil, err
	}
	return build(clinicTexts), nil
})

func mustEngine(t *testing.T) *answer.Engine {
	t.Helper()
	eng, err := engine()
	if err != nil {
		t.Fatalf("engine: %v", err)
	}
	return eng
}

// engineWith is the clinic's engine with its profile edited.
func engineWith(t *testing.T, edit func(*answer.Texts)) *answer.Engine {
	t.Helper()
	build, err := clinicIndex()
	if err != nil {
		t.Fatalf("engine: %v", err)
	}
	texts := clinicTexts
	edit(&texts)
	return build(texts)
}

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// env is a running bot against a fake Bot API.
type env struct {
	t          *testing.T
	srv        *fakeapi.Server
	bot        *bot.Bot
	eng        *answer.Engine
	logs       *syncBuffer
	opts       bot.Options
	cancel     context.CancelFunc
	done       chan error
	stopped    bool
	mu         sync.Mutex
	unanswered []string
	texts      []string // patients' texts sent, which must not appear in the logs
}

type setup struct {
	opts     func(*bot.Options)
	texts    func(*answer.Texts) // edits the clinic's profile (when live is nil)
	before   func(*bot.Bot)
	faults   func(*fakeapi.Server) // injected before Run starts
	live     *answer.Live
	token    string
	stateDir string          // "" for a new one
	srv      *fakeapi.Server // nil for a new one
}

// openState opens the state in dir (a new folder if ""), closed at the end of the test.
func openState(t *testing.T, dir string) *state.Store {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	st, err := state.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func start(t *testing.T, s setup) *env {
	t.Helper()
	srv := s.srv
	if srv == nil {
		srv = fakeapi.NewT(t, token)
	}
	e := &env{t: t, srv: srv, logs: &syncBuffer{}, done: make(chan error, 1)}
	live := s.live
	if live == nil {
		e.eng = mustEngine(t)
		if s.texts != nil {
			e.eng = engineWith(t, s.texts)
		}
		live = answer.NewLive(e.eng)
	} else {
		e.eng = live.Engine()
	}
	tok := token
	if s.token != "" {
		tok = s.token
	}
	e.opts = bot.Options{
		State:         openState(t, s.stateDir),
		Telegram:      bot.Telegram{APIURL: srv.URL(), Mode: "polling", Token: tok},
		Logger:        slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		ShutdownGrace: 3 * time.Second,
		OnUnanswered: func(q string, _ answer.Reply) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.unanswered = append(e.unanswered, q)
		},
	}
	if s.opts != nil {
		s.opts(&e.opts)
	}
	b, err := bot.New(live, e.opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e.bot = b
	bot.SetBackoff(b, 20*time.Millisecond)
	if s.before != nil {
		s.before(b)
	}
	if s.faults != nil {
		s.faults(srv)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel = cancel
	go func() { e.done <- b.Run(ctx) }()
	t.Cleanup(func() {
		e.stop()
		e.checkLogs()
		e.checkHTML()
		if os.Getenv("BOT_TEST_LOGS") != "" {
			t.Logf("logs:\n%s", e.logs.String())
		}
	})
	return e
}

// stop cancels Run and waits for it to return nil.
func (e *env) stop() time.Duration {
	e.t.Helper()
	if e.stopped {
		return 0
	}
	e.stopped = true
	begin := time.Now()
	e.cancel()
	select {
	case err := <-e.done:
		if err != nil {
			e.t.Errorf("Run returned %v", err)
		}
	case <-time.After(15 * time.Second):
		e.t.Fatal("Run did not return after cancel")
	}
	return time.Since(begin)
}

// checkLogs: never the token; never a patient's text unless LogText.
func (e *env) checkLogs() {
	e.t.Helper()
	logs := e.logs.String()
	if strings.Contains(logs, secretHalf) {
		e.t.Errorf("token in logs:\n%s", logs)
	}
	if e.opts.LogText {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, text := range e.texts {
		if strings.Contains(logs, text) {
			e.t.Errorf("message text %q in logs:\n%s", text, logs)
		}
	}
}

var (
	allowedTag = regexp.MustCompile(`</?b>`)
	entity     = regexp.MustCompile(`&(amp|lt|gt|quot|#34|#39);`)
)

// checkHTML: every HTML message has only <b> tags and valid entities.
func (e *env) checkHTML() {
	e.t.Helper()
	for _, c := range e.srv.Sent() {
		if c.ParseMode() != "HTML" {
			continue
		}
		rest := entity.ReplaceAllString(allowedTag.ReplaceAllString(c.Text(), ""), "")
		if strings.ContainsAny(rest, "<>&") {
			e.t.Errorf("badly escaped HTML: %q", c.Text())
		}
		if n := len(utf16.Encode([]rune(html.UnescapeString(allowedTag.ReplaceAllString(c.Text(), ""))))); n > 4096 {
			e.t.Errorf("message of %d characters", n)
		}
	}
}

// remember notes patients' texts that must not appear in the logs.
func (e *env) remember(texts ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.texts = append(e.texts, texts...)
}

// say enqueues a private text message from chat and remembers its text.
func (e *env) say(chat int64, text string) {
	e.mu.Lock()
	if !strings.HasPrefix(text, "/") {
		e.texts = append(e.texts, text)
	}
	e.mu.Unlock()
	e.srv.Enqueue(fakeapi.TextMessage(chat, text))
}

// sent waits for n successful sendMessage calls in total.
func (e *env) sent(n int) []fakeapi.Call {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cs, err := e.srv.WaitSent(ctx, n)
	if err != nil {
		e.t.Fatalf("%v; logs:\n%s", err, e.logs.String())
	}
	return cs
}

// quiet asserts no more than n messages get sent within a short while.
func (e *env) quiet(n int) {
	e.t.Helper()
	time.Sleep(300 * time.Millisecond)
	if got := len(e.srv.Sent()); got != n {
		e.t.Fatalf("sent %d messages, want %d", got, n)
	}
}

func (e *env) unansweredQuestions() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.unanswered...)
}

func keyboard(t *testing.T, c fakeapi.Call) []models.InlineKeyboardButton {
	t.Helper()
	if c.ReplyMarkup() == "" {
		return nil
	}
	rows, err := c.InlineKeyboard()
	if err != nil {
		t.Fatalf("reply_markup %q: %v", c.ReplyMarkup(), err)
	}
	var out []models.InlineKeyboardButton
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

func callbacks(bs []models.InlineKeyboardButton) []string {
	var out []string
	for _, b := range bs {
		if b.CallbackData != "" {
			out = append(out, b.CallbackData)
		}
	}
	return out
}

func urls(bs []models.InlineKeyboardButton) []string {
	var out []string
	for _, b := range bs {
		if b.URL != "" {
			out = append(out, b.URL)
		}
	}
	return out
}

func TestStartWelcomeAndCommandMenu(t *testing.T) {
	e := start(t, setup{})
	e.say(42, "/start")
	c := e.sent(1)[0]
	if c.ChatID() != 42 || c.ParseMode() != "HTML" {
		t.Fatalf("chat %d parse_mode %q", c.ChatID(), c.ParseMode())
	}
	for _, want := range []string{"London Spine Unit", "not medical advice", "999", "/privacy"} {
		if !strings.Contains(c.Text(), want) {
			t.Errorf("welcome lacks %q: %s", want, c.Text())
		}
	}
	bs := keyboard(t, c)
	if got, want := callbacks(bs), []string{"t:clinic", "t:practical", "t:facet-joint-denervation"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("topic buttons %v, want %v", got, want)
	}
	if got := urls(bs); len(got) != 1 || got[0] != bookingURL {
		t.Errorf("booking button %v", got)
	}
	for _, cmd := range []string{"start", "help", "topics", "book", "contact", "privacy"} {
		if !strings.Contains(e.srv.Commands(), `"`+cmd+`"`) {
			t.Errorf("command menu lacks %s: %s", cmd, e.srv.Commands())
		}
	}
	// Polling: deleteWebhook before the first getUpdates, which asks only for what is handled.
	var order []string
	for _, call := range e.srv.Calls("") {
		if call.Method == "deleteWebhook" || call.Method == "getUpdates" {
			order = append(order, call.Method)
		}
	}
	if len(order) < 2 || order[0] != "deleteWebhook" {
		t.Errorf("calls %v: want deleteWebhook first", order)
	}
	if au := e.srv.Calls("getUpdates")[0].Params.Get("allowed_updates"); au != `["message","edited_message","callback_query"]` {
		t.Errorf("allowed_updates %s", au)
	}
}

func TestStartWithoutBookingURL(t *testing.T) {
	e := start(t, setup{texts: func(t *answer.Texts) { t.BookingURL = "" }})
	e.say(42, "/start")
	if u := urls(keyboard(t, e.sent(1)[0])); len(u) != 0 {
		t.Errorf("booking button without a booking URL: %v", u)
	}
}

func TestDeepLink(t *testing.T) {
	e := start(t, setup{})
	e.say(42, "/start fjd-risks")
	e.say(42, "/start no-such-entry")
	cs := e.sent(2)
	if !strings.HasPrefix(cs[0].Text(), "<b>What are the risks and side effects?</b>\n\n") {
		t.Errorf("deep link: %q", cs[0].Text())
	}
	if !strings.Contains(cs[1].Text(), "not medical advice") || len(callbacks(keyboard(t, cs[1]))) != 3 {
		t.Errorf("unknown deep link should welcome: %q", cs[1].Text())
	}
}

func TestQuestionGetsPassageAndButtons(t *testing.T) {
	e := start(t, setup{})
	q := "what is facet joint denervation?"
	want := e.eng.Answer(context.Background(), q)
	if want.Kind != answer.KindAnswer || len(want.Related) == 0 {
		t.Fatalf("engine reply changed: %+v", want)
	}
	e.say(42, q)
	c := e.sent(1)[0]
	if c.ParseMode() != "HTML" {
		t.Errorf("parse_mode %q", c.ParseMode())
	}
	if !strings.HasPrefix(c.Text(), "<b>What is facet joint denervation?</b>\n\n") || !strings.Contains(c.Text(), "small nerves supplying the facet joints") {
		t.Errorf("text %q", c.Text())
	}
	bs := keyboard(t, c)
	if u := urls(bs); len(u) != 1 || u[0] != bookingURL {
		t.Errorf("booking button %v", u)
	}
	var related []string
	for _, r := range want.Related {
		related = append(related, "e:"+r.EntryID)
	}
	if got := callbacks(bs); fmt.Sprint(got) != fmt.Sprint(related) {
		t.Errorf("related buttons %v, want %v", got, related)
	}
	// "typing…" went to the chat before the reply.
	acts := e.srv.Calls("sendChatAction")
	if len(acts) != 1 || acts[0].Params.Get("action") != "typing" || !acts[0].Time.Before(c.Time) {
		t.Errorf("typing action: %+v", acts)
	}
	if len(e.unansweredQuestions()) != 0 {
		t.Errorf("an answered question was reported unanswered")
	}
}

func TestButtonPresses(t *testing.T) {
	e := start(t, setup{})
	e.say(42, "what is facet joint denervation?")
	first := e.sent(1)[0]
	msg, err := first.Message()
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Enqueue(fakeapi.CallbackQuery(42, "e:fjd-facet-joints", msg.ID))
	e.srv.Enqueue(fakeapi.CallbackQuery(42, "t:practical", msg.ID))
	e.srv.Enqueue(fakeapi.CallbackQuery(42, "e:entry-removed-since", msg.ID))
	e.srv.Enqueue(fakeapi.CallbackQuery(42, "junk", msg.ID))
	cs := e.sent(5)
	if !strings.HasPrefix(cs[1].Text(), "<b>What are facet joints and what do they do?</b>") {
		t.Errorf("entry press: %q", cs[1].Text())
	}
	if !strings.Contains(cs[2].Text(), "Booking, fees and practical questions") {
		t.Errorf("topic press: %q", cs[2].Text())
	}
	topicButtons := callbacks(keyboard(t, cs[2]))
	practical := 0
	for _, ent := range e.eng.Base().Entries {
		if ent.Topic == "practical" {
			practical++
		}
	}
	if len(topicButtons) != practical || topicButtons[0] != "e:practical-booking" {
		t.Errorf("topic entries %v", topicButtons)
	}
	for _, c := range cs[3:] {
		if !strings.Contains(c.Text(), "out of date") {
			t.Errorf("stale press: %q", c.Text())
		}
	}
	answered := e.srv.Calls("answerCallbackQuery")
	if len(answered) != 4 {
		t.Fatalf("%d answerCallbackQuery calls, want 4", len(answered))
	}
	for _, a := range answered {
		if !a.OK() || !strings.HasPrefix(a.Params.Get("callback_query_id"), "cbq-") {
			t.Errorf("answerCallbackQuery %+v", a.Params)
		}
	}
}

func TestChoices(t *testing.T) {
	e := start(t, setup{})
	var q string
	var want answer.Reply
	for _, cand := range []string{"appointment", "back pain treatment", "procedure", "treatment", "nerves", "after the procedure"} {
		if r := e.eng.Answer(context.Background(), cand); r.Kind == answer.KindChoices && len(r.Choices) > 1 {
			q, want = cand, r
			break
		}
	}
	if q == "" {
		t.Fatal("no test question gets choices from the engine any more")
	}
	e.say(42, q)
	c := e.sent(1)[0]
	bs := keyboard(t, c)
	var ids []string
	for _, ch := range want.Choices {
		ids = append(ids, "e:"+ch.EntryID)
	}
	if got := callbacks(bs); fmt.Sprint(got) != fmt.Sprint(ids) {
		t.Errorf("choice buttons %v, want %v", got, ids)
	}
	if len(urls(bs)) != 0 {
		t.Errorf("choices with a URL button")
	}
	if bs[0].Text != want.Choices[0].Title {
		t.Errorf("button text %q", bs[0].Text)
	}
}

func TestFallbackReportsUnanswered(t *testing.T) {
	e := start(t, setup{})
	q := "quantum chromodynamics lecture notes"
	if r := e.eng.Answer(context.Background(), q); r.Kind != answer.KindFallback {
		t.Fatalf("engine answers %q with %s now", q, r.Kind)
	}
	e.say(42, q)
	c := e.sent(1)[0]
	if !strings.Contains(c.Text(), "rather not guess") {
		t.Errorf("fallback text %q", c.Text())
	}
	if u := urls(keyboard(t, c)); len(u) != 1 || u[0] != bookingURL {
		t.Errorf("fallback booking button %v", u)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(e.unansweredQuestions()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := e.unansweredQuestions(); len(got) != 1 || got[0] != q {
		t.Errorf("OnUnanswered got %q", got)
	}
}

// A "did you mean" reply is reported too, with the kind and the entries
// offered: staff see the questions the bot was unsure of.
func TestChoicesReportUnanswered(t *testing.T) {
	type report struct {
		q    string
		kind answer.Kind
		n    int
	}
	got := make(chan report, 4)
	e := start(t, setup{opts: func(o *bot.Options) {
		o.OnUnanswered = func(q string, r answer.Reply) { got <- report{q, r.Kind, len(r.Choices)} }
	}})
	q := "facet" // one word, several entries about it
	r := e.eng.Answer(context.Background(), q)
	if r.Kind != answer.KindChoices {
		t.Fatalf("engine answers %q with %s now", q, r.Kind)
	}
	e.say(42, q)
	e.sent(1)
	select {
	case rep := <-got:
		if rep.q != q || rep.kind != answer.KindChoices || rep.n != len(r.Choices) || rep.n < 2 {
			t.Errorf("OnUnanswered got %+v, want %q, choices, %d offered", rep, q, len(r.Choices))
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a choices reply was not reported")
	}
	e.say(42, "what is facet joint denervation?") // a sure answer: not reported
	e.sent(2)
	select {
	case rep := <-got:
		t.Errorf("a sure answer was reported: %+v", rep)
	case <-time.After(200 * time.Millisecond):
	}
}

func TestUrgentHasNoButtons(t *testing.T) {
	e := start(t, setup{})
	e.say(42, "my back hurts and I can't control my bladder")
	cs := e.sent(1)
	e.quiet(1)
	c := cs[0]
	if c.ReplyMarkup() != "" {
		t.Errorf("urgent reply has buttons: %s", c.ReplyMarkup())
	}
	if !strings.Contains(c.Text(), "999") || !strings.Contains(c.Text(), "A&amp;E") {
		t.Errorf("urgent text %q", c.Text())
	}
	if n := len(e.srv.Calls("sendChatAction")); n != 0 {
		t.Errorf("urgent reply waited for %d typing actions", n)
	}
	if len(e.unansweredQuestions()) != 0 {
		t.Errorf("urgent message reported unanswered")
	}
}

func TestNonTextMessages(t *testing.T) {
	e := start(t, setup{})
	e.srv.Enqueue(fakeapi.PhotoMessage(42, ""))
	voice := fakeapi.TextMessage(43, "")
	voice.Message.Voice = &models.Voice{FileID: "v1", FileUniqueID: "uv1", Duration: 3}
	e.srv.Enqueue(voice)
	service := fakeapi.TextMessage(44, "")
	service.Message.NewChatTitle = "renamed"
	e.srv.Enqueue(service)
	cs := e.sent(2)
	e.quiet(2)
	for _, c := range cs {
		// A voice note may describe an emergency the bot cannot hear.
		if !strings.Contains(c.Text(), "only read text") || !strings.Contains(c.Text(), "emergency, call 999 now") {
			t.Errorf("non-text reply %q", c.Text())
		}
	}
}

// A caption is the patient's words: it is answered like a message, and an
// emergency in it gets the urgent reply.
func TestCaptionAnswered(t *testing.T) {
	e := start(t, setup{})
	e.srv.Enqueue(fakeapi.PhotoMessage(45, "my back is agony and I can't control my bladder"))
	c := e.sent(1)[0]
	if !strings.Contains(c.Text(), "999") || c.ReplyMarkup() != "" {
		t.Errorf("caption with a red flag: got %q (markup %s), want the urgent reply", c.Text(), c.ReplyMarkup())
	}
	e.srv.Enqueue(fakeapi.PhotoMessage(46, "what is facet joint denervation?"))
	if c := e.sent(2)[1]; !strings.Contains(c.Text(), "Facet joint denervation is") {
		t.Errorf("caption question: got %q, want the passage", c.Text())
	}
}

// An edit is not answered again, unless it now describes an emergency.
func TestEditedMessageUrgentOnly(t *testing.T) {
	e := start(t, setup{})
	e.srv.Enqueue(fakeapi.EditedMessage(47, 1, "what is facet joint denervation?"))
	e.quiet(0)
	e.srv.Enqueue(fakeapi.EditedMessage(47, 1, "what is facet joint denervation? also since this morning I can't feel my legs"))
	c := e.sent(1)[0]
	if !strings.Contains(c.Text(), "999") {
		t.Errorf("edit with a red flag: got %q, want the urgent reply", c.Text())
	}
}

// In a group too, an edit that now describes an emergency gets the urgent
// reply, as a reply to the edited message; other group edits get nothing.
func TestGroupEditUrgentOnly(t *testing.T) {
	e := start(t, setup{})
	const group = -1001234567891
	edit := func(id int, text string) models.Update {
		u := fakeapi.EditedMessage(group, id, text)
		u.EditedMessage.Chat = models.Chat{ID: group, Type: models.ChatTypeSupergroup, Title: "Test Group"}
		u.EditedMessage.From = &models.User{ID: 7, FirstName: "Pat"}
		return u
	}
	e.srv.Enqueue(edit(11, "see you all at the clinic tomorrow"))
	e.srv.Enqueue(edit(12, "@Clinic_Test_Bot what is facet joint denervation?"))
	e.quiet(0)
	e.srv.Enqueue(edit(13, "sorry, can't come, my dad has crushing chest pain and can't breathe"))
	c := e.sent(1)[0]
	if !strings.Contains(c.Text(), "999") || c.ReplyMarkup() != "" {
		t.Errorf("group edit with a red flag: got %q (markup %s), want the urgent reply", c.Text(), c.ReplyMarkup())
	}
	var rp models.ReplyParameters
	if err := c.Params.Decode("reply_parameters", &rp); err != nil || rp.MessageID != 13 {
		t.Errorf("urgent reply to a group edit is not a reply to it: %v %+v", err, rp)
	}
	if id := c.ChatID(); id != group {
		t.Errorf("urgent reply sent to chat %d", id)
	}
}

func groupUpdate(chat, from int64, text string) models.Update {
	return fakeapi.GroupMessage(chat, from, text)
}

func TestGroups(t *testing.T) {
	e := start(t, setup{})
	const group = -1001234567890
	q := "what is facet joint denervation?"
	e.remember(q, "how much does it cost", "what does it cost")
	e.srv.Enqueue(groupUpdate(group, 7, q))                          // chatter: ignored
	e.srv.Enqueue(groupUpdate(group, 7, "/help@some_other_bot"))     // another bot's command
	e.srv.Enqueue(groupUpdate(group, 7, "@Clinic_Test_Bot "+q))      // mention: answered
	e.srv.Enqueue(groupUpdate(group, 7, "/contact@clinic_test_bot")) // our command
	reply := groupUpdate(group, 8, "how much does it cost")          // reply to the bot: answered
	reply.Message.ReplyToMessage = &models.Message{ID: 5, From: &models.User{ID: fakeapi.DefaultBotID, IsBot: true}, Chat: reply.Message.Chat, Date: 1, Text: "earlier"}
	e.srv.Enqueue(reply)
	e.srv.Enqueue(groupUpdate(group, 7, "what does it cost")) // chatter again
	e.srv.Enqueue(groupUpdate(group, 7, "/frobnicate"))       // unknown, not addressed
	cs := e.sent(3)
	e.quiet(3)
	// Each sender's replies come in order; different senders' need not.
	var from7, from8 []fakeapi.Call
	for _, c := range cs {
		if strings.Contains(c.Text(), "cost") {
			from8 = append(from8, c)
		} else {
			from7 = append(from7, c)
		}
	}
	if len(from7) != 2 || len(from8) != 1 {
		t.Fatalf("replies %d to sender 7, %d to sender 8, want 2 and 1", len(from7), len(from8))
	}
	if !strings.HasPrefix(from7[0].Text(), "<b>What is facet joint denervation?</b>") {
		t.Errorf("mention answer %q", from7[0].Text())
	}
	var rp models.ReplyParameters
	if err := from7[0].Params.Decode("reply_parameters", &rp); err != nil || rp.MessageID == 0 {
		t.Errorf("group answer is not a reply: %v %+v", err, rp)
	}
	if !strings.Contains(from7[1].Text(), "19 Harley St") {
		t.Errorf("/contact %q", from7[1].Text())
	}
}

// postJSON posts an update to h (the bot's webhook handler) with the secret.
func postJSON(t *testing.T, url, secret, body string) int {
	t.Helper()
	code, err := fakeapi.PostWebhook(url, secret, []byte(body))
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	return code
}

func TestUpdatesWithoutMessageDoNotCrash(t *testing.T) {
	// Polling asks Telegram only for messages and button presses, so these
	// are pushed through the webhook, which takes whatever arrives.
	updates := []models.Update{
		fakeapi.EditedMessage(42, 3, "what is facet joint denervation?"),
		fakeapi.ChannelPost(-1009999, "what is facet joint denervation?"),
		{Poll: &models.Poll{ID: "poll-1", Question: "what is facet joint denervation?"}},
		{CallbackQuery: &models.CallbackQuery{ID: "inline-1", InlineMessageID: "abc", Data: "e:fjd-risks"}},
		{CallbackQuery: &models.CallbackQuery{ID: "old-1", Data: "e:fjd-risks", Message: models.MaybeInaccessibleMessage{
			Type: models.MaybeInaccessibleMessageTypeInaccessibleMessage, InaccessibleMessage: &models.InaccessibleMessage{Chat: models.Chat{ID: 42, Type: "private"}, MessageID: 1}}}},
		{},
	}
	w := startWebhook(t)
	for i, u := range updates {
		u.ID = int64(200 + i)
		if code, err := w.srv.Deliver(u); err != nil || code != http.StatusOK {
			t.Fatalf("update %d: %d %v", i, code, err)
		}
	}
	// The inaccessible-message press is answered in its chat; then the bot still works.
	w.say(42, "/help")
	cs := w.sent(2)
	if !strings.HasPrefix(cs[0].Text(), "<b>What are the risks and side effects?</b>") || !strings.Contains(cs[1].Text(), "/topics") {
		t.Errorf("replies %q / %q", cs[0].Text(), cs[1].Text())
	}
	// The inline press runs in its own queue: wait for it rather than race it.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := w.srv.WaitCalls(ctx, "answerCallbackQuery", 2); err != nil {
		t.Errorf("button presses answered: %v", err)
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(w.srv.Calls("answerCallbackQuery")); n != 2 {
		t.Errorf("%d button presses answered, want 2", n)
	}
	if strings.Contains(w.logs.String(), "panic") {
		t.Errorf("panic logged:\n%s", w.logs.String())
	}
}

func TestPanicIsRecovered(t *testing.T) {
	e := start(t, setup{before: func(b *bot.Bot) {
		bot.SetBeforeAnswer(b, func(q string) {
			if strings.Contains(q, "explode") {
				panic("cannot handle " + q)
			}
		})
	}})
	e.say(42, "please explode now")
	e.say(42, "what is facet joint denervation?")
	cs := e.sent(2)
	if !strings.Contains(cs[0].Text(), "something went wrong") {
		t.Errorf("after a panic: %q", cs[0].Text())
	}
	if !strings.HasPrefix(cs[1].Text(), "<b>What is facet joint denervation?</b>") {
		t.Errorf("after recovery: %q", cs[1].Text())
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "panic while handling an update") || !strings.Contains(logs, "panic_type=string") {
		t.Errorf("panic not logged:\n%s", logs)
	}
}

func TestTooManyRequestsStorm(t *testing.T) {
	e := start(t, setup{})
	e.srv.Fail("sendMessage",
		fakeapi.TooManyRequests(1), fakeapi.TooManyRequests(1),
		fakeapi.TooManyRequests(1), fakeapi.TooManyRequests(1))
	questions := map[int64][]string{
		42: {"what is facet joint denervation?", "how much does it cost", "does it hurt"},
		43: {"how long does the procedure take?", "what are the risks"},
		44: {"where is the clinic"},
	}
	total := 0
	for chat, qs := range questions {
		for _, q := range qs {
			e.say(chat, q)
			total++
		}
	}
	e.sent(total)
	e.quiet(total)
	if n := e.srv.PendingFaults("sendMessage"); n != 0 {
		t.Errorf("%d faults not consumed", n)
	}
	// Exactly one reply per question, in the order asked within each chat.
	for chat, qs := range questions {
		var got []string
		for _, c := range e.srv.Sent() {
			if c.ChatID() == chat {
				got = append(got, c.Text())
			}
		}
		if len(got) != len(qs) {
			t.Errorf("chat %d: %d replies to %d questions", chat, len(got), len(qs))
			continue
		}
		for i, q := range qs {
			r := e.eng.Answer(context.Background(), q)
			if r.Title != "" && !strings.HasPrefix(got[i], "<b>") {
				t.Errorf("chat %d reply %d: %q", chat, i, got[i])
			}
			if r.Title != "" && !strings.Contains(got[i], r.Title[:10]) {
				t.Errorf("chat %d reply %d out of order: %q for %q", chat, i, got[i][:40], q)
			}
		}
	}
	for _, c := range e.srv.Calls("sendMessage") {
		if c.Fault == fakeapi.FaultTooManyRequests {
			continue
		}
		if !c.OK() {
			t.Errorf("unexpected failed send: %d %s", c.Status, c.ErrorDescription)
		}
	}
}

func TestServerErrorAndDroppedConnectionAreRetried(t *testing.T) {
	e := start(t, setup{faults: func(srv *fakeapi.Server) {
		srv.Fail("getMe", fakeapi.ServerError(), fakeapi.DropConnection())
		srv.Fail("getUpdates", fakeapi.ServerError(), fakeapi.DropConnection())
	}})
	e.srv.Fail("sendMessage", fakeapi.ServerError(), fakeapi.DropConnection(), fakeapi.ServerError())
	e.say(42, "what is facet joint denervation?")
	e.sent(1)
	e.quiet(1)
	calls := e.srv.Calls("sendMessage")
	if len(calls) != 4 {
		t.Errorf("%d sendMessage attempts, want 4", len(calls))
	}
	if n := len(e.srv.Calls("getMe")); n != 3 {
		t.Errorf("%d getMe attempts, want 3", n)
	}
	if !regexp.MustCompile(`retrying" method=getUpdates attempt=2 .*no answer from telegram`).MatchString(e.logs.String()) {
		t.Errorf("getUpdates errors were not retried with their causes logged:\n%s", e.logs.String())
	}
}

func TestClientErrorIsNotRetried(t *testing.T) {
	e := start(t, setup{})
	e.srv.Fail("sendMessage", fakeapi.APIError(403, "Forbidden: bot was blocked by the user"))
	e.say(42, "what is facet joint denervation?")
	e.say(42, "/help")
	e.sent(1)
	e.quiet(1)
	if n := len(e.srv.Calls("sendMessage")); n != 2 {
		t.Errorf("%d sendMessage calls, want 2 (no retry of a 403)", n)
	}
	if !strings.Contains(e.logs.String(), "reply not delivered") {
		t.Errorf("lost reply not logged")
	}
}

func TestLogTextOnlyWhenEnabled(t *testing.T) {
	e := start(t, setup{opts: func(o *bot.Options) { o.LogText = true }})
	e.say(42, "what is facet joint denervation?")
	e.sent(1)
	e.stop()
	if !strings.Contains(e.logs.String(), "what is facet joint denervation?") {
		t.Errorf("LogText on, text not logged:\n%s", e.logs.String())
	}
	// With LogText off, every env checks in its cleanup that no text was logged.
}

func TestBadTokenStopsRun(t *testing.T) {
	srv := fakeapi.NewT(t, token)
	logs := &syncBuffer{}
	b, err := bot.New(answer.NewLive(mustEngine(t)), bot.Options{
		State:    openState(t, ""),
		Telegram: bot.Telegram{APIURL: srv.URL(), Mode: "polling", Token: "1000:WRONG-" + secretHalf},
		Logger:   slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = b.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "Unauthorized") {
		t.Fatalf("Run with a wrong token: %v", err)
	}
	if strings.Contains(err.Error(), secretHalf) || strings.Contains(logs.String(), secretHalf) {
		t.Errorf("token leaked: %v\n%s", err, logs.String())
	}
}

func TestUnreachableAPIRetriesUntilCancelled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	logs := &syncBuffer{}
	b, err := bot.New(answer.NewLive(mustEngine(t)), bot.Options{
		State:    openState(t, ""),
		Telegram: bot.Telegram{APIURL: "http://" + addr, Mode: "polling", Token: token},
		Logger:   slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	bot.SetBackoff(b, 20*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	if err := b.Run(ctx); err != nil {
		t.Errorf("Run: %v", err)
	}
	l := logs.String()
	if !strings.Contains(l, "retrying") || !strings.Contains(l, "connection refused") {
		t.Errorf("no retries logged:\n%s", l)
	}
	if strings.Contains(l, secretHalf) {
		t.Errorf("token in logs:\n%s", l)
	}
}

// ---------------------------------------------------------------------------
// Webhook

type webhookEnv struct {
	*env
	url string
}

const webhookSecret = "wh-secret-0123456789"

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startWebhook(t *testing.T) *webhookEnv {
	t.Helper()
	addr := freeAddr(t)
	url := "http://" + addr + "/telegram"
	e := start(t, setup{opts: func(o *bot.Options) {
		o.Telegram.Mode = "webhook"
		o.Telegram.WebhookSecret = webhookSecret
		o.Telegram.Webhook = bot.Webhook{Listen: addr, URL: url, Path: "/telegram"}
	}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := e.srv.WaitCalls(ctx, "setWebhook", 1); err != nil {
		t.Fatalf("%v\n%s", err, e.logs.String())
	}
	return &webhookEnv{env: e, url: url}
}

func (w *webhookEnv) say(chat int64, text string) {
	if !strings.HasPrefix(text, "/") {
		w.remember(text)
	}
	if code, err := w.srv.Deliver(fakeapi.TextMessage(chat, text)); err != nil || code != http.StatusOK {
		w.t.Fatalf("deliver: %d %v", code, err)
	}
}

func TestWebhook(t *testing.T) {
	w := startWebhook(t)
	wh := w.srv.Webhook()
	if wh.URL != w.url || wh.SecretToken != webhookSecret || fmt.Sprint(wh.AllowedUpdates) != "[message edited_message callback_query]" {
		t.Errorf("setWebhook: %+v", wh)
	}
	update := `{"update_id":5000,"message":{"message_id":1,"date":1,"chat":{"id":42,"type":"private"},"text":"/help"}}`
	for _, tc := range []struct {
		name, secret, body string
		want               int
	}{
		{"no secret", "", update, http.StatusUnauthorized},
		{"wrong secret", "wh-secret-0123456788", update, http.StatusUnauthorized},
		{"longer secret", webhookSecret + "x", update, http.StatusUnauthorized},
		{"oversize", webhookSecret, `{"update_id":5001,"message":{"text":"` + strings.Repeat("a", 2<<20) + `"}}`, http.StatusRequestEntityTooLarge},
		{"malformed", webhookSecret, `{"update_id":5002,"message":`, http.StatusBadRequest},
		{"not an update", webhookSecret, `null`, http.StatusBadRequest},
		{"right secret", webhookSecret, update, http.StatusOK},
		{"redelivered", webhookSecret, update, http.StatusOK},
	} {
		if got := postJSON(t, w.url, tc.secret, tc.body); got != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, got, tc.want)
		}
	}
	resp, err := http.Get(w.url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", resp.StatusCode)
	}
	// A health check on the same listener, with no secret.
	health := strings.TrimSuffix(w.url, "/telegram") + "/healthz"
	resp, err = http.Get(health)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Errorf("GET /healthz: %d %q", resp.StatusCode, body)
	}
	if code := postJSON(t, health, "", "{}"); code != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz: %d", code)
	}
	// Only the accepted update is answered, and only once.
	w.say(42, "what is facet joint denervation?")
	cs := w.sent(2)
	w.quiet(2)
	if !strings.Contains(cs[0].Text(), "/topics") || !strings.HasPrefix(cs[1].Text(), "<b>What is facet joint denervation?</b>") {
		t.Errorf("webhook replies %q, %q", cs[0].Text(), cs[1].Text())
	}
	logs := w.logs.String()
	if strings.Contains(logs, strings.Repeat("a", 100)) || strings.Contains(logs, "/help") && strings.Contains(logs, `"text"`) {
		t.Errorf("webhook body logged:\n%s", logs)
	}
}

func TestWebhookShutdownFinishesReplies(t *testing.T) {
	w := startWebhook(t)
	w.srv.Fail("sendMessage", fakeapi.Delay(700*time.Millisecond))
	w.say(42, "what is facet joint denervation?")
	took := w.stop() // the reply is in progress: Run waits for it
	if n := len(w.srv.Sent()); n != 1 {
		t.Errorf("%d replies sent by the end of Run, want 1", n)
	}
	if took > 3*time.Second {
		t.Errorf("shutdown took %s", took)
	}
	if _, err := fakeapi.PostWebhook(w.url, webhookSecret, []byte(`{"update_id":9}`)); err == nil {
		t.Errorf("webhook still listening after Run returned")
	}
	// An update reaching the handler after shutdown is refused, so that
	// Telegram delivers it again rather than counting it as answered.
	hs := httptest.NewServer(w.bot.Handler())
	defer hs.Close()
	if code := postJSON(t, hs.URL, webhookSecret, `{"update_id":9001,"message":{"message_id":1,"date":1,"chat":{"id":42,"type":"private"},"text":"/help"}}`); code != http.StatusServiceUnavailable {
		t.Errorf("after shutdown: %d, want 503", code)
	}
}

// ---------------------------------------------------------------------------
// Shutdown in polling mode

func TestPollingShutdown(t *testing.T) {
	started := make(chan struct{}, 10)
	stateDir := t.TempDir()
	e := start(t, setup{
		stateDir: stateDir,
		opts:     func(o *bot.Options) { o.ShutdownGrace = 400 * time.Millisecond },
		before: func(b *bot.Bot) {
			bot.SetBeforeAnswer(b, func(string) { started <- struct{}{} })
		},
	})
	// The first question is answered before shutdown; the second one's
	// reply hangs longer than the grace and is abandoned.
	e.say(42, "what is facet joint denervation?")
	e.sent(1)
	e.srv.Fail("sendMessage", fakeapi.Delay(5*time.Second))
	e.srv.Enqueue(fakeapi.TextMessage(43, "how much does it cost"))
	e.remember("how much does it cost")
	<-started
	<-started
	took := e.stop()
	if took > 2*time.Second {
		t.Errorf("shutdown took %s with a %s grace", took, e.opts.ShutdownGrace)
	}
	if !strings.Contains(e.logs.String(), "abandoned at shutdown, kept to send after the restart") {
		t.Errorf("abandoned reply not logged")
	}
	if e.srv.Pending() != 0 {
		t.Errorf("%d updates left unconfirmed: they are in the state", e.srv.Pending())
	}
	// A restart on the same state sends the abandoned reply, and only it;
	// it was on its way at the stop, so it is counted as perhaps sent twice.
	e.opts.State.Close()
	e2 := start(t, setup{stateDir: stateDir, srv: e.srv})
	cs := e2.sent(2)
	e2.quiet(2)
	if cs[1].ChatID() != 43 || !strings.Contains(cs[1].Text(), "cost") {
		t.Errorf("after the restart: %q to %d, want the abandoned reply to 43", cs[1].Text(), cs[1].ChatID())
	}
	if n := e2.bot.Counters().Resent.Load(); n != 1 {
		t.Errorf("%d replies counted as resent, want 1", n)
	}
}

func TestPollingShutdownConfirmsHandledUpdates(t *testing.T) {
	e := start(t, setup{})
	e.say(42, "/help")
	ids := e.srv.Enqueue(fakeapi.TextMessage(42, "/topics"))
	e.sent(2)
	e.stop()
	polls := e.srv.Calls("getUpdates")
	if off, _ := polls[len(polls)-1].Params.Int64("offset"); off != ids[0]+1 {
		t.Errorf("final offset %d, want %d", off, ids[0]+1)
	}
	if e.srv.Pending() != 0 {
		t.Errorf("%d updates left unconfirmed", e.srv.Pending())
	}
}

// ---------------------------------------------------------------------------
// Long replies

func TestLongReplyIsSplit(t *testing.T) {
	dir := t.TempDir()
	var para []string
	for i := range 40 {
		p := fmt.Sprintf("Paragraph %02d: fees & <charges> are \"explained\" here ", i)
		para = append(para, p+strings.Repeat("x", 100-len(p)))
	}
	long := strings.Join(para, "\n\n") // 4078 characters: fits an entry, not with its title
	yaml := "entries:\n  - id: long-entry\n    question: A very long question title about fees & charges?\n    topic: practical\n    booking: true\n    answer: |\n"
	for _, l := range strings.Split(long, "\n") {
		yaml += "      " + l + "\n"
	}
	yaml += "  - id: other-entry\n    question: Another question?\n    topic: practical\n    answer: Short.\n    related: [long-entry]\n"
	yaml = strings.Replace(yaml, "    answer: |\n", "    related: [other-entry]\n    answer: |\n", 1)
	if err := os.WriteFile(dir+"/k.yaml", []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	base, err := knowledge.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Build(base)
	if err != nil {
		t.Fatal(err)
	}
	eng := answer.New(ix, nil, answer.DefaultSettings(), answer.Texts{BookingURL: bookingURL})
	e := start(t, setup{live: answer.NewLive(eng)})
	e.say(42, "/start long-entry")
	cs := e.sent(2)
	e.quiet(2)
	if !strings.HasPrefix(cs[0].Text(), "<b>A very long question title about fees &amp; charges?</b>") {
		t.Errorf("first part %q", cs[0].Text()[:80])
	}
	if cs[0].ReplyMarkup() != "" || cs[1].ReplyMarkup() == "" {
		t.Errorf("buttons must be under the last part only")
	}
	if !strings.HasPrefix(cs[1].Text(), "Paragraph ") {
		t.Errorf("second part does not start at a paragraph: %q", cs[1].Text()[:40])
	}
	// Nothing lost: the parts, unescaped, hold every paragraph.
	joined := cs[0].Text() + "\n\n" + cs[1].Text()
	joined = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&quot;", `"`, "&#39;", "'").Replace(joined)
	for _, p := range para {
		if !strings.Contains(joined, p) {
			t.Fatalf("paragraph lost: %q", p)
		}
	}
}

func TestNewValidates(t *testing.T) {
	live := answer.NewLive(mustEngine(t))
	for name, tg := range map[string]bot.Telegram{
		"no token":          {Mode: "polling"},
		"bad mode":          {Mode: "carrier-pigeon", Token: token},
		"webhook no secret": {Mode: "webhook", Token: token, Webhook: bot.Webhook{Listen: ":0", URL: "https://x/y", Path: "/y"}},
		"webhook no url":    {Mode: "webhook", Token: token, WebhookSecret: "s", Webhook: bot.Webhook{Listen: ":0", Path: "/y"}},
	} {
		if _, err := bot.New(live, bot.Options{Telegram: tg}); err == nil {
			t.Errorf("%s: no error", name)
		} else if strings.Contains(err.Error(), secretHalf) {
			t.Errorf("%s: token in error", name)
		}
	}
	if _, err := bot.New(nil, bot.Options{Telegram: bot.Telegram{Token: token}}); err == nil {
		t.Error("nil live: no error")
	}
	if _, err := bot.New(live, bot.Options{Telegram: bot.Telegram{Token: token}}); err == nil {
		t.Error("no state folder: no error")
	}
	b, err := bot.New(live, bot.Options{Telegram: bot.Telegram{Token: token}, State: openState(t, "")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.Run(ctx); err != nil {
		t.Errorf("Run with a cancelled context: %v", err)
	}
	if err := b.Run(ctx); err == nil || errors.Is(err, context.Canceled) {
		t.Errorf("second Run: %v", err)
	}
}

// A command carrying a red flag gets the urgent reply, not the command's.
func TestCommandWithRedFlag(t *testing.T) {
	e := start(t, setup{})
	e.srv.Enqueue(fakeapi.TextMessage(48, "/help my back is agony and I can't control my bladder"))
	c := e.sent(1)[0]
	if !strings.Contains(c.Text(), "999") || c.ReplyMarkup() != "" {
		t.Errorf("got %q (markup %s), want the urgent reply", c.Text(), c.ReplyMarkup())
	}
}

// In a group the bot keeps out of chatter, but not out of an emergency.
func TestGroupEmergencyWithoutMention(t *testing.T) {
	e := start(t, setup{})
	e.srv.Enqueue(groupUpdate(-300, 7, "anyone else find the waiting room cold?"))
	e.srv.Enqueue(groupUpdate(-300, 8, "my back is agony and I can't control my bladder since this morning"))
	c := e.sent(1)[0]
	if !strings.Contains(c.Text(), "999") || c.ChatID() != -300 {
		t.Errorf("got %q to %d, want the urgent reply in the group", c.Text(), c.ChatID())
	}
	e.quiet(1)
}

// An emergency is answered at once, not after the chat's earlier reply,
// even while that reply is stuck retrying.
func TestUrgentDoesNotWaitItsTurn(t *testing.T) {
	e := start(t, setup{})
	e.srv.Fail("sendMessage", fakeapi.TooManyRequests(3)) // the first reply waits 3 s
	e.say(71, "what is facet joint denervation?")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := e.srv.WaitCalls(ctx, "sendMessage", 1); err != nil {
		t.Fatal(err)
	}
	e.say(71, "I can't feel my legs and I've wet myself")
	first := e.sent(1)[0]
	if !strings.Contains(first.Text(), "999") {
		t.Errorf("first reply delivered: %q, want the urgent one (the answer is still waiting)", first.Text())
	}
	if cs := e.sent(2); !strings.Contains(cs[1].Text(), "Facet joint denervation is") {
		t.Errorf("then %q, want the passage", cs[1].Text())
	}
}

// A command for another bot, in a private chat or a group, is not the
// bot's to answer, unless it describes an emergency.
func TestEmergencyInAnotherBotsCommand(t *testing.T) {
	e := start(t, setup{})
	const group = -1001234567892
	e.remember("I can't feel my legs and I've wet myself", "crushing chest pain, can't breathe")
	e.srv.Enqueue(fakeapi.TextMessage(81, "/start@other_bot I can't feel my legs and I've wet myself"))
	e.srv.Enqueue(groupUpdate(group, 7, "/help@other_bot crushing chest pain, can't breathe"))
	cs := e.sent(2)
	e.quiet(2)
	for _, c := range cs {
		if !strings.Contains(c.Text(), "999") {
			t.Errorf("chat %d: %q, want the urgent reply", c.ChatID(), c.Text())
		}
	}
	e.srv.Enqueue(fakeapi.TextMessage(81, "/start@other_bot"))
	e.quiet(2)
}

// A send that times out may have gone through, but a reply not sent is
// worse than one sent twice: every timed-out send is tried again, and
// counted.
func TestTimedOutSendRetried(t *testing.T) {
	e := start(t, setup{before: func(b *bot.Bot) { bot.SetAttemptTimeout(b, 300*time.Millisecond) }})
	e.srv.Fail("sendMessage", fakeapi.Delay(time.Second))
	e.say(91, "what is facet joint denervation?")
	if c := e.sent(1)[0]; c.ChatID() != 91 || !strings.Contains(c.Text(), "Facet joint denervation is") {
		t.Errorf("retry %q to chat %d", c.Text(), c.ChatID())
	}
	e.srv.Fail("sendMessage", fakeapi.Delay(time.Second))
	e.say(92, "I can't feel my legs and I've wet myself")
	if c := e.sent(2)[1]; c.ChatID() != 92 || !strings.Contains(c.Text(), "999") {
		t.Errorf("retry %q to chat %d", c.Text(), c.ChatID())
	}
	e.quiet(2)
	if n := len(e.srv.Calls("sendMessage")); n != 4 {
		t.Errorf("%d sendMessage calls, want 4 (two timed out)", n)
	}
	if n := e.bot.Counters().TimedOut.Load(); n != 2 {
		t.Errorf("%d timeouts counted, want 2", n)
	}
}

// An emergency sent in two messages is read as one; two people's messages
// in a group are not, and the message after an urgent reply starts afresh.
func TestEmergencyInTwoMessages(t *testing.T) {
	e := start(t, setup{})
	e.say(95, "I've lost control")
	first := e.sent(1)[0]
	if strings.Contains(first.Text(), "999 or go to A&amp;E now") {
		t.Fatalf("the first half alone is already urgent: %q", first.Text())
	}
	e.say(95, "of my bladder and my back is agony")
	if c := e.sent(2)[1]; !strings.Contains(c.Text(), "999") || c.ReplyMarkup() != "" {
		t.Errorf("second half: %q, want the urgent reply", c.Text())
	}
	e.say(95, "thanks")
	if c := e.sent(3)[2]; strings.Contains(c.Text(), "medical emergency") {
		t.Errorf("the message after an urgent reply: %q, want an ordinary reply", c.Text())
	}
	// Two whole messages are not read as one.
	e.remember("Had my injection yesterday", "Temperature in the waiting room was freezing, can you turn the heating up?")
	e.say(96, "Had my injection yesterday")
	e.say(96, "Temperature in the waiting room was freezing, can you turn the heating up?")
	for _, c := range e.sent(5)[3:] {
		if strings.Contains(c.Text(), "medical emergency") {
			t.Errorf("two ordinary messages read as an emergency: %q", c.Text())
		}
	}
	const group = -1001234567893
	e.remember("I've lost control", "of my bladder and my back is agony")
	e.srv.Enqueue(groupUpdate(group, 7, "I've lost control"))
	e.srv.Enqueue(groupUpdate(group, 8, "of my bladder and my back is agony"))
	e.quiet(5)
}
