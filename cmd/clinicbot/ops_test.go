package main

import (
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/clinicbot/clinicbot/admin"
)

func TestVersionCommand(t *testing.T) {
	for _, arg := range []string{"version", "--version"} {
		code, out, _ := clinicbot(t, "", arg)
		if code != 0 || !strings.HasPrefix(out, "clinicbot ") || !strings.Contains(out, "\nrevision: ") || !strings.Contains(out, "\ngo: go1.") {
			t.Errorf("%s: exit %d\n%s", arg, code, out)
		}
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
