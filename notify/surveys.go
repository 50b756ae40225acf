package notify

// ToSpecialists makes the messages that post text to the complaint
// specialists' team chats (a survey's summary, 004 §5.5), one per chat on
// the platforms that are on.
func (d *TeamDesk) ToSpecialists(text string) []Message {
	var msgs []Message
	for _, t := range d.teamTargets(d.cfg.Team.Specialists) {
		msgs = append(msgs, Message{Channel: t.platform, ChatID: t.chat, Payload: Payload{Text: text}})
	}
	return msgs
}
