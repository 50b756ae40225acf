package desk

import (
	"strings"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify"
)

// inquiryCard is the specialists' card of an owner's question
// (conversation.AlertInquiry): who asks
// (the phone masked), through which channel, where they live if known,
// what it is about, and the question.
func (d *Desk) inquiryCard(a conversation.OwnerAlert) notify.Card {
	owner, community := d.alertWho(a)
	fields := []notify.Field{field("业主", orDash(owner)), field("渠道", ChannelName(a.Channel))}
	if community != "" || a.Unit != "" {
		fields = append(fields, field("小区", orDash(community)), field("房号", orDash(a.Unit)))
	}
	if ct, ok := d.cfg.Category(a.Category); ok {
		fields = append(fields, field("涉及", ct.Name))
	}
	fields = append(fields, field("收到", d.when(a.Since)))
	return notify.Card{Title: "【业主咨询】", Fields: fields, Body: "咨询内容：" + clipRunes(a.Text, 500), Status: a.Status}
}

// alertWho is who an alert is about as its card shows them: the name with
// the phone masked, and the community's name.
func (d *Desk) alertWho(a conversation.OwnerAlert) (owner, community string) {
	owner = a.Name
	if a.Phone != "" {
		owner = strings.TrimSpace(owner + " " + cases.MaskPhone(a.Phone))
	}
	community = a.Community
	if cm, ok := d.cfg.Community(a.Community); ok {
		community = cm.Name
	}
	return owner, community
}
