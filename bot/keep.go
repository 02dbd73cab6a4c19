package bot

import (
	"encoding/json"

	"github.com/go-telegram/bot/models"
)

// keepable returns the update as it is kept in the state folder until it
// is answered: what answering needs, without the sender's and chat's
// names, usernames, language or forwarding origin (the state is on disk,
// and the bot keeps as little about patients as it can). If the trimmed
// update would not read back the same way, the update is kept as received.
//
// withheld says whether a chat is in the middle of a call-back request: a
// message there may hold a phone number or e-mail address, which is never
// written anywhere, so only the update's id is kept. (The request itself
// is in memory only, so after a crash there would be nothing to go on with.)
func keepable(raw json.RawMessage, withheld func(chat int64) bool) json.RawMessage {
	var u models.Update
	if json.Unmarshal(raw, &u) != nil {
		return raw
	}
	for _, m := range []**models.Message{&u.Message, &u.EditedMessage} {
		if *m != nil && withheld((*m).Chat.ID) {
			// Where and when, not what: after a restart the patient is
			// asked to send it again (a message without words).
			*m = &models.Message{ID: (*m).ID, Date: (*m).Date, Chat: trimChat((*m).Chat), From: &models.User{ID: (*m).Chat.ID}}
		}
	}
	u.Message = trimMessage(u.Message)
	u.EditedMessage = trimMessage(u.EditedMessage)
	if q := u.CallbackQuery; q != nil {
		q.From = models.User{ID: q.From.ID, IsBot: q.From.IsBot}
		if m := q.Message.Message; m != nil {
			// The bot's own message the button is under: where it is, not what it says.
			q.Message.Message = &models.Message{ID: m.ID, Date: m.Date, Chat: trimChat(m.Chat), MessageThreadID: m.MessageThreadID, IsTopicMessage: m.IsTopicMessage}
		}
		if m := q.Message.InaccessibleMessage; m != nil {
			m.Chat = trimChat(m.Chat)
		}
	}
	out, err := json.Marshal(&u)
	if err != nil {
		return raw
	}
	var back models.Update
	if json.Unmarshal(out, &back) != nil || back.ID != u.ID {
		return raw
	}
	return out
}

func trimMessage(m *models.Message) *models.Message {
	if m == nil {
		return nil
	}
	c := *m
	if c.From != nil {
		c.From = &models.User{ID: c.From.ID, IsBot: c.From.IsBot}
	}
	c.Chat = trimChat(c.Chat)
	if c.Contact != nil {
		c.Contact = &models.Contact{} // a shared contact's number and names are never kept
	}
	c.SenderChat = nil
	c.ForwardOrigin = nil
	c.ExternalReply = nil
	c.Quote = nil
	c.NewChatMembers, c.LeftChatMember = nil, nil
	if r := c.ReplyToMessage; r != nil {
		// Only whether it replies to the bot matters (see repliesToMe).
		c.ReplyToMessage = &models.Message{ID: r.ID, Date: r.Date, Chat: trimChat(r.Chat)}
		if r.From != nil {
			c.ReplyToMessage.From = &models.User{ID: r.From.ID, IsBot: r.From.IsBot}
		}
	}
	return &c
}

func trimChat(c models.Chat) models.Chat {
	return models.Chat{ID: c.ID, Type: c.Type, IsForum: c.IsForum}
}
