package e2e

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/clinicbot/clinicbot/tests/fakeapi"
)

// inline maps an inline keyboard's button texts to their callback data.
func inline(t *testing.T, c fakeapi.Call) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, b := range buttons(t, c) {
		out[b.Text] = b.CallbackData
	}
	return out
}

// A patient asks for a call back (no booking site); the request reaches
// the staff chat, and "I'll call" marks it taken. Nothing of it is logged
// or written in the working folder.
func TestCallBackReachesStaff(t *testing.T) {
	t.Parallel()
	const (
		patient = 4801
		phone   = "+447700900555"
	)
	state := filepath.Join(t.TempDir(), "state")
	p := start(t, options{
		config: staffConfig(state),
		env:    map[string]string{"CLINICBOT_BOOKING_URL": ""},
	})
	p.ready()
	booking := p.say(patient, "/book")
	startData := inline(t, booking)["Request a call back"]
	if startData == "" {
		t.Fatalf("/book without a booking site offers no call back: %s", booking.ReplyMarkup())
	}
	n := len(p.sentTo(patient))
	p.srv.Enqueue(fakeapi.CallbackQuery(patient, startData, messageID(t, booking)))
	ask := p.waitSentTo(patient, n+1)[n]
	if !strings.Contains(ask.ReplyMarkup(), `"request_contact":true`) {
		t.Fatalf("no share-contact button: %s", ask.ReplyMarkup())
	}
	p.srv.Enqueue(models.Update{Message: &models.Message{
		From: &models.User{ID: patient, FirstName: "Amira"}, Chat: models.Chat{ID: patient, Type: models.ChatTypePrivate},
		Date: int(time.Now().Unix()), Contact: &models.Contact{PhoneNumber: phone, FirstName: "Amira", UserID: patient},
	}})
	times := p.waitSentTo(patient, n+3)[n+2]
	p.srv.Enqueue(fakeapi.CallbackQuery(patient, inline(t, times)["Afternoon"], messageID(t, times)))
	confirm := p.waitSentTo(patient, n+4)[n+3]
	if !strings.Contains(confirm.Text(), "you agree that I pass these details") {
		t.Errorf("no consent line: %q", confirm.Text())
	}
	p.srv.Enqueue(fakeapi.CallbackQuery(patient, inline(t, confirm)["Send my request"], messageID(t, confirm)))
	next := p.waitSentTo(patient, n+5)[n+4]
	if !strings.Contains(next.Text(), "will call you back") {
		t.Errorf("the patient is not told what happens next: %q", next.Text())
	}

	req := p.waitSentTo(staffChat, 1)[0]
	if !strings.Contains(req.Text(), "Phone: "+phone) || !strings.Contains(req.Text(), "Preferred time: Afternoon") {
		t.Errorf("staff got %q", req.Text())
	}
	p.srv.Enqueue(fakeapi.CallbackQuery(staffChat, inline(t, req)["I'll call"], messageID(t, req)))
	p.until("the request marked taken", func() bool {
		for _, c := range p.srv.Calls("editMessageReplyMarkup") {
			if c.ChatID() == staffChat && c.Params.Get("message_id") != "" && strings.Contains(c.ReplyMarkup(), "Taken by") {
				return true
			}
		}
		return false
	})
	p.stop()
	for _, s := range []string{phone, "7700900555", "Amira"} {
		if strings.Contains(p.stderr.String()+p.stdout.String(), s) {
			t.Errorf("%q is in the logs", s)
		}
		for _, dir := range []string{p.dir, state} {
			if f := grepDir(t, dir, s); f != "" {
				t.Errorf("%q was written to %s", s, f)
			}
		}
	}
	p.checkNoSecrets()
}

// grepDir returns a file under dir that contains s, "" if none.
func grepDir(t *testing.T, dir, s string) string {
	t.Helper()
	found := ""
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || d.IsDir() || found != "" {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil && strings.Contains(string(b), s) {
			found = path
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}
