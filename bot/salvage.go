package bot

import (
	"encoding/json"

	"github.com/go-telegram/bot/models"
)

// Telegram adds fields and types to the Bot API from time to time. The
// library decodes a getUpdates answer as a whole, and a value it does not
// know (say, a new kind of forward_origin) fails the whole batch: the
// offset never moves past it and the bot stops answering anyone. So each
// update the library cannot read is rewritten to what the bot needs of it
// (who wrote, where, and the words), and one it cannot salvage to its
// update_id alone, which moves the offset on. Either way the patient's
// words still reach the red-flag check.

// lenientMessage is the part of a message the bot uses.
type lenientMessage struct {
	ID              int                    `json:"message_id"`
	MessageThreadID int                    `json:"message_thread_id,omitempty"`
	IsTopicMessage  bool                   `json:"is_topic_message,omitempty"`
	Date            int                    `json:"date"`
	EditDate        int                    `json:"edit_date,omitempty"`
	Chat            models.Chat            `json:"chat"`
	From            *models.User           `json:"from,omitempty"`
	Text            string                 `json:"text,omitempty"`
	Entities        []models.MessageEntity `json:"entities,omitempty"`
	Caption         string                 `json:"caption,omitempty"`
	CaptionEntities []models.MessageEntity `json:"caption_entities,omitempty"`
	ReplyToMessage  *models.Message        `json:"reply_to_message,omitempty"`
}

// lenientUpdate is the part of an update the bot can still use.
type lenientUpdate struct {
	ID            int64           `json:"update_id"`
	Message       *lenientMessage `json:"message,omitempty"`
	EditedMessage *lenientMessage `json:"edited_message,omitempty"`
}

// salvageUpdate rewrites one update the library cannot decode. It returns
// the update's id (0 if even that is unreadable) and the rewritten JSON.
func salvageUpdate(raw json.RawMessage) (int64, json.RawMessage) {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return 0, nil
	}
	var u lenientUpdate
	if json.Unmarshal(fields["update_id"], &u.ID) != nil || u.ID <= 0 {
		return 0, nil
	}
	u.Message = salvageMessage(fields["message"])
	u.EditedMessage = salvageMessage(fields["edited_message"])
	out, err := json.Marshal(u)
	if err != nil {
		out = []byte(`{"update_id":` + jsonInt(u.ID) + `}`)
	}
	return u.ID, out
}

// salvageMessage keeps what it can read of a message, or nil when it
// cannot tell which chat it came from.
func salvageMessage(raw json.RawMessage) *lenientMessage {
	if len(raw) == 0 {
		return nil
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return nil
	}
	m := &lenientMessage{}
	if json.Unmarshal(fields["chat"], &m.Chat) != nil || m.Chat.ID == 0 {
		return nil
	}
	// Each field on its own: one that fails (or is absent) is left out.
	keep(fields["message_id"], &m.ID)
	keep(fields["date"], &m.Date)
	keep(fields["message_thread_id"], &m.MessageThreadID)
	keep(fields["is_topic_message"], &m.IsTopicMessage)
	keep(fields["edit_date"], &m.EditDate)
	keep(fields["from"], &m.From)
	keep(fields["text"], &m.Text)
	keep(fields["entities"], &m.Entities)
	keep(fields["caption"], &m.Caption)
	keep(fields["caption_entities"], &m.CaptionEntities)
	keep(fields["reply_to_message"], &m.ReplyToMessage)
	return m
}

// keep sets *dst to raw decoded, only if it decodes: a failed decoding
// leaves nothing half filled.
func keep[T any](raw json.RawMessage, dst *T) {
	var v T
	if len(raw) > 0 && json.Unmarshal(raw, &v) == nil {
		*dst = v
	}
}

func jsonInt(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// readableUpdates returns a getUpdates answer body with every update the
// library cannot decode salvaged (see salvageUpdate), and the ids of those
// updates. An answer it cannot parse is returned as it is, for the library
// to report.
func readableUpdates(body []byte) ([]byte, []int64) {
	var answer map[string]json.RawMessage
	if json.Unmarshal(body, &answer) != nil {
		return body, nil
	}
	var result []json.RawMessage
	if json.Unmarshal(answer["result"], &result) != nil {
		return body, nil
	}
	var salvaged []int64
	for i, raw := range result {
		var u models.Update
		if json.Unmarshal(raw, &u) == nil {
			continue
		}
		id, fixed := salvageUpdate(raw)
		if fixed == nil {
			// Not even an update id: leave it, the library will say so.
			continue
		}
		result[i] = fixed
		salvaged = append(salvaged, id)
	}
	if len(salvaged) == 0 {
		return body, nil
	}
	var err error
	if answer["result"], err = json.Marshal(result); err != nil {
		return body, nil
	}
	out, err := json.Marshal(answer)
	if err != nil {
		return body, nil
	}
	return out, salvaged
}
