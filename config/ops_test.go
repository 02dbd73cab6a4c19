package config

import (
	"strings"
	"testing"
)

func TestOpsDefaults(t *testing.T) {
	clearEnv(t)
	for _, k := range []string{"CLINICBOT_ADMIN_LISTEN", "CLINICBOT_LOG_FORMAT", "CLINICBOT_LOG_LEVEL"} {
		t.Setenv(k, "")
	}
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if c.Admin.Listen != "127.0.0.1:9090" || !c.Admin.Enabled() {
		t.Errorf("admin listener by default: %+v", c.Admin)
	}
	if c.Log != (Log{Format: "text", Level: "info"}) {
		t.Errorf("logs by default: %+v", c.Log)
	}
}

func TestOpsSettings(t *testing.T) {
	tests := []struct {
		name, yaml string
		env        map[string]string
		check      func(Config) bool
		err        string
	}{
		{name: "file", yaml: "admin:\n  listen: 0.0.0.0:9100\nlog:\n  format: json\n  level: debug\n",
			check: func(c Config) bool { return c.Admin.Listen == "0.0.0.0:9100" && c.Log == Log{"json", "debug"} }},
		{name: "env over file", yaml: "admin:\n  listen: 0.0.0.0:9100\nlog:\n  format: json\n",
			env:   map[string]string{"CLINICBOT_ADMIN_LISTEN": ":9200", "CLINICBOT_LOG_FORMAT": "text", "CLINICBOT_LOG_LEVEL": "warn"},
			check: func(c Config) bool { return c.Admin.Listen == ":9200" && c.Log == Log{"text", "warn"} }},
		{name: "empty listen turns it off", yaml: "admin:\n  listen: \"\"\n", check: func(c Config) bool { return !c.Admin.Enabled() }},
		{name: "off from env", env: map[string]string{"CLINICBOT_ADMIN_LISTEN": "off"}, check: func(c Config) bool { return !c.Admin.Enabled() }},
		{name: "empty env variable leaves the default", env: map[string]string{"CLINICBOT_ADMIN_LISTEN": ""},
			check: func(c Config) bool { return c.Admin.Listen == DefaultAdminListen }},
		{name: "shared with the webhook", env: map[string]string{"CLINICBOT_ADMIN_LISTEN": "webhook", "TELEGRAM_MODE": "webhook"},
			check: func(c Config) bool { return c.Admin.SharesWebhook() && !c.Admin.Enabled() }},
		{name: "shared without a webhook", env: map[string]string{"CLINICBOT_ADMIN_LISTEN": "webhook"}, err: "admin.listen webhook shares the webhook's listener, so it needs telegram.mode webhook"},
		{name: "listen without port", yaml: "admin:\n  listen: localhost\n", err: `admin.listen "localhost" must be host:port`},
		{name: "bad format", env: map[string]string{"CLINICBOT_LOG_FORMAT": "xml"}, err: `log.format "xml" must be text or json`},
		{name: "bad level", yaml: "log:\n  level: verbose\n", err: `log.level "verbose" must be debug, info, warn or error`},
		{name: "profile", yaml: "telegram:\n  profile:\n    short_description: Answers about the clinic.\n    commands:\n      book: Book with us\n",
			check: func(c Config) bool {
				p := c.Telegram.Profile
				return p.ShortDescription == "Answers about the clinic." && p.Commands.Book == "Book with us" && p.Commands.Start == ""
			}},
		{name: "unknown command", yaml: "telegram:\n  profile:\n    commands:\n      bok: Book\n", err: "field bok not found"},
		{name: "description too long", yaml: "telegram:\n  profile:\n    description: " + strings.Repeat("a", 513) + "\n",
			err: "telegram.profile.description is 513 characters; Telegram allows at most 512"},
		{name: "short description too long", yaml: "telegram:\n  profile:\n    short_description: " + strings.Repeat("é", 121) + "\n",
			err: "telegram.profile.short_description is 121 characters; Telegram allows at most 120"},
		{name: "command text too long", yaml: "telegram:\n  profile:\n    commands:\n      help: " + strings.Repeat("a", 257) + "\n",
			err: "telegram.profile.commands.help is 257 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			for _, k := range []string{"CLINICBOT_ADMIN_LISTEN", "CLINICBOT_LOG_FORMAT", "CLINICBOT_LOG_LEVEL"} {
				t.Setenv(k, "")
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			c, err := Load(writeConfig(t, tt.yaml))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("not applied: %+v / %+v / %+v", c.Admin, c.Log, c.Telegram.Profile)
			}
		})
	}
}
