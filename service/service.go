// Package service runs clinicbot as a Telegram service: the admin
// listener (/healthz, /readyz, /metrics), the knowledge with its reload
// watcher, the unanswered-questions log, the state store and the bot,
// started in that order and stopped together when the context ends.
package service

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/clinicbot/clinicbot/admin"
	"github.com/clinicbot/clinicbot/answer"
	"github.com/clinicbot/clinicbot/bot"
	"github.com/clinicbot/clinicbot/config"
	"github.com/clinicbot/clinicbot/metrics"
	"github.com/clinicbot/clinicbot/state"
	"github.com/clinicbot/clinicbot/suggest"
	"github.com/clinicbot/clinicbot/unanswered"
	"github.com/clinicbot/clinicbot/version"
)

// Run serves Telegram with the configuration cfg and the knowledge src
// until ctx ends, logging to stderr. It returns an error when the service
// cannot start (a bad Telegram setting, no knowledge that loads, a state
// folder in use) or stops on a failure.
func Run(ctx context.Context, cfg config.Config, src answer.Source, stderr io.Writer) error {
	if err := telegramOf(cfg).Validate(); err != nil {
		return err
	}
	log := cfg.Log.Logger(stderr)
	build := version.Read()
	log.Info("starting", "version", build.Version, "revision", build.ShortRevision())

	// The admin listener is up before the knowledge loads, so an
	// orchestrator sees the process alive (/healthz) but not ready (/readyz).
	m := metrics.New(build)
	var serving atomic.Pointer[bot.Bot]
	ready := func() error {
		if ctx.Err() != nil {
			return errors.New("shutting down")
		}
		if b := serving.Load(); b != nil {
			return b.Ready()
		}
		return errors.New("loading the knowledge")
	}
	if cfg.Admin.Enabled() {
		srv, err := admin.Listen(cfg.Admin.Listen, ready, m.Handler(), log)
		if err != nil {
			return err
		}
		defer srv.Close()
		log.Info("admin listening", "addr", srv.Addr())
	}
	var shared http.Handler
	if cfg.Admin.SharesWebhook() {
		shared = admin.Handler(ready, m.Handler())
		log.Info("admin endpoints /readyz and /metrics on the webhook listener", "addr", cfg.Telegram.Webhook.Listen)
	}
	// The folder as it is before loading: an edit saved while the
	// knowledge loads is then seen by the first check.
	loaded := ""
	if src.Dir != "" {
		loaded, _ = answer.Fingerprint(src)
	}
	loader := answer.Loader{Source: src, Texts: answer.Texts(cfg.Profile()), StateDir: cfg.StateDir, Log: log}
	eng, from, startErr := loader.Start()
	if eng == nil {
		return startErr
	}
	m.Loaded(len(eng.Base().Entries))
	if cfg.Clinic.BookingURL == "" {
		log.Warn("clinic.booking_url is not set: replies will carry no booking button")
	}
	live := answer.NewLive(eng)
	log.Info("knowledge loaded", "from", from, "entries", len(eng.Base().Entries))

	// SIGHUP (logrotate's postrotate) reopens the unanswered log; caught
	// whether or not the log is on, as it would otherwise stop the bot.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	var onUnanswered func(string, answer.Reply)
	var weekly func() string
	if u := cfg.Privacy.Unanswered; u.Enabled {
		ul, err := unanswered.Serve(ctx, u.Path, time.Duration(u.RetentionDays)*24*time.Hour, hup, log)
		if err != nil {
			return err
		}
		defer ul.Close()
		onUnanswered = func(q string, r answer.Reply) {
			var offered []string
			for _, c := range r.Choices {
				offered = append(offered, c.EntryID)
			}
			if err := ul.Record(q, string(r.Kind), offered); err != nil {
				log.Error("unanswered log", "err", err)
			}
		}
		weekly = func() string { return suggest.Week(ctx, live.Engine(), u.Path, u.RetentionDays, time.Now()) }
		log.Info("unanswered-questions log on", "path", u.Path, "retention_days", u.RetentionDays)
	}
	st, err := state.Open(cfg.StateDir)
	if err != nil {
		return err
	}
	defer st.Close()
	log.Info("state folder open", "path", st.Path())

	b, err := bot.New(live, bot.Options{
		Telegram:            telegramOf(cfg),
		Logger:              log,
		LogText:             cfg.Privacy.LogMessageText,
		OnUnanswered:        onUnanswered,
		UnansweredRetention: time.Duration(cfg.Privacy.Unanswered.RetentionDays) * 24 * time.Hour,
		State:               st,
		Metrics:             m,
		Admin:               shared,
		Staff: bot.Staff{
			ChatIDs:    cfg.Staff.ChatIDs,
			Unanswered: weekly,
			NextSteps:  cfg.Staff.CallBack.NextSteps,
		},
	})
	if err != nil {
		return err
	}
	m.Queue("updates", "Updates taken from Telegram and not yet answered.", b.Pending)
	serving.Store(b)
	if len(cfg.Staff.ChatIDs) > 0 {
		log.Info("staff chats set", "chats", len(cfg.Staff.ChatIDs))
	}
	b.KnowledgeLoaded(from, len(eng.Base().Entries))
	if startErr != nil {
		b.KnowledgeFailed(src.Problems(startErr))
	}
	if src.Dir != "" && cfg.Reload > 0 {
		go loader.Watch(ctx, live, loaded, cfg.Reload, m, b)
	}
	log.Info("serving Telegram", "mode", cfg.Telegram.Mode)
	if err := b.Run(ctx); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}
