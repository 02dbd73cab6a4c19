// Package e2e runs the real clinicbot binary against a fake Telegram Bot
// API (tests/fakeapi) and acts as patients: each test starts `clinicbot
// serve` as a subprocess, talks to it through the fake, checks what the
// fake recorded and what the process logged, then stops it with SIGTERM.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/clinicbot/clinicbot/tests/fakeapi"
)

const (
	// token is what the fake accepts; secretHalf must never reach the logs.
	token      = "1000:E2E-secretHalf-q7Zx9"
	secretHalf = "E2E-secretHalf-q7Zx9"
	bookingURL = "https://example.org/book"
	// bookLabel is the booking button's label: the link may be the clinic's site.
	bookLabel = "Book or contact the clinic"
	botName   = fakeapi.DefaultBotUsername

	// waitTimeout bounds every wait for the bot; generous, as the tests
	// run under -race on slow machines.
	waitTimeout = 20 * time.Second
	// exitTimeout bounds how long the process may take to exit after
	// SIGTERM (its shutdown grace is 10 s).
	exitTimeout = 20 * time.Second
)

// binary is the clinicbot executable TestMain builds.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "clinicbot-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "clinicbot")
	// The binary is built without -race: the race detector belongs to the
	// test process, and a plain build starts faster. It carries the VCS
	// revision where the toolchain can stamp it (see TestVersion).
	build := exec.Command("go", "build", "-buildvcs=true", "-o", binary, "../../cmd/clinicbot")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build ../../cmd/clinicbot: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// logBuffer collects a process's output; safe for concurrent use, and
// wakes waiters on every write.
type logBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{}
}

func newLogBuffer() *logBuffer { return &logBuffer{changed: make(chan struct{})} }

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, err := l.b.Write(p)
	close(l.changed)
	l.changed = make(chan struct{})
	return n, err
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *logBuffer) snapshot() (string, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String(), l.changed
}

// options say how to start a clinicbot process.
type options struct {
	config string            // config.yaml contents, written to the working dir
	args   []string          // after "serve --config config.yaml"
	env    map[string]string // added to (or, with "", removed from) the default environment
	noSrv  bool              // do not start a fake API
	srv    *fakeapi.Server   // talk to this fake API instead of a new one
	faults func(*fakeapi.Server)
}

// proc is a running `clinicbot serve` and the fake API it talks to.
type proc struct {
	t      *testing.T
	srv    *fakeapi.Server
	dir    string // working directory
	cmd    *exec.Cmd
	stdout *logBuffer
	stderr *logBuffer

	exited  chan struct{}
	exitErr error // valid once exited is closed
	stopped bool
}

// baseEnv is the whole environment of the process: nothing is inherited
// from the test's environment but PATH, so stray TELEGRAM_* or CLINICBOT_*
// variables cannot change what is tested. HOME and TMPDIR are inside the
// working directory, so anything the process writes can be inspected.
func baseEnv(dir string, srv *fakeapi.Server) map[string]string {
	env := map[string]string{
		"PATH":   os.Getenv("PATH"),
		"HOME":   filepath.Join(dir, "home"),
		"TMPDIR": filepath.Join(dir, "tmp"),
		// Tests run in parallel: each admin listener on a port of its own.
		"CLINICBOT_ADMIN_LISTEN": "127.0.0.1:0",
	}
	if srv != nil {
		env["TELEGRAM_API_URL"] = srv.URL()
		env["TELEGRAM_BOT_TOKEN"] = token
		env["CLINICBOT_BOOKING_URL"] = bookingURL
	}
	return env
}

