package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
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
	"github.com/clinicbot/clinicbot/terminal"
	"github.com/clinicbot/clinicbot/unanswered"
	"github.com/clinicbot/clinicbot/version"
)

func runDefault(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) error {
	if os.Getenv("TELEGRAM_BOT_TOKEN") != "" {
		return runServe(ctx, nil, stderr)
	}
	var c common
	_, src, eng, err := c.setup()
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "TELEGRAM_BOT_TOKEN is not set, so this is the terminal chat.")
	fmt.Fprintln(stdout, "To serve Telegram: get a token from @BotFather, then run: TELEGRAM_BOT_TOKEN=... clinicbot serve")
	fmt.Fprintln(stdout)
	return terminal.Chat(ctx, eng, src.String(), stdin, stdout)
}

func runServe(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var c common
	c.register(fs)
	if _, err := parse(fs, args, stderr); err != nil {
		return err
	}
	cfg, src, err := c.source()
	if err != nil {
		return err
	}
	if err := telegramOf(cfg).Validate(); err != nil {
		return err
	}
	log := newLogger(cfg.Log, stderr)
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
	if src.dir != "" {
		loaded, _ = fingerprint(src)
	}
	eng, from, startErr := startEngine(src, cfg, log)
	if eng == nil {
		return startErr
	}
	m.Loaded(len(eng.Base().Entries))
	if cfg.Clinic.BookingURL == "" {
		log.Warn("clinic.booking_url is not set: replies will carry no booking button")
	}
	live := answer.NewLive(eng)
	log.Info("knowledge loaded", "from", from, "entries", len(eng.Base().Entries))

	var onUnanswered func(string, answer.Reply)
	// SIGHUP (logrotate's postrotate) reopens the unanswered log; caught
	// whether or not the log is on, as it would otherwise stop the bot.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	var reopen func()
	var weekly func() string
	if u := cfg.Privacy.Unanswered; u.Enabled {
		ul, err := unanswered.Open(u.Path, time.Duration(u.RetentionDays)*24*time.Hour)
		if err != nil {
			return err
		}
		defer ul.Close()
		reopen = func() {
			if err := ul.Reopen(); err != nil {
				log.Error("unanswered log: cannot reopen", "err", err)
				return
			}
			log.Info("unanswered log reopened (SIGHUP)")
		}
		go ul.PurgeEvery(ctx, time.Hour, log)
		onUnanswered = func(q string, r answer.Reply) {
			var offered []string
			for _, c := range r.Choices {
				offered = append(offered, c.EntryID)
			}
			if err := ul.Record(q, string(r.Kind), offered); err != nil {
				log.Error("unanswered log", "err", err)
			}
		}
		weekly = func() string { return weekUnanswered(ctx, cfg, live.Engine(), time.Now()) }
		log.Info("unanswered-questions log on", "path", u.Path, "retention_days", u.RetentionDays)
	}

	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				if reopen != nil {
					reopen()
				}
			}
		}
	}()

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
		b.KnowledgeFailed(problemLines(startErr, src.dir))
	}
	if src.dir != "" && cfg.Reload > 0 {
		go watch(ctx, src, cfg, live, loaded, cfg.Reload, log, m, b)
	}
	log.Info("serving Telegram", "mode", cfg.Telegram.Mode)
	if err := b.Run(ctx); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// staffDesk hears how loading the knowledge goes; *bot.Bot tells the staff chats.
type staffDesk interface {
	KnowledgeLoaded(from string, entries int)
	KnowledgeFailed(problems []string)
}

// retireAfter is how long a replaced engine lives on for the replies that
// started on it.
const retireAfter = time.Minute

// watch rebuilds the engine when the knowledge folder changes. A folder
// with errors is reported, file and line, and the last good knowledge keeps
// serving. It polls, rather than using file events, because editors save by
// renaming and network or container mounts often send no events at all.
//
// last is the folder's fingerprint when the serving knowledge was read;
// reloads, if not nil, hears of each reload, and staff, if not nil, is
// told of each broken edit and each fix.
func watch(ctx context.Context, src source, cfg config.Config, live *answer.Live, last string, every time.Duration, log *slog.Logger, reloads reloadObserver, staff staffDesk) {
	if reloads == nil {
		reloads = noReloads{}
	}
	if staff == nil {
		staff = noStaff{}
	}
	t := time.NewTicker(every)
	defer t.Stop()
	unreadable := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		fp, err := fingerprint(src)
		if err != nil {
			if !unreadable {
				// Said once: a folder moved away may come back.
				log.Error("knowledge folder unreadable; the last good knowledge keeps serving", "err", err.Error())
				staff.KnowledgeFailed([]string{"the knowledge folder cannot be read: " + err.Error()})
				unreadable = true
			}
			continue
		}
		if unreadable {
			log.Info("knowledge folder readable again", "dir", src.dir)
			unreadable = false
			if fp == last {
				// Back as it was: the knowledge serving is the folder's.
				staff.KnowledgeLoaded(src.dir, len(live.Engine().Base().Entries))
			}
		}
		if fp == last {
			continue
		}
		last = fp
		eng, err := buildEngine(src, cfg)
		if err != nil {
			log.Error("knowledge not reloaded; the last good knowledge keeps serving", "err", err.Error())
			reloads.Reloaded(false)
			staff.KnowledgeFailed(problemLines(err, src.dir))
			continue
		}
		old := live.Swap(eng)
		// Replies already running on the old engine finish first.
		time.AfterFunc(retireAfter, func() { old.Close() })
		log.Info("knowledge reloaded", "entries", len(eng.Base().Entries))
		reloads.Reloaded(true)
		reloads.Loaded(len(eng.Base().Entries))
		keepCopy(src, cfg, log)
		staff.KnowledgeLoaded(src.dir, len(eng.Base().Entries))
	}
}

// reloadObserver hears of knowledge reloads (the metrics).
type reloadObserver interface {
	Reloaded(ok bool)
	Loaded(entries int)
}

type noReloads struct{}

func (noReloads) Reloaded(bool) {}
func (noReloads) Loaded(int)    {}

// fingerprint summarises the names, sizes and times of the files a source reads.
func fingerprint(src source) (string, error) {
	entries, err := os.ReadDir(src.dir)
	if err != nil {
		return "", err
	}
	fp := ""
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			continue
		}
		fp += fmt.Sprintf("%s:%d:%d;", e.Name(), info.Size(), info.ModTime().UnixNano())
	}
	if src.settings != "" {
		if info, err := os.Stat(src.settings); err == nil {
			fp += fmt.Sprintf("settings:%d:%d", info.Size(), info.ModTime().UnixNano())
		}
	}
	return fp, nil
}

// noStaff is the staffDesk of a watch that tells no one.
type noStaff struct{}

func (noStaff) KnowledgeLoaded(string, int) {}
func (noStaff) KnowledgeFailed([]string)    {}
