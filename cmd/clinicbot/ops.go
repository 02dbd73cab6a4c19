package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/clinicbot/clinicbot/admin"
	"github.com/clinicbot/clinicbot/config"
	"github.com/clinicbot/clinicbot/version"
)

// newLogger returns the process's logger as configured: text (key=value)
// or JSON lines, at the configured level. Config validation has checked
// both values.
func newLogger(c config.Log, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.Level)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// runVersion prints which build this is.
func runVersion(stdout io.Writer) error {
	_, err := fmt.Fprint(stdout, version.Read().String())
	return err
}

// runHealth asks a running serve's admin listener whether it is alive:
// exit 0 when /healthz answers 200. It is the container's health check,
// since a minimal image has no curl.
func runHealth(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	cfgPath := fs.String("config", "", "configuration file (default: config.yaml in the current folder, if present)")
	url := fs.String("url", "", "URL to check (default: /healthz at admin.listen)")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if _, err := parse(fs, args, stderr); err != nil {
		return err
	}
	if *url == "" {
		cfg, err := loadConfig(*cfgPath)
		if err != nil {
			return err
		}
		listen := cfg.Admin.Listen
		switch {
		case cfg.Admin.SharesWebhook():
			listen = cfg.Telegram.Webhook.Listen // which answers /healthz too
		case !cfg.Admin.Enabled():
			return fmt.Errorf("the admin listener is off (admin.listen), so there is nothing to check")
		}
		if *url, err = admin.HealthURL(listen); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", *url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %d %s", *url, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	fmt.Fprintf(stdout, "%s: %s\n", *url, strings.TrimSpace(string(body)))
	return nil
}
