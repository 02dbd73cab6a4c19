// Package load is clinicbot's load and fault harness. It runs the real
// `clinicbot serve` binary against the fake Telegram Bot API
// (tests/fakeapi, on 127.0.0.1) and acts as many patients at once:
//
//   - burst: many chats ask several questions at the same moment;
//   - faults: questions arrive while 30% of requests fail (429 with
//     retry_after, 500, dropped connections, answers slower than the
//     request timeout), the bot is killed with SIGKILL half-way and
//     restarted on the same state folder;
//   - storm: SIGTERM while every send is refused with 429, then a restart;
//   - flood: one chat sends a message every few tens of milliseconds among
//     quiet chats.
//
// For each it prints questions, answered, lost, duplicated, out of order,
// p50/p99 latency, peak sends a second (all chats, and in one chat after
// its first two) and the bot's peak RSS, and checks the figures the
// README promises. By default it runs a short form (CI); -load.full runs
// the sizes of the README's table:
//
//	go test ./tests/load -v -load.full
package load

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/clinicbot/clinicbot/tests/fakeapi"
)

var full = flag.Bool("load.full", false, "run the harness at the README's sizes (1,000 chats x 5 questions…); default: the short form CI runs")

const token = "1000:LOAD-secretHalf-x8Rq2"

// size is how big each scenario is.
type size struct {
	burstChats, burstQuestions    int // questions per chat
	faultChats, faultQuestions    int // questions in all
	stormQuestions                int
	floodQuiet, floodMessages     int
	floodSeconds                  float64
	burstLimit, faultLimit, other time.Duration // bounds on each scenario's run
}

var (
	fullSize = size{
		burstChats: 1000, burstQuestions: 5,
		faultChats: 50, faultQuestions: 300,
		stormQuestions: 20,
		floodQuiet:     50, floodMessages: 200, floodSeconds: 5,
		burstLimit: 8 * time.Minute, faultLimit: 5 * time.Minute, other: 3 * time.Minute,
	}
	shortSize = size{
		burstChats: 100, burstQuestions: 2,
		faultChats: 20, faultQuestions: 80,
		stormQuestions: 10,
		floodQuiet:     20, floodMessages: 60, floodSeconds: 2,
		burstLimit: 2 * time.Minute, faultLimit: 2 * time.Minute, other: 2 * time.Minute,
	}
)

func sizes() size {
	if *full {
		return fullSize
	}
	return shortSize
}

var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "clinicbot-load-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "clinicbot")
	build := exec.Command("go", "build", "-o", binary, "../../cmd/clinicbot")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "load: go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// questionPool returns clinic test questions the bot answers with an
// entry, one per entry, and the entry titles their replies start with.
var questionPool = sync.OnceValues(func() ([][2]string, error) {
	data, err := os.ReadFile("../clinic/questions.jsonl")
	if err != nil {
		return nil, err
	}
	var in bytes.Buffer
	for _, line := range bytes.Split(data, []byte("\n")) {
		var q struct{ Query string }
		if json.Unmarshal(line, &q) == nil && q.Query != "" {
			in.WriteString(q.Query + "\n")
		}
	}
	cmd := exec.Command(binary, "ask", "--json")
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("clinicbot ask: %w", err)
	}
	seen := map[string]bool{}
	var pool [][2]string
	for _, line := range bytes.Split(out, []byte("\n")) {
		var a struct{ Question, Kind, Title string }
		if json.Unmarshal(line, &a) != nil || a.Kind != "answer" || a.Title == "" || seen[a.Title] {
			continue
		}
		seen[a.Title] = true
		pool = append(pool, [2]string{a.Question, a.Title})
	}
	if len(pool) < 10 {
		return nil, fmt.Errorf("only %d answerable questions", len(pool))
	}
	return pool, nil
})

// ---------------------------------------------------------------------------
// The bot process

type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type proc struct {
	cmd    *exec.Cmd
	stderr *logBuffer
	exited chan struct{}
	rssKB  atomic.Int64 // peak resident memory seen
}

// run starts `clinicbot serve` on srv with the state in stateDir.
func run(t *testing.T, srv *fakeapi.Server, stateDir string) *proc {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	// Slow answers time out after 2 s (Telegram's own are far slower to give up).
	if err := os.WriteFile(cfg, []byte("telegram:\n  mode: polling\n  request_timeout: 2s\nreload: 0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := &proc{stderr: &logBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(binary, "serve", "--config", cfg)
	p.cmd.Dir = dir
	p.cmd.Stderr = p.stderr
	p.cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + dir,
		"TELEGRAM_API_URL=" + srv.URL(), "TELEGRAM_BOT_TOKEN=" + token,
		"CLINICBOT_STATE_DIR=" + stateDir,
		"CLINICBOT_ADMIN_LISTEN=127.0.0.1:0", // never a fixed port: tests run side by side
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.exited)
	}()
	go p.watchRSS()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
		if t.Failed() || os.Getenv("LOAD_LOGS") != "" {
			t.Logf("clinicbot stderr (tail):\n%s", tail(p.stderr.String(), 40))
		}
	})
	return p
}

