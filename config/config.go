// Package config reads clinicbot's configuration: config.yaml for settings,
// the environment for secrets and for container-friendly overrides.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/clinicbot/clinicbot/clinicbot"
)

// Config is the whole configuration.
type Config struct {
	Clinic    Clinic    `yaml:"clinic"`
	Knowledge string    `yaml:"knowledge"` // knowledge folder; empty: the clinic's embedded knowledge
	Settings  string    `yaml:"settings"`  // answer thresholds file; empty: settings.yaml in the knowledge folder, if any
	Emergency Emergency `yaml:"emergency"`
	Telegram  Telegram  `yaml:"telegram"`
	Privacy   Privacy   `yaml:"privacy"`
	// Reload is how often the knowledge folder is checked for edits; 0 turns reloading off.
	Reload time.Duration `yaml:"reload"`
	// StateDir holds what serving must not forget across a restart:
	// updates taken and not yet answered, recent update ids, unsent replies,
	// and the last knowledge folder that loaded.
	StateDir string `yaml:"state_dir"`

	// Operations (admin listener, logs).
	Admin Admin `yaml:"admin"`
	Log   Log   `yaml:"log"`

	// ReviewAfterDays is how old an entry's reviewed date may be before
	// validate warns that it is due for review.
	ReviewAfterDays int   `yaml:"review_after_days"`
	Staff           Staff `yaml:"staff"`
}

// Staff configures the clinic staff's chats with the bot: where broken
// knowledge edits and call-back requests are sent, and who may use the
// staff commands.
type Staff struct {
	// ChatIDs are Telegram chat ids: a staff member's private chat with
	// the bot, or a staff group (negative ids).
	ChatIDs  []int64  `yaml:"chat_ids"`
	CallBack CallBack `yaml:"call_back"`
}

// CallBack configures call-back requests, offered when staff chats are set.
type CallBack struct {
	// NextSteps tells the patient what happens once the request is sent,
	// and how long it may take. The bot adds the emergency number.
	NextSteps string `yaml:"next_steps"`
}

// Clinic is what the bot says about how to reach the clinic.
type Clinic struct {
	Name       string `yaml:"name"`
	BookingURL string `yaml:"booking_url"`
	// Contact is shown by /contact and in fallbacks: how to reach the team.
	Contact string `yaml:"contact"`
}

// Emergency holds the numbers the urgent reply gives, so a clinic outside
// the UK can set its own.
type Emergency struct {
	Number       string `yaml:"number"`        // e.g. 999
	Department   string `yaml:"department"`    // e.g. A&E
	UrgentAdvice string `yaml:"urgent_advice"` // e.g. NHS 111
	CrisisLine   string `yaml:"crisis_line"`   // e.g. Samaritans on 116 123
}

// Telegram configures the Telegram transport. The token and webhook secret
// come only from the environment (TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET).
type Telegram struct {
	APIURL  string  `yaml:"api_url"` // another Bot API server; empty: Telegram's
	Mode    string  `yaml:"mode"`    // polling or webhook
	Webhook Webhook `yaml:"webhook"`
	// RequestTimeout bounds one request to Telegram other than the long
	// poll; a send that takes longer is tried again. 0 means 30 seconds.
	RequestTimeout time.Duration `yaml:"request_timeout"`
	Profile        Profile       `yaml:"profile"` // what Telegram shows about the bot

	Token         string `yaml:"-"`
	WebhookSecret string `yaml:"-"`
}

// Webhook configures webhook mode.
type Webhook struct {
	Listen string `yaml:"listen"` // address to listen on, e.g. :8443
	URL    string `yaml:"url"`    // public URL Telegram posts to
	Path   string `yaml:"path"`   // path served, e.g. /telegram
}

// Privacy controls what the bot keeps about patients.
type Privacy struct {
	// LogMessageText puts patients' message text in the logs. Off by default.
	LogMessageText bool       `yaml:"log_message_text"`
	Unanswered     Unanswered `yaml:"unanswered"`
}

