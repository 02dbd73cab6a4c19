// Package bot is clinicbot's Telegram transport: it receives patients'
// messages (by long polling or by webhook), asks the answering core for a
// reply and sends it back formatted for Telegram, with buttons to book and
// to read related questions.
//
// It is built on github.com/go-telegram/bot and covers what that library
// leaves to its users: handlers recover from panics; requests that surely
// failed (429, 5xx, a broken connection) are retried with back-off; the
// webhook checks its secret in constant time and refuses bad requests with
// the right status; nothing is logged with the bot token, and patients'
// message text is logged only when the operator turned that on.
//
// Nothing a patient sends is lost to a crash, a slow Telegram or a burst:
// an update is confirmed to Telegram only once it is recorded in the state
// folder (package state), its reply goes through a durable outbox, and a
// restart answers what was taken and sends what was not yet sent. Sending
// is paced under Telegram's limits, emergencies first.
//
// Messages from one chat (in a group, from one sender) are answered one at
// a time, in order; different chats are answered concurrently.
//
// The commands are declared once, in commandTable (commands.go): the
// command menus, /help and the dispatch of a command all read it.
//
// It knows Telegram and the answering core (package answer) only, not the
// configuration file nor the knowledge: its settings are its own
// (Telegram), what it says of the clinic is the engine's (Engine.Texts),
// topics and the entries its buttons name come from the engine, and each
// reply says what it offers (Reply.Picks, BookingLink, OffersCallBack…).
package bot

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/clinicbot/clinicbot/answer"
	"github.com/clinicbot/clinicbot/metrics"
	"github.com/clinicbot/clinicbot/state"
)

// Options configure a Bot.
type Options struct {
	// Telegram is the transport's settings: token, mode, webhook, API
	// server, profile. What the bot says about the clinic comes from the
	// engine (answer.Engine.Texts), as every reply's wording does.
	Telegram Telegram
	// Logger receives the bot's logs; nil discards them.
	Logger *slog.Logger
	// LogText puts patients' message text in the logs. Off by default
	// (privacy); the operator turns it on with privacy.log_message_text.
	LogText bool
	// OnUnanswered, if set, is called with the question text (nothing else
	// about the patient) of every question the bot could not answer
	// surely: the reply was the fallback, or a "did you mean" list.
	OnUnanswered func(question string, reply answer.Reply)
	// UnansweredRetention is how long the unanswered-questions log keeps a
	// question, as /privacy tells patients; 0 leaves the period unstated.
	UnansweredRetention time.Duration
	// ShutdownGrace bounds how long Run waits, once its context is
	// cancelled, for replies already in progress; 0 means DefaultShutdownGrace.
	// What is not sent by then stays in the state and is sent after the
	// restart.
	ShutdownGrace time.Duration
	// State is where updates and replies are kept until done (required).
	State *state.Store
	// Counters, if set, receives the delivery counts; else the bot keeps its own.
	Counters *Counters
	// SendRate is the most messages sent a second, all chats together;
	// 0 means Telegram's limit (a little under 30).
	SendRate float64
	// Metrics hears of updates, replies and Bot API requests; nil records nothing.
	Metrics metrics.Observer
	// Admin, if set, is served on the webhook listener at /readyz and
	// /metrics (webhook mode), for an operator who asked to share it.
	Admin http.Handler
	// Staff are the clinic staff's chats and what they are shown.
	Staff Staff
}

// Timing of requests to Telegram.
const (
	pollTimeout     = 50 * time.Second // long poll; the server holds getUpdates 49 s
	clientTimeout   = pollTimeout + 10*time.Second
	attemptTimeout  = 30 * time.Second       // one request other than getUpdates
	sendBudget      = 2 * time.Minute        // total time spent retrying one message
	callbackBudget  = 10 * time.Second       // a button press older than ~15 s cannot be answered
	setupBudget     = 30 * time.Second       // setMyCommands at start
	backoffBase     = 500 * time.Millisecond // first wait after a 5xx or a broken connection
	backoffMax      = 15 * time.Second
	maxWebhookBody  = 1 << 20
	typingTimeout   = 3 * time.Second
	maxQueuedInChat = 32 // updates waiting from one sender beyond this get one "one at a time" notice
)