// watchRSS keeps the process's peak resident memory (VmHWM).
func (p *proc) watchRSS() {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-p.exited:
			return
		case <-tick.C:
		}
		f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
				if kb > p.rssKB.Load() {
					p.rssKB.Store(kb) // only this goroutine writes
				}
			}
		}
		f.Close()
	}
}

func (p *proc) signal(t *testing.T, sig syscall.Signal, wait time.Duration) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(wait):
		t.Fatalf("clinicbot did not exit %s after %v", wait, sig)
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// ready waits for the bot's first long poll.
func ready(t *testing.T, srv *fakeapi.Server, p *proc) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for len(srv.Calls("getUpdates")) == 0 && len(srv.Calls("deleteWebhook")) == 0 {
		select {
		case <-ctx.Done():
			t.Fatalf("the bot never polled:\n%s", p.stderr.String())
		case <-p.exited:
			t.Fatalf("the bot exited:\n%s", p.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// ---------------------------------------------------------------------------
// Patients and what they got

// asked is one question: who asked, which of their questions, and when.
type asked struct {
	chat  int64
	n     int    // the chat's n-th question, from 0
	title string // the reply's title
	at    time.Time
}

// patients keeps the questions asked.
type patients struct {
	mu  sync.Mutex
	all []asked
	// byTitle finds a question from a reply: chat -> title -> index in all.
	byTitle map[int64]map[string]int
	count   map[int64]int
}

func newPatients() *patients {
	return &patients{byTitle: map[int64]map[string]int{}, count: map[int64]int{}}
}

// ask enqueues question q (whose reply starts with title) from chat.
func (ps *patients) ask(srv *fakeapi.Server, chat int64, q, title string) {
	ps.mu.Lock()
	if ps.byTitle[chat] == nil {
		ps.byTitle[chat] = map[string]int{}
	}
	ps.byTitle[chat][title] = len(ps.all)
	ps.all = append(ps.all, asked{chat: chat, n: ps.count[chat], title: title, at: time.Now()})
	ps.count[chat]++
	ps.mu.Unlock()
	srv.Enqueue(fakeapi.TextMessage(chat, q))
}

// figures are what the harness reports for one scenario.
type figures struct {
	name                      string
	questions, answered, lost int
	duplicated, outOfOrder    int
	p50, p99                  time.Duration
	peakGlobal, peakChat      int
	notices                   int
	rssMB                     float64
	inFlightAtKill            int
	quietP99                  time.Duration
	quietChats                map[int64]bool // latency is reported for these only, if set
	unknown                   int            // replies matching no question (notices excluded)
	elapsed                   time.Duration
	extra                     string
}

const noticeText = "one question at a time"

// replyTitle is the title a reply starts with ("" if none).
func replyTitle(text string) string {
	t := html.UnescapeString(text)
	if rest, ok := strings.CutPrefix(t, "<b>"); ok {
		if i := strings.Index(rest, "</b>"); i >= 0 {
			return rest[:i]
		}
	}
	return ""
}

// answered reports how many questions have a reply so far.
func (ps *patients) answered(srv *fakeapi.Server) int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	got := map[int]bool{}
	for _, c := range srv.Sent() {
		if i, ok := ps.byTitle[c.ChatID()][replyTitle(c.Text())]; ok {
			got[i] = true
		}
	}
	return len(got)
}

// measure works out the figures from what the fake recorded.
func (ps *patients) measure(srv *fakeapi.Server, f *figures) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	f.questions = len(ps.all)
	replies := make([][]time.Time, len(ps.all))
	lastN := map[int64]int{}
	for _, c := range srv.Sent() {
		if strings.Contains(c.Text(), noticeText) {
			f.notices++
			continue
		}
		i, ok := ps.byTitle[c.ChatID()][replyTitle(c.Text())]
		if !ok {
			f.unknown++
			continue
		}
		replies[i] = append(replies[i], c.Time)
		if len(replies[i]) == 1 {
			if n, seen := lastN[c.ChatID()]; seen && ps.all[i].n < n {
				f.outOfOrder++
			}
			lastN[c.ChatID()] = max(lastN[c.ChatID()], ps.all[i].n)
		}
	}
	var lat, quiet []time.Duration
	for i, r := range replies {
		if len(r) == 0 {
			continue
		}
		f.answered++
		f.duplicated += len(r) - 1
		d := r[0].Sub(ps.all[i].at)
		lat = append(lat, d)
		if f.quietChats[ps.all[i].chat] {
			quiet = append(quiet, d)
		}
	}
	f.lost = f.questions - f.answered
	f.p50, f.p99 = percentile(lat, 0.5), percentile(lat, 0.99)
	f.quietP99 = percentile(quiet, 0.99)
	f.peakGlobal, f.peakChat = peaks(srv.Calls("sendMessage"))
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[min(len(ds)-1, int(p*float64(len(ds))))]
}

// peaks are the most sendMessage requests in any one second: in all, and
// in one chat leaving out each chat's first two (Telegram allows a short
// burst). Scheduling jitter of a few milliseconds is allowed for.
func peaks(calls []fakeapi.Call) (global, chat int) {
	const window = time.Second - 20*time.Millisecond
	var all []time.Time
	perChat := map[int64][]time.Time{}
	for _, c := range calls {
		all = append(all, c.Time)
		perChat[c.ChatID()] = append(perChat[c.ChatID()], c.Time)
	}
	most := func(ts []time.Time) int {
		slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
		best, lo := 0, 0
		for hi := range ts {
			for ts[hi].Sub(ts[lo]) >= window {
				lo++
			}
			best = max(best, hi-lo+1)
		}
		return best
	}
	global = most(all)
	for _, ts := range perChat {
		slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
		if len(ts) > 2 {
			chat = max(chat, most(ts[2:]))
		}
	}
	return global, chat
}

func (f *figures) report(t *testing.T) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "%s: questions %d, answered %d, lost %d, duplicated %d, out of order %d, latency p50 %s p99 %s",
		f.name, f.questions, f.answered, f.lost, f.duplicated, f.outOfOrder, f.p50.Round(time.Millisecond), f.p99.Round(time.Millisecond))
	if f.quietChats != nil {
		fmt.Fprintf(&b, " (quiet chats p99 %s)", f.quietP99.Round(time.Millisecond))
	}
	fmt.Fprintf(&b, ", peak sends/s %d (one chat, after its first two: %d), peak RSS %.0f MB", f.peakGlobal, f.peakChat, f.rssMB)
	if f.notices > 0 {
		fmt.Fprintf(&b, ", flood notices %d", f.notices)
	}
	if f.inFlightAtKill >= 0 {
		fmt.Fprintf(&b, ", sends in flight at the kill %d", f.inFlightAtKill)
	}
	if f.extra != "" {
		b.WriteString(", " + f.extra)
	}
	fmt.Fprintf(&b, ", took %s", f.elapsed.Round(100*time.Millisecond))
	t.Log(b.String())
}

