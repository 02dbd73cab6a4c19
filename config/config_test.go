package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// envKeys are every variable Load reads.
var envKeys = []string{
	"TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_API_URL", "TELEGRAM_MODE",
	"TELEGRAM_WEBHOOK_LISTEN", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_PATH",
	"CLINICBOT_BOOKING_URL", "CLINICBOT_KNOWLEDGE", "CLINICBOT_LOG_MESSAGE_TEXT", "CLINICBOT_STATE_DIR",
	"CLINICBOT_STAFF_CHAT_IDS",
}

// clearEnv unsets every variable Load reads for the rest of the test.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, k := range envKeys {
		t.Setenv(k, "") // restores the old value after the test
		os.Unsetenv(k)
	}
}

func writeConfig(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadDefaults(t *testing.T) {
	clearEnv(t)
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Load(\"\") = %+v, want the defaults %+v", c, want)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"polling by default", c.Telegram.Mode == "polling"},
		{"emergency number 999", c.Emergency.Number == "999"},
		{"crisis line names Samaritans", strings.Contains(c.Emergency.CrisisLine, "Samaritans")},
		{"message text not logged", !c.Privacy.LogMessageText},
		{"unanswered log off", !c.Privacy.Unanswered.Enabled},
		{"no token", c.Telegram.Token == ""},
		{"embedded knowledge", c.Knowledge == ""},
		{"reload every 5s", c.Reload == 5*time.Second},
		{"state in ./state", c.StateDir == "state"},
		{"clinic named", c.Clinic.Name == "London Spine Unit"},
	}
	for _, ch := range checks {
		if !ch.ok {
			t.Errorf("default: %s", ch.name)
		}
	}
	if err := want.Validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
}

func TestLoadFile(t *testing.T) {
	clearEnv(t)
	path := writeConfig(t, `clinic:
  name: Test Clinic
  booking_url: https://clinic.example/book
knowledge: ./kb
settings: ./kb/tuned.yaml
emergency:
  number: "112"
telegram:
  mode: webhook
  api_url: http://localhost:8081
  webhook:
    url: https://bot.example/hook
privacy:
  log_message_text: true
  unanswered:
    enabled: true
    retention_days: 7
reload: 1m
`)
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Clinic.Name != "Test Clinic" || c.Clinic.BookingURL != "https://clinic.example/book" {
		t.Errorf("clinic %+v", c.Clinic)
	}
	if c.Knowledge != "./kb" || c.Settings != "./kb/tuned.yaml" {
		t.Errorf("knowledge %q settings %q", c.Knowledge, c.Settings)
	}
	if c.Emergency.Number != "112" {
		t.Errorf("emergency number %q", c.Emergency.Number)
	}
	// Keys not in the file keep their defaults, also inside a section.
	if c.Emergency.Department != "A&E" || c.Clinic.Contact != Default().Clinic.Contact {
		t.Errorf("defaults lost: department %q contact %q", c.Emergency.Department, c.Clinic.Contact)
	}
	if c.Telegram.Webhook.Path != "/telegram" || c.Telegram.Webhook.Listen != ":8443" {
		t.Errorf("webhook defaults lost: %+v", c.Telegram.Webhook)
	}
	if c.Telegram.Mode != "webhook" || c.Telegram.APIURL != "http://localhost:8081" || c.Telegram.Webhook.URL != "https://bot.example/hook" {
		t.Errorf("telegram %+v", c.Telegram)
	}
	if !c.Privacy.LogMessageText || !c.Privacy.Unanswered.Enabled || c.Privacy.Unanswered.RetentionDays != 7 || c.Privacy.Unanswered.Path != "unanswered.log" {
		t.Errorf("privacy %+v", c.Privacy)
	}
	if c.Reload != time.Minute {
		t.Errorf("reload %v", c.Reload)
	}
}

// "reload: 0" turns reloading off, as the README says, though YAML reads a
// bare 0 as a number, not a duration.
func TestReloadZeroIsOff(t *testing.T) {
	clearEnv(t)
	for _, y := range []string{"reload: 0\n", "clinic:\n  name: x\nreload: 0   # off\n", "telegram:\n  request_timeout: 0\nreload: 0s\n"} {
		c, err := Load(writeConfig(t, y))
		if err != nil {
			t.Errorf("%q: %v", y, err)
			continue
		}
		if c.Reload != 0 {
			t.Errorf("%q: reload %s, want 0 (off)", y, c.Reload)
		}
	}
	// An error further down still names its own line.
	_, err := Load(writeConfig(t, "reload: 0\ntelegram:\n  mode: [\n"))
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("error after a patched line: %v", err)
	}
}

