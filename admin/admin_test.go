package admin

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestEndpoints(t *testing.T) {
	var reason atomic.Pointer[string]
	wait := "waiting for Telegram"
	reason.Store(&wait)
	ready := func() error {
		if r := reason.Load(); r != nil {
			return errors.New(*r)
		}
		return nil
	}
	metrics := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "clinicbot_x 1\n") })
	s, err := Listen("127.0.0.1:0", ready, metrics, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + s.Addr()

	if code, body := get(t, base+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if code, body := get(t, base+"/readyz"); code != 503 || !strings.Contains(body, wait) {
		t.Errorf("/readyz before ready = %d %q, want 503 with the reason", code, body)
	}
	reason.Store(nil)
	if code, _ := get(t, base+"/readyz"); code != 200 {
		t.Errorf("/readyz once ready = %d", code)
	}
	if code, body := get(t, base+"/metrics"); code != 200 || body != "clinicbot_x 1\n" {
		t.Errorf("/metrics = %d %q", code, body)
	}
	if code, _ := get(t, base+"/other"); code != 404 {
		t.Errorf("/other = %d, want 404", code)
	}
	resp, err := http.Post(base+"/healthz", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz = %d, want 405", resp.StatusCode)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Errorf("still serving after Close")
	}
}

func TestHealthURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"127.0.0.1:9090", "http://127.0.0.1:9090/healthz"},
		{":9090", "http://127.0.0.1:9090/healthz"},
		{"0.0.0.0:9090", "http://127.0.0.1:9090/healthz"},
		{"[::]:9090", "http://[::1]:9090/healthz"},
		{"admin.internal:80", "http://admin.internal:80/healthz"},
	} {
		if got, err := HealthURL(c.in); err != nil || got != c.want {
			t.Errorf("HealthURL(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if _, err := HealthURL("9090"); err == nil {
		t.Errorf("HealthURL without a port: no error")
	}
}