// waitAnswered waits until n questions are answered, the process exits or
// limit passes; it reports whether all were.
func waitAnswered(ps *patients, srv *fakeapi.Server, p *proc, n int, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if ps.answered(srv) >= n {
			return true
		}
		select {
		case <-p.exited:
			return ps.answered(srv) >= n
		case <-time.After(200 * time.Millisecond):
		}
	}
	return false
}

// settle waits until nothing was sent for a while (duplicates show up).
func settle(srv *fakeapi.Server, quiet time.Duration) {
	n := -1
	for {
		m := len(srv.Calls("sendMessage"))
		if m == n {
			return
		}
		n = m
		time.Sleep(quiet)
	}
}

var resentLog = regexp.MustCompile(`on their way at the last stop are sent again.* messages=(\d+)`)

func resent(logs string) int {
	n := 0
	for _, m := range resentLog.FindAllStringSubmatch(logs, -1) {
		k, _ := strconv.Atoi(m[1])
		n += k
	}
	return n
}

func check(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Errorf(format, args...)
	}
}

// ---------------------------------------------------------------------------
// Scenarios

// TestBurst: every chat asks all its questions at once. Every question is
// answered exactly once and in order, under Telegram's limits.
func TestBurst(t *testing.T) {
	sz := sizes()
	pool, err := questionPool()
	if err != nil {
		t.Fatal(err)
	}
	srv := fakeapi.NewT(t, token)
	p := run(t, srv, t.TempDir())
	ready(t, srv, p)
	ps := newPatients()
	start := time.Now()
	for n := range sz.burstQuestions {
		for c := range sz.burstChats {
			q := pool[(c+n*7)%len(pool)]
			ps.ask(srv, int64(10000+c), q[0], q[1])
		}
	}
	total := sz.burstChats * sz.burstQuestions
	all := waitAnswered(ps, srv, p, total, sz.burstLimit)
	settle(srv, 1500*time.Millisecond)
	f := &figures{name: "burst", inFlightAtKill: -1, elapsed: time.Since(start)}
	p.signal(t, syscall.SIGTERM, 30*time.Second)
	f.rssMB = float64(p.rssKB.Load()) / 1024
	ps.measure(srv, f)
	f.report(t)
	check(t, all && f.lost == 0, "%d questions not answered", f.lost)
	check(t, f.duplicated == 0, "%d duplicates", f.duplicated)
	check(t, f.outOfOrder == 0, "%d replies out of order", f.outOfOrder)
	check(t, f.peakGlobal <= 30, "%d sends in one second", f.peakGlobal)
	check(t, f.peakChat <= 1, "%d sends in one second to one chat after its first two", f.peakChat)
	check(t, f.rssMB < 150, "peak RSS %.0f MB", f.rssMB)
	check(t, f.unknown == 0, "%d replies to no question", f.unknown)
}

