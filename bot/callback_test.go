package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/clinicbot/clinicbot/answer"
	"github.com/clinicbot/clinicbot/bot"
	"github.com/clinicbot/clinicbot/tests/fakeapi"
)

// contactMessage is the message Telegram sends when a patient taps a
// request_contact button.
func contactMessage(chat int64, phone, first string) models.Update {
	return models.Update{Message: &models.Message{
		From:    &models.User{ID: chat, FirstName: first},
		Chat:    models.Chat{ID: chat, Type: models.ChatTypePrivate},
		Date:    int(time.Now().Unix()),
		Contact: &models.Contact{PhoneNumber: phone, FirstName: first, UserID: chat},
	}}
}

// lastTo waits for the n-th message to chat and returns it.
func lastTo(e *env, chat int64, n int) fakeapi.Call {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		seen := len(e.srv.Calls("sendMessage"))
		var got []fakeapi.Call
		for _, c := range e.srv.Sent() {
			if c.ChatID() == chat {
				got = append(got, c)
			}
		}
		if len(got) >= n {
			return got[n-1]
		}
		if _, err := e.srv.WaitCalls(ctx, "sendMessage", seen+1); err != nil {
			e.t.Fatalf("waiting for message %d to chat %d: %v; logs:\n%s", n, chat, err, e.logs.String())
		}
	}
}

func inlineData(t *testing.T, c fakeapi.Call) map[string]string {
	t.Helper()
	out := map[string]string{}
	if c.ReplyMarkup() == "" {
		return out
	}
	rows, err := c.InlineKeyboard()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		for _, b := range r {
			out[b.Text] = b.CallbackData
		}
	}
	return out
}

