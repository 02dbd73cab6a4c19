package config

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"unicode/utf8"
)

// Operations settings: the admin listener, logs and the bot's Telegram
// profile (issue 2.6). They live here, apart from config.go, so that each
// group of settings reads as one block.

// DefaultAdminListen is where the admin listener (health, readiness,
// metrics) listens unless told otherwise: this machine only.
const DefaultAdminListen = "127.0.0.1:9090"

// Admin configures the admin listener.
type Admin struct {
	// Listen is host:port for /healthz, /readyz and /metrics; "" or "off"
	// turns the listener off; "webhook" (webhook mode only) serves /readyz
	// and /metrics on the webhook's listener instead of a listener of their own.
	Listen string `yaml:"listen"`
}

// Enabled reports whether the admin listener is on, on its own address.
func (a Admin) Enabled() bool {
	l := strings.TrimSpace(a.Listen)
	return l != "" && !strings.EqualFold(l, "off") && !a.SharesWebhook()
}

// SharesWebhook reports whether the admin endpoints are served on the
// webhook listener.
func (a Admin) SharesWebhook() bool { return strings.TrimSpace(a.Listen) == "webhook" }

// Log configures the process's logs.
type Log struct {
	Format string `yaml:"format"` // text (logfmt-like key=value) or json (one object a line)
	Level  string `yaml:"level"`  // debug, info, warn or error
}

// Profile is what Telegram shows about the bot, in the clinic's words.
// Empty texts get the bot's own wording, naming the clinic.
type Profile struct {
	// Description is shown in an empty chat, above the Start button
	// (setMyDescription, at most 512 characters).
	Description string `yaml:"description"`
	// ShortDescription is shown on the bot's profile page and when the bot
	// is shared (setMyShortDescription, at most 120 characters).
	ShortDescription string `yaml:"short_description"`
	// Commands words the command menu (setMyCommands).
	Commands Commands `yaml:"commands"`
}

// Commands are the command menu's descriptions (at most 256 characters
// each); an empty one keeps the bot's wording.
type Commands struct {
	Start   string `yaml:"start"`
	Topics  string `yaml:"topics"`
	Book    string `yaml:"book"`
	Contact string `yaml:"contact"`
	Privacy string `yaml:"privacy"`
	Help    string `yaml:"help"`
}

// List returns the descriptions by command name, in menu order.
func (c Commands) List() [][2]string {
	return [][2]string{{"start", c.Start}, {"topics", c.Topics}, {"book", c.Book}, {"contact", c.Contact}, {"privacy", c.Privacy}, {"help", c.Help}}
}

// Telegram's limits for the profile texts.
const (
	maxDescription      = 512
	maxShortDescription = 120
	maxCommandText      = 256
)

func (c *Config) validateOps() error {
	if c.Admin.SharesWebhook() && c.Telegram.Mode != "webhook" {
		return errors.New("config: admin.listen webhook shares the webhook's listener, so it needs telegram.mode webhook")
	}
	if c.Admin.Enabled() {
		if _, _, err := net.SplitHostPort(c.Admin.Listen); err != nil {
			return fmt.Errorf("config: admin.listen %q must be host:port, e.g. 127.0.0.1:9090 (or off, or webhook)", c.Admin.Listen)
		}
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		return fmt.Errorf("config: log.format %q must be text or json", c.Log.Format)
	}
	switch strings.ToLower(c.Log.Level) {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("config: log.level %q must be debug, info, warn or error", c.Log.Level)
	}
	p := c.Telegram.Profile
	if n := utf8.RuneCountInString(p.Description); n > maxDescription {
		return fmt.Errorf("config: telegram.profile.description is %d characters; Telegram allows at most %d", n, maxDescription)
	}
	if n := utf8.RuneCountInString(p.ShortDescription); n > maxShortDescription {
		return fmt.Errorf("config: telegram.profile.short_description is %d characters; Telegram allows at most %d", n, maxShortDescription)
	}
	for _, c := range p.Commands.List() {
		cmd, text := c[0], c[1]
		if n := utf8.RuneCountInString(strings.TrimSpace(text)); n > maxCommandText {
			return fmt.Errorf("config: telegram.profile.commands.%s is %d characters; Telegram allows at most %d", cmd, n, maxCommandText)
		}
	}
	return nil
}
