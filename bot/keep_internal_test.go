package bot

import (
	"strings"
	"testing"
)

// A message in the middle of a call-back request may hold a phone number:
// the state keeps only its update id. Elsewhere it keeps the words but
// never the sender's names.
func TestKeepable(t *testing.T) {
	raw := []byte(`{"update_id":41,"message":{"message_id":3,"date":1,"chat":{"id":77,"type":"private","first_name":"Amira"},"from":{"id":77,"is_bot":false,"first_name":"Amira","username":"amira_k"},"text":"07700 900123"}}`)
	filling := func(chat int64) bool { return chat == 77 }
	if got := string(keepable(raw, filling)); strings.Contains(got, "07700") || !strings.Contains(got, `"update_id":41`) || !strings.Contains(got, `"id":77`) {
		t.Errorf("during a call-back request kept %s, want where and when only", got)
	}
	contact := []byte(`{"update_id":42,"message":{"message_id":4,"date":1,"chat":{"id":78,"type":"private"},"from":{"id":78,"is_bot":false},"contact":{"phone_number":"+447700900123","first_name":"Jo","last_name":"Smith","user_id":78}}}`)
	if got := string(keepable(contact, func(int64) bool { return false })); strings.Contains(got, "447700900123") || strings.Contains(got, "Smith") {
		t.Errorf("a shared contact kept as %s", got)
	}
	got := string(keepable(raw, func(int64) bool { return false }))
	if !strings.Contains(got, "07700 900123") || strings.Contains(got, "Amira") || strings.Contains(got, "amira_k") {
		t.Errorf("otherwise kept %s, want the words without names", got)
	}
}