func TestCallBackRequest(t *testing.T) {
	const phone = "+447700900123"
	s := staffSetup(func(o *bot.Options) {
		o.Staff.ChatIDs = []int64{staffChat, staffChat + 10}
		o.Staff.NextSteps = "The team rings back within one working day."
	})
	s.texts = func(t *answer.Texts) { t.BookingURL = "" } // no booking site
	e := start(t, s)
	e.remember(phone, "7700900123", "07700 900123")

	e.say(patientID, "how do I book a consultation?")
	reply := lastTo(e, patientID, 1)
	start := inlineData(t, reply)["Request a call back"]
	if start == "" {
		t.Fatalf("the booking reply has no call-back button: %s", reply.ReplyMarkup())
	}
	e.srv.Enqueue(fakeapi.CallbackQuery(patientID, start, 1))
	ask := lastTo(e, patientID, 2)
	var kb models.ReplyKeyboardMarkup
	if err := ask.DecodeReplyMarkup(&kb); err != nil || len(kb.Keyboard) == 0 || !kb.Keyboard[0][0].RequestContact {
		t.Fatalf("the request asks for the number without a share-contact button: %s (%v)", ask.ReplyMarkup(), err)
	}

	e.srv.Enqueue(contactMessage(patientID, phone, "Sarah"))
	if c := lastTo(e, patientID, 3); !strings.Contains(c.ReplyMarkup(), `"remove_keyboard":true`) {
		t.Errorf("the share-contact keyboard is not removed: %s", c.ReplyMarkup())
	}
	times := inlineData(t, lastTo(e, patientID, 4))
	if times["Morning"] == "" || times["Any time"] == "" {
		t.Fatalf("no time-of-day buttons: %v", times)
	}
	e.srv.Enqueue(fakeapi.CallbackQuery(patientID, times["Morning"], 4))
	confirm := lastTo(e, patientID, 5)
	if !strings.Contains(confirm.Text(), "call you on "+phone+", in the morning if they can") || !strings.Contains(confirm.Text(), "you agree that I pass these details") {
		t.Errorf("consent line: %q", confirm.Text())
	}
	e.srv.Enqueue(fakeapi.CallbackQuery(patientID, inlineData(t, confirm)["Send my request"], 5))
	if c := lastTo(e, patientID, 6); !strings.HasPrefix(c.Text(), "The team rings back within one working day. If you feel seriously unwell before then, call 999 now.") {
		t.Errorf("what happens next: %q", c.Text())
	}
	for _, chat := range []int64{staffChat, staffChat + 10} {
		req := lastTo(e, chat, 1)
		if !strings.Contains(req.Text(), "Name: Sarah\nPhone: "+phone+"\nPreferred time: Morning") {
			t.Errorf("staff chat %d got %q", chat, req.Text())
		}
	}
	take := inlineData(t, lastTo(e, staffChat, 1))["I'll call"]
	if take == "" {
		t.Fatal("no I'll call button")
	}
	e.srv.Enqueue(fakeapi.CallbackQuery(staffChat, take, 1))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	edits, err := e.srv.WaitCalls(ctx, "editMessageReplyMarkup", 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, ed := range edits {
		if !strings.Contains(ed.ReplyMarkup(), "✓ Taken by Test") {
			t.Errorf("staff copy in chat %d not marked taken: %s", ed.ChatID(), ed.ReplyMarkup())
		}
	}
	// A second press, by a colleague: already taken.
	e.srv.Enqueue(fakeapi.CallbackQuery(staffChat+10, take, 1))
	answers, err := e.srv.WaitCalls(ctx, "answerCallbackQuery", 5)
	if err != nil {
		t.Fatal(err)
	}
	if got := answers[len(answers)-1].Params.Get("text"); got != "Already taken by Test." {
		t.Errorf("second press: %q", got)
	}
	if got := answers[len(answers)-2].Params.Get("text"); got != "Thank you: it's yours." {
		t.Errorf("first press: %q", got)
	}
	e.stop()
	if logs := e.logs.String(); strings.Contains(logs, "Sarah") || strings.Contains(logs, "900123") {
		t.Errorf("the request's details reached the logs:\n%s", logs)
	}
}

func TestCallBackTypedAndCancelled(t *testing.T) {
	e := start(t, staffSetup(nil))
	e.srv.Enqueue(fakeapi.CallbackQuery(patientID, "cb:start", 1))
	lastTo(e, patientID, 1)
	e.say(patientID, "I'd rather not say")
	if c := lastTo(e, patientID, 2); !strings.HasPrefix(c.Text(), "I couldn't find a phone number or e-mail address") {
		t.Errorf("no contact in the text: %q", c.Text())
	}
	e.say(patientID, "you can reach me on 07700 900123 please")
	lastTo(e, patientID, 3)
	lastTo(e, patientID, 4)
	e.srv.Enqueue(fakeapi.CallbackQuery(patientID, "cb:t:evening", 4))
	if c := lastTo(e, patientID, 5); !strings.Contains(c.Text(), "call you on 07700 900123, in the evening") {
		t.Errorf("typed number: %q", c.Text())
	}
	e.srv.Enqueue(fakeapi.CallbackQuery(patientID, "cb:no", 5))
	if c := lastTo(e, patientID, 6); !strings.HasPrefix(c.Text(), "No problem: nothing was sent.") {
		t.Errorf("cancel: %q", c.Text())
	}
	// A patient who moves on: a second message without a number is a question.
	e.srv.Enqueue(fakeapi.CallbackQuery(patientID, "cb:start", 1))
	lastTo(e, patientID, 7)
	e.say(patientID, "hmm, actually")
	if c := lastTo(e, patientID, 8); !strings.HasPrefix(c.Text(), "I couldn't find a phone number") {
		t.Errorf("first message without a number: %q", c.Text())
	}
	e.say(patientID, "how do I book a consultation?")
	if c := lastTo(e, patientID, 9); !strings.Contains(c.Text(), "How do I book a consultation?") {
		t.Errorf("second message without a number is not answered as a question: %q", c.Text())
	}
	e.quiet(9)
	for _, c := range e.srv.Sent() {
		if c.ChatID() == staffChat {
			t.Errorf("a cancelled request reached the staff: %q", c.Text())
		}
	}
}

func TestNoCallBackWithoutStaffChats(t *testing.T) {
	e := start(t, setup{})
	e.say(patientID, "how do I book a consultation?")
	e.say(patientID, "/book")
	for _, c := range e.sent(2) {
		if strings.Contains(c.ReplyMarkup(), "call back") {
			t.Errorf("call-back button without staff chats: %s", c.ReplyMarkup())
		}
	}
}
