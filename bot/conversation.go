package bot

import (
	"strconv"

	"github.com/go-telegram/bot/models"
)

// conversationOf names the conversation m belongs to: one person in one
// chat (in a group, two people's messages are not one conversation).
func conversationOf(m *models.Message) string {
	var user int64
	if m.From != nil {
		user = m.From.ID
	}
	return conversationKey(m.Chat.ID, user)
}

// pressedBy names the conversation of the person who pressed a button.
func pressedBy(q *models.CallbackQuery) string {
	to, _ := callbackTarget(q)
	return conversationKey(to.chat, q.From.ID)
}

func conversationKey(chat, user int64) string {
	return strconv.FormatInt(chat, 10) + ":" + strconv.FormatInt(user, 10)
}