func TestLoadFileErrors(t *testing.T) {
	clearEnv(t)
	tests := []struct {
		name, yaml, err string
	}{
		{"unknown top-level key", "clinic:\n  name: x\ntelegram_token: abc\n", "field telegram_token not found"},
		{"unknown nested key", "telegram:\n  mode: polling\n  token: abc\n", "field token not found"},
		{"misspelt key", "clinic:\n  bookingurl: https://x.example\n", "field bookingurl not found"},
		{"invalid YAML", "clinic: [\n", "config "},
		{"bad duration", "reload: soon\n", "cannot unmarshal"},
		{"bad mode", "telegram:\n  mode: websocket\n", `telegram.mode "websocket" must be polling or webhook`},
		{"booking_url without scheme", "clinic:\n  booking_url: clinic.example/book\n", "clinic.booking_url"},
		{"booking_url not http", "clinic:\n  booking_url: ftp://clinic.example/book\n", "must be an http(s) address"},
		{"booking_url without host", "clinic:\n  booking_url: https://\n", "clinic.booking_url"},
		{"api_url not an address", "telegram:\n  api_url: localhost\n", "telegram.api_url"},
		{"no emergency number", "emergency:\n  number: \"\"\n", "emergency.number must be set"},
		{"retention 0 with the log on", "privacy:\n  unanswered:\n    enabled: true\n    retention_days: 0\n", "retention_days must be at least 1"},
		{"negative reload", "reload: -1s\n", "reload must not be negative"},
		{"reload too often", "reload: 1ns\n", "reload must be 0 (off) or at least 100ms"},
		{"reload a bare number", "reload: 5\n", "cannot unmarshal"},
		{"request timeout too short", "telegram:\n  request_timeout: 10ms\n", "telegram.request_timeout must be between 1s and 5m"},
		{"no state folder", "state_dir: \"\"\n", "state_dir must name a folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.yaml)
			_, err := Load(path)
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("error %v, want one containing %q", err, tt.err)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
		if err == nil || !strings.Contains(err.Error(), "config:") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("retention 0 is fine while the log is off", func(t *testing.T) {
		if _, err := Load(writeConfig(t, "privacy:\n  unanswered:\n    retention_days: 0\n")); err != nil {
			t.Error(err)
		}
	})
}

func TestEnvOverrides(t *testing.T) {
	file := writeConfig(t, "clinic:\n  booking_url: https://file.example/book\ntelegram:\n  mode: polling\n  api_url: http://file.example\nknowledge: ./from-file\n")
	tests := []struct {
		env   map[string]string
		check func(Config) bool
		err   string
	}{
		{env: map[string]string{"TELEGRAM_MODE": "webhook"}, check: func(c Config) bool { return c.Telegram.Mode == "webhook" }},
		{env: map[string]string{"TELEGRAM_MODE": "  webhook  "}, check: func(c Config) bool { return c.Telegram.Mode == "webhook" }},
		{env: map[string]string{"TELEGRAM_MODE": "carrier-pigeon"}, err: "telegram.mode"},
		{env: map[string]string{"TELEGRAM_API_URL": "http://localhost:9000"}, check: func(c Config) bool { return c.Telegram.APIURL == "http://localhost:9000" }},
		{env: map[string]string{"TELEGRAM_API_URL": "nonsense"}, err: "telegram.api_url"},
		{env: map[string]string{"TELEGRAM_BOT_TOKEN": " 123:abc \n"}, check: func(c Config) bool { return c.Telegram.Token == "123:abc" }},
		{env: map[string]string{"TELEGRAM_WEBHOOK_SECRET": "s3cret"}, check: func(c Config) bool { return c.Telegram.WebhookSecret == "s3cret" }},
		{env: map[string]string{"TELEGRAM_WEBHOOK_URL": "https://bot.example/x", "TELEGRAM_WEBHOOK_PATH": "/x", "TELEGRAM_WEBHOOK_LISTEN": ":9999"}, check: func(c Config) bool {
			return c.Telegram.Webhook == Webhook{Listen: ":9999", URL: "https://bot.example/x", Path: "/x"}
		}},
		{env: map[string]string{"CLINICBOT_BOOKING_URL": "https://env.example/book"}, check: func(c Config) bool { return c.Clinic.BookingURL == "https://env.example/book" }},
		{env: map[string]string{"CLINICBOT_BOOKING_URL": "not a url"}, err: "clinic.booking_url"},
		{env: map[string]string{"CLINICBOT_KNOWLEDGE": "/srv/kb"}, check: func(c Config) bool { return c.Knowledge == "/srv/kb" }},
		{env: map[string]string{"CLINICBOT_STATE_DIR": "/var/lib/clinicbot"}, check: func(c Config) bool { return c.StateDir == "/var/lib/clinicbot" }},
		{env: map[string]string{"CLINICBOT_LOG_MESSAGE_TEXT": "true"}, check: func(c Config) bool { return c.Privacy.LogMessageText }},
		{env: map[string]string{"CLINICBOT_LOG_MESSAGE_TEXT": "1"}, check: func(c Config) bool { return c.Privacy.LogMessageText }},
		{env: map[string]string{"CLINICBOT_LOG_MESSAGE_TEXT": "false"}, check: func(c Config) bool { return !c.Privacy.LogMessageText }},
		{env: map[string]string{"CLINICBOT_LOG_MESSAGE_TEXT": "yes please"}, err: `CLINICBOT_LOG_MESSAGE_TEXT: "yes please" is not true or false`},
		// Unset variables leave the file's values.
		{env: map[string]string{}, check: func(c Config) bool {
			return c.Telegram.APIURL == "http://file.example" && c.Clinic.BookingURL == "https://file.example/book" && c.Knowledge == "./from-file"
		}},
	}
	for _, tt := range tests {
		name := "none"
		for k, v := range tt.env {
			name = k + "=" + v
		}
		t.Run(name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			c, err := Load(file)
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
				t.Errorf("override not applied: %+v", c)
			}
		})
	}
}

