package fakeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

const token = "1000:TEST-TOKEN"

// errLog collects errors reported by the library's errors handler.
type errLog struct {
	mu   sync.Mutex
	errs []error
}

func (l *errLog) handle(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, err)
}

func (l *errLog) all() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]error(nil), l.errs...)
}

func newBot(t *testing.T, srv *Server, opts ...bot.Option) (*bot.Bot, *errLog) {
	t.Helper()
	l := &errLog{}
	opts = append([]bot.Option{bot.WithServerURL(srv.URL()), bot.WithErrorsHandler(l.handle)}, opts...)
	b, err := bot.New(srv.Token(), opts...)
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	return b, l
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

type apiResp struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  *struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

func rawPost(t *testing.T, u, contentType, body string) (int, apiResp) {
	t.Helper()
	resp, err := http.Post(u, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r apiResp
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("decode %q: %v", raw, err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("response Content-Type = %q", ct)
	}
	return resp.StatusCode, r
}

func TestGetMeAtNew(t *testing.T) {
	srv := NewT(t, token)
	b, _ := newBot(t, srv)

	calls := srv.Calls("getMe")
	if len(calls) != 1 || !calls[0].OK() {
		t.Fatalf("getMe calls = %+v", calls)
	}
	if c := calls[0]; c.ContentType != "multipart/form-data" || c.HTTPMethod != http.MethodPost || len(c.Params) != 0 {
		t.Errorf("getMe call = %+v", c)
	}
	me, err := b.GetMe(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if me.ID != DefaultBotID || !me.IsBot || me.Username != DefaultBotUsername {
		t.Errorf("getMe = %+v", me)
	}
}

func TestLongPollingDeliversUpdateToHandler(t *testing.T) {
	srv := NewT(t, token)
	got := make(chan *models.Update, 4)
	b, errs := newBot(t, srv, bot.WithDefaultHandler(func(ctx context.Context, b *bot.Bot, u *models.Update) {
		got <- u
	}))
	b.RegisterHandler(bot.HandlerTypeMessageText, "start", bot.MatchTypeCommand, func(ctx context.Context, b *bot.Bot, u *models.Update) {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: "Welcome!"})
		if err != nil {
			errs.handle(err)
		}
	})

	ctx, cancel := context.WithCancel(testCtx(t))
	done := make(chan struct{})
	go func() { b.Start(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	ids := srv.Enqueue(TextMessage(42, "what are your opening hours?"), TextMessage(42, "/start"))
	if ids[0] != 1 || ids[1] != 2 {
		t.Fatalf("update ids = %v", ids)
	}
	select {
	case u := <-got:
		if u.ID != 1 || u.Message == nil || u.Message.Text != "what are your opening hours?" || u.Message.Chat.ID != 42 || u.Message.ID == 0 {
			t.Fatalf("update = %+v", u)
		}
	case <-ctx.Done():
		t.Fatal("update not delivered")
	}
	sent, err := srv.WaitSent(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if sent[0].Text() != "Welcome!" || sent[0].ChatID() != 42 {
		t.Errorf("sent = %+v", sent[0])
	}

	// The library confirms by polling again with offset = last id + 1.
	for srv.Pending() != 0 {
		select {
		case <-ctx.Done():
			t.Fatalf("updates never confirmed, pending %d", srv.Pending())
		case <-time.After(10 * time.Millisecond):
		}
	}
	polls := srv.Calls("getUpdates")
	if len(polls) == 0 || polls[0].Params.Get("offset") != "1" || polls[0].Params.Get("timeout") != "59" {
		t.Errorf("first getUpdates = %+v", polls)
	}
	if e := errs.all(); len(e) != 0 {
		t.Errorf("library errors: %v", e)
	}
}

func TestSendMessageWithInlineKeyboard(t *testing.T) {
	srv := NewT(t, token)
	b, _ := newBot(t, srv)
	ctx := testCtx(t)

	kb := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
		{{Text: "Book a visit", CallbackData: "book"}, {Text: "Prices", CallbackData: "prices"}},
		{{Text: "Website", URL: "https://clinic.example"}},
	}}
	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{
		ChatID:      int64(42),
		Text:        "<b>Hello</b> & welcome",
		ParseMode:   models.ParseModeHTML,
		ReplyMarkup: kb,
	})
	if err != nil {
		t.Fatal(err)
	}
	if msg.ID == 0 || msg.Chat.ID != 42 || msg.Chat.Type != models.ChatTypePrivate || msg.Text != "<b>Hello</b> & welcome" || msg.Date == 0 {
		t.Errorf("returned message = %+v", msg)
	}
	if msg.ReplyMarkup == nil || msg.ReplyMarkup.InlineKeyboard[0][1].CallbackData != "prices" {
		t.Errorf("returned reply_markup = %+v", msg.ReplyMarkup)
	}
	msg2, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "second"})
	if err != nil {
		t.Fatal(err)
	}
	if msg2.ID != msg.ID+1 {
		t.Errorf("message ids %d then %d", msg.ID, msg2.ID)
	}

	sent := srv.Sent()
	if len(sent) != 2 {
		t.Fatalf("sent = %d", len(sent))
	}
	c := sent[0]
	if c.Text() != "<b>Hello</b> & welcome" || c.ChatID() != 42 || c.ParseMode() != "HTML" {
		t.Errorf("call = %+v", c.Params)
	}
	rows, err := c.InlineKeyboard()
	if err != nil {
		t.Fatalf("reply_markup %q: %v", c.ReplyMarkup(), err)
	}
	if len(rows) != 2 || rows[0][0].CallbackData != "book" || rows[1][0].URL != "https://clinic.example" {
		t.Errorf("keyboard = %+v", rows)
	}
	if m, err := c.Message(); err != nil || m.ID != msg.ID {
		t.Errorf("recorded result = %+v, %v", m, err)
	}
	if sent[1].ReplyMarkup() != "" || sent[1].Params.Has("parse_mode") {
		t.Errorf("second call params = %+v", sent[1].Params)
	}

	// A pre-encoded JSON string as ReplyMarkup is sent verbatim by the library.
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "x", ReplyMarkup: `{"inline_keyboard":[[{"text":"T","callback_data":"d"}]]}`}); err != nil {
		t.Errorf("string reply_markup: %v", err)
	}
	if rows, err := srv.Sent()[2].InlineKeyboard(); err != nil || rows[0][0].CallbackData != "d" {
		t.Errorf("string reply_markup recorded: %+v %v", rows, err)
	}
	// Markup that is not a JSON object is rejected, as by Telegram.
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "x", ReplyMarkup: "nope"}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("invalid reply_markup: %v", err)
	}
}

