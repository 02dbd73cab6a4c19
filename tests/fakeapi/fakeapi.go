// Package fakeapi is an in-process fake of the Telegram Bot API HTTP server
// for end-to-end tests of clinicbot.
//
// It speaks the wire protocol that github.com/go-telegram/bot uses:
// POST {URL}/bot{TOKEN}/{method} with a multipart/form-data body (JSON,
// urlencoded and query-string parameters are accepted too), answered with
// {"ok":true,"result":...} or {"ok":false,"error_code":N,"description":...}.
//
// Typical use:
//
//	srv := fakeapi.NewT(t, "1000:TEST")
//	b, _ := bot.New("1000:TEST", bot.WithServerURL(srv.URL()))
//	go b.Start(ctx)
//	srv.Enqueue(fakeapi.TextMessage(42, "/start"))
//	sent, err := srv.WaitSent(ctx, 1)
//
// Every request is recorded as a Call; faults (429, 500, dropped
// connections, delays, arbitrary API errors) can be queued per method with
// Fail. Updates are served by long polling (getUpdates) from a queue filled
// by Enqueue, or pushed to a registered webhook with Deliver.
package fakeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// DefaultBotID is the user id of the bot returned by getMe unless changed with SetMe.
const DefaultBotID int64 = 1000

// DefaultBotUsername is the username of the bot returned by getMe unless changed with SetMe.
const DefaultBotUsername = "clinic_test_bot"

// MaxBodyBytes is the largest request body the server accepts; bigger bodies get 413.
const MaxBodyBytes = 50 << 20

// DefaultBotUser returns the bot user that a new Server reports from getMe.
func DefaultBotUser() models.User {
	return models.User{
		ID:                      DefaultBotID,
		IsBot:                   true,
		FirstName:               "Clinic Test Bot",
		Username:                DefaultBotUsername,
		CanJoinGroups:           true,
		CanReadAllGroupMessages: false,
		SupportInlineQueries:    false,
	}
}

// Params holds the decoded parameters of one API call. Every value is a
// string exactly as the client sent it in a form field; for JSON bodies,
// string values are unquoted and every other JSON value (numbers, booleans,
// objects, arrays) is kept as its raw JSON text, so reply_markup, commands,
// allowed_updates and the like can always be decoded with Decode.
type Params map[string]string

// Get returns the value of key, or "" when it is absent.
func (p Params) Get(key string) string { return p[key] }

// Has reports whether key was sent.
func (p Params) Has(key string) bool {
	_, ok := p[key]
	return ok
}

// Int64 parses the value of key as a base-10 integer; absent keys give 0, nil.
func (p Params) Int64(key string) (int64, error) {
	v, ok := p[key]
	if !ok || v == "" {
		return 0, nil
	}
	return strconv.ParseInt(v, 10, 64)
}

// Bool reports whether the value of key is "true" (or "1").
func (p Params) Bool(key string) bool {
	b, _ := strconv.ParseBool(p[key])
	return b
}

// Decode unmarshals the JSON text stored under key into dest.
func (p Params) Decode(key string, dest any) error {
	v, ok := p[key]
	if !ok {
		return fmt.Errorf("fakeapi: parameter %q not sent", key)
	}
	return json.Unmarshal([]byte(v), dest)
}

// File is an uploaded multipart file part.
type File struct {
	// Field is the form field name the file was sent under (e.g. "photo").
	Field string
	// Filename is the file name declared by the client.
	Filename string
	// Data is the full uploaded content.
	Data []byte
}

// FaultKind names a kind of injected fault.
type FaultKind string

// Fault kinds recorded in Call.Fault.
const (
	// FaultTooManyRequests answers HTTP 429 with parameters.retry_after.
	FaultTooManyRequests FaultKind = "too_many_requests"
	// FaultServerError answers HTTP 500 Internal Server Error.
	FaultServerError FaultKind = "server_error"
	// FaultDropConnection closes the TCP connection without any response.
	FaultDropConnection FaultKind = "drop_connection"
	// FaultDelay sleeps and then answers normally.
	FaultDelay FaultKind = "delay"
	// FaultAPIError answers with an arbitrary error_code and description.
	FaultAPIError FaultKind = "api_error"
)

// Fault is one injected misbehaviour, consumed by one call of a method (see Server.Fail).
type Fault struct {
	// Kind selects the behaviour.
	Kind FaultKind
	// RetryAfter is parameters.retry_after in seconds (FaultTooManyRequests).
	RetryAfter int
	// Delay is how long to wait before answering (FaultDelay).
	Delay time.Duration
	// Code is the HTTP status and error_code (FaultAPIError).
	Code int
	// Description is the error description (FaultAPIError).
	Description string
}

// TooManyRequests returns a fault answering HTTP 429
// {"ok":false,"error_code":429,"description":"Too Many Requests: retry after N","parameters":{"retry_after":N}}.
func TooManyRequests(retryAfterSeconds int) Fault {
	return Fault{Kind: FaultTooManyRequests, RetryAfter: retryAfterSeconds}
}

// ServerError returns a fault answering HTTP 500
// {"ok":false,"error_code":500,"description":"Internal Server Error"}.
func ServerError() Fault { return Fault{Kind: FaultServerError} }

// DropConnection returns a fault that reads the request, then hijacks and
// closes the TCP connection without writing a response.
func DropConnection() Fault { return Fault{Kind: FaultDropConnection} }

// Delay returns a fault that waits d (or until the client gives up or the
// server closes) and then answers the call normally.
func Delay(d time.Duration) Fault { return Fault{Kind: FaultDelay, Delay: d} }

// APIError returns a fault answering HTTP code with
// {"ok":false,"error_code":code,"description":description}, e.g.
// APIError(403, "Forbidden: bot was blocked by the user") or
// APIError(400, "Bad Request: message is not modified").
func APIError(code int, description string) Fault {
	return Fault{Kind: FaultAPIError, Code: code, Description: description}
}

