package telegramfake

// Updates as the Bot API delivers them to a webhook, in its wire format
// (https://core.telegram.org/bots/api#update): the objects the go-telegram
// models decode, with the fields Telegram's own samples carry.

// BotUser is the bot as updates name it (my_chat_member's member user).
var BotUser = map[string]any{"id": int64(123456), "is_bot": true, "first_name": "heed", "username": "heed_complaints_bot"}

// Private is an owner in a private chat with the bot.
type Private struct {
	UserID       int64
	FirstName    string
	LastName     string
	LanguageCode string
}

// From is the owner as a User object.
func (p Private) From() map[string]any {
	u := map[string]any{"id": p.UserID, "is_bot": false, "first_name": p.FirstName}
	if p.LastName != "" {
		u["last_name"] = p.LastName
	}
	if p.LanguageCode != "" {
		u["language_code"] = p.LanguageCode
	}
	return u
}

// Chat is the private chat (its id is the user's).
func (p Private) Chat() map[string]any {
	c := map[string]any{"id": p.UserID, "type": "private", "first_name": p.FirstName}
	if p.LastName != "" {
		c["last_name"] = p.LastName
	}
	return c
}

// message is a Message object with fields added.
func (p Private) message(messageID int64, fields map[string]any) map[string]any {
	m := map[string]any{"message_id": messageID, "from": p.From(), "chat": p.Chat(), "date": int64(1764990000) + messageID%1000}
	for k, v := range fields {
		m[k] = v
	}
	return m
}

// Message is an update with a new message carrying fields (text, photo…).
func (p Private) Message(updateID, messageID int64, fields map[string]any) map[string]any {
	return map[string]any{"update_id": updateID, "message": p.message(messageID, fields)}
}

// Contact is a shared contact card: userID is the Telegram user it belongs
// to (0: a phone-book entry with no Telegram account). Telegram sends the
// number as the phone book has it, often without "+".
func (p Private) Contact(updateID, messageID int64, phone, firstName, lastName string, userID int64) map[string]any {
	c := map[string]any{"phone_number": phone, "first_name": firstName}
	if lastName != "" {
		c["last_name"] = lastName
	}
	if userID != 0 {
		c["user_id"] = userID
	}
	return p.Message(updateID, messageID, map[string]any{"contact": c})
}

// Photo is a photo message: Telegram sends each stored size, smallest
// first; fileIDs are those sizes' ids. caption may be "".
func (p Private) Photo(updateID, messageID int64, caption string, fileIDs ...string) map[string]any {
	var sizes []map[string]any
	for i, id := range fileIDs {
		w := 90 << (2 * i)
		sizes = append(sizes, map[string]any{"file_id": id, "file_unique_id": "AQAD" + id, "file_size": 1000 * (i + 1), "width": w, "height": w * 3 / 4})
	}
	fields := map[string]any{"photo": sizes}
	if caption != "" {
		fields["caption"] = caption
	}
	return p.Message(updateID, messageID, fields)
}

// Edited is an edited_message: the message messageID now reads text.
func (p Private) Edited(updateID, messageID int64, text string) map[string]any {
	m := p.message(messageID, map[string]any{"text": text, "edit_date": int64(1764990600) + messageID%1000})
	return map[string]any{"update_id": updateID, "edited_message": m}
}

// MemberStatus is a my_chat_member update: the bot's status in the private
// chat went from old to new — "kicked" when the owner blocked the bot,
// "member" when they unblocked (or restarted) it.
func (p Private) MemberStatus(updateID int64, old, new string) map[string]any {
	member := func(status string) map[string]any {
		m := map[string]any{"user": BotUser, "status": status}
		if status == "kicked" {
			m["until_date"] = 0
		}
		return m
	}
	return map[string]any{"update_id": updateID, "my_chat_member": map[string]any{
		"chat": p.Chat(), "from": p.From(), "date": int64(1764990900),
		"old_chat_member": member(old), "new_chat_member": member(new)}}
}

// Blocked is the 403 the Bot API answers a message to an owner who blocked the bot.
var Blocked = Failure{Status: 403, Desc: "Forbidden: bot was blocked by the user"}