func TestJSONAndURLEncodedBodies(t *testing.T) {
	srv := NewT(t, token)
	base := srv.URL() + "/bot" + token + "/"

	status, r := rawPost(t, base+"sendMessage", "application/json",
		`{"chat_id":-1001234567890,"text":"hi \"there\"","disable_notification":true,"reply_markup":{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}}`)
	if status != 200 || !r.OK {
		t.Fatalf("status %d, %+v", status, r)
	}
	var m models.Message
	if err := json.Unmarshal(r.Result, &m); err != nil || m.Chat.Type != models.ChatTypeSupergroup {
		t.Errorf("result %s: %v", r.Result, err)
	}
	c := srv.Sent()[0]
	if c.ContentType != "application/json" || c.ChatID() != -1001234567890 || c.Text() != `hi "there"` || !c.Params.Bool("disable_notification") {
		t.Errorf("call = %+v", c)
	}
	if rows, err := c.InlineKeyboard(); err != nil || rows[0][0].CallbackData != "a" {
		t.Errorf("keyboard = %+v, %v", rows, err)
	}

	status, r = rawPost(t, base+"sendmessage", "application/x-www-form-urlencoded",
		url.Values{"chat_id": {"7"}, "text": {"form body"}}.Encode())
	if status != 200 || !r.OK {
		t.Fatalf("urlencoded: status %d, %+v", status, r)
	}
	c = srv.Sent()[1]
	if c.Method != "sendMessage" || c.ContentType != "application/x-www-form-urlencoded" || c.ChatID() != 7 || c.Text() != "form body" {
		t.Errorf("urlencoded call = %+v", c)
	}

	status, r = rawPost(t, base+"sendMessage", "application/json", `{"chat_id":1}`)
	if status != 400 || r.OK || r.ErrorCode != 400 || r.Description != "Bad Request: message text is empty" {
		t.Errorf("empty text: %d %+v", status, r)
	}
	status, _ = rawPost(t, base+"sendMessage", "application/json", `{not json`)
	if status != 400 {
		t.Errorf("malformed JSON: status %d", status)
	}
}

