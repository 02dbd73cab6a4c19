// Package metrics counts what clinicbot does, for operators: updates
// received, replies given and how long they took, requests to the Bot API
// and their outcomes, retries and their waits, queue depths, knowledge
// reloads. The counts are exported in Prometheus' text format by the admin
// listener (package admin).
//
// The rest of the program reports through the small Observer interface, so
// only this package knows Prometheus. Every name starts with clinicbot_,
// and every label takes a small, fixed set of values: never a chat, a
// user or anything a patient wrote.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/clinicbot/clinicbot/version"
)

// Observer hears of what the Telegram transport does. Implementations
// must be safe for concurrent use and return at once.
type Observer interface {
	// Update counts an update received from Telegram, by type
	// (message, edited_message, callback_query, other…).
	Update(kind string)
	// Refused counts an update that will not be answered, and why
	// (flood: too many waiting in one chat; shutdown).
	Refused(reason string)
	// Reply counts one handled update that the bot answered, by the
	// reply's kind (answer, choices, fallback, urgent, /start…), and the
	// time from taking the update to the reply sent.
	Reply(kind string, took time.Duration)
	// APICall counts one request to the Bot API: code is 200 when it
	// succeeded, the Bot API's error code (400, 403, 409, 429, 5xx…)
	// otherwise, and 0 when no answer came (connection failed or timed out).
	APICall(method string, code int)
	// Retry counts a request about to be retried after wait, and why
	// (rate_limited, server_error, connection).
	Retry(method, reason string, wait time.Duration)
	// Delivery counts one reply message's fate: delivered, failed (refused
	// by Telegram for good), lost (given up after the send budget), or
	// abandoned at shutdown (kept in the outbox, sent after the restart).
	Delivery(outcome string)
	// PollConflict counts a getUpdates refused because another process is
	// polling the same bot.
	PollConflict()
}

// Nop is an Observer that records nothing.
type Nop struct{}

// Update implements Observer.
func (Nop) Update(string) {}

// Refused implements Observer.
func (Nop) Refused(string) {}

// Reply implements Observer.
func (Nop) Reply(string, time.Duration) {}

// APICall implements Observer.
func (Nop) APICall(string, int) {}

// Retry implements Observer.
func (Nop) Retry(string, string, time.Duration) {}

// Delivery implements Observer.
func (Nop) Delivery(string) {}

// PollConflict implements Observer.
func (Nop) PollConflict() {}

// Metrics holds clinicbot's Prometheus collectors, in a registry of its
// own (not the process-wide default one), and implements Observer.
type Metrics struct {
	reg *prometheus.Registry

	updates     *prometheus.CounterVec
	refused     *prometheus.CounterVec
	replies     *prometheus.CounterVec
	latency     prometheus.Histogram
	apiCalls    *prometheus.CounterVec
	rateLimited prometheus.Counter
	retries     *prometheus.CounterVec
	retryWait   prometheus.Counter
	deliveries  *prometheus.CounterVec
	conflicts   prometheus.Counter
	reloads     *prometheus.CounterVec
	entries     prometheus.Gauge
}

var (
	_ Observer = (*Metrics)(nil)
	_ Observer = Nop{}
)