func TestLogMessageTextFileThenEnv(t *testing.T) {
	clearEnv(t)
	path := writeConfig(t, "privacy:\n  log_message_text: true\n")
	t.Setenv("CLINICBOT_LOG_MESSAGE_TEXT", "false")
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Privacy.LogMessageText {
		t.Error("the environment did not override the file")
	}
}

// The profile every reply and transport names is the clinic and
// emergency settings.
func TestProfile(t *testing.T) {
	c := Default()
	p := c.Profile()
	if p.ClinicName != c.Clinic.Name || p.BookingURL != c.Clinic.BookingURL || p.Contact != c.Clinic.Contact ||
		p.EmergencyNumber != "999" || p.EmergencyDepartment != "A&E" || p.UrgentAdvice != "NHS 111" || p.CrisisLine != c.Emergency.CrisisLine {
		t.Errorf("profile %+v from %+v %+v", p, c.Clinic, c.Emergency)
	}
}

func TestSecretsNeverFromFile(t *testing.T) {
	clearEnv(t)
	// The token has no YAML key: a file that tries to set it is rejected,
	// so a secret cannot end up in a checked-in file.
	_, err := Load(writeConfig(t, "telegram:\n  Token: abc\n"))
	if err == nil {
		t.Error("a token in the file was accepted")
	}
}

// TestDefaultBookingLink: without a file the booking link is the clinic's
// own site; the repository's config.yaml says the same; a file can turn it
// off with "", and the environment overrides both.
func TestDefaultBookingLink(t *testing.T) {
	t.Setenv("CLINICBOT_BOOKING_URL", "")
	c, err := Load("")
	if err != nil || c.Clinic.BookingURL != DefaultBookingURL {
		t.Fatalf("Load(\"\") booking %q, %v; want %s", c.Clinic.BookingURL, err, DefaultBookingURL)
	}
	if c, err := Load("../config.yaml"); err != nil || c.Clinic.BookingURL != DefaultBookingURL {
		t.Errorf("config.yaml booking %q, %v; want %s", c.Clinic.BookingURL, err, DefaultBookingURL)
	}
	if c, err := Load(writeConfig(t, "clinic:\n  booking_url: \"\"\n")); err != nil || c.Clinic.BookingURL != "" {
		t.Errorf("booking_url \"\" gives %q, %v; want none", c.Clinic.BookingURL, err)
	}
	t.Setenv("CLINICBOT_BOOKING_URL", "https://env.example/book")
	if c, err := Load("../config.yaml"); err != nil || c.Clinic.BookingURL != "https://env.example/book" {
		t.Errorf("environment override gives %q, %v", c.Clinic.BookingURL, err)
	}
}

func TestStaffSettings(t *testing.T) {
	clearEnv(t)
	c, err := Load(writeConfig(t, "staff:\n  chat_ids: [111, -1002223334445]\n  call_back:\n    next_steps: We ring back within two days.\nreview_after_days: 180\nstate_dir: /var/lib/clinicbot\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Staff.ChatIDs, []int64{111, -1002223334445}) || c.Staff.CallBack.NextSteps != "We ring back within two days." || c.ReviewAfterDays != 180 || c.StateDir != "/var/lib/clinicbot" {
		t.Errorf("staff settings not read: %+v, review %d, state %q", c.Staff, c.ReviewAfterDays, c.StateDir)
	}
	d := Default()
	if d.ReviewAfterDays != 365 || d.StateDir != "state" || len(d.Staff.ChatIDs) != 0 || d.Staff.CallBack.NextSteps == "" {
		t.Errorf("defaults: review %d, state %q, staff %+v", d.ReviewAfterDays, d.StateDir, d.Staff)
	}

	t.Setenv("CLINICBOT_STAFF_CHAT_IDS", " 42, -100777 ,")
	t.Setenv("CLINICBOT_STATE_DIR", "/tmp/st")
	c, err = Load(writeConfig(t, "staff:\n  chat_ids: [111]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Staff.ChatIDs, []int64{42, -100777}) || c.StateDir != "/tmp/st" {
		t.Errorf("environment: chat ids %v, state %q", c.Staff.ChatIDs, c.StateDir)
	}
	t.Setenv("CLINICBOT_STAFF_CHAT_IDS", "42,@reception")
	if _, err := Load(""); err == nil || !strings.Contains(err.Error(), `CLINICBOT_STAFF_CHAT_IDS: "@reception" is not a Telegram chat id`) {
		t.Errorf("a bad id: %v", err)
	}
}