func TestTooManyRequests(t *testing.T) {
	srv := NewT(t, token)
	b, _ := newBot(t, srv)
	ctx := testCtx(t)
	srv.Fail("sendMessage", TooManyRequests(7))

	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: "x"})
	var tmr *bot.TooManyRequestsError
	if !errors.As(err, &tmr) || tmr.RetryAfter != 7 || !bot.IsTooManyRequestsError(err) {
		t.Fatalf("err = %#v", err)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: "x"}); err != nil {
		t.Fatalf("retry: %v", err)
	}
	calls := srv.Calls("sendMessage")
	if len(calls) != 2 || !calls[0].Faulted() || calls[0].Status != 429 || calls[0].Fault != FaultTooManyRequests || calls[1].Faulted() {
		t.Errorf("calls = %+v", calls)
	}
	if len(srv.Sent()) != 1 {
		t.Errorf("sent = %d", len(srv.Sent()))
	}

	// Raw wire format.
	srv.Fail("getMe", TooManyRequests(3))
	status, r := rawPost(t, srv.URL()+"/bot"+token+"/getMe", "", "")
	if status != 429 || r.ErrorCode != 429 || r.Parameters == nil || r.Parameters.RetryAfter != 3 || r.Description != "Too Many Requests: retry after 3" {
		t.Errorf("429 wire: %d %+v", status, r)
	}
}

func TestOtherFaults(t *testing.T) {
	srv := NewT(t, token)
	b, _ := newBot(t, srv)
	ctx := testCtx(t)
	p := &bot.SendMessageParams{ChatID: 1, Text: "x"}

	srv.Fail("sendMessage", ServerError(), DropConnection(), Delay(50*time.Millisecond), APIError(403, "Forbidden: bot was blocked by the user"))
	if _, err := b.SendMessage(ctx, p); err == nil || !strings.Contains(err.Error(), "500 Internal Server Error") {
		t.Errorf("server error: %v", err)
	}
	if _, err := b.SendMessage(ctx, p); err == nil {
		t.Error("dropped connection: no error")
	}
	start := time.Now()
	if _, err := b.SendMessage(ctx, p); err != nil || time.Since(start) < 50*time.Millisecond {
		t.Errorf("delay: %v after %v", err, time.Since(start))
	}
	if _, err := b.SendMessage(ctx, p); !errors.Is(err, bot.ErrorForbidden) {
		t.Errorf("403: %v", err)
	}
	if _, err := b.SendMessage(ctx, p); err != nil {
		t.Errorf("after faults: %v", err)
	}
	calls := srv.Calls("sendMessage")
	want := []struct {
		fault  FaultKind
		status int
	}{{FaultServerError, 500}, {FaultDropConnection, 0}, {FaultDelay, 200}, {FaultAPIError, 403}, {"", 200}}
	if len(calls) != len(want) {
		t.Fatalf("calls = %d", len(calls))
	}
	for i, w := range want {
		if calls[i].Fault != w.fault || calls[i].Status != w.status {
			t.Errorf("call %d: fault %q status %d, want %q %d", i, calls[i].Fault, calls[i].Status, w.fault, w.status)
		}
	}
	if n := len(srv.Sent()); n != 2 || srv.PendingFaults("sendMessage") != 0 {
		t.Errorf("sent %d, pending faults %d", n, srv.PendingFaults("sendMessage"))
	}
}