// DefaultShutdownGrace is how long Run waits, once its context is
// cancelled, for replies already in progress, unless Options say otherwise.
const DefaultShutdownGrace = 10 * time.Second

// Bot serves one Telegram bot. Create it with New and serve with Run.
type Bot struct {
	live *answer.Live
	opts Options
	log  *slog.Logger
	tg   *tgbot.Bot
	api  *apiClient

	token  string
	secret string
	salt   [16]byte

	me atomic.Pointer[identity]

	disp     *dispatcher
	store    *state.Store
	pace     *pacer
	out      *outbox
	counters *Counters
	// conv remembers each conversation briefly: the last reply, for
	// "yes" and follow-ups, and an unfinished message, for the red-flag check.
	conv *answer.Conversations
	// desk is the staff's side: knowledge state, counts, call-back requests.
	desk *desk

	// work is the context replies are sent under. It outlives Run's
	// context by up to ShutdownGrace, so replies in progress can finish.
	work       context.Context
	cancelWork context.CancelFunc

	running atomic.Bool
	// refusedLog throttles the log of refused webhook requests.
	refusedLog throttle

	obs       metrics.Observer
	conflicts pollConflicts

	// beforeAnswer, if set, is called before each question is answered (tests).
	beforeAnswer func(question string)
	// backoff is the first wait after a 5xx or a broken connection.
	backoff time.Duration
	// attemptTimeout bounds one request other than getUpdates.
	attemptTimeout time.Duration
}

// identity is who the bot is, from getMe.
type identity struct {
	id       int64
	username string
	mention  *regexp.Regexp // @username as a whole word, any case
}

// New returns a bot answering with live's engine. It checks the options
// but does not contact Telegram; Run does.
func New(live *answer.Live, opts Options) (*Bot, error) {
	if live == nil {
		return nil, errors.New("bot: no answering engine")
	}
	t := opts.Telegram
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("bot: %s", scrubText(err.Error(), t.Token))
	}
	if opts.State == nil {
		return nil, errors.New("bot: no state folder")
	}
	if opts.ShutdownGrace <= 0 {
		opts.ShutdownGrace = DefaultShutdownGrace
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	b := &Bot{
		live:     live,
		opts:     opts,
		log:      logger,
		token:    t.Token,
		secret:   t.WebhookSecret,
		disp:     newDispatcher(maxQueuedInChat),
		store:    opts.State,
		pace:     newPacer(cmp.Or(opts.SendRate, globalRate)),
		counters: opts.Counters,
		conv:     answer.NewConversations(),
		backoff:  backoffBase,
		obs:      opts.Metrics,
		desk:     newDesk(opts.Staff.ChatIDs, time.Now),

		attemptTimeout: cmp.Or(t.RequestTimeout, attemptTimeout),
		refusedLog:     throttle{every: refusedLogEvery, now: time.Now},
	}
	if b.obs == nil {
		b.obs = metrics.Nop{}
	}
	// The salt makes chat hashes in the logs impossible to reverse by
	// hashing every possible chat id; see chatHash.
	if _, err := rand.Read(b.salt[:]); err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	if b.counters == nil {
		b.counters = &Counters{}
	}
	b.out = newOutbox(b)
	b.work, b.cancelWork = context.WithCancel(context.Background())

	serverURL := strings.TrimRight(t.APIURL, "/")
	if serverURL == "" {
		serverURL = "https://api.telegram.org"
	}
	b.api = newAPIClient(serverURL, t.Token)
	b.api.observe = b.observeResponse
	b.api.salvaged = func(ids []int64) {
		b.log.Warn("telegram: updates this version cannot fully read were answered from their text", "updates", ids)
	}
	tg, err := tgbot.New(t.Token,
		tgbot.WithServerURL(serverURL),
		tgbot.WithSkipGetMe(), // Run calls getMe itself, with retries
		tgbot.WithHTTPClient(pollTimeout, b.api),
		tgbot.WithErrorsHandler(b.libraryError),
	)
	if err != nil {
		return nil, fmt.Errorf("bot: %s", b.scrub(err))
	}
	b.tg = tg
	return b, nil
}

