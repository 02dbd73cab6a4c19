package e2e

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clinicbot/clinicbot/tests/fakeapi"
)

// adminAddr waits for the admin listener's address in the log, text or JSON.
func (p *proc) adminAddr() string {
	p.t.Helper()
	return p.waitLog(regexp.MustCompile(`admin listening"?,? ?"?addr"?[=:]"?(127\.0\.0\.1:\d+)`))[1]
}

// get fetches an admin path; code 0 means no answer.
func get(t *testing.T, addr, path string) (int, string) {
	t.Helper()
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get("http://" + addr + path)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// metric returns the value of the sample whose line starts with name
// (labels included, exactly as exposed), "" if there is none.
func metric(exposition, name string) string {
	for _, l := range strings.Split(exposition, "\n") {
		if v, ok := strings.CutPrefix(l, name+" "); ok {
			return v
		}
	}
	return ""
}

// TestOperations is the operator's view of one run: /healthz and /readyz
// across start and SIGTERM, /metrics moving with a question, and JSON logs
// that parse line by line and never hold the patient's words.
func TestOperations(t *testing.T) {
	t.Parallel()
	const patient = 5101
	q := pickAnswered(t, 2)
	p := start(t, options{
		config: testdata(t, "default.yaml"),
		env:    map[string]string{"CLINICBOT_LOG_FORMAT": "json"},
		// Telegram slow to answer getMe: the process is alive, not ready.
		faults: func(s *fakeapi.Server) { s.Fail("getMe", fakeapi.Delay(1500*time.Millisecond)) },
	})
	addr := p.adminAddr()
	if code, body := get(t, addr, "/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz while starting: %d %q", code, body)
	}
	if code, body := get(t, addr, "/readyz"); code != 503 {
		t.Errorf("/readyz before getMe answered: %d %q, want 503", code, body)
	}
	p.ready()
	if code, body := get(t, addr, "/readyz"); code != 200 {
		t.Errorf("/readyz once serving: %d %q, want 200", code, body)
	}

	_, before := get(t, addr, "/metrics")
	if v := metric(before, `clinicbot_updates_total{type="message"}`); v != "" {
		t.Errorf("updates counted before any: %s", v)
	}
	expect(t, p.say(patient, q[0].Question), q[0])
	// The fake has the reply; the bot's bookkeeping follows a moment later.
	var after string
	for deadline := time.Now().Add(waitTimeout); ; {
		var code int
		code, after = get(t, addr, "/metrics")
		if code != 200 {
			t.Fatalf("/metrics: %d", code)
		}
		done := metric(after, `clinicbot_replies_total{kind="answer"}`) != "" && metric(after, `clinicbot_queue_depth{queue="updates"}`) == "0"
		if done || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	for name, want := range map[string]string{
		`clinicbot_updates_total{type="message"}`:                            "1",
		`clinicbot_replies_total{kind="answer"}`:                             "1",
		`clinicbot_sends_total{outcome="delivered"}`:                         "1",
		`clinicbot_answer_duration_seconds_count`:                            "1",
		`clinicbot_telegram_requests_total{code="200",method="sendMessage"}`: "1",
		`clinicbot_telegram_requests_total{code="200",method="getMe"}`:       "1",
		`clinicbot_knowledge_reloads_total{result="failed"}`:                 "0",
		`clinicbot_queue_depth{queue="updates"}`:                             "0",
	} {
		if got := metric(after, name); got != want {
			t.Errorf("%s = %q after one question, want %s", name, got, want)
		}
	}
	if v := metric(after, "clinicbot_knowledge_entries"); v == "" || v == "0" {
		t.Errorf("clinicbot_knowledge_entries = %q", v)
	}
	if !regexp.MustCompile(`(?m)^clinicbot_build_info\{.*revision=.*\} 1$`).MatchString(after) {
		t.Errorf("no clinicbot_build_info")
	}
	t.Logf("resident memory after one question: %s bytes", metric(after, "process_resident_memory_bytes"))

	// SIGTERM while a reply is on its way: no longer ready, still alive,
	// until the reply is out.
	p.srv.Fail("sendMessage", fakeapi.Delay(2*time.Second))
	p.srv.Enqueue(fakeapi.TextMessage(patient, q[1].Question))
	deadline := time.Now().Add(waitTimeout)
	for p.srv.PendingFaults("sendMessage") > 0 {
		if time.Now().After(deadline) {
			p.fatalf("the second reply was never sent")
		}
		time.Sleep(5 * time.Millisecond)
	}
	p.stopped = true
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for {
		code, body := get(t, addr, "/readyz")
		if code == 503 && strings.Contains(body, "shutting down") {
			break
		}
		if code != 200 || time.Now().After(deadline) {
			t.Fatalf("/readyz after SIGTERM: %d %q, want 503 shutting down", code, body)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code, _ := get(t, addr, "/healthz"); code != 200 {
		t.Errorf("/healthz while finishing the last reply: %d", code)
	}
	select {
	case <-p.exited:
	case <-time.After(exitTimeout):
		t.Fatal("no exit after SIGTERM")
	}
	if p.exitErr != nil {
		t.Fatalf("exit: %v", p.exitErr)
	}
	if len(p.sentTo(patient)) != 2 {
		t.Errorf("the reply in progress at SIGTERM was not delivered")
	}
	if code, _ := get(t, addr, "/healthz"); code != 0 {
		t.Errorf("admin listener still answering after exit")
	}

	// Every line of the log is one JSON object; one line per update.
	sc := bufio.NewScanner(strings.NewReader(p.stderr.String()))
	handled := 0
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Errorf("log line is not JSON (%v): %s", err, sc.Text())
			continue
		}
		for _, k := range []string{"time", "level", "msg"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("log line without %q: %s", k, sc.Text())
			}
		}
		if rec["msg"] == "telegram: update handled" {
			handled++
			for _, k := range []string{"update", "chat", "reply", "ms"} {
				if _, ok := rec[k]; !ok {
					t.Errorf("update line without %q: %s", k, sc.Text())
				}
			}
		}
	}
	if handled != 2 {
		t.Errorf("%d 'update handled' lines for 2 questions", handled)
	}
	for _, r := range q {
		if strings.Contains(p.stderr.String(), r.Question) {
			t.Errorf("a patient's question is in the log: %q", r.Question)
		}
	}
	p.checkNoSecrets()
}

