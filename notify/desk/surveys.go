package desk

import "github.com/heedhq/heed/notify"

// ToSpecialists makes the messages that post text to the complaint
// specialists' team chats (a survey's summary, 004 §5.5), one per chat on
// the platforms that are on.
func (d *Desk) ToSpecialists(text string) []notify.Message {
	var msgs []notify.Message
	for _, t := range d.teamTargets(d.cfg.Team.Specialists) {
		msgs = append(msgs, notify.Message{Channel: t.platform, ChatID: t.chat, Payload: notify.Payload{Text: text}})
	}
	return msgs
}