// allowedUpdates are the update kinds the bot asks Telegram for.
func allowedUpdates() []string {
	return []string{models.AllowedUpdateMessage, models.AllowedUpdateEditedMessage, models.AllowedUpdateCallbackQuery}
}

// Run serves until ctx is cancelled, by long polling or by webhook as
// configured, then finishes the replies in progress (at most
// Options.ShutdownGrace) and returns nil. It returns an error when serving
// cannot start: Telegram refuses the token, the webhook cannot be set, or
// the listen address is taken. Run may be called once.
func (b *Bot) Run(ctx context.Context) error {
	if !b.running.CompareAndSwap(false, true) {
		return errors.New("bot: Run called twice")
	}
	defer b.cancelWork()
	go b.conv.Expire(b.work, 30*time.Second)
	go b.pace.run(b.work)
	if err := b.identify(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	b.setCommands(ctx)
	b.setProfile(ctx)
	b.setStaffCommands(ctx)
	b.resume()
	if b.opts.Telegram.webhook() {
		return b.runWebhook(ctx)
	}
	return b.runPolling(ctx)
}

// identify learns the bot's id and @username, needed to tell which group
// messages are addressed to it. Transient failures are retried until ctx ends.
func (b *Bot) identify(ctx context.Context) error {
	var me *models.User
	err := b.call(ctx, "getMe", 0, true, func(ctx context.Context) error {
		u, err := b.tg.GetMe(ctx)
		me = u
		return err
	})
	if err != nil {
		return fmt.Errorf("bot: getMe: %s", b.scrub(err))
	}
	id := &identity{id: me.ID, username: me.Username}
	if me.Username != "" {
		id.mention = regexp.MustCompile(`(?i)@` + regexp.QuoteMeta(me.Username) + `\b`)
	}
	b.me.Store(id)
	b.log.Info("telegram: connected", "bot", me.Username, "mode", b.mode())
	return nil
}

func (b *Bot) mode() string {
	if b.opts.Telegram.webhook() {
		return "webhook"
	}
	return "polling"
}

// setCommands registers the command menu. A failure is logged, not fatal.
func (b *Bot) setCommands(ctx context.Context) {
	cmds := menu(b.opts.Telegram.Profile.Commands, false)
	err := b.call(ctx, "setMyCommands", setupBudget, true, func(ctx context.Context) error {
		_, err := b.tg.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: cmds})
		return err
	})
	if err != nil && ctx.Err() == nil {
		b.log.Warn("telegram: could not set the command menu", "error", b.scrub(err))
	}
}

// runPolling serves by long polling until ctx is cancelled.
func (b *Bot) runPolling(ctx context.Context) error {
	// getUpdates fails while a webhook is set.
	err := b.call(ctx, "deleteWebhook", 0, true, func(ctx context.Context) error {
		_, err := b.tg.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{})
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("bot: deleteWebhook: %s", b.scrub(err))
	}
	b.poll(ctx) // returns when ctx is cancelled
	b.drain(b.opts.ShutdownGrace)
	b.confirmPolled()
	return nil
}

