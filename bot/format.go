package bot

import (
	"crypto/sha256"
	"encoding/hex"
	"html"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/clinicbot/clinicbot/answer"
)

// Telegram limits.
const (
	maxMessageLen   = 4096 // characters of a message after entity parsing
	maxCallbackData = 64   // bytes of a button's callback_data
	maxButtonText   = 60   // characters shown on a button before "…" (Telegram cuts long ones)
	maxTitleLen     = 200
	maxTopicButtons = 50
)

// message is one Telegram message ready to send.
type message struct {
	html  string    // the text, HTML-escaped, with the title in <b>
	plain string    // the same words without markup, if Telegram cannot parse html
	kb    *keyboard // buttons under the message, nil for none
}

// keyboard is an inline keyboard. The library's InlineKeyboardButton is not
// used because it always sends "copy_text":{"text":""} (a struct field with
// omitempty is never omitted), which is not a valid button.
type keyboard struct {
	InlineKeyboard [][]button `json:"inline_keyboard"`
}

type button struct {
	Text         string `json:"text"`
	URL          string `json:"url,omitempty"`
	CallbackData string `json:"callback_data,omitempty"`
}

// add appends a row with one button and returns k; a nil k is created.
func (k *keyboard) add(btn button) *keyboard {
	if k == nil {
		k = &keyboard{}
	}
	btn.Text = clip(btn.Text, maxButtonText)
	k.InlineKeyboard = append(k.InlineKeyboard, []button{btn})
	return k
}

func urlButton(text, url string) button { return button{Text: text, URL: url} }

func entryButton(c answer.Choice) button {
	return button{Text: c.Title, CallbackData: entryData(c.EntryID)}
}

func topicButton(t answer.Topic) button {
	return button{Text: t.Title, CallbackData: topicData(t.ID)}
}

// Callback data: "e:<entry id>" opens an entry and "t:<topic>" lists a
// topic's entries. An id too long for Telegram's 64 bytes is sent as
// "E:<hash>" / "T:<hash>", the first 16 hex digits of its SHA-256, and
// found again by hashing the current ids. Both forms name the entry, not
// its position, so buttons stay right after staff edit the knowledge; a
// button for an entry since removed gets a polite "no longer available".
const (
	entryPrefix     = "e:"
	entryHashPrefix = "E:"
	topicPrefix     = "t:"
	topicHashPrefix = "T:"
)

func entryData(id string) string { return callbackData(entryPrefix, entryHashPrefix, id) }
func topicData(t string) string  { return callbackData(topicPrefix, topicHashPrefix, t) }

func callbackData(prefix, hashPrefix, s string) string {
	if d := prefix + s; len(d) <= maxCallbackData {
		return d
	}
	return hashPrefix + shortHash(s)
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

// resolveEntry finds the entry id that callback data d names, if any.
func resolveEntry(eng *answer.Engine, d string) (string, bool) {
	if id, ok := strings.CutPrefix(d, entryPrefix); ok {
		return id, true
	}
	if h, ok := strings.CutPrefix(d, entryHashPrefix); ok {
		for id := range eng.EntryIDs() {
			if shortHash(id) == h {
				return id, true
			}
		}
	}
	return "", false
}

// resolveTopic finds the topic that callback data d names, if it still exists.
func resolveTopic(eng *answer.Engine, d string) (string, bool) {
	t, plain := strings.CutPrefix(d, topicPrefix)
	h, hashed := strings.CutPrefix(d, topicHashPrefix)
	if !plain && !hashed {
		return "", false
	}
	for _, topic := range eng.Topics() {
		if (plain && topic.ID == t) || (hashed && shortHash(topic.ID) == h) {
			return topic.ID, true
		}
	}
	return "", false
}

// compose formats a titled text as one or more messages, split to fit
// Telegram's limit; kb goes under the last one. The plain text is split
// before escaping, so no cut falls inside a tag or an entity.
func compose(title, text string, kb *keyboard) []message {
	title = clip(strings.TrimSpace(title), maxTitleLen)
	first := maxMessageLen
	if title != "" {
		first -= utf16Len(title) + 2 // "\n\n" after the title
	}
	parts := splitText(strings.TrimSpace(text), first, maxMessageLen)
	if len(parts) == 0 {
		parts = []string{""}
	}
	msgs := make([]message, len(parts))
	for i, p := range parts {
		h, pl := html.EscapeString(p), p
		if i == 0 && title != "" {
			h = "<b>" + html.EscapeString(title) + "</b>"
			pl = title
			if p != "" {
				h += "\n\n" + html.EscapeString(p)
				pl += "\n\n" + p
			}
		}
		msgs[i] = message{html: h, plain: pl}
	}
	msgs[len(msgs)-1].kb = kb
	return msgs
}

// splitText cuts s into pieces of at most first (then rest) characters,
// counted as Telegram counts them (UTF-16 code units). It cuts at the last
// paragraph break in the second half of the allowed length, else at a line
// break, else at a space, else anywhere between two characters.
func splitText(s string, first, rest int) []string {
	var out []string
	limit := max(first, 1)
	for {
		s = strings.TrimSpace(s)
		if s == "" {
			return out
		}
		if utf16Len(s) <= limit {
			return append(out, s)
		}
		cut := prefixLen(s, limit)
		if cut == 0 { // a character wider than the limit
			_, cut = utf8.DecodeRuneInString(s)
		}
		head, i := s[:cut], -1
		for _, sep := range []string{"\n\n", "\n", " "} {
			if j := strings.LastIndex(head, sep); j >= cut/2 && j > 0 {
				i = j
				break
			}
		}
		if i < 0 {
			i = cut
		}
		out = append(out, strings.TrimSpace(s[:i]))
		s = s[i:]
		limit = rest
	}
}

// prefixLen returns the byte length of the longest prefix of s that is at
// most n UTF-16 code units and ends between two characters.
func prefixLen(s string, n int) int {
	units := 0
	for i, r := range s {
		u := utf16.RuneLen(r)
		if u < 0 {
			u = 1
		}
		if units+u > n {
			return i
		}
		units += u
	}
	return len(s)
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if u := utf16.RuneLen(r); u > 0 {
			n += u
		} else {
			n++
		}
	}
	return n
}

// clip shortens s to n characters, ending with "…" when cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