// Call is one recorded API request. It is recorded when the server has
// finished handling it (after a long poll or a Delay), so Status and Result
// are final.
type Call struct {
	// Method is the API method; known methods are canonicalised to their
	// documented spelling (e.g. "sendMessage"), unknown ones kept as sent.
	Method string
	// Params are the decoded request parameters.
	Params Params
	// Files are uploaded multipart files keyed by form field name.
	Files map[string]File
	// ContentType is the media type of the request body ("multipart/form-data",
	// "application/json", ...), "" for an empty body without one.
	ContentType string
	// HTTPMethod is the HTTP verb used (the library always uses POST).
	HTTPMethod string
	// TokenOK reports whether the URL carried the server's token.
	TokenOK bool
	// Time is when the request arrived.
	Time time.Time
	// Fault is the injected fault consumed by this call, "" if none.
	Fault FaultKind
	// Status is the HTTP status answered; 0 if no response was written
	// (dropped connection, or the client went away first).
	Status int
	// Result is the JSON "result" of a successful answer, nil otherwise.
	Result json.RawMessage
	// ErrorDescription is the "description" of an error answer.
	ErrorDescription string
}

// OK reports whether the call was answered with ok:true.
func (c Call) OK() bool { return c.Status == http.StatusOK }

// Faulted reports whether an injected fault prevented a normal answer
// (every fault kind except FaultDelay).
func (c Call) Faulted() bool { return c.Fault != "" && c.Fault != FaultDelay }

// Text returns the "text" parameter.
func (c Call) Text() string { return c.Params.Get("text") }

// ChatID returns the numeric "chat_id" parameter (0 if absent or an @username).
func (c Call) ChatID() int64 {
	id, _ := c.Params.Int64("chat_id")
	return id
}

// ParseMode returns the "parse_mode" parameter.
func (c Call) ParseMode() string { return c.Params.Get("parse_mode") }

// ReplyMarkup returns the raw JSON of the "reply_markup" parameter ("" if absent).
func (c Call) ReplyMarkup() string { return c.Params.Get("reply_markup") }

// DecodeReplyMarkup unmarshals the "reply_markup" parameter into dest.
func (c Call) DecodeReplyMarkup(dest any) error { return c.Params.Decode("reply_markup", dest) }

// InlineKeyboard decodes "reply_markup" as an inline keyboard and returns its rows.
func (c Call) InlineKeyboard() ([][]models.InlineKeyboardButton, error) {
	var m models.InlineKeyboardMarkup
	if err := c.DecodeReplyMarkup(&m); err != nil {
		return nil, err
	}
	return m.InlineKeyboard, nil
}

// Message decodes Result as a Message (for sendMessage, editMessageText, ...).
func (c Call) Message() (*models.Message, error) {
	if c.Result == nil {
		return nil, fmt.Errorf("fakeapi: %s call has no result (status %d)", c.Method, c.Status)
	}
	m := &models.Message{}
	return m, json.Unmarshal(c.Result, m)
}

// WebhookConfig is the webhook registered with setWebhook.
type WebhookConfig struct {
	// URL is the webhook URL ("" when no webhook is set).
	URL string
	// SecretToken is sent back in X-Telegram-Bot-Api-Secret-Token on delivery.
	SecretToken string
	// AllowedUpdates is the decoded allowed_updates parameter, if any.
	AllowedUpdates []string
	// MaxConnections is the max_connections parameter, if any.
	MaxConnections int
	// DropPendingUpdates reports whether drop_pending_updates was set.
	DropPendingUpdates bool
}

type queuedUpdate struct {
	id   int64
	kind string
	raw  json.RawMessage
}

// Server is a fake Telegram Bot API server. All methods are safe for
// concurrent use.
type Server struct {
	token string
	srv   *httptest.Server

	closeOnce sync.Once
	closed    chan struct{}

	mu            sync.Mutex
	me            models.User
	calls         []Call
	callsChanged  chan struct{}
	queue         []queuedUpdate
	queueChanged  chan struct{}
	nextUpdateID  int64
	nextMessageID int
	allowed       []string
	faults        map[string][]Fault
	results       map[string]json.RawMessage
	webhook       WebhookConfig
	commands      map[string]json.RawMessage
	// poller ends the long poll in progress, if any: as on Telegram, a
	// new getUpdates ends the previous one with 409 Conflict.
	poller chan struct{}
}

// ConflictDescription is what Telegram answers a long poll that another
// getUpdates (another process polling the same token) cut short.
const ConflictDescription = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"

// New starts a fake Bot API server on 127.0.0.1 that accepts token. Call
// Close when done (NewT does it for you).
func New(token string) *Server {
	s := &Server{
		token:         token,
		closed:        make(chan struct{}),
		me:            DefaultBotUser(),
		callsChanged:  make(chan struct{}),
		queueChanged:  make(chan struct{}),
		nextUpdateID:  1,
		nextMessageID: 1,
		faults:        map[string][]Fault{},
		results:       map[string]json.RawMessage{},
		commands:      map[string]json.RawMessage{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// NewT is New plus t.Cleanup(s.Close).
func NewT(t testing.TB, token string) *Server {
	t.Helper()
	s := New(token)
	t.Cleanup(s.Close)
	return s
}

// URL returns the base URL (no trailing slash) to pass to bot.WithServerURL.
func (s *Server) URL() string { return s.srv.URL }

// Token returns the token the server accepts.
func (s *Server) Token() string { return s.token }

// Close unblocks pending long polls and delays, then shuts the server down.
// It is idempotent.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.srv.Close()
	})
}

// Me returns the bot user reported by getMe.
func (s *Server) Me() models.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.me
}

// SetMe changes the bot user reported by getMe and used as "from" of sent messages.
func (s *Server) SetMe(u models.User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.me = u
}

