package answer_test

import (
	"context"
	"testing"

	"github.com/clinicbot/clinicbot/answer"
)

// FuzzConversation: whatever a patient types after choices or an answer,
// the conversation replies as Answer would: one of the kinds, never a panic.
//
//	go test ./answer -run '^$' -fuzz FuzzConversation -fuzztime 30s
func FuzzConversation(f *testing.F) {
	for _, s := range []string{"", "yes", "2", "0", "-1", "99999999999999999999", "the second one", "no", "none of those",
		"How", "how long does", "thanks", "does it hurt?", "\xff\xfe", "Здравствуйте", "مرحبا", "?", "hmm", "of my bladder",
		"I've lost control", "no I can't feel my legs"} {
		f.Add("how is denervaton performed", s)
		f.Add("what is facet joint denervation?", s)
	}
	e := engine(f)
	f.Fuzz(func(t *testing.T, first, next string) {
		c := answer.NewConversations()
		ctx := context.Background()
		checkReply(t, c.Turn(ctx, e, "chat", first))
		checkReply(t, c.Turn(ctx, e, "chat", next))
		checkReply(t, c.Turn(ctx, e, "chat", next))
	})
}