// runWebhook serves the webhook until ctx is cancelled.
func (b *Bot) runWebhook(ctx context.Context) error {
	wh := b.opts.Telegram.Webhook
	ln, err := net.Listen("tcp", wh.Listen)
	if err != nil {
		return fmt.Errorf("bot: webhook: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle(wh.Path, b.Handler())
	if wh.Path != healthPath {
		mux.HandleFunc(healthPath, b.serveHealth)
	}
	if b.opts.Admin != nil {
		for _, p := range []string{"/readyz", "/metrics"} {
			if wh.Path != p {
				mux.Handle(p, b.opts.Admin)
			}
		}
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(b.log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	// Listen first, so Telegram's first delivery finds the server up.
	err = b.call(ctx, "setWebhook", 0, true, func(ctx context.Context) error {
		_, err := b.tg.SetWebhook(ctx, &tgbot.SetWebhookParams{
			URL:            wh.URL,
			SecretToken:    b.secret,
			AllowedUpdates: allowedUpdates(),
		})
		return err
	})
	if err != nil && ctx.Err() == nil {
		_ = srv.Close()
		<-served
		return fmt.Errorf("bot: setWebhook: %s", b.scrub(err))
	}

	b.log.Info("telegram: webhook listening", "addr", ln.Addr().String())

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
	}
	// Stop accepting; requests in progress have recorded their update by
	// the time they answer 200, so nothing accepted is lost. Both steps
	// share one ShutdownGrace.
	deadline := time.Now().Add(b.opts.ShutdownGrace)
	sctx, cancel := context.WithDeadline(context.Background(), deadline)
	_ = srv.Shutdown(sctx)
	cancel()
	b.drain(time.Until(deadline))
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("bot: webhook: %w", serveErr)
	}
	return nil
}

// drain stops taking updates and waits for replies in progress, at most
// grace in all; then it cancels whatever is left, which stays in the state
// to be answered or sent after the restart.
func (b *Bot) drain(grace time.Duration) {
	deadline := time.Now().Add(max(grace, 0))
	if left := b.disp.closeAndWait(grace); left > 0 {
		b.log.Warn("telegram: shutdown grace over; updates not yet answered are kept for the restart", "updates", left)
	}
	if !b.out.close(time.Until(deadline)) {
		b.log.Warn("telegram: shutdown grace over; replies not yet sent are kept for the restart")
	}
	b.cancelWork()
	b.disp.wait() // the rest return promptly once their context is cancelled
	b.out.wait()
}

// confirmPolled tells Telegram that every update recorded in the state is
// taken: the offset is otherwise confirmed only by the next getUpdates,
// and Telegram would deliver the last batch again after a restart (which
// the state would recognise, but at the cost of a download).
func (b *Bot) confirmPolled() {
	offset, err := b.store.Offset()
	if err != nil || offset == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// timeout 0 and limit 1: return at once.
	err = b.api.post(ctx, "getUpdates", map[string]string{
		"offset": strconv.FormatInt(offset, 10), "limit": "1", "timeout": "0",
	})
	if err != nil {
		b.log.Warn("telegram: could not confirm the last updates; Telegram will deliver them again and they will be recognised", "error", b.scrub(err))
	}
}

// libraryError logs an error reported by the library, without the token
// or any request or response body.
func (b *Bot) libraryError(err error) {
	if errors.Is(err, tgbot.ErrorConflict) {
		// Reported once by pollConflict, not at every retry.
		b.log.Debug("telegram: library error", "error", b.scrub(err))
		return
	}
	b.log.Warn("telegram: library error", "error", b.scrub(err))
}

// chatHash identifies a chat in the logs without revealing it. Telegram
// chat ids are short numbers, so an unsalted hash could be reversed by
// hashing them all; with a random salt chosen per process, lines of one
// run can be followed per chat, but neither traced back to a Telegram
// account nor linked across restarts.
func (b *Bot) chatHash(id int64) string {
	h := sha256.New()
	h.Write(b.salt[:])
	h.Write([]byte(strconv.FormatInt(id, 10)))
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// scrub returns err's text fit for the logs: no token, no bodies.
func (b *Bot) scrub(err error) string {
	return scrubText(err.Error(), b.token)
}

var bodyInError = regexp.MustCompile(`(?s)(error decode (?:request|response) body(?: for method \w+)?).*`)

func scrubText(s, token string) string {
	if token != "" {
		s = strings.ReplaceAll(s, token, "<token>")
		if i := strings.IndexByte(token, ':'); i > 0 {
			s = strings.ReplaceAll(s, token[i+1:], "<token>") // the secret half, however quoted
		}
	}
	// The library quotes whole request and response bodies in decode
	// errors; they can hold patients' messages.
	s = bodyInError.ReplaceAllString(s, "$1 (body withheld)")
	if len(s) > 500 {
		s = s[:500] + "…"
	}
	return s
}