// SetResult makes every later successful call of method answer
// {"ok":true,"result":result} (result is JSON-encoded), overriding the
// built-in behaviour; useful for getChat, getChatMember and other methods
// that otherwise answer true. A nil result removes the override.
func (s *Server) SetResult(method string, result any) error {
	method = canonicalMethod(method)
	s.mu.Lock()
	defer s.mu.Unlock()
	if result == nil {
		delete(s.results, method)
		return nil
	}
	raw, err := json.Marshal(result)
	if err != nil {
		return err
	}
	s.results[method] = raw
	return nil
}

// Fail queues faults for method; each later call of method consumes the
// next one in order, then calls behave normally again.
func (s *Server) Fail(method string, faults ...Fault) {
	method = canonicalMethod(method)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], faults...)
}

// PendingFaults returns how many queued faults for method are not yet consumed.
func (s *Server) PendingFaults(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.faults[canonicalMethod(method)])
}

// Webhook returns the webhook currently registered with setWebhook.
func (s *Server) Webhook() WebhookConfig {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.webhook
	w.AllowedUpdates = append([]string(nil), w.AllowedUpdates...)
	return w
}

// Commands returns the raw JSON command list stored by setMyCommands for
// the default scope and no language code ("" if none).
func (s *Server) Commands() string {
	return s.CommandsFor("", "")
}

// CommandsFor returns the raw JSON command list stored by setMyCommands for
// the given scope JSON (e.g. `{"type":"all_group_chats"}`, "" = default) and
// language code ("" if none stored).
func (s *Server) CommandsFor(scopeJSON, languageCode string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.commands[commandsKey(scopeJSON, languageCode)])
}

// ---------------------------------------------------------------------------
// Recording

// Calls returns the recorded calls of method in completion order; an empty
// method returns every call.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsLocked(method)
}

func (s *Server) callsLocked(method string) []Call {
	if method != "" {
		method = canonicalMethod(method)
	}
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Sent returns the sendMessage calls that were answered ok:true (faulted or
// rejected attempts excluded; use Calls("sendMessage") to see those).
func (s *Server) Sent() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sentLocked()
}

func (s *Server) sentLocked() []Call {
	var out []Call
	for _, c := range s.calls {
		if c.Method == "sendMessage" && c.OK() {
			out = append(out, c)
		}
	}
	return out
}

// ResetCalls forgets all recorded calls.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

// WaitCalls blocks until at least n calls of method (faulted ones included)
// were recorded and returns all of them, or fails when ctx ends or the
// server closes.
func (s *Server) WaitCalls(ctx context.Context, method string, n int) ([]Call, error) {
	return s.wait(ctx, fmt.Sprintf("%d %s call(s)", n, method), func() ([]Call, bool) {
		cs := s.callsLocked(method)
		return cs, len(cs) >= n
	})
}

// WaitSent blocks until at least n successful sendMessage calls were
// recorded and returns them (see Sent).
func (s *Server) WaitSent(ctx context.Context, n int) ([]Call, error) {
	return s.wait(ctx, fmt.Sprintf("%d sent message(s)", n), func() ([]Call, bool) {
		cs := s.sentLocked()
		return cs, len(cs) >= n
	})
}

func (s *Server) wait(ctx context.Context, what string, check func() ([]Call, bool)) ([]Call, error) {
	for {
		s.mu.Lock()
		cs, done := check()
		ch := s.callsChanged
		s.mu.Unlock()
		if done {
			return cs, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return cs, fmt.Errorf("fakeapi: waiting for %s, got %d: %w", what, len(cs), ctx.Err())
		case <-s.closed:
			return cs, fmt.Errorf("fakeapi: waiting for %s, got %d: server closed", what, len(cs))
		}
	}
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
	close(s.callsChanged)
	s.callsChanged = make(chan struct{})
}

// ---------------------------------------------------------------------------
// Updates

// Enqueue adds updates to the getUpdates queue. Each gets the next update_id
// (any id already set is overwritten, so ids always increase); messages
// without a message_id get a fresh one. It returns the assigned ids.
func (s *Server) Enqueue(updates ...models.Update) []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int64, 0, len(updates))
	for _, u := range updates {
		u.ID = s.nextUpdateID
		s.nextUpdateID++
		s.fillMessageIDsLocked(&u)
		raw, kind, err := encodeUpdate(u)
		if err != nil {
			panic(fmt.Sprintf("fakeapi: cannot encode update: %v", err))
		}
		s.queue = append(s.queue, queuedUpdate{id: u.ID, kind: kind, raw: raw})
		ids = append(ids, u.ID)
	}
	close(s.queueChanged)
	s.queueChanged = make(chan struct{})
	return ids
}