// TestAdminOff: admin.listen off turns the listener off; the bot serves.
func TestAdminOff(t *testing.T) {
	t.Parallel()
	p := start(t, options{config: "admin:\n  listen: off\n", env: map[string]string{"CLINICBOT_ADMIN_LISTEN": ""}})
	p.ready()
	q := pickAnswered(t, 1)[0]
	expect(t, p.say(5201, q.Question), q)
	p.stop()
	if strings.Contains(p.stderr.String(), "admin listening") {
		t.Errorf("admin listener started although off")
	}
}

// TestVersion: `clinicbot version` prints the revision the binary was
// built from, read from the build information the toolchain stamped.
func TestVersion(t *testing.T) {
	t.Parallel()
	out, err := exec.Command(binary, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	stamped, err := exec.Command("go", "version", "-m", binary).Output()
	if err != nil {
		t.Fatal(err)
	}
	rev := regexp.MustCompile(`vcs\.revision=([0-9a-f]+)`).FindSubmatch(stamped)
	if rev == nil {
		// The toolchain stamps a revision only in a plain git checkout
		// (not a git worktree or an export): say so, and check that.
		if info, err := os.Stat("../../.git"); err == nil && info.IsDir() {
			t.Fatalf("built in a git checkout, yet without a revision:\n%s", stamped)
		}
		if !strings.Contains(string(out), "revision: unknown") {
			t.Errorf("no revision stamped, yet version says:\n%s", out)
		}
		t.Log("no revision stamped here (not a plain git checkout); CI's clean clone checks it")
		return
	}
	head, err := exec.Command("git", "-C", "../..", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(rev[1]) != strings.TrimSpace(string(head)) {
		t.Errorf("stamped revision %s, HEAD is %s", rev[1], head)
	}
	if !strings.Contains(string(out), "revision: "+string(rev[1])) {
		t.Errorf("version does not print the revision %s:\n%s", rev[1], out)
	}
}

// TestTwoInstancesPolling: a second process polling the same token makes
// Telegram answer 409 Conflict. It is reported once, clearly, the poller
// backs off rather than spinning, and once the other process stops the
// first answers patients again.
func TestTwoInstancesPolling(t *testing.T) {
	t.Parallel()
	srv := fakeapi.NewT(t, token)
	a := start(t, options{config: testdata(t, "default.yaml"), srv: srv})
	a.ready()
	b := start(t, options{config: testdata(t, "default.yaml"), srv: srv})
	const report = "another instance is polling this bot"
	// b's first poll ends a's long poll with 409.
	a.waitLog(regexp.MustCompile(report))
	began := time.Now()
	time.Sleep(4 * time.Second)
	conflicts := 0
	for _, c := range srv.Calls("getUpdates") {
		if c.Status == http.StatusConflict && c.Time.After(began) {
			conflicts++
		}
	}
	// Backing off from 5 s, two processes cut each other short a few
	// times in 4 s; a tight loop would do it hundreds of times.
	if conflicts > 6 {
		t.Errorf("%d conflicts in 4 s: no back-off", conflicts)
	}
	for _, p := range []*proc{a, b} {
		if n := p.countLog(report); n > 1 {
			t.Errorf("the conflict reported %d times by one process, want once", n)
		}
		if n := p.countLog("library error"); n > 0 {
			t.Errorf("each conflict also logged as a library error")
		}
	}
	b.stop()
	q := pickAnswered(t, 1)[0]
	expect(t, a.say(5301, q.Question), q)
	a.stop()
}

// TestAdminOnWebhookListener: with admin.listen webhook, /readyz and
// /metrics are served on the webhook's listener, beside its /healthz.
func TestAdminOnWebhookListener(t *testing.T) {
	t.Parallel()
	addr := freeAddr(t)
	p := start(t, options{config: testdata(t, "default.yaml"), env: map[string]string{
		"TELEGRAM_MODE":           "webhook",
		"TELEGRAM_WEBHOOK_LISTEN": addr,
		"TELEGRAM_WEBHOOK_URL":    "http://" + addr + "/telegram",
		"TELEGRAM_WEBHOOK_SECRET": "e2e-shared-admin",
		"CLINICBOT_ADMIN_LISTEN":  "webhook",
	}})
	p.ready()
	for deadline := time.Now().Add(waitTimeout); ; time.Sleep(10 * time.Millisecond) {
		if code, _ := get(t, addr, "/readyz"); code == 200 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("/readyz on the webhook listener: %d", code)
		}
	}
	if code, body := get(t, addr, "/metrics"); code != 200 || !strings.Contains(body, "clinicbot_build_info{") {
		t.Errorf("/metrics on the webhook listener: %d", code)
	}
	if code, _ := get(t, addr, "/healthz"); code != 200 {
		t.Errorf("/healthz on the webhook listener: %d", code)
	}
	p.stop()
	if strings.Contains(p.stderr.String(), "admin listening") {
		t.Errorf("a separate admin listener was opened too")
	}
}