// faultsFor returns n faults of which about rate are real (429, 500,
// dropped connection, slow), the rest answered normally.
func faultsFor(r *rand.Rand, n int, rate float64, slow bool) []fakeapi.Fault {
	out := make([]fakeapi.Fault, n)
	kinds := 3
	if slow {
		kinds = 4
	}
	for i := range out {
		out[i] = fakeapi.Delay(0) // a normal answer
		if r.Float64() >= rate {
			continue
		}
		switch r.IntN(kinds) {
		case 0:
			out[i] = fakeapi.TooManyRequests(1 + r.IntN(2))
		case 1:
			out[i] = fakeapi.ServerError()
		case 2:
			out[i] = fakeapi.DropConnection()
		case 3:
			out[i] = fakeapi.Delay(3 * time.Second) // longer than the 2 s request timeout
		}
	}
	return out
}

// TestFaultsAndKill: questions keep coming while 30% of requests fail, and
// the bot is killed with SIGKILL half-way, then restarted. None is lost;
// the only duplicates are sends that were in flight at the kill.
func TestFaultsAndKill(t *testing.T) {
	sz := sizes()
	pool, err := questionPool()
	if err != nil {
		t.Fatal(err)
	}
	srv := fakeapi.NewT(t, token)
	r := rand.New(rand.NewPCG(24, 2026))
	srv.Fail("sendMessage", faultsFor(r, sz.faultQuestions*4, 0.3, true)...)
	srv.Fail("getUpdates", faultsFor(r, sz.faultQuestions, 0.3, false)...)
	stateDir := t.TempDir()
	p := run(t, srv, stateDir)
	ready(t, srv, p)
	ps := newPatients()
	start := time.Now()
	// Questions arrive over a few seconds, so some are still coming in
	// (taken, not yet answered) at the kill.
	asking := make(chan struct{})
	go func() {
		defer close(asking)
		for i := range sz.faultQuestions {
			c := i % sz.faultChats
			q := pool[(c*3+i/sz.faultChats)%len(pool)]
			ps.ask(srv, int64(20000+c), q[0], q[1])
			time.Sleep(20 * time.Millisecond)
		}
	}()
	killed := waitAnswered(ps, srv, p, sz.faultQuestions/2, sz.faultLimit)
	p.signal(t, syscall.SIGKILL, 10*time.Second)
	rss := p.rssKB.Load()
	<-asking
	if !killed {
		t.Errorf("half the questions were not answered in %s", sz.faultLimit)
	}
	p2 := run(t, srv, stateDir)
	all := waitAnswered(ps, srv, p2, sz.faultQuestions, sz.faultLimit)
	settle(srv, 3*time.Second)
	p2.signal(t, syscall.SIGTERM, 30*time.Second)
	f := &figures{name: "faults + kill -9", elapsed: time.Since(start), rssMB: float64(max(rss, p2.rssKB.Load())) / 1024}
	f.inFlightAtKill = resent(p2.stderr.String())
	ps.measure(srv, f)
	faulted := 0
	for _, c := range srv.Calls("") {
		if c.Faulted() || c.Fault == fakeapi.FaultDelay && c.Status == 0 {
			faulted++
		}
	}
	f.extra = fmt.Sprintf("requests faulted %d", faulted)
	f.report(t)
	check(t, all && f.lost == 0, "%d questions lost", f.lost)
	check(t, f.duplicated <= f.inFlightAtKill, "%d duplicates, more than the %d sends in flight at the kill", f.duplicated, f.inFlightAtKill)
	check(t, f.unknown == 0, "%d replies to no question", f.unknown)
}