// EnqueueRaw adds one update given as raw JSON, as a newer Bot API than
// the client's may send it (a field or type the client does not know). Its
// update_id is set to the next id, which it returns; its kind (for
// allowed_updates) is its first field other than update_id.
func (s *Server) EnqueueRaw(raw json.RawMessage) (int64, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return 0, fmt.Errorf("fakeapi: raw update: %w", err)
	}
	kind := ""
	for k := range fields {
		if k != "update_id" {
			kind = k
			break
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextUpdateID
	s.nextUpdateID++
	fields["update_id"], _ = json.Marshal(id)
	out, err := json.Marshal(fields)
	if err != nil {
		return 0, err
	}
	s.queue = append(s.queue, queuedUpdate{id: id, kind: kind, raw: out})
	close(s.queueChanged)
	s.queueChanged = make(chan struct{})
	return id, nil
}

// Pending returns how many enqueued updates are not yet confirmed by a
// getUpdates offset (they may already have been delivered once).
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Deliver POSTs update as JSON to the registered webhook URL with the
// registered secret in X-Telegram-Bot-Api-Secret-Token, and returns the
// HTTP status code of the bot's answer. A zero update_id is replaced by the
// next id (a non-zero one is kept, to test redelivery); messages without a
// message_id get a fresh one. It fails if no webhook is set.
func (s *Server) Deliver(update models.Update) (int, error) {
	s.mu.Lock()
	wh := s.webhook
	if wh.URL == "" {
		s.mu.Unlock()
		return 0, errors.New("fakeapi: no webhook set (call setWebhook first)")
	}
	if update.ID == 0 {
		update.ID = s.nextUpdateID
	}
	if update.ID >= s.nextUpdateID {
		s.nextUpdateID = update.ID + 1
	}
	s.fillMessageIDsLocked(&update)
	s.mu.Unlock()

	raw, _, err := encodeUpdate(update)
	if err != nil {
		return 0, err
	}
	return PostWebhook(wh.URL, wh.SecretToken, raw)
}

// PostWebhook POSTs body as application/json to url, with the
// X-Telegram-Bot-Api-Secret-Token header set to secret unless secret is "",
// and returns the response status. Use it for negative webhook tests (no or
// wrong secret, malformed or oversized bodies).
func PostWebhook(url, secret string, body []byte) (int, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

func (s *Server) fillMessageIDsLocked(u *models.Update) {
	for _, mp := range []**models.Message{&u.Message, &u.EditedMessage, &u.ChannelPost, &u.EditedChannelPost, &u.BusinessMessage, &u.EditedBusinessMessage} {
		if *mp != nil && (*mp).ID == 0 {
			m := **mp
			m.ID = s.nextMessageID
			s.nextMessageID++
			*mp = &m
		}
	}
}

// encodeUpdate marshals u and reports its kind (the JSON key besides update_id).
func encodeUpdate(u models.Update) (json.RawMessage, string, error) {
	raw, err := json.Marshal(&u)
	if err != nil {
		return nil, "", err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, "", err
	}
	kind := ""
	for k := range fields {
		if k != "update_id" {
			kind = k
			break
		}
	}
	return raw, kind, nil
}

var (
	builderSeq    atomic.Int64
	commandRegexp = regexp.MustCompile(`(?:^|\s)(/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?)`)
)

func testUser(id int64) *models.User {
	return &models.User{ID: id, FirstName: "Test", LastName: "User", Username: fmt.Sprintf("user%d", id), LanguageCode: "en"}
}

func privateChat(id int64) models.Chat {
	return models.Chat{ID: id, Type: models.ChatTypePrivate, FirstName: "Test", LastName: "User", Username: fmt.Sprintf("user%d", id)}
}

func now() int { return int(time.Now().Unix()) }

// CommandEntities returns the bot_command entities Telegram would attach to
// text, with offsets and lengths in UTF-16 code units as the real API uses.
func CommandEntities(text string) []models.MessageEntity {
	var out []models.MessageEntity
	for _, m := range commandRegexp.FindAllStringSubmatchIndex(text, -1) {
		start, end := m[2], m[3]
		out = append(out, models.MessageEntity{
			Type:   models.MessageEntityTypeBotCommand,
			Offset: len(utf16.Encode([]rune(text[:start]))),
			Length: len(utf16.Encode([]rune(text[start:end]))),
		})
	}
	return out
}

// TextMessage builds a private-chat text message update from user chatID
// (in private chats the chat id equals the user id). Leading /commands get
// bot_command entities, as Telegram adds them.
func TextMessage(chatID int64, text string) models.Update {
	return models.Update{Message: &models.Message{
		From:     testUser(chatID),
		Chat:     privateChat(chatID),
		Date:     now(),
		Text:     text,
		Entities: CommandEntities(text),
	}}
}

// GroupMessage builds a text message update sent by user fromID in the
// supergroup chatID (use a negative id such as -1001234567890).
func GroupMessage(chatID, fromID int64, text string) models.Update {
	return models.Update{Message: &models.Message{
		From:     testUser(fromID),
		Chat:     models.Chat{ID: chatID, Type: models.ChatTypeSupergroup, Title: "Test Group"},
		Date:     now(),
		Text:     text,
		Entities: CommandEntities(text),
	}}
}

// PhotoMessage builds a private-chat photo message update (two sizes, fake
// file ids) with an optional caption.
func PhotoMessage(chatID int64, caption string) models.Update {
	n := builderSeq.Add(1)
	return models.Update{Message: &models.Message{
		From: testUser(chatID),
		Chat: privateChat(chatID),
		Date: now(),
		Photo: []models.PhotoSize{
			{FileID: fmt.Sprintf("photo-%d-s", n), FileUniqueID: fmt.Sprintf("u-photo-%d-s", n), Width: 90, Height: 90, FileSize: 1024},
			{FileID: fmt.Sprintf("photo-%d-m", n), FileUniqueID: fmt.Sprintf("u-photo-%d-m", n), Width: 800, Height: 800, FileSize: 65536},
		},
		Caption:         caption,
		CaptionEntities: CommandEntities(caption),
	}}
}

// EditedMessage builds an edited_message update: the user edited their
// message messageID in private chat chatID to text.
func EditedMessage(chatID int64, messageID int, text string) models.Update {
	t := now()
	return models.Update{EditedMessage: &models.Message{
		ID:       messageID,
		From:     testUser(chatID),
		Chat:     privateChat(chatID),
		Date:     t - 60,
		EditDate: t,
		Text:     text,
		Entities: CommandEntities(text),
	}}
}

// ChannelPost builds a channel_post update in channel chatID (no sender user).
func ChannelPost(chatID int64, text string) models.Update {
	ch := models.Chat{ID: chatID, Type: models.ChatTypeChannel, Title: "Test Channel"}
	return models.Update{ChannelPost: &models.Message{
		SenderChat: &ch,
		Chat:       ch,
		Date:       now(),
		Text:       text,
		Entities:   CommandEntities(text),
	}}
}

// CallbackQuery builds a callback_query update: user chatID pressed a button
// carrying data on the bot's message messageID in their private chat. The
// query id is unique per process ("cbq-N").
func CallbackQuery(chatID int64, data string, messageID int) models.Update {
	n := builderSeq.Add(1)
	bu := DefaultBotUser()
	return models.Update{CallbackQuery: &models.CallbackQuery{
		ID:   fmt.Sprintf("cbq-%d", n),
		From: *testUser(chatID),
		Message: models.MaybeInaccessibleMessage{
			Type: models.MaybeInaccessibleMessageTypeMessage,
			Message: &models.Message{
				ID:   messageID,
				From: &bu,
				Chat: privateChat(chatID),
				Date: now(),
				Text: "…",
			},
		},
		ChatInstance: fmt.Sprintf("ci-%d", chatID),
		Data:         data,
	}}
}

// ---------------------------------------------------------------------------
// HTTP

type apiError struct {
	code        int
	description string
	retryAfter  int
}

func (e *apiError) Error() string { return e.description }

func badRequest(desc string) *apiError {
	return &apiError{code: http.StatusBadRequest, description: "Bad Request: " + desc}
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	call := Call{Time: time.Now(), HTTPMethod: r.Method}

	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		writeError(w, &apiError{code: http.StatusNotFound, description: "Not Found"})
		return
	}
	method = strings.TrimPrefix(method, "test/") // bot.UseTestEnvironment()
	call.Method = canonicalMethod(method)
	call.TokenOK = token == s.token

	params, files, ctype, perr := parseRequest(w, r)
	call.Params, call.Files, call.ContentType = params, files, ctype

	var result json.RawMessage
	var aerr *apiError
	switch {
	case !call.TokenOK:
		aerr = &apiError{code: http.StatusUnauthorized, description: "Unauthorized"}
	case !isKnownMethod(call.Method):
		aerr = &apiError{code: http.StatusNotFound, description: "Not Found: method not found"}
	case perr != nil:
		aerr = perr
	}

	if aerr == nil {
		if f, ok := s.takeFault(call.Method); ok {
			call.Fault = f.Kind
			switch f.Kind {
			case FaultTooManyRequests:
				aerr = &apiError{code: http.StatusTooManyRequests, description: fmt.Sprintf("Too Many Requests: retry after %d", f.RetryAfter), retryAfter: f.RetryAfter}
			case FaultServerError:
				aerr = &apiError{code: http.StatusInternalServerError, description: "Internal Server Error"}
			case FaultAPIError:
				aerr = &apiError{code: f.Code, description: f.Description}
			case FaultDropConnection:
				s.record(call)
				dropConnection(w)
				return
			case FaultDelay:
				t := time.NewTimer(f.Delay)
				select {
				case <-t.C:
				case <-r.Context().Done():
				case <-s.closed:
				}
				t.Stop()
			}
		}
	}

	if aerr == nil && r.Context().Err() == nil {
		var err error
		result, err = s.dispatch(r.Context(), call.Method, params, files)
		if err != nil {
			if !errors.As(err, &aerr) {
				aerr = &apiError{code: http.StatusInternalServerError, description: "Internal Server Error: " + err.Error()}
			}
		}
	}

	switch {
	case r.Context().Err() != nil:
		// The client went away; nothing can be answered.
	case aerr != nil:
		call.Status = aerr.code
		call.ErrorDescription = aerr.description
		writeError(w, aerr)
	default:
		call.Status = http.StatusOK
		call.Result = result
		writeOK(w, result, okDescription(call.Method, params))
	}
	s.record(call)
}

func okDescription(method string, p Params) string {
	switch method {
	case "setWebhook":
		if p.Get("url") == "" {
			return "Webhook was deleted"
		}
		return "Webhook was set"
	case "deleteWebhook":
		return "Webhook was deleted"
	}
	return ""
}

func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

func writeOK(w http.ResponseWriter, result json.RawMessage, description string) {
	body := struct {
		OK          bool            `json:"ok"`
		Result      json.RawMessage `json:"result"`
		Description string          `json:"description,omitempty"`
	}{true, result, description}
	writeJSON(w, http.StatusOK, body)
}

func writeError(w http.ResponseWriter, e *apiError) {
	type parameters struct {
		RetryAfter int `json:"retry_after,omitempty"`
	}
	body := struct {
		OK          bool        `json:"ok"`
		ErrorCode   int         `json:"error_code"`
		Description string      `json:"description"`
		Parameters  *parameters `json:"parameters,omitempty"`
	}{false, e.code, e.description, nil}
	if e.retryAfter > 0 {
		body.Parameters = &parameters{RetryAfter: e.retryAfter}
	}
	writeJSON(w, e.code, body)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	raw, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(raw)))
	w.WriteHeader(status)
	_, _ = w.Write(raw)
}

