package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/clinicbot/clinicbot/admin"
	"github.com/clinicbot/clinicbot/version"
)

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
	text, err := admin.Check(ctx, *url, *timeout)
	if err == nil {
		fmt.Fprintf(stdout, "%s: %s\n", *url, text)
	}
	return err
}