// TestTermDuringStorm: SIGTERM while every send gets 429; the restart
// sends everything.
func TestTermDuringStorm(t *testing.T) {
	sz := sizes()
	pool, err := questionPool()
	if err != nil {
		t.Fatal(err)
	}
	srv := fakeapi.NewT(t, token)
	storm := make([]fakeapi.Fault, sz.stormQuestions*4)
	for i := range storm {
		storm[i] = fakeapi.TooManyRequests(3)
	}
	srv.Fail("sendMessage", storm...)
	stateDir := t.TempDir()
	p := run(t, srv, stateDir)
	ready(t, srv, p)
	ps := newPatients()
	start := time.Now()
	for i := range sz.stormQuestions {
		ps.ask(srv, int64(30000+i), pool[i%len(pool)][0], pool[i%len(pool)][1])
	}
	time.Sleep(2 * time.Second)
	p.signal(t, syscall.SIGTERM, 30*time.Second)
	before := ps.answered(srv)
	p2 := run(t, srv, stateDir)
	all := waitAnswered(ps, srv, p2, sz.stormQuestions, sz.other)
	settle(srv, 1500*time.Millisecond)
	p2.signal(t, syscall.SIGTERM, 30*time.Second)
	f := &figures{name: "SIGTERM in a 429 storm", elapsed: time.Since(start), rssMB: float64(max(p.rssKB.Load(), p2.rssKB.Load())) / 1024}
	f.inFlightAtKill = -1
	ps.measure(srv, f)
	f.extra = fmt.Sprintf("answered before SIGTERM %d", before)
	f.report(t)
	check(t, all && f.lost == 0, "%d questions lost", f.lost)
	check(t, f.duplicated <= f.questions, "%d duplicates", f.duplicated)
}

// TestFlood: one chat sends message after message among quiet chats. The
// quiet chats are answered promptly; the flooder gets the notice.
func TestFlood(t *testing.T) {
	sz := sizes()
	pool, err := questionPool()
	if err != nil {
		t.Fatal(err)
	}
	srv := fakeapi.NewT(t, token)
	p := run(t, srv, t.TempDir())
	ready(t, srv, p)
	ps := newPatients()
	const flooder = 40000
	quiet := map[int64]bool{}
	start := time.Now()
	gap := time.Duration(sz.floodSeconds * float64(time.Second) / float64(sz.floodMessages))
	every := max(1, sz.floodMessages/sz.floodQuiet)
	for i := range sz.floodMessages {
		srv.Enqueue(fakeapi.TextMessage(flooder, fmt.Sprintf("%s (%d)", pool[i%len(pool)][0], i)))
		if i%every == 0 && len(quiet) < sz.floodQuiet {
			c := int64(41000 + len(quiet))
			quiet[c] = true
			q := pool[len(quiet)%len(pool)]
			ps.ask(srv, c, q[0], q[1])
		}
		time.Sleep(gap)
	}
	all := waitAnswered(ps, srv, p, len(quiet), sz.other)
	// The notice goes ahead of the flooder's queued answers, which go on
	// at one a second and are not waited for.
	for deadline := time.Now().Add(sz.other); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if slices.ContainsFunc(srv.Sent(), func(c fakeapi.Call) bool { return strings.Contains(c.Text(), noticeText) }) {
			break
		}
	}
	f := &figures{name: "flood", quietChats: quiet, inFlightAtKill: -1, elapsed: time.Since(start)}
	toFlooder := 0
	for _, c := range srv.Sent() {
		if c.ChatID() == flooder && !strings.Contains(c.Text(), noticeText) {
			toFlooder++
		}
	}
	p.signal(t, syscall.SIGKILL, 10*time.Second)
	f.rssMB = float64(p.rssKB.Load()) / 1024
	ps.measure(srv, f)
	f.unknown -= toFlooder // the flooder's answers match no quiet question
	f.extra = fmt.Sprintf("flooder sent %d, got %d answers by then", sz.floodMessages, toFlooder)
	f.report(t)
	check(t, all && f.lost == 0, "%d quiet questions not answered", f.lost)
	check(t, f.quietP99 < 2*time.Second, "quiet chats' p99 latency %s", f.quietP99)
	check(t, f.notices == 1, "%d notices to the flooder, want 1", f.notices)
	check(t, f.peakGlobal <= 30, "%d sends in one second", f.peakGlobal)
}