func (s *Server) takeFault(method string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.faults[method]
	if len(q) == 0 {
		return Fault{}, false
	}
	s.faults[method] = q[1:]
	return q[0], true
}

// parseRequest decodes query-string parameters and a multipart, JSON or
// urlencoded body into Params. An empty body is fine even when the
// Content-Type claims multipart (the library sends exactly that for
// parameterless methods such as getMe).
func parseRequest(w http.ResponseWriter, r *http.Request) (Params, map[string]File, string, *apiError) {
	params := Params{}
	files := map[string]File{}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			params[k] = v[0]
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return params, files, "", &apiError{code: http.StatusRequestEntityTooLarge, description: "Request Entity Too Large"}
		}
		return params, files, "", badRequest("can't read request body: " + err.Error())
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" && len(body) == 0 {
		return params, files, "", nil
	}
	mediaType, mparams, err := mime.ParseMediaType(ct)
	if err != nil {
		if len(body) == 0 {
			return params, files, "", nil
		}
		return params, files, ct, badRequest("unsupported Content-Type")
	}
	if len(body) == 0 {
		return params, files, mediaType, nil
	}
	switch mediaType {
	case "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(body), mparams["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return params, files, mediaType, badRequest("can't parse multipart body: " + err.Error())
			}
			data, err := io.ReadAll(part)
			if err != nil {
				return params, files, mediaType, badRequest("can't parse multipart body: " + err.Error())
			}
			name := part.FormName()
			if part.FileName() != "" {
				files[name] = File{Field: name, Filename: part.FileName(), Data: data}
				continue
			}
			params[name] = string(data)
		}
	case "application/json":
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil {
			return params, files, mediaType, badRequest("can't parse JSON object")
		}
		for k, v := range obj {
			v = bytes.TrimSpace(v)
			switch {
			case bytes.Equal(v, []byte("null")):
			case len(v) > 0 && v[0] == '"':
				var str string
				if err := json.Unmarshal(v, &str); err != nil {
					return params, files, mediaType, badRequest("can't parse JSON object")
				}
				params[k] = str
			default:
				params[k] = string(v)
			}
		}
	case "application/x-www-form-urlencoded":
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return params, files, mediaType, badRequest("can't parse form body")
		}
		for k, v := range vals {
			if len(v) > 0 {
				params[k] = v[0]
			}
		}
	default:
		return params, files, mediaType, badRequest("unsupported Content-Type " + mediaType)
	}
	return params, files, mediaType, nil
}

