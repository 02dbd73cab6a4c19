package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/clinicbot/clinicbot/tests/fakeapi"
)

// TestShutdownFinishesReply: SIGTERM while a reply is on its way (Telegram
// slow to answer sendMessage) lets that reply complete, then exits 0.
func TestShutdownFinishesReply(t *testing.T) {
	t.Parallel()
	const patient = 4801
	q := pickAnswered(t, 1)[0]
	p := start(t, options{config: testdata(t, "default.yaml")})
	p.ready()
	p.srv.Fail("sendMessage", fakeapi.Delay(1500*time.Millisecond))
	p.srv.Enqueue(fakeapi.TextMessage(patient, q.Question))
	// The delayed sendMessage has reached the fake once its fault is taken.
	deadline := time.Now().Add(waitTimeout)
	for p.srv.PendingFaults("sendMessage") > 0 {
		if time.Now().After(deadline) {
			p.fatalf("the reply was never sent")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n := len(p.srv.Sent()); n != 0 {
		t.Fatalf("%d messages delivered before the delayed one", n)
	}
	p.stop()
	sent := p.sentTo(patient)
	if len(sent) != 1 {
		t.Fatalf("%d replies delivered, want the one in progress at SIGTERM", len(sent))
	}
	if sent[0].Fault != fakeapi.FaultDelay {
		t.Errorf("delivered %q without the delay fault", sent[0].Text())
	}
	expect(t, sent[0], q)
	logs := p.stderr.String()
	if strings.Contains(logs, "abandon") {
		t.Errorf("a reply was abandoned at shutdown")
	}
	if !strings.Contains(logs, `msg=stopped`) {
		t.Errorf("no 'stopped' log line")
	}
	// The handled update was confirmed, so a restart would not answer it again.
	if n := p.srv.Pending(); n != 0 {
		t.Errorf("%d updates left unconfirmed at exit", n)
	}
}

// TestServeWithoutToken: `clinicbot serve` without a token exits non-zero
// and says why in one line.
func TestServeWithoutToken(t *testing.T) {
	t.Parallel()
	p := start(t, options{config: testdata(t, "default.yaml"), noSrv: true})
	if code := p.exitCode(); code == 0 {
		t.Errorf("exit code 0 without a token")
	}
	out := strings.TrimSpace(p.stderr.String())
	if lines := strings.Split(out, "\n"); len(lines) != 1 || !strings.Contains(out, "TELEGRAM_BOT_TOKEN") {
		t.Errorf("stderr should be one line naming TELEGRAM_BOT_TOKEN, got:\n%s", out)
	}
	if s := p.stdout.String(); s != "" {
		t.Errorf("stdout: %q", s)
	}
}

// TestServeWithRefusedToken: a token Telegram refuses stops serve with a
// non-zero exit and an error that does not quote the token.
func TestServeWithRefusedToken(t *testing.T) {
	t.Parallel()
	const refused = "1000:E2E-refusedHalf-k3Pq"
	p := start(t, options{config: testdata(t, "default.yaml"), env: map[string]string{"TELEGRAM_BOT_TOKEN": refused}})
	if code := p.exitCode(); code == 0 {
		t.Errorf("exit code 0 with a refused token")
	}
	out := p.stderr.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "clinicbot serve:") || !strings.Contains(last, "getMe") {
		t.Errorf("last line of stderr should say getMe failed, got %q", last)
	}
	if strings.Contains(out, "E2E-refusedHalf-k3Pq") {
		t.Errorf("the token is in the output:\n%s", out)
	}
	if n := len(p.srv.Calls("getMe")); n != 1 {
		t.Errorf("getMe called %d times with a refused token, want 1 (no retries)", n)
	}
}