// Unanswered configures the log of questions the bot could not answer.
type Unanswered struct {
	Enabled       bool   `yaml:"enabled"`
	Path          string `yaml:"path"`
	RetentionDays int    `yaml:"retention_days"`
}

// DefaultBookingURL is the clinic's own web site, the default booking link.
const DefaultBookingURL = "https://www.londonspine.com/"

// Default returns the configuration used when no file is given.
func Default() Config {
	return Config{
		Clinic: Clinic{
			Name: "London Spine Unit",
			// The clinic's own site, where its facet joint denervation page is
			// published: the way to book or contact the clinic.
			BookingURL: DefaultBookingURL,
			Contact:    "The London Spine Unit, 19 Harley St, London W1G 9QJ",
		},
		Emergency: Emergency{
			Number:       "999",
			Department:   "A&E",
			UrgentAdvice: "NHS 111",
			CrisisLine:   "Samaritans on 116 123 (free, day or night)",
		},
		Telegram: Telegram{Mode: "polling", Webhook: Webhook{Listen: ":8443", Path: "/telegram"}},
		Privacy:  Privacy{Unanswered: Unanswered{Path: "unanswered.log", RetentionDays: 30}},
		Reload:   5 * time.Second,
		StateDir: "state",
		Admin:    Admin{Listen: DefaultAdminListen},
		Log:      Log{Format: "text", Level: "info"},

		ReviewAfterDays: 365,
		Staff: Staff{CallBack: CallBack{
			NextSteps: "Thank you. A member of the clinic team will call you back, usually within one working day.",
		}},
	}
}

// Load reads the file at path over the defaults (an empty path reads no
// file), then applies the environment. Unknown keys are errors.
func Load(path string) (Config, error) {
	c := Default()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("config: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(zeroDurations(data)))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
			return c, fmt.Errorf("config %s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
		}
	}
	if err := c.applyEnv(os.LookupEnv); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// durationKeys are the settings that are durations.
var durationKeys = map[string]bool{"reload": true, "request_timeout": true}

// zeroDurations rewrites a duration written as a bare 0 ("reload: 0", as
// the README says to turn reloading off) to 0s: the YAML library reads a
// bare number as an integer and refuses it as a duration. Nothing else
// changes, so line numbers in errors stay right.
func zeroDurations(data []byte) []byte {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil {
		return data // the decoder will report the error
	}
	lines := bytes.Split(data, []byte("\n"))
	changed := false
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if durationKeys[k.Value] && v.Kind == yaml.ScalarNode && v.Tag == "!!int" && v.Value == "0" && v.Line >= 1 && v.Line <= len(lines) {
					l, col := lines[v.Line-1], v.Column-1
					if col >= 0 && col < len(l) && l[col] == '0' {
						lines[v.Line-1] = append(append(append([]byte{}, l[:col]...), "0s"...), l[col+1:]...)
						changed = true
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&root)
	if !changed {
		return data
	}
	return bytes.Join(lines, []byte("\n"))
}

// applyEnv overrides settings from the environment.
func (c *Config) applyEnv(lookup func(string) (string, bool)) error {
	str := map[string]*string{
		"TELEGRAM_BOT_TOKEN":      &c.Telegram.Token,
		"TELEGRAM_WEBHOOK_SECRET": &c.Telegram.WebhookSecret,
		"TELEGRAM_API_URL":        &c.Telegram.APIURL,
		"TELEGRAM_MODE":           &c.Telegram.Mode,
		"TELEGRAM_WEBHOOK_LISTEN": &c.Telegram.Webhook.Listen,
		"TELEGRAM_WEBHOOK_URL":    &c.Telegram.Webhook.URL,
		"TELEGRAM_WEBHOOK_PATH":   &c.Telegram.Webhook.Path,
		"CLINICBOT_BOOKING_URL":   &c.Clinic.BookingURL,
		"CLINICBOT_KNOWLEDGE":     &c.Knowledge,
		"CLINICBOT_STATE_DIR":     &c.StateDir,
		"CLINICBOT_ADMIN_LISTEN":  &c.Admin.Listen,
		"CLINICBOT_LOG_FORMAT":    &c.Log.Format,
		"CLINICBOT_LOG_LEVEL":     &c.Log.Level,
	}
	// An empty variable counts as unset, as with VAR=${VAR:-} in containers.
	for k, p := range str {
		if v, ok := lookup(k); ok && strings.TrimSpace(v) != "" {
			*p = strings.TrimSpace(v)
		}
	}
	if v, ok := lookup("CLINICBOT_LOG_MESSAGE_TEXT"); ok && strings.TrimSpace(v) != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("CLINICBOT_LOG_MESSAGE_TEXT: %q is not true or false", v)
		}
		c.Privacy.LogMessageText = b
	}
	if v, ok := lookup("CLINICBOT_STAFF_CHAT_IDS"); ok && strings.TrimSpace(v) != "" {
		ids, err := parseChatIDs(v)
		if err != nil {
			return fmt.Errorf("CLINICBOT_STAFF_CHAT_IDS: %w", err)
		}
		c.Staff.ChatIDs = ids
	}
	return nil
}