// ---------------------------------------------------------------------------
// Methods

func mustJSON(v any) json.RawMessage {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return raw
}

var jsonTrue = json.RawMessage("true")

func (s *Server) dispatch(ctx context.Context, method string, p Params, files map[string]File) (json.RawMessage, error) {
	if method == "getUpdates" {
		return s.getUpdates(ctx, p)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if raw, ok := s.results[method]; ok {
		return raw, nil
	}
	if p.Has("reply_markup") {
		// Like Telegram, reject markup that is not a JSON object.
		var obj map[string]json.RawMessage
		if p.Decode("reply_markup", &obj) != nil || obj == nil {
			return nil, badRequest("can't parse reply keyboard markup JSON object")
		}
	}
	switch method {
	case "getMe":
		return mustJSON(s.me), nil
	case "sendMessage":
		if p.Get("text") == "" {
			return nil, badRequest("message text is empty")
		}
		m, err := s.newMessageLocked(p)
		if err != nil {
			return nil, err
		}
		m.Text = p.Get("text")
		return mustJSON(m), nil
	case "sendPhoto":
		m, err := s.newMessageLocked(p)
		if err != nil {
			return nil, err
		}
		if !p.Has("photo") && files["photo"].Filename == "" {
			return nil, badRequest("there is no photo in the request")
		}
		m.Photo = []models.PhotoSize{{FileID: fmt.Sprintf("sent-photo-%d", m.ID), FileUniqueID: fmt.Sprintf("u-sent-photo-%d", m.ID), Width: 800, Height: 800, FileSize: len(files["photo"].Data)}}
		m.Caption = p.Get("caption")
		return mustJSON(m), nil
	case "sendDocument":
		m, err := s.newMessageLocked(p)
		if err != nil {
			return nil, err
		}
		f, uploaded := files["document"]
		if !p.Has("document") && !uploaded {
			return nil, badRequest("there is no document in the request")
		}
		m.Document = &models.Document{FileID: fmt.Sprintf("sent-doc-%d", m.ID), FileUniqueID: fmt.Sprintf("u-sent-doc-%d", m.ID), FileName: f.Filename, FileSize: int64(len(f.Data))}
		m.Caption = p.Get("caption")
		return mustJSON(m), nil
	case "editMessageText", "editMessageReplyMarkup", "editMessageCaption":
		if method == "editMessageText" && p.Get("text") == "" {
			return nil, badRequest("message text is empty")
		}
		if p.Get("inline_message_id") != "" {
			return jsonTrue, nil
		}
		mid, err := p.Int64("message_id")
		if err != nil || mid == 0 {
			return nil, badRequest("message identifier is not specified")
		}
		chat, err := chatFromParam(p)
		if err != nil {
			return nil, err
		}
		me := s.me
		m := models.Message{ID: int(mid), From: &me, Chat: chat, Date: now() - 1, EditDate: now(), ReplyMarkup: inlineMarkup(p)}
		if method == "editMessageText" {
			m.Text = p.Get("text")
		} else {
			m.Text = "…"
			m.Caption = p.Get("caption")
		}
		return mustJSON(m), nil
	case "sendChatAction":
		if _, err := chatFromParam(p); err != nil {
			return nil, err
		}
		if p.Get("action") == "" {
			return nil, badRequest("wrong parameter action in request")
		}
		return jsonTrue, nil
	case "answerCallbackQuery":
		if p.Get("callback_query_id") == "" {
			return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
		}
		return jsonTrue, nil
	case "setMyCommands":
		var cmds []models.BotCommand
		if err := p.Decode("commands", &cmds); err != nil {
			return nil, badRequest("can't parse commands JSON object")
		}
		s.commands[commandsKey(p.Get("scope"), p.Get("language_code"))] = mustJSON(cmds)
		return jsonTrue, nil
	case "deleteMyCommands":
		delete(s.commands, commandsKey(p.Get("scope"), p.Get("language_code")))
		return jsonTrue, nil
	case "getMyCommands":
		if raw, ok := s.commands[commandsKey(p.Get("scope"), p.Get("language_code"))]; ok {
			return raw, nil
		}
		return json.RawMessage("[]"), nil
	case "setWebhook":
		wh := WebhookConfig{URL: p.Get("url"), SecretToken: p.Get("secret_token"), DropPendingUpdates: p.Bool("drop_pending_updates")}
		if wh.URL != "" {
			u, err := url.Parse(wh.URL)
			if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
				return nil, badRequest("bad webhook: invalid URL")
			}
		}
		if p.Has("allowed_updates") {
			if err := p.Decode("allowed_updates", &wh.AllowedUpdates); err != nil {
				return nil, badRequest("can't parse allowed_updates JSON array")
			}
		}
		if mc, err := p.Int64("max_connections"); err == nil {
			wh.MaxConnections = int(mc)
		}
		if wh.DropPendingUpdates {
			s.queue = nil
		}
		s.webhook = wh
		return jsonTrue, nil
	case "deleteWebhook":
		if p.Bool("drop_pending_updates") {
			s.queue = nil
		}
		s.webhook = WebhookConfig{}
		return jsonTrue, nil
	case "getWebhookInfo":
		info := models.WebhookInfo{
			URL:                s.webhook.URL,
			PendingUpdateCount: len(s.queue),
			MaxConnections:     s.webhook.MaxConnections,
			AllowedUpdates:     s.webhook.AllowedUpdates,
		}
		if info.URL != "" && info.MaxConnections == 0 {
			info.MaxConnections = 40
		}
		return mustJSON(info), nil
	}
	return jsonTrue, nil
}