// New returns the collectors, registered with build information for v and
// with the Go runtime's and the process's own metrics.
func New(v version.Info) *Metrics {
	reg := prometheus.NewRegistry()
	f := func(c prometheus.Collector) { reg.MustRegister(c) }
	m := &Metrics{reg: reg}

	m.updates = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "clinicbot_updates_total", Help: "Updates received from Telegram, by type.",
	}, []string{"type"})
	m.refused = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "clinicbot_updates_refused_total", Help: "Updates not answered, by reason (flood: too many waiting in one chat; shutdown).",
	}, []string{"reason"})
	m.replies = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "clinicbot_replies_total", Help: "Updates answered, by reply kind.",
	}, []string{"kind"})
	m.latency = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "clinicbot_answer_duration_seconds",
		Help:    "Time from taking an update to its reply sent (answering and Telegram's answers).",
		Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120},
	})
	m.apiCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "clinicbot_telegram_requests_total", Help: "Requests to the Bot API, by method and result code (200 ok, the Bot API's error code, 0 no answer).",
	}, []string{"method", "code"})
	m.rateLimited = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "clinicbot_telegram_rate_limited_total", Help: "Requests Telegram refused with 429 Too Many Requests.",
	})
	m.retries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "clinicbot_telegram_retries_total", Help: "Requests retried, by method and reason (rate_limited, server_error, connection).",
	}, []string{"method", "reason"})
	m.retryWait = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "clinicbot_telegram_retry_wait_seconds_total", Help: "Time spent waiting before retries.",
	})
	m.deliveries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "clinicbot_sends_total", Help: "Reply messages, by outcome (delivered, failed, abandoned at shutdown).",
	}, []string{"outcome"})
	m.conflicts = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "clinicbot_telegram_poll_conflicts_total", Help: "getUpdates refused with 409 Conflict: another process polls the same bot.",
	})
	m.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "clinicbot_knowledge_reloads_total", Help: "Knowledge reloads after an edit, by result (ok, failed: the last good knowledge kept serving).",
	}, []string{"result"})
	m.entries = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "clinicbot_knowledge_entries", Help: "Entries in the knowledge being served.",
	})
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "clinicbot_build_info", Help: "Always 1; the labels say which build is running.",
		ConstLabels: prometheus.Labels{"version": v.Version, "revision": v.ShortRevision(), "goversion": v.Go},
	})
	build.Set(1)
	for _, c := range []prometheus.Collector{m.updates, m.refused, m.replies, m.latency, m.apiCalls, m.rateLimited,
		m.retries, m.retryWait, m.deliveries, m.conflicts, m.reloads, m.entries, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		f(c)
	}
	// Both reload results exist from the start, so rate() and alerts see 0, not nothing.
	m.reloads.WithLabelValues("ok")
	m.reloads.WithLabelValues("failed")
	return m
}

// Handler serves the metrics in Prometheus' exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Queue exports depth() as clinicbot_queue_depth{queue=name}, read at
// each scrape. Call it once per queue.
func (m *Metrics) Queue(name, help string, depth func() int) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "clinicbot_queue_depth", Help: "Work waiting, by queue. " + help,
		ConstLabels: prometheus.Labels{"queue": name},
	}, func() float64 { return float64(depth()) }))
}

// Loaded records the knowledge being served: its number of entries.
func (m *Metrics) Loaded(entries int) { m.entries.Set(float64(entries)) }

// Reloaded counts a reload after an edit; a failed one keeps the last good
// knowledge serving.
func (m *Metrics) Reloaded(ok bool) {
	if ok {
		m.reloads.WithLabelValues("ok").Inc()
		return
	}
	m.reloads.WithLabelValues("failed").Inc()
}

// Update implements Observer.
func (m *Metrics) Update(kind string) { m.updates.WithLabelValues(kind).Inc() }

// Refused implements Observer.
func (m *Metrics) Refused(reason string) { m.refused.WithLabelValues(reason).Inc() }

// Reply implements Observer.
func (m *Metrics) Reply(kind string, took time.Duration) {
	m.replies.WithLabelValues(kind).Inc()
	m.latency.Observe(took.Seconds())
}

// APICall implements Observer.
func (m *Metrics) APICall(method string, code int) {
	m.apiCalls.WithLabelValues(method, strconv.Itoa(code)).Inc()
	if code == http.StatusTooManyRequests {
		m.rateLimited.Inc()
	}
}

// Retry implements Observer.
func (m *Metrics) Retry(method, reason string, wait time.Duration) {
	m.retries.WithLabelValues(method, reason).Inc()
	m.retryWait.Add(wait.Seconds())
}

// Delivery implements Observer.
func (m *Metrics) Delivery(outcome string) { m.deliveries.WithLabelValues(outcome).Inc() }

// PollConflict implements Observer.
func (m *Metrics) PollConflict() { m.conflicts.Inc() }
