package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/clinicbot/clinicbot/admin"
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
