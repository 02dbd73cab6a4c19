package bot

import (
	"errors"
	"fmt"
	"html"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	tgbot "github.com/go-telegram/bot"
)

func TestSplitText(t *testing.T) {
	para := strings.Repeat("word ", 30) // 150 characters
	text := strings.TrimSpace(strings.Repeat(para+"\n\n", 10))
	parts := splitText(text, 400, 400)
	if len(parts) < 4 {
		t.Fatalf("%d parts", len(parts))
	}
	for _, p := range parts {
		if utf16Len(p) > 400 {
			t.Errorf("part of %d units", utf16Len(p))
		}
		if strings.HasPrefix(p, " ") || strings.HasSuffix(p, " ") {
			t.Errorf("part not trimmed: %q", p)
		}
	}
	if got := strings.Join(strings.Fields(strings.Join(parts, " ")), " "); got != strings.Join(strings.Fields(text), " ") {
		t.Error("words lost or changed")
	}
	// No spaces at all: hard cuts, never inside a character; emoji count
	// as two UTF-16 units, as Telegram counts them.
	emoji := strings.Repeat("😀", 300)
	parts = splitText(emoji, 101, 101)
	for _, p := range parts {
		if !utf8.ValidString(p) || utf16Len(p) > 101 {
			t.Errorf("bad hard split: %d units, valid %v", utf16Len(p), utf8.ValidString(p))
		}
	}
	if strings.Join(parts, "") != emoji {
		t.Error("hard split lost characters")
	}
	// Lines when there are no paragraphs.
	lines := strings.Repeat(strings.Repeat("a", 50)+"\n", 20)
	for _, p := range splitText(lines, 120, 120) {
		if len(p) != 101 && len(p) != 50 {
			t.Errorf("line split gave %d bytes", len(p))
		}
	}
	if got := splitText("", 10, 10); len(got) != 0 {
		t.Errorf("empty text: %q", got)
	}
}

func TestComposeEscapesAfterSplitting(t *testing.T) {
	text := strings.Repeat("A & B <c> \"d\" 'e'\n\n", 400)
	msgs := compose("Title <&>", text, &keyboard{})
	if len(msgs) < 2 {
		t.Fatalf("%d messages", len(msgs))
	}
	if !strings.HasPrefix(msgs[0].html, "<b>Title &lt;&amp;&gt;</b>\n\n") {
		t.Errorf("title %q", msgs[0].html[:40])
	}
	var plain []string
	for i, m := range msgs {
		body := strings.TrimPrefix(m.html, "<b>Title &lt;&amp;&gt;</b>\n\n")
		if strings.ContainsAny(strings.NewReplacer("&amp;", "", "&lt;", "", "&gt;", "", "&#34;", "", "&#39;", "").Replace(body), "<>&\"'") {
			t.Errorf("part %d badly escaped", i)
		}
		if utf16Len(html.UnescapeString(strings.NewReplacer("<b>", "", "</b>", "").Replace(m.html))) > maxMessageLen {
			t.Errorf("part %d too long", i)
		}
		if (m.kb != nil) != (i == len(msgs)-1) {
			t.Errorf("keyboard on part %d", i)
		}
		plain = append(plain, html.UnescapeString(body))
	}
	if strings.Join(strings.Fields(strings.Join(plain, " ")), " ") != strings.Join(strings.Fields(text), " ") {
		t.Error("text changed by splitting")
	}
}

func TestCallbackData(t *testing.T) {
	if d := entryData("fjd-risks"); d != "e:fjd-risks" {
		t.Errorf("short id: %q", d)
	}
	long := strings.Repeat("very-long-entry-id-", 5)
	d := entryData(long)
	if len(d) > maxCallbackData || !strings.HasPrefix(d, "E:") {
		t.Errorf("long id: %q (%d bytes)", d, len(d))
	}
	if td := topicData(long); len(td) > maxCallbackData || !strings.HasPrefix(td, "T:") {
		t.Errorf("long topic: %q", td)
	}
	if got := clip(strings.Repeat("é", 100), 10); utf8.RuneCountInString(got) != 10 || !strings.HasSuffix(got, "…") {
		t.Errorf("clip %q", got)
	}
}

func TestParseCommand(t *testing.T) {
	me := &identity{id: 1, username: "clinic_bot"}
	for _, tc := range []struct {
		text                   string
		cmd, arg               string
		isCmd, explicit, forMe bool
	}{
		{"/start", "start", "", true, false, true},
		{"/start fjd-risks", "start", "fjd-risks", true, false, true},
		{"/Help@Clinic_Bot", "help", "", true, true, true},
		{"/help@other_bot", "help", "", true, true, false},
		{"/etc/passwd please", "", "", false, false, false},
		{"/ hello", "", "", false, false, false},
		{"hello /start", "", "", false, false, false},
	} {
		cmd, arg, isCmd, explicit, forMe := parseCommand(tc.text, me)
		if cmd != tc.cmd || arg != tc.arg || isCmd != tc.isCmd || explicit != tc.explicit || forMe != tc.forMe {
			t.Errorf("%q: %q %q %v %v %v", tc.text, cmd, arg, isCmd, explicit, forMe)
		}
	}
}

func TestScrub(t *testing.T) {
	tok := "123:ABCsecret"
	got := scrubText(`error do request for method getMe, Post "https://api.telegram.org/bot123:ABCsecret/getMe": dial tcp`, tok)
	if strings.Contains(got, "ABCsecret") {
		t.Errorf("token kept: %s", got)
	}
	got = scrubText("error decode response body for method getUpdates, [{\"text\":\"my private symptoms\"}], invalid character", tok)
	if strings.Contains(got, "symptoms") || !strings.Contains(got, "getUpdates") {
		t.Errorf("body kept: %s", got)
	}
}

func TestRetryDelay(t *testing.T) {
	next := 100 * time.Millisecond
	if d, ok := retryDelay(&tgbot.TooManyRequestsError{RetryAfter: 3}, false, &next); !ok || d != 3*time.Second {
		t.Errorf("429: %s %v", d, ok)
	}
	if d, ok := retryDelay(&statusError{code: 502}, false, &next); !ok || d < 50*time.Millisecond || d > 100*time.Millisecond || next != 200*time.Millisecond {
		t.Errorf("502: %s %v next %s", d, ok, next)
	}
	if _, ok := retryDelay(&connError{err: errors.New("EOF")}, false, &next); !ok {
		t.Error("broken connection not retried")
	}
	timeout := &connError{err: fmt.Errorf("attempt: %w", errTimeout{})}
	if _, ok := retryDelay(timeout, false, &next); ok {
		t.Error("timed-out send retried: it may have been delivered")
	}
	if _, ok := retryDelay(timeout, true, &next); !ok {
		t.Error("timed-out idempotent call not retried")
	}
	if _, ok := retryDelay(fmt.Errorf("%w, Forbidden", tgbot.ErrorForbidden), true, &next); ok {
		t.Error("403 retried")
	}
	for range 10 {
		retryDelay(&statusError{code: 500}, false, &next)
	}
	if next != backoffMax {
		t.Errorf("back-off not capped: %s", next)
	}
}

type errTimeout struct{}

func (errTimeout) Error() string   { return "timeout" }
func (errTimeout) Timeout() bool   { return true }
func (errTimeout) Temporary() bool { return true }