func TestWrongTokenAndUnknownMethod(t *testing.T) {
	srv := NewT(t, token)
	_, err := bot.New("999:WRONG", bot.WithServerURL(srv.URL()))
	if !errors.Is(err, bot.ErrorUnauthorized) {
		t.Errorf("bot.New with wrong token: %v", err)
	}
	status, r := rawPost(t, srv.URL()+"/bot999:WRONG/getMe", "", "")
	if status != 401 || r.OK || r.ErrorCode != 401 || r.Description != "Unauthorized" {
		t.Errorf("wrong token: %d %+v", status, r)
	}
	status, r = rawPost(t, srv.URL()+"/bot"+token+"/sendTelepathy", "", "")
	if status != 404 || r.ErrorCode != 404 || r.Description != "Not Found: method not found" {
		t.Errorf("unknown method: %d %+v", status, r)
	}
	// A real but unmodelled method answers true.
	status, r = rawPost(t, srv.URL()+"/bot"+token+"/deleteMessage", "application/json", `{"chat_id":1,"message_id":2}`)
	if status != 200 || string(r.Result) != "true" {
		t.Errorf("deleteMessage: %d %+v", status, r)
	}
	if c := srv.Calls("deleteMessage"); len(c) != 1 || c[0].Params.Get("message_id") != "2" {
		t.Errorf("deleteMessage calls = %+v", c)
	}
}

func TestWebhookDelivery(t *testing.T) {
	srv := NewT(t, token)
	got := make(chan *models.Update, 4)
	b, errs := newBot(t, srv,
		bot.WithWebhookSecretToken("s3cret"),
		bot.WithDefaultHandler(func(ctx context.Context, b *bot.Bot, u *models.Update) { got <- u }))

	var mu sync.Mutex
	var headers []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		headers = append(headers, r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
		mu.Unlock()
		b.WebhookHandler()(w, r)
	}))
	defer hook.Close()

	ctx, cancel := context.WithCancel(testCtx(t))
	done := make(chan struct{})
	go func() { b.StartWebhook(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	if _, err := srv.Deliver(TextMessage(1, "x")); err == nil {
		t.Error("Deliver without webhook: no error")
	}
	ok, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: hook.URL, SecretToken: "s3cret", AllowedUpdates: []string{"message", "callback_query"}})
	if err != nil || !ok {
		t.Fatalf("setWebhook: %v %v", ok, err)
	}
	if wh := srv.Webhook(); wh.URL != hook.URL || wh.SecretToken != "s3cret" || len(wh.AllowedUpdates) != 2 {
		t.Errorf("webhook = %+v", wh)
	}
	info, err := b.GetWebhookInfo(ctx)
	if err != nil || info.URL != hook.URL {
		t.Errorf("getWebhookInfo = %+v, %v", info, err)
	}
	// getUpdates is refused while a webhook is set, as on the real API.
	status, r := rawPost(t, srv.URL()+"/bot"+token+"/getUpdates", "", "")
	if status != 409 || r.ErrorCode != 409 {
		t.Errorf("getUpdates with webhook: %d %+v", status, r)
	}

	code, err := srv.Deliver(CallbackQuery(42, "book", 17))
	if err != nil || code != 200 {
		t.Fatalf("Deliver: %d %v", code, err)
	}
	select {
	case u := <-got:
		if u.CallbackQuery == nil || u.CallbackQuery.Data != "book" || u.CallbackQuery.Message.Message == nil || u.CallbackQuery.Message.Message.ID != 17 {
			t.Errorf("update = %+v", u)
		}
	case <-ctx.Done():
		t.Fatal("webhook update not handled")
	}
	mu.Lock()
	if len(headers) != 1 || headers[0] != "s3cret" {
		t.Errorf("secret headers = %q", headers)
	}
	mu.Unlock()

	// Negative test: wrong secret. Note go-telegram/bot's WebhookHandler still
	// answers 200; it only reports the problem to the errors handler.
	code, err = PostWebhook(hook.URL, "wrong", []byte(`{"update_id":99,"message":{"message_id":1,"date":1,"chat":{"id":1,"type":"private"},"text":"x"}}`))
	if err != nil || code != 200 {
		t.Errorf("wrong secret: %d %v", code, err)
	}
	if e := errs.all(); len(e) != 1 || !strings.Contains(e[0].Error(), "invalid webhook secret token") {
		t.Errorf("errors = %v", e)
	}

	if ok, err := b.DeleteWebhook(ctx, &bot.DeleteWebhookParams{DropPendingUpdates: true}); err != nil || !ok {
		t.Errorf("deleteWebhook: %v %v", ok, err)
	}
	if srv.Webhook().URL != "" {
		t.Error("webhook not deleted")
	}
}

