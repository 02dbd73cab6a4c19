package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clinicbot/clinicbot/admin"
	"github.com/clinicbot/clinicbot/answer"
	"github.com/clinicbot/clinicbot/config"
)

func TestVersionCommand(t *testing.T) {
	for _, arg := range []string{"version", "--version"} {
		code, out, _ := clinicbot(t, "", arg)
		if code != 0 || !strings.HasPrefix(out, "clinicbot ") || !strings.Contains(out, "\nrevision: ") || !strings.Contains(out, "\ngo: go1.") {
			t.Errorf("%s: exit %d\n%s", arg, code, out)
		}
	}
}

func TestLoggerFormats(t *testing.T) {
	var buf bytes.Buffer
	log := newLogger(config.Log{Format: "json", Level: "warn"}, &buf)
	log.Info("not shown")
	log.Warn("telegram: retrying", "method", "sendMessage", "attempt", 3)
	log.Error("two\nlines", "err", "a \"quoted\" value")
	sc := bufio.NewScanner(&buf)
	n := 0
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("line %q is not JSON: %v", sc.Text(), err)
		}
		if rec["level"] == "INFO" {
			t.Errorf("an info line at level warn")
		}
		n++
	}
	if n != 2 {
		t.Errorf("%d JSON lines, want 2", n)
	}
	buf.Reset()
	newLogger(config.Log{Format: "text", Level: "debug"}, &buf).Debug("hello", "k", "v")
	if got := buf.String(); !strings.Contains(got, "level=DEBUG msg=hello k=v") {
		t.Errorf("text log %q", got)
	}
}

func TestHealthCommand(t *testing.T) {
	isolate(t)
	ready := func() error { return errors.New("not yet") }
	srv, err := admin.Listen("127.0.0.1:0", ready, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	addr := srv.Addr()
	// From the configuration, as a container's health check runs it.
	t.Setenv("CLINICBOT_ADMIN_LISTEN", addr)
	if code, out, errs := clinicbot(t, "", "health"); code != 0 || !strings.Contains(out, "/healthz: ok") {
		t.Errorf("health: exit %d %q %q", code, out, errs)
	}
	// /readyz is 503 here: health says so and fails.
	if code, _, errs := clinicbot(t, "", "health", "--url", "http://"+addr+"/readyz"); code != 1 || !strings.Contains(errs, "503") {
		t.Errorf("health of a 503: exit %d %q", code, errs)
	}
	srv.Close()
	if code, _, errs := clinicbot(t, "", "health"); code != 1 || !strings.Contains(errs, addr) {
		t.Errorf("health with nothing listening: exit %d %q", code, errs)
	}
	// Sharing the webhook's listener: its /healthz is checked.
	t.Setenv("CLINICBOT_ADMIN_LISTEN", "webhook")
	t.Setenv("TELEGRAM_MODE", "webhook")
	t.Setenv("TELEGRAM_WEBHOOK_LISTEN", addr)
	if code, _, errs := clinicbot(t, "", "health"); code != 1 || !strings.Contains(errs, "http://"+addr+"/healthz") {
		t.Errorf("health on the webhook's listener: exit %d %q", code, errs)
	}
	t.Setenv("TELEGRAM_MODE", "polling")
	t.Setenv("CLINICBOT_ADMIN_LISTEN", "off")
	if code, _, errs := clinicbot(t, "", "health"); code != 1 || !strings.Contains(errs, "admin listener is off") {
		t.Errorf("health with the listener off: exit %d %q", code, errs)
	}
}

// reloadCounts is a reloadObserver for tests.
type reloadCounts struct {
	mu         sync.Mutex
	ok, failed int
	entries    int
}

func (r *reloadCounts) Reloaded(ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ok {
		r.ok++
	} else {
		r.failed++
	}
}

func (r *reloadCounts) Loaded(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries = n
}

func (r *reloadCounts) get() (ok, failed, entries int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ok, r.failed, r.entries
}

// The watcher reports each reload to the metrics: a good edit with the new
// number of entries, a broken one as a failure.
func TestWatchCountsReloads(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "kb")
	writeFile(t, filepath.Join(dir, "faq.yaml"), hoursEntry)
	src := source{dir: dir}
	cfg := config.Default()
	cfg.StateDir = t.TempDir()
	loaded, err := fingerprint(src)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := buildEngine(src, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var counts reloadCounts
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		watch(ctx, src, cfg, answer.NewLive(eng), loaded, 20*time.Millisecond, slog.New(slog.DiscardHandler), &counts, nil)
		close(done)
	}()
	defer func() { cancel(); <-done }()

	later := time.Now().Add(2 * time.Second)
	more := filepath.Join(dir, "more.yaml")
	writeFile(t, more, "entries:\n  - id: parking\n    question: Is there parking?\n    answer: There is street parking nearby.\n")
	os.Chtimes(more, later, later)
	waitFor(t, "the good edit counted", func() bool { ok, _, n := counts.get(); return ok == 1 && n == 2 })

	writeFile(t, more, "entries:\n  - id: parking\n    question: [broken\n")
	later = later.Add(time.Second)
	os.Chtimes(more, later, later)
	waitFor(t, "the broken edit counted", func() bool { _, failed, _ := counts.get(); return failed == 1 })
	if ok, _, n := counts.get(); ok != 1 || n != 2 {
		t.Errorf("after a broken edit: %d reloads, %d entries; want 1 and the last good 2", ok, n)
	}
}
