package bot_test

import (
	"strings"
	"testing"

	"github.com/clinicbot/clinicbot/bot"
)

// What serving Telegram needs is checked once, by Telegram.Validate (New
// runs it; the command runs it before loading anything). These cases were
// config's ValidateServe's.
func TestTelegramValidate(t *testing.T) {
	polling := bot.Telegram{Mode: "polling", Token: "123:abc", Webhook: bot.Webhook{Listen: ":8443", Path: "/telegram"}}

	webhook := polling
	webhook.Mode = "webhook"
	webhook.Webhook.URL = "https://bot.example/telegram"
	webhook.WebhookSecret = "s3cret"

	tests := []struct {
		name string
		edit func(*bot.Telegram)
		base bot.Telegram
		err  string
	}{
		{"polling with a token", func(*bot.Telegram) {}, polling, ""},
		{"webhook complete", func(*bot.Telegram) {}, webhook, ""},
		{"missing token", func(c *bot.Telegram) { c.Token = "" }, polling, "TELEGRAM_BOT_TOKEN is not set"},
		{"webhook missing token", func(c *bot.Telegram) { c.Token = "" }, webhook, "TELEGRAM_BOT_TOKEN"},
		{"webhook without url", func(c *bot.Telegram) { c.Webhook.URL = "" }, webhook, "telegram.webhook.url"},
		{"webhook without listen", func(c *bot.Telegram) { c.Webhook.Listen = "" }, webhook, "telegram.webhook.listen"},
		{"webhook without secret", func(c *bot.Telegram) { c.WebhookSecret = "" }, webhook, "TELEGRAM_WEBHOOK_SECRET"},
		{"webhook secret Telegram refuses", func(c *bot.Telegram) { c.WebhookSecret = "s3cret!" }, webhook, "Telegram's rule"},
		{"webhook path without slash", func(c *bot.Telegram) { c.Webhook.Path = "telegram" }, webhook, "must start with /"},
		{"polling ignores webhook settings", func(c *bot.Telegram) { c.Webhook.Path = "" }, polling, ""},
		{"unknown mode", func(c *bot.Telegram) { c.Mode = "carrier-pigeon" }, polling, "polling or webhook"},
		{"reworded unknown command", func(c *bot.Telegram) { c.Profile.Commands = map[string]string{"nope": "x"} }, polling, "telegram.profile.commands.nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.base
			tt.edit(&c)
			err := c.Validate()
			if tt.err == "" {
				if err != nil {
					t.Errorf("Validate() = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Validate() = %v, want one containing %q", err, tt.err)
			}
		})
	}
}