func TestGetUpdatesSemantics(t *testing.T) {
	t.Parallel()
	srv := NewT(t, token)
	base := srv.URL() + "/bot" + token + "/getUpdates"
	ids := func(raw json.RawMessage) []int64 {
		var us []models.Update
		if err := json.Unmarshal(raw, &us); err != nil {
			t.Fatalf("decode %s: %v", raw, err)
		}
		var out []int64
		for _, u := range us {
			out = append(out, u.ID)
		}
		return out
	}

	srv.Enqueue(TextMessage(1, "a"), CallbackQuery(1, "b", 5), TextMessage(1, "c"))
	_, r := rawPost(t, base, "application/json", `{"limit":2}`)
	if got := ids(r.Result); len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Errorf("limit 2: %v", got)
	}
	_, r = rawPost(t, base, "application/json", `{"offset":3}`)
	if got := ids(r.Result); len(got) != 1 || got[0] != 3 || srv.Pending() != 1 {
		t.Errorf("offset 3: %v, pending %d", got, srv.Pending())
	}
	_, r = rawPost(t, base, "application/json", `{"offset":4}`)
	if got := ids(r.Result); len(got) != 0 || srv.Pending() != 0 {
		t.Errorf("offset 4: %v, pending %d", got, srv.Pending())
	}

	srv.Enqueue(TextMessage(1, "d"), CallbackQuery(1, "e", 5))
	_, r = rawPost(t, base, "application/json", `{"offset":4,"allowed_updates":["callback_query"]}`)
	if got := ids(r.Result); len(got) != 1 || got[0] != 5 {
		t.Errorf("allowed_updates: %v", got)
	}

	// A long poll returns as soon as an update is enqueued.
	go func() {
		time.Sleep(30 * time.Millisecond)
		srv.Enqueue(CallbackQuery(1, "f", 5))
	}()
	start := time.Now()
	_, r = rawPost(t, base, "application/json", `{"offset":6,"timeout":30}`)
	if got := ids(r.Result); len(got) != 1 || got[0] != 6 || time.Since(start) > 2*time.Second {
		t.Errorf("long poll: %v after %v", got, time.Since(start))
	}

	// With nothing queued it answers [] after the timeout.
	start = time.Now()
	_, r = rawPost(t, base, "application/json", `{"offset":7,"timeout":1}`)
	if el := time.Since(start); string(r.Result) != "[]" || el < 900*time.Millisecond || el > 1900*time.Millisecond {
		t.Errorf("timeout: %s after %v", r.Result, el)
	}
}