// start runs `clinicbot serve --config <dir>/config.yaml [args]` in a new
// working directory. It does not wait for the bot to be ready.
func start(t *testing.T, o options) *proc {
	t.Helper()
	p := &proc{t: t, dir: t.TempDir(), stdout: newLogBuffer(), stderr: newLogBuffer(), exited: make(chan struct{})}
	switch {
	case o.srv != nil:
		p.srv = o.srv
	case !o.noSrv:
		p.srv = fakeapi.NewT(t, token)
	}
	if o.faults != nil {
		o.faults(p.srv) // before the process can make its first call
	}
	for _, d := range []string{"home", "tmp"} {
		if err := os.Mkdir(filepath.Join(p.dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	cfgPath := filepath.Join(p.dir, "config.yaml")
	if err := os.WriteFile(cfgPath, []byte(o.config), 0o600); err != nil {
		t.Fatal(err)
	}
	env := baseEnv(p.dir, p.srv)
	for k, v := range o.env {
		if v == "" {
			delete(env, k)
		} else {
			env[k] = v
		}
	}
	// The context only backs up Cleanup: a process still running when the
	// test ends is killed.
	ctx, cancel := context.WithCancel(context.Background())
	p.cmd = exec.CommandContext(ctx, binary, append([]string{"serve", "--config", cfgPath}, o.args...)...)
	p.cmd.Dir = p.dir
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	p.cmd.WaitDelay = 5 * time.Second
	for k, v := range env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	if err := p.cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start %s: %v", binary, err)
	}
	go func() {
		p.exitErr = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		cancel()
		<-p.exited
		if t.Failed() || os.Getenv("E2E_LOGS") != "" {
			t.Logf("clinicbot stderr:\n%s", p.stderr.String())
			if s := p.stdout.String(); s != "" {
				t.Logf("clinicbot stdout:\n%s", s)
			}
		}
	})
	return p
}

// ctx returns a context that ends after waitTimeout or when the process exits.
func (p *proc) ctx() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	go func() {
		select {
		case <-p.exited:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// fatalf fails the test, saying whether the process is still running.
func (p *proc) fatalf(format string, args ...any) {
	p.t.Helper()
	select {
	case <-p.exited:
		format += fmt.Sprintf(" (the process exited: %v)", p.exitErr)
	default:
	}
	p.t.Fatalf(format, args...)
}

// until waits for cond, rechecking it after every API call the fake records.
func (p *proc) until(what string, cond func() bool) {
	p.t.Helper()
	ctx, cancel := p.ctx()
	defer cancel()
	for {
		n := len(p.srv.Calls(""))
		if cond() {
			return
		}
		if _, err := p.srv.WaitCalls(ctx, "", n+1); err != nil {
			p.fatalf("waiting for %s: %v", what, err)
		}
	}
}

// ready waits until the bot has set itself up: the command menu and, in
// polling mode, the first long poll; in webhook mode, setWebhook.
func (p *proc) ready() {
	p.t.Helper()
	p.until("the bot to start", func() bool {
		return len(p.srv.Calls("setMyCommands")) > 0 &&
			(len(p.srv.Calls("deleteWebhook")) > 0 || len(p.srv.Calls("setWebhook")) > 0)
	})
}

// waitLog waits until the process's stderr matches re and returns the match.
func (p *proc) waitLog(re *regexp.Regexp) []string {
	p.t.Helper()
	ctx, cancel := p.ctx()
	defer cancel()
	for {
		s, changed := p.stderr.snapshot()
		if m := re.FindStringSubmatch(s); m != nil {
			return m
		}
		select {
		case <-changed:
		case <-ctx.Done():
			p.fatalf("waiting for a log line matching %q", re)
		}
	}
}

// countLog counts the lines of stderr that contain s.
func (p *proc) countLog(s string) int {
	return strings.Count(p.stderr.String(), s)
}

// sentTo returns the messages delivered to chat, in order.
func (p *proc) sentTo(chat int64) []fakeapi.Call {
	var out []fakeapi.Call
	for _, c := range p.srv.Sent() {
		if c.ChatID() == chat {
			out = append(out, c)
		}
	}
	return out
}

// waitSentTo waits until chat has been sent at least n messages and returns them.
func (p *proc) waitSentTo(chat int64, n int) []fakeapi.Call {
	p.t.Helper()
	var got []fakeapi.Call
	p.until(fmt.Sprintf("%d message(s) to chat %d", n, chat), func() bool {
		got = p.sentTo(chat)
		return len(got) >= n
	})
	return got
}

// ask enqueues update in chat and returns the one new message the bot sends there.
func (p *proc) ask(chat int64, u models.Update) fakeapi.Call {
	p.t.Helper()
	before := len(p.sentTo(chat))
	p.srv.Enqueue(u)
	return p.waitSentTo(chat, before+1)[before]
}

// say asks a text question in a private chat.
func (p *proc) say(chat int64, text string) fakeapi.Call {
	p.t.Helper()
	return p.ask(chat, fakeapi.TextMessage(chat, text))
}

// stop sends SIGTERM and waits for the process to exit with code 0.
func (p *proc) stop() {
	p.t.Helper()
	if p.stopped {
		return
	}
	p.stopped = true
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-p.exited:
	case <-time.After(exitTimeout):
		p.t.Fatalf("clinicbot did not exit within %s of SIGTERM", exitTimeout)
	}
	if p.exitErr != nil {
		p.t.Fatalf("clinicbot exited with %v after SIGTERM, want exit code 0", p.exitErr)
	}
}

// exitCode waits for the process to exit by itself and returns its code.
func (p *proc) exitCode() int {
	p.t.Helper()
	select {
	case <-p.exited:
	case <-time.After(exitTimeout):
		p.t.Fatalf("clinicbot did not exit within %s", exitTimeout)
	}
	var ee *exec.ExitError
	switch {
	case p.exitErr == nil:
		return 0
	case errors.As(p.exitErr, &ee):
		return ee.ExitCode()
	default:
		p.t.Fatalf("clinicbot: %v", p.exitErr)
		return -1
	}
}

// checkNoSecrets fails if the token's secret half appears in the output.
func (p *proc) checkNoSecrets(extra ...string) {
	p.t.Helper()
	out := p.stdout.String() + p.stderr.String()
	for _, s := range append([]string{secretHalf}, extra...) {
		if strings.Contains(out, s) {
			p.t.Errorf("a secret (%.4s…) appears in the process's output", s)
		}
	}
}

// testdata returns the contents of testdata/name.
func testdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// ---------------------------------------------------------------------------
// The engine's view, from `clinicbot ask --json`

// reply is what `clinicbot ask --json` prints for one question.
type reply struct {
	Question string  `json:"question"`
	Kind     string  `json:"kind"`
	Entry    string  `json:"entry"`
	Title    string  `json:"title"`
	Text     string  `json:"text"`
	Score    float64 `json:"score"`
	// BookingURL is set when the reply carries the booking button.
	BookingURL string `json:"booking_url"`
	Choices    []struct {
		Entry string `json:"entry"`
		Title string `json:"title"`
	} `json:"choices"`
}

// askEngine answers questions with `clinicbot ask --json`, the same engine
// serve uses, so the tests can check the transport against it without
// hard-coding every threshold decision.
func askEngine(t *testing.T, args []string, questions ...string) []reply {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"ask", "--json"}, args...)...)
	cmd.Dir = t.TempDir()
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + cmd.Dir, "TMPDIR=" + cmd.Dir, "CLINICBOT_BOOKING_URL=" + bookingURL}
	cmd.Stdin = strings.NewReader(strings.Join(questions, "\n") + "\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("clinicbot ask: %v\n%s", err, stderr.String())
	}
	var rs []reply
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var r reply
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("clinicbot ask output: %v", err)
		}
		rs = append(rs, r)
	}
	if len(rs) != len(questions) {
		t.Fatalf("clinicbot ask answered %d of %d questions", len(rs), len(questions))
	}
	return rs
}

