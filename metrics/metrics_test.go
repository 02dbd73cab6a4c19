package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/clinicbot/clinicbot/version"
)

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("GET /metrics: %d", rec.Code)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestMetricsExported(t *testing.T) {
	m := New(version.Info{Version: "v1.0.0", Revision: "0123456789abcdef", Go: "go1.26.8"})
	m.Update("message")
	m.Update("message")
	m.Update("callback_query")
	m.Refused("flood")
	m.Reply("answer", 30*time.Millisecond)
	m.APICall("sendMessage", 200)
	m.APICall("sendMessage", 429)
	m.Retry("sendMessage", "rate_limited", 2*time.Second)
	m.Delivery("delivered")
	m.PollConflict()
	m.Reloaded(false)
	m.Loaded(35)
	depth := 3
	m.Queue("updates", "Updates taken and not yet answered.", func() int { return depth })

	out := scrape(t, m)
	for _, want := range []string{
		`clinicbot_updates_total{type="message"} 2`,
		`clinicbot_updates_total{type="callback_query"} 1`,
		`clinicbot_updates_refused_total{reason="flood"} 1`,
		`clinicbot_replies_total{kind="answer"} 1`,
		`clinicbot_answer_duration_seconds_bucket{le="0.05"} 1`,
		`clinicbot_answer_duration_seconds_count 1`,
		`clinicbot_telegram_requests_total{code="200",method="sendMessage"} 1`,
		`clinicbot_telegram_requests_total{code="429",method="sendMessage"} 1`,
		`clinicbot_telegram_rate_limited_total 1`,
		`clinicbot_telegram_retries_total{method="sendMessage",reason="rate_limited"} 1`,
		`clinicbot_telegram_retry_wait_seconds_total 2`,
		`clinicbot_sends_total{outcome="delivered"} 1`,
		`clinicbot_telegram_poll_conflicts_total 1`,
		`clinicbot_knowledge_reloads_total{result="failed"} 1`,
		`clinicbot_knowledge_reloads_total{result="ok"} 0`,
		`clinicbot_knowledge_entries 35`,
		`clinicbot_queue_depth{queue="updates"} 3`,
		`clinicbot_build_info{goversion="go1.26.8",revision="0123456789ab",version="v1.0.0"} 1`,
		`go_goroutines `,
		`process_start_time_seconds `,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	depth = 0
	if out := scrape(t, m); !strings.Contains(out, `clinicbot_queue_depth{queue="updates"} 0`) {
		t.Errorf("queue depth not read at scrape time")
	}
}

// Two Metrics do not share a registry: each program part (and each test)
// gets its own counts.
func TestOwnRegistry(t *testing.T) {
	a, b := New(version.Info{}), New(version.Info{})
	a.Update("message")
	if strings.Contains(scrape(t, b), `clinicbot_updates_total{type="message"}`) {
		t.Errorf("a count in one Metrics shows in another")
	}
}
