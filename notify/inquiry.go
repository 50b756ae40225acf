package notify

import (
	"strings"

	"github.com/heedhq/heed/cases"
)

// AlertInquiry is an owner's question (咨询): no complaint, but a person
// should answer it.
const AlertInquiry = "inquiry"

// inquiryCard is the specialists' card of an owner's question: who asks
// (the phone masked), through which channel, where they live if known,
// what it is about, and the question.
func (d *TeamDesk) inquiryCard(a OwnerAlert) Card {
	owner, community := d.alertWho(a)
	fields := []Field{{"业主", orDash(owner)}, {"渠道", ChannelName(a.Channel)}}
	if community != "" || a.Unit != "" {
		fields = append(fields, Field{"小区", orDash(community)}, Field{"房号", orDash(a.Unit)})
	}
	if ct, ok := d.cfg.Category(a.Category); ok {
		fields = append(fields, Field{"涉及", ct.Name})
	}
	fields = append(fields, Field{"收到", d.when(a.Since)})
	return Card{Title: "【业主咨询】", Fields: fields, Body: "咨询内容：" + clipRunes(a.Text, 500), Status: a.Status}
}

// alertWho is who an alert is about as its card shows them: the name with
// the phone masked, and the community's name.
func (d *TeamDesk) alertWho(a OwnerAlert) (owner, community string) {
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
