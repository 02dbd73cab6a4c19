package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
)

// siteURL is the clinic's own site, the booking link of the repository's
// config.yaml.
const siteURL = "https://www.londonspine.com/"

// TestDefaultBookingLink runs the bot with the repository's own config.yaml
// and no CLINICBOT_BOOKING_URL: the welcome and an answer carry the booking
// button to the clinic's site, and `clinicbot ask --json` reports it.
func TestDefaultBookingLink(t *testing.T) {
	t.Parallel()
	cfg, err := os.ReadFile("../../config.yaml")
	if err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(binary, "ask", "--json", "--config", "../../config.yaml", "what is facet joint denervation")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("clinicbot ask: %v\n%s", err, stderr.String())
	}
	var r reply
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("clinicbot ask output %q: %v", out, err)
	}
	if r.Kind != "answer" || r.BookingURL != siteURL {
		t.Errorf("ask with the default config: kind %q, booking_url %q; want an answer with %s", r.Kind, r.BookingURL, siteURL)
	}

	p := start(t, options{config: string(cfg), env: map[string]string{"CLINICBOT_BOOKING_URL": ""}})
	p.ready()
	const patient = 4301
	welcome := p.say(patient, "/start")
	if got := urlButtons(buttons(t, welcome)); got[bookLabel] != siteURL {
		t.Errorf("welcome URL buttons %v, want %s -> %s", got, bookLabel, siteURL)
	}
	ans := p.say(patient, "what is facet joint denervation")
	if got := urlButtons(buttons(t, ans)); got[bookLabel] != siteURL {
		t.Errorf("answer URL buttons %v, want %s -> %s", got, bookLabel, siteURL)
	}
}
