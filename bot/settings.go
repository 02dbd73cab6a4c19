package bot

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Telegram is how the bot reaches Telegram: the token, polling or
// webhook, and what Telegram shows about the bot. The fields mirror the
// telegram section of config.yaml, which the command fills them from;
// the token and webhook secret come from the environment.
type Telegram struct {
	// Token is the bot's token from @BotFather (TELEGRAM_BOT_TOKEN).
	Token string
	// Mode is "polling" (or "") or "webhook".
	Mode string
	// APIURL is another Bot API server; empty for Telegram's.
	APIURL string
	// WebhookSecret is what Telegram sends with every webhook request
	// (TELEGRAM_WEBHOOK_SECRET); webhook mode only.
	WebhookSecret string
	// Webhook is where the webhook listens and what Telegram posts to.
	Webhook Webhook
	// RequestTimeout bounds one request other than the long poll; 0
	// means 30 seconds.
	RequestTimeout time.Duration
	// Profile is what Telegram shows about the bot.
	Profile Profile
}

// Webhook configures webhook mode.
type Webhook struct {
	Listen string // address to listen on, e.g. :8443
	URL    string // public URL Telegram posts to
	Path   string // path served, e.g. /telegram
}

// Profile is what Telegram shows about the bot, in the clinic's words;
// an empty text gets the bot's own wording, naming the clinic.
type Profile struct {
	// Description is shown in an empty chat, above the Start button.
	Description string
	// ShortDescription is shown on the bot's profile page and when the
	// bot is shared.
	ShortDescription string
	// Commands rewords the command menu: command name (without the
	// slash) -> description. Only the patients' commands may be
	// reworded; an empty description keeps the bot's.
	Commands map[string]string
}

var webhookSecretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// Validate reports the first setting serving Telegram needs and lacks.
// It is the one check of these settings: New runs it, and the command
// runs it before loading anything, so a missing token or webhook setting
// is reported at once.
func (t Telegram) Validate() error {
	if strings.TrimSpace(t.Token) == "" {
		return errors.New("TELEGRAM_BOT_TOKEN is not set")
	}
	for name := range t.Profile.Commands {
		if c, ok := lookupCommand(name); !ok || c.who != patients {
			return fmt.Errorf("telegram.profile.commands.%s: there is no patients' command /%s to reword", name, name)
		}
	}
	switch t.Mode {
	case "", "polling":
		return nil
	case "webhook":
	default:
		return fmt.Errorf("telegram.mode %q must be polling or webhook", t.Mode)
	}
	switch {
	case t.Webhook.URL == "":
		return errors.New("webhook mode needs telegram.webhook.url (or TELEGRAM_WEBHOOK_URL)")
	case t.Webhook.Listen == "":
		return errors.New("webhook mode needs telegram.webhook.listen (or TELEGRAM_WEBHOOK_LISTEN)")
	case t.WebhookSecret == "":
		return errors.New("webhook mode needs TELEGRAM_WEBHOOK_SECRET")
	case !webhookSecretPattern.MatchString(t.WebhookSecret):
		return errors.New("TELEGRAM_WEBHOOK_SECRET must be 1 to 256 characters A-Z, a-z, 0-9, _ or - (Telegram's rule)")
	case !strings.HasPrefix(t.Webhook.Path, "/"):
		return fmt.Errorf("telegram.webhook.path %q must start with /", t.Webhook.Path)
	}
	return nil
}

// webhook reports whether the bot serves by webhook.
func (t Telegram) webhook() bool { return t.Mode == "webhook" }
