package e2e

import (
	"net/http"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/clinicbot/clinicbot/tests/fakeapi"
)

// TestWebhookKillAfter200: once the webhook has answered 200 the question
// is the bot's to answer, even if it is killed before it could reply: the
// restart on the same state folder answers it, and says the reply may be
// a second copy.
func TestWebhookKillAfter200(t *testing.T) {
	t.Parallel()
	const secret = "e2e-Crash_secret-8wQ"
	const patient = 4901
	q := pickAnswered(t, 1)[0]
	stateDir := filepath.Join(t.TempDir(), "state")
	webhook := func(srv *fakeapi.Server) *proc {
		addr := freeAddr(t)
		p := start(t, options{config: testdata(t, "default.yaml"), srv: srv, env: map[string]string{
			"TELEGRAM_MODE":           "webhook",
			"TELEGRAM_WEBHOOK_LISTEN": addr,
			"TELEGRAM_WEBHOOK_URL":    "http://" + addr + "/telegram",
			"TELEGRAM_WEBHOOK_PATH":   "/telegram",
			"TELEGRAM_WEBHOOK_SECRET": secret,
			"CLINICBOT_STATE_DIR":     stateDir,
		}})
		p.until("the webhook to be set", func() bool { return p.srv.Webhook().URL == "http://"+addr+"/telegram" })
		return p
	}
	p := webhook(nil)
	p.srv.Fail("sendMessage", fakeapi.Delay(time.Minute)) // Telegram hangs on the reply
	if status, err := p.srv.Deliver(fakeapi.TextMessage(patient, q.Question)); err != nil || status != http.StatusOK {
		t.Fatalf("Deliver: %d %v", status, err)
	}
	// The delayed sendMessage has reached the fake once its fault is taken.
	waitUntil(t, "the reply to be on its way", func() bool { return p.srv.PendingFaults("sendMessage") == 0 })
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.exited
	if n := len(p.sentTo(patient)); n != 0 {
		t.Fatalf("%d replies delivered before the kill", n)
	}

	p2 := webhook(p.srv)
	expect(t, p2.waitSentTo(patient, 1)[0], q)
	p2.waitLog(regexp.MustCompile(`replies that were on their way at the last stop are sent again[^\n]*messages=1`))
	p2.stop()
	if n := len(p2.sentTo(patient)); n != 1 {
		t.Errorf("%d replies, want 1", n)
	}
}
