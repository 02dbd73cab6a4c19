package service

import (
	"strings"

	"github.com/clinicbot/clinicbot/bot"
	"github.com/clinicbot/clinicbot/config"
)

// telegramOf is the bot's Telegram settings from the configuration: the
// bot knows Telegram, not the configuration file.
func telegramOf(cfg config.Config) bot.Telegram {
	t := cfg.Telegram
	words := map[string]string{}
	for _, w := range t.Profile.Commands.List() {
		if d := strings.TrimSpace(w[1]); d != "" {
			words[w[0]] = d
		}
	}
	return bot.Telegram{
		Token:          t.Token,
		Mode:           t.Mode,
		APIURL:         t.APIURL,
		WebhookSecret:  t.WebhookSecret,
		Webhook:        bot.Webhook{Listen: t.Webhook.Listen, URL: t.Webhook.URL, Path: t.Webhook.Path},
		RequestTimeout: t.RequestTimeout,
		Profile: bot.Profile{
			Description:      t.Profile.Description,
			ShortDescription: t.Profile.ShortDescription,
			Commands:         words,
		},
	}
}