// answerable are questions about the clinic, for tests that need answers
// but not particular ones; pickAnswered chooses among them.
var answerable = []string{
	"how much does it cost?", "how long is the recovery?", "how long does the procedure take?", "does it hurt?",
	"how do I book a consultation?", "where is the clinic?", "can I drive home after the procedure?",
	"what are the risks?", "is it covered by insurance?", "how long does the pain relief last?",
	"what should I do to prepare?", "is facet joint denervation an operation?",
	"what is facet joint denervation?", "what are facet joints?", "what conditions does the clinic treat?",
}

// pickAnswered returns n questions that the engine answers, each with a
// different entry, so the tests of the transport do not depend on how
// retrieval is tuned.
func pickAnswered(t *testing.T, n int) []reply {
	t.Helper()
	var out []reply
	seen := map[string]bool{}
	for _, r := range askEngine(t, nil, answerable...) {
		if r.Kind == "answer" && !seen[r.Entry] && len(out) < n {
			seen[r.Entry] = true
			out = append(out, r)
		}
	}
	if len(out) < n {
		t.Fatalf("the engine answers only %d of the %d test questions with distinct entries; %d needed", len(out), len(answerable), n)
	}
	return out
}

// expect checks that a sent message is the engine's reply r.
func expect(t *testing.T, c fakeapi.Call, r reply) {
	t.Helper()
	if r.Title != "" && titleOf(c) != r.Title {
		t.Errorf("reply to %q has title %q, want %q", r.Question, titleOf(c), r.Title)
	}
	if want := firstLine(r.Text); !strings.Contains(plain(c.Text()), want) {
		t.Errorf("reply to %q is %q, want the engine's %q", r.Question, c.Text(), want)
	}
}

// plain is a sent HTML message as the patient reads it.
func plain(text string) string {
	return html.UnescapeString(strings.NewReplacer("<b>", "", "</b>", "").Replace(text))
}

// firstLine is the first line of s.
func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}

// ---------------------------------------------------------------------------
// Reading what was sent

func buttons(t *testing.T, c fakeapi.Call) []models.InlineKeyboardButton {
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

func callbackData(bs []models.InlineKeyboardButton) []string {
	var out []string
	for _, b := range bs {
		if b.CallbackData != "" {
			out = append(out, b.CallbackData)
		}
	}
	return out
}

// urlButtons maps the URL buttons' texts to their URLs.
func urlButtons(bs []models.InlineKeyboardButton) map[string]string {
	out := map[string]string{}
	for _, b := range bs {
		if b.URL != "" {
			out[b.Text] = b.URL
		}
	}
	return out
}

// replyTo is the message a sent message replies to, 0 if none.
func replyTo(t *testing.T, c fakeapi.Call) int {
	t.Helper()
	if !c.Params.Has("reply_parameters") {
		return 0
	}
	var rp models.ReplyParameters
	if err := c.Params.Decode("reply_parameters", &rp); err != nil {
		t.Fatalf("reply_parameters %q: %v", c.Params.Get("reply_parameters"), err)
	}
	return rp.MessageID
}

// messageID is the id the fake gave a sent message.
func messageID(t *testing.T, c fakeapi.Call) int {
	t.Helper()
	m, err := c.Message()
	if err != nil {
		t.Fatal(err)
	}
	return m.ID
}

// titleOf is the bold title of an HTML message, "" if none.
func titleOf(c fakeapi.Call) string {
	s, ok := strings.CutPrefix(c.Text(), "<b>")
	if !ok {
		return ""
	}
	title, _, _ := strings.Cut(s, "</b>")
	return html.UnescapeString(title)
}
