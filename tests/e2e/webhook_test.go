package e2e

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/clinicbot/clinicbot/tests/fakeapi"
)

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestWebhook serves by webhook: the webhook is registered with its
// secret, deliveries are answered, and bad requests get the right status.
func TestWebhook(t *testing.T) {
	t.Parallel()
	const secret = "e2e-Webhook_secret-5rT"
	const patient = 4501
	const channel = -1009876543210
	qs := pickAnswered(t, 3)
	addr := freeAddr(t)
	url := "http://" + addr + "/telegram"
	p := start(t, options{config: testdata(t, "default.yaml"), env: map[string]string{
		"TELEGRAM_MODE":           "webhook",
		"TELEGRAM_WEBHOOK_LISTEN": addr,
		"TELEGRAM_WEBHOOK_URL":    url,
		"TELEGRAM_WEBHOOK_PATH":   "/telegram",
		"TELEGRAM_WEBHOOK_SECRET": secret,
	}})
	p.ready()

	wh := p.srv.Webhook()
	if wh.URL != url || wh.SecretToken != secret {
		t.Fatalf("setWebhook url %q secret %q, want %q and the configured secret", wh.URL, wh.SecretToken, url)
	}
	if n := len(p.srv.Calls("getUpdates")); n != 0 {
		t.Errorf("%d getUpdates calls in webhook mode", n)
	}

	t.Run("delivery", func(t *testing.T) {
		status, err := p.srv.Deliver(fakeapi.TextMessage(patient, qs[0].Question))
		if err != nil || status != http.StatusOK {
			t.Fatalf("Deliver: %d %v", status, err)
		}
		expect(t, p.waitSentTo(patient, 1)[0], qs[0])
	})

	t.Run("ignored updates", func(t *testing.T) {
		// Telegram sends only the kinds the bot asked for, but a webhook
		// must not trip over others: they are accepted and not answered.
		for _, u := range []models.Update{
			fakeapi.EditedMessage(patient, 1, "edited question"),
			fakeapi.ChannelPost(channel, "what is facet joint denervation?"),
		} {
			if status, err := p.srv.Deliver(u); err != nil || status != http.StatusOK {
				t.Errorf("Deliver: %d %v", status, err)
			}
		}
	})

	u := fakeapi.TextMessage(4502, qs[1].Question)
	u.ID, u.Message.ID = 990001, 77
	update, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		secret string
		body   []byte
		want   int
	}{
		{"no secret", "", update, http.StatusUnauthorized},
		{"wrong secret", "wrong-secret", update, http.StatusUnauthorized},
		{"secret with a different case", strings.ToUpper(secret), update, http.StatusUnauthorized},
		{"too large", secret, append(append([]byte(`{"update_id":990002,"x":"`), bytes.Repeat([]byte("a"), 1<<20)...), '"', '}'), http.StatusRequestEntityTooLarge},
		{"malformed", secret, []byte(`{"update_id": 990003, "message": {`), http.StatusBadRequest},
		{"not an update", secret, []byte(`{"hello":"world"}`), http.StatusBadRequest},
		{"right secret", secret, update, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, err := fakeapi.PostWebhook(url, tc.secret, tc.body)
			if err != nil {
				t.Fatalf("POST: %v", err)
			}
			if status != tc.want {
				t.Errorf("status %d, want %d", status, tc.want)
			}
		})
	}
	t.Run("GET", func(t *testing.T) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("GET: %d, want 405", resp.StatusCode)
		}
	})

	// Only the update with the right secret was answered, once.
	expect(t, p.waitSentTo(4502, 1)[0], qs[1])
	// A redelivery of the same update is answered once.
	if status, err := fakeapi.PostWebhook(url, secret, update); err != nil || status != http.StatusOK {
		t.Errorf("redelivery: %d %v", status, err)
	}
	// The bot still answers afterwards.
	if _, err := p.srv.Deliver(fakeapi.TextMessage(patient, qs[2].Question)); err != nil {
		t.Fatal(err)
	}
	expect(t, p.waitSentTo(patient, 2)[1], qs[2])
	p.stop()
	if n := len(p.sentTo(4502)); n != 1 {
		t.Errorf("%d replies to an update delivered twice and refused four times, want 1", n)
	}
	if n := len(p.sentTo(channel)); n != 0 {
		t.Errorf("%d messages to a channel", n)
	}
	logs := p.stderr.String()
	for _, s := range []string{qs[0].Question, qs[1].Question, qs[2].Question, "edited question", "hello", "aaaa"} {
		if strings.Contains(logs, s) {
			t.Errorf("a request body (%q) is in the logs", s)
		}
	}
	if strings.Contains(logs, "panic") {
		t.Errorf("panic in the logs")
	}
	p.checkNoSecrets(secret)
}