func (s *Server) newMessageLocked(p Params) (models.Message, error) {
	chat, err := chatFromParam(p)
	if err != nil {
		return models.Message{}, err
	}
	me := s.me
	m := models.Message{
		ID:          s.nextMessageID,
		From:        &me,
		Chat:        chat,
		Date:        now(),
		ReplyMarkup: inlineMarkup(p),
	}
	s.nextMessageID++
	return m, nil
}

func chatFromParam(p Params) (models.Chat, error) {
	v := p.Get("chat_id")
	if v == "" {
		return models.Chat{}, badRequest("chat_id is empty")
	}
	if strings.HasPrefix(v, "@") {
		return models.Chat{ID: -1009999999999, Type: models.ChatTypeChannel, Title: "Test Channel", Username: v[1:]}, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id == 0 {
		return models.Chat{}, badRequest("chat not found")
	}
	switch {
	case id > 0:
		return privateChat(id), nil
	case id < -1000000000000:
		return models.Chat{ID: id, Type: models.ChatTypeSupergroup, Title: "Test Group"}, nil
	default:
		return models.Chat{ID: id, Type: models.ChatTypeGroup, Title: "Test Group"}, nil
	}
}

// inlineMarkup returns the inline keyboard to echo in a sent message, as
// Telegram does (other keyboard kinds are not echoed).
func inlineMarkup(p Params) *models.InlineKeyboardMarkup {
	var m models.InlineKeyboardMarkup
	if p.Decode("reply_markup", &m) != nil || m.InlineKeyboard == nil {
		return nil
	}
	return &m
}

func commandsKey(scopeJSON, lang string) string {
	scope := map[string]any{"type": "default"}
	if strings.TrimSpace(scopeJSON) != "" {
		var m map[string]any
		if json.Unmarshal([]byte(scopeJSON), &m) == nil && m["type"] != nil {
			scope = m
		}
	}
	// json.Marshal sorts map keys, so equal scopes give equal keys.
	return string(mustJSON(scope)) + "|" + lang
}

func (s *Server) getUpdates(ctx context.Context, p Params) (json.RawMessage, error) {
	offset, err := p.Int64("offset")
	if err != nil {
		return nil, badRequest("wrong parameter offset specified")
	}
	limit := 100
	if p.Has("limit") {
		l, err := p.Int64("limit")
		if err != nil {
			return nil, badRequest("wrong parameter limit specified")
		}
		if l >= 1 && l < 100 {
			limit = int(l)
		}
	}
	timeout, err := p.Int64("timeout")
	if err != nil {
		return nil, badRequest("wrong parameter timeout specified")
	}
	var allowed []string
	if p.Has("allowed_updates") {
		if err := p.Decode("allowed_updates", &allowed); err != nil {
			return nil, badRequest("can't parse allowed_updates JSON array")
		}
	}

	s.mu.Lock()
	if s.webhook.URL != "" {
		s.mu.Unlock()
		return nil, &apiError{code: http.StatusConflict, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	if p.Has("allowed_updates") {
		s.allowed = allowed // an empty list resets to "all"
	}
	s.confirmLocked(offset)
	if s.poller != nil {
		close(s.poller)
	}
	mine := make(chan struct{})
	s.poller = mine
	defer func() {
		s.mu.Lock()
		if s.poller == mine {
			s.poller = nil
		}
		s.mu.Unlock()
	}()
	var timer *time.Timer
	if timeout > 0 {
		timer = time.NewTimer(time.Duration(timeout) * time.Second)
		defer timer.Stop()
	}
	for {
		batch := s.collectLocked(limit)
		if len(batch) > 0 || timer == nil {
			s.mu.Unlock()
			return batchJSON(batch), nil
		}
		ch := s.queueChanged
		s.mu.Unlock()
		select {
		case <-ch:
		case <-timer.C:
			return json.RawMessage("[]"), nil
		case <-mine:
			return nil, &apiError{code: http.StatusConflict, description: ConflictDescription}
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-s.closed:
			return json.RawMessage("[]"), nil
		}
		s.mu.Lock()
	}
}

func batchJSON(batch []json.RawMessage) json.RawMessage {
	if len(batch) == 0 {
		return json.RawMessage("[]")
	}
	parts := make([][]byte, len(batch))
	for i, b := range batch {
		parts[i] = b
	}
	return json.RawMessage("[" + string(bytes.Join(parts, []byte(","))) + "]")
}

// confirmLocked drops confirmed updates: id < offset, or for a negative
// offset everything but the last -offset updates.
func (s *Server) confirmLocked(offset int64) {
	switch {
	case offset > 0:
		i := sort.Search(len(s.queue), func(i int) bool { return s.queue[i].id >= offset })
		s.queue = s.queue[i:]
	case offset < 0:
		if keep := int(-offset); keep < len(s.queue) {
			s.queue = s.queue[len(s.queue)-keep:]
		}
	}
}

// collectLocked returns up to limit queued updates allowed by
// allowed_updates, permanently dropping disallowed ones.
func (s *Server) collectLocked(limit int) []json.RawMessage {
	if len(s.allowed) > 0 {
		kept := s.queue[:0:0]
		for _, q := range s.queue {
			for _, a := range s.allowed {
				if q.kind == a {
					kept = append(kept, q)
					break
				}
			}
		}
		s.queue = kept
	}
	var out []json.RawMessage
	for _, q := range s.queue {
		if len(out) == limit {
			break
		}
		out = append(out, q.raw)
	}
	return out
}

// ---------------------------------------------------------------------------
// Method names

var knownMethods = func() map[string]string {
	names := []string{
		"addStickerToSet", "answerCallbackQuery", "answerInlineQuery", "answerPreCheckoutQuery",
		"answerShippingQuery", "answerWebAppQuery", "approveChatJoinRequest", "approveSuggestedPost",
		"banChatMember", "banChatSenderChat", "close", "closeForumTopic",
		"closeGeneralForumTopic", "convertGiftToStars", "copyMessage", "copyMessages",
		"createChatInviteLink", "createChatSubscriptionInviteLink", "createForumTopic", "createInvoiceLink",
		"createNewStickerSet", "declineChatJoinRequest", "declineSuggestedPost", "deleteBusinessMessages",
		"deleteChatPhoto", "deleteChatStickerSet", "deleteForumTopic", "deleteMessage",
		"deleteMessages", "deleteMyCommands", "deleteStickerFromSet", "deleteStickerSet",
		"deleteStory", "deleteWebhook", "editChatInviteLink", "editChatSubscriptionInviteLink",
		"editForumTopic", "editGeneralForumTopic", "editMessageCaption", "editMessageChecklist",
		"editMessageLiveLocation", "editMessageMedia", "editMessageReplyMarkup", "editMessageText",
		"editStory", "editUserStarSubscription", "exportChatInviteLink", "forwardMessage",
		"forwardMessages", "getAvailableGifts", "getBusinessAccountGifts", "getBusinessAccountStarBalance",
		"getBusinessConnection", "getChat", "getChatAdministrators", "getChatGifts",
		"getChatMember", "getChatMemberCount", "getChatMenuButton", "getCustomEmojiStickers",
		"getFile", "getForumTopicIconStickers", "getGameHighScores", "getMe",
		"getMyCommands", "getMyDefaultAdministratorRights", "getMyDescription", "getMyName",
		"getMyShortDescription", "getMyStarBalance", "getStarTransactions", "getStickerSet",
		"getUpdates", "getUserChatBoosts", "getUserGifts", "getUserProfileAudios",
		"getUserProfilePhotos", "getWebhookInfo", "giftPremiumSubscription", "hideGeneralForumTopic",
		"leaveChat", "logout", "pinChatMessage", "postStory",
		"promoteChatMember", "readBusinessMessage", "refundStarPayment", "removeBusinessAccountProfilePhoto",
		"removeChatVerification", "removeMyProfilePhoto", "removeUserVerification", "reopenForumTopic",
		"reopenGeneralForumTopic", "replaceStickerInSet", "repostStory", "restrictChatMember",
		"revokeChatInviteLink", "savePreparedInlineMessage", "sendAnimation", "sendAudio",
		"sendChatAction", "sendChecklist", "sendContact", "sendDice",
		"sendDocument", "sendGame", "sendGift", "sendInvoice",
		"sendLocation", "sendMediaGroup", "sendMessage", "sendMessageDraft",
		"sendPaidMedia", "sendPhoto", "sendPoll", "sendSticker",
		"sendVenue", "sendVideo", "sendVideoNote", "sendVoice",
		"setBusinessAccountBio", "setBusinessAccountGiftSettings", "setBusinessAccountName", "setBusinessAccountProfilePhoto",
		"setBusinessAccountUsername", "setChatAdministratorCustomTitle", "setChatDescription", "setChatMenuButton",
		"setChatPermissions", "setChatPhoto", "setChatStickerSet", "setChatTitle",
		"setCustomEmojiStickerSetThumbnail", "setGameScore", "setMessageReaction", "setMyCommands",
		"setMyDefaultAdministratorRights", "setMyDescription", "setMyName", "setMyProfilePhoto",
		"setMyShortDescription", "setPassportDataErrors", "setStickerEmojiList", "setStickerKeywords",
		"setStickerMaskPosition", "setStickerPositionInSet", "setStickerSetThumbnail", "setStickerSetTitle",
		"setUserEmojiStatus", "setWebhook", "stopMessageLiveLocation", "stopPoll",
		"transferBusinessAccountStars", "transferGift", "unbanChatMember", "unbanChatSenderChat",
		"unhideGeneralForumTopic", "unpinAllChatMessages", "unpinAllForumTopicMessages", "unpinAllGeneralForumTopicMessages",
		"unpinChatMessage", "upgradeGift", "uploadStickerFile", "verifyChat",
		"verifyUser",
	}
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[strings.ToLower(n)] = n
	}
	return m
}()

// canonicalMethod maps a method name case-insensitively (as Telegram does)
// to its documented spelling; unknown names are returned unchanged.
func canonicalMethod(name string) string {
	if c, ok := knownMethods[strings.ToLower(name)]; ok {
		return c
	}
	return name
}

func isKnownMethod(name string) bool {
	_, ok := knownMethods[strings.ToLower(name)]
	return ok
}