// parseChatIDs reads comma-separated Telegram chat ids.
func parseChatIDs(s string) ([]int64, error) {
	var ids []int64
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id == 0 {
			return nil, fmt.Errorf("%q is not a Telegram chat id (a number such as 123456789, or -1001234567890 for a group)", f)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// Validate reports the first setting that cannot work.
func (c *Config) Validate() error {
	if c.Clinic.BookingURL != "" {
		u, err := url.Parse(c.Clinic.BookingURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("config: clinic.booking_url %q must be an http(s) address", c.Clinic.BookingURL)
		}
	}
	switch c.Telegram.Mode {
	case "polling", "webhook":
	default:
		return fmt.Errorf("config: telegram.mode %q must be polling or webhook", c.Telegram.Mode)
	}
	if c.Telegram.APIURL != "" {
		if u, err := url.Parse(c.Telegram.APIURL); err != nil || u.Host == "" {
			return fmt.Errorf("config: telegram.api_url %q is not an address", c.Telegram.APIURL)
		}
	}
	if t := c.Telegram.RequestTimeout; t != 0 && (t < time.Second || t > 5*time.Minute) {
		return errors.New("config: telegram.request_timeout must be between 1s and 5m")
	}
	if c.Emergency.Number == "" {
		return errors.New("config: emergency.number must be set (e.g. 999)")
	}
	if c.Privacy.Unanswered.Enabled && c.Privacy.Unanswered.RetentionDays <= 0 {
		return errors.New("config: privacy.unanswered.retention_days must be at least 1")
	}
	if strings.TrimSpace(c.StateDir) == "" {
		return errors.New("config: state_dir must name a folder (default state)")
	}
	if c.ReviewAfterDays < 0 {
		return errors.New("config: review_after_days must not be negative")
	}
	for _, id := range c.Staff.ChatIDs {
		if id == 0 {
			return errors.New("config: staff.chat_ids: 0 is not a Telegram chat id")
		}
	}
	if c.Reload < 0 {
		return errors.New("config: reload must not be negative")
	}
	if c.Reload > 0 && c.Reload < 100*time.Millisecond {
		// Checking the folder constantly costs CPU and helps nobody.
		return errors.New("config: reload must be 0 (off) or at least 100ms")
	}
	return c.validateOps()
}

// Profile is the clinic as patients are told of it, from the clinic and
// emergency settings: what every reply and transport names.
func (c *Config) Profile() clinicbot.Profile {
	return clinicbot.Profile{
		ClinicName:          c.Clinic.Name,
		BookingURL:          c.Clinic.BookingURL,
		Contact:             c.Clinic.Contact,
		EmergencyNumber:     c.Emergency.Number,
		EmergencyDepartment: c.Emergency.Department,
		UrgentAdvice:        c.Emergency.UrgentAdvice,
		CrisisLine:          c.Emergency.CrisisLine,
	}
}
