package bot_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// futureMessage is a private message as a newer Bot API might send it: a
// forward_origin type this library version does not know, which makes it
// fail to decode the update.
func futureMessage(chat int64, text string) string {
	return fmt.Sprintf(`{"message":{"message_id":77,"date":1764000000,
		"chat":{"id":%d,"type":"private","first_name":"Pat"},
		"from":{"id":%d,"is_bot":false,"first_name":"Pat"},
		"forward_origin":{"type":"future_origin","date":1763999000},
		"some_new_field":{"x":[1,2,3]},
		"text":%q}}`, chat, chat, text)
}

// An update the library cannot decode must not stop the bot: it is read
// for its words (an emergency still gets the urgent reply, a question its
// answer) and the updates after it are answered too.
func TestUndecodableUpdateDoesNotStopPolling(t *testing.T) {
	e := start(t, setup{})
	e.remember("I can't feel my legs and I've wet myself", "what is facet joint denervation?")
	if _, err := e.srv.EnqueueRaw(json.RawMessage(futureMessage(51, "I can't feel my legs and I've wet myself"))); err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.EnqueueRaw(json.RawMessage(`{"message":{"chat":"not a chat"}}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.EnqueueRaw(json.RawMessage(futureMessage(52, "what is facet joint denervation?"))); err != nil {
		t.Fatal(err)
	}
	e.say(53, "what is facet joint denervation?")
	cs := e.sent(3)
	e.quiet(3)
	byChat := map[int64]string{}
	for _, c := range cs {
		byChat[c.ChatID()] = c.Text()
	}
	if !strings.Contains(byChat[51], "999") {
		t.Errorf("emergency in an undecodable update: got %q, want the urgent reply", byChat[51])
	}
	for _, chat := range []int64{52, 53} {
		if !strings.Contains(byChat[chat], "Facet joint denervation is") {
			t.Errorf("chat %d: got %q, want the passage", chat, byChat[chat])
		}
	}
	if e.srv.Pending() != 0 {
		t.Errorf("%d updates still pending: the offset did not move past them", e.srv.Pending())
	}
	if !strings.Contains(e.logs.String(), "cannot fully read") {
		t.Errorf("salvaged updates not logged:\n%s", e.logs.String())
	}
}

func TestUndecodableUpdateByWebhook(t *testing.T) {
	w := startWebhook(t)
	w.remember("I have crushing chest pain")
	body := strings.Replace(futureMessage(61, "I have crushing chest pain"), "{", `{"update_id":9001,`, 1)
	if code := postJSON(t, w.url, webhookSecret, body); code != http.StatusOK {
		t.Fatalf("webhook answered %d to an update it could read the words of", code)
	}
	if c := w.sent(1)[0]; c.ChatID() != 61 || !strings.Contains(c.Text(), "999") {
		t.Errorf("got %q in chat %d, want the urgent reply in 61", c.Text(), c.ChatID())
	}
	if code := postJSON(t, w.url, webhookSecret, `{"message":{"forward_origin":{"type":"x"}}}`); code != http.StatusBadRequest {
		t.Errorf("an update without an id: %d, want 400", code)
	}
}