func TestLongPollEndsOnClientCancelAndClose(t *testing.T) {
	t.Parallel()
	srv := New(token)
	defer srv.Close()
	u := srv.URL() + "/bot" + token + "/getUpdates"

	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(`{"timeout":50}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("canceled poll: %v", err)
	}
	wctx, wcancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer wcancel()
	if c, err := srv.WaitCalls(wctx, "getUpdates", 1); err != nil || c[0].Status != 0 {
		t.Errorf("canceled poll record: %+v %v", c, err)
	}

	type result struct {
		status int
		body   string
		err    error
	}
	resc := make(chan result, 1)
	go func() {
		resp, err := http.Post(u, "application/json", strings.NewReader(`{"timeout":50}`))
		if err != nil {
			resc <- result{err: err}
			return
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		resc <- result{status: resp.StatusCode, body: string(raw)}
	}()
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	srv.Close()
	select {
	case res := <-resc:
		if res.err != nil || res.status != 200 || !strings.Contains(res.body, `"result":[]`) {
			t.Errorf("poll after Close: %+v", res)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not unblock the long poll")
	}
	if time.Since(start) > time.Second {
		t.Errorf("Close took %v", time.Since(start))
	}
	if _, err := srv.WaitCalls(context.Background(), "getUpdates", 99); err == nil {
		t.Error("WaitCalls after Close: no error")
	}
}

func TestCommandsEditsAndMedia(t *testing.T) {
	srv := NewT(t, token)
	b, _ := newBot(t, srv)
	ctx := testCtx(t)

	cmds := []models.BotCommand{{Command: "start", Description: "Start"}, {Command: "hours", Description: "Opening hours"}}
	if ok, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: cmds}); err != nil || !ok {
		t.Fatalf("setMyCommands: %v %v", ok, err)
	}
	if ok, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: cmds[:1], Scope: &models.BotCommandScopeAllGroupChats{}, LanguageCode: "ru"}); err != nil || !ok {
		t.Fatalf("setMyCommands scoped: %v %v", ok, err)
	}
	var recorded []models.BotCommand
	if err := srv.Calls("setMyCommands")[0].Params.Decode("commands", &recorded); err != nil || len(recorded) != 2 {
		t.Errorf("recorded commands = %+v, %v", recorded, err)
	}
	got, err := b.GetMyCommands(ctx, &bot.GetMyCommandsParams{})
	if err != nil || len(got) != 2 || got[1].Command != "hours" {
		t.Errorf("getMyCommands = %+v, %v", got, err)
	}
	if CommandsFor := srv.CommandsFor(`{"type":"all_group_chats"}`, "ru"); !strings.Contains(CommandsFor, `"start"`) {
		t.Errorf("scoped commands = %s", CommandsFor)
	}
	if _, err := b.DeleteMyCommands(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := b.GetMyCommands(ctx, nil); err != nil || len(got) != 0 || srv.Commands() != "" {
		t.Errorf("after delete: %+v, %v", got, err)
	}

	if ok, err := b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: 5, Action: models.ChatActionTyping}); err != nil || !ok {
		t.Errorf("sendChatAction: %v %v", ok, err)
	}
	if ok, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: "cbq-1", Text: "Done"}); err != nil || !ok {
		t.Errorf("answerCallbackQuery: %v %v", ok, err)
	}
	m, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 5, MessageID: 9, Text: "edited"})
	if err != nil || m.ID != 9 || m.Text != "edited" || m.EditDate == 0 {
		t.Errorf("editMessageText = %+v, %v", m, err)
	}
	m, err = b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: 5, MessageID: 9,
		ReplyMarkup: models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "Back", CallbackData: "back"}}}}})
	if err != nil || m.ReplyMarkup == nil || m.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "back" {
		t.Errorf("editMessageReplyMarkup = %+v, %v", m, err)
	}

	m, err = b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: 5, Caption: "map",
		Photo: &models.InputFileUpload{Filename: "map.png", Data: bytes.NewReader([]byte("PNGDATA"))}})
	if err != nil || len(m.Photo) == 0 || m.Caption != "map" {
		t.Errorf("sendPhoto = %+v, %v", m, err)
	}
	if f := srv.Calls("sendPhoto")[0].Files["photo"]; f.Filename != "map.png" || string(f.Data) != "PNGDATA" {
		t.Errorf("uploaded file = %+v", f)
	}
	m, err = b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: 5, Document: &models.InputFileString{Data: "file-id-123"}})
	if err != nil || m.Document == nil {
		t.Errorf("sendDocument = %+v, %v", m, err)
	}
	if c := srv.Calls("sendDocument")[0]; c.Params.Get("document") != "file-id-123" {
		t.Errorf("sendDocument params = %+v", c.Params)
	}

	if err := srv.SetResult("getChat", models.ChatFullInfo{ID: 5, Type: models.ChatTypePrivate, FirstName: "Ann"}); err != nil {
		t.Fatal(err)
	}
	if ci, err := b.GetChat(ctx, &bot.GetChatParams{ChatID: 5}); err != nil || ci.FirstName != "Ann" {
		t.Errorf("getChat = %+v, %v", ci, err)
	}
}

func TestBuilders(t *testing.T) {
	u := TextMessage(42, "Привет /help@clinic_test_bot now")
	e := u.Message.Entities
	if len(e) != 1 || e[0].Type != models.MessageEntityTypeBotCommand || e[0].Offset != 7 || e[0].Length != 21 {
		t.Errorf("entities = %+v", e)
	}
	if u.Message.From.ID != 42 || u.Message.Chat.Type != models.ChatTypePrivate {
		t.Errorf("text message = %+v", u.Message)
	}
	if g := GroupMessage(-100123, 7, "hi"); g.Message.Chat.Type != models.ChatTypeSupergroup || g.Message.From.ID != 7 {
		t.Errorf("group = %+v", g.Message)
	}
	if p := PhotoMessage(1, "/start"); len(p.Message.Photo) != 2 || len(p.Message.CaptionEntities) != 1 {
		t.Errorf("photo = %+v", p.Message)
	}
	if em := EditedMessage(1, 5, "fixed"); em.EditedMessage.ID != 5 || em.EditedMessage.EditDate == 0 {
		t.Errorf("edited = %+v", em.EditedMessage)
	}
	if cp := ChannelPost(-100999, "news"); cp.ChannelPost.Chat.Type != models.ChatTypeChannel || cp.ChannelPost.From != nil {
		t.Errorf("channel post = %+v", cp.ChannelPost)
	}
	a, b := CallbackQuery(1, "x", 3), CallbackQuery(1, "x", 3)
	if a.CallbackQuery.ID == b.CallbackQuery.ID {
		t.Error("callback query ids not unique")
	}

	// Round trip through the server keeps everything decodable by the library.
	srv := NewT(t, token)
	srv.Enqueue(u, PhotoMessage(1, "c"), EditedMessage(1, 5, "e"), ChannelPost(-100999, "n"), a)
	_, r := rawPost(t, srv.URL()+"/bot"+token+"/getUpdates", "", "")
	var us []models.Update
	if err := json.Unmarshal(r.Result, &us); err != nil || len(us) != 5 {
		t.Fatalf("updates: %v %s", err, r.Result)
	}
	if us[0].Message.ID == 0 || us[1].Message.ID == us[0].Message.ID || us[2].EditedMessage.ID != 5 || us[3].ChannelPost == nil || us[4].CallbackQuery.Message.Message.ID != 3 {
		t.Errorf("round trip = %+v", us)
	}
}

// As on Telegram, a getUpdates ends the long poll already in progress
// (another process polling the same token) with 409 Conflict.
func TestSecondPollEndsTheFirst(t *testing.T) {
	t.Parallel()
	srv := NewT(t, token)
	u := srv.URL() + "/bot" + token + "/getUpdates"
	type result struct {
		status int
		body   string
	}
	first := make(chan result, 1)
	go func() {
		resp, err := http.Post(u, "application/json", strings.NewReader(`{"timeout":30}`))
		if err != nil {
			first <- result{body: err.Error()}
			return
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		first <- result{resp.StatusCode, string(raw)}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// The first poll is waiting once the fake holds it.
	for {
		srv.mu.Lock()
		waiting := srv.poller != nil
		srv.mu.Unlock()
		if waiting {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("the first poll never started")
		}
		time.Sleep(5 * time.Millisecond)
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		srv.Enqueue(TextMessage(1, "hello"))
	}()
	status, r := rawPost(t, u, "application/json", `{"timeout":30}`)
	if status != 200 || !strings.Contains(string(r.Result), "hello") {
		t.Errorf("second poll: %d %s", status, r.Result)
	}
	res := <-first
	if res.status != http.StatusConflict || !strings.Contains(res.body, `"error_code":409`) || !strings.Contains(res.body, ConflictDescription) {
		t.Errorf("first poll: %d %s, want 409 %q", res.status, res.body, ConflictDescription)
	}
}
