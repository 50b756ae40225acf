package desk

import (
	"context"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify"
)

// Alert posts or updates an owner's alert card inside the caller's
// transaction (delivered after commit, like every card). It reports whether
// any team chat gets it.
func (d *Desk) Alert(ctx context.Context, tx *sqlx.Tx, now time.Time, a conversation.OwnerAlert) (bool, error) {
	to := d.teamTargets(d.cfg.Team.Specialists)
	if a.Kind == conversation.AlertEmergency && a.Department != "" {
		to = append(to, d.deptTargets(a.Department)...)
	}
	if len(to) == 0 || a.Key == "" {
		return false, nil
	}
	return true, d.post(ctx, tx, now, to, d.alertCard(a), "alert:"+a.Key)
}

func (d *Desk) alertCard(a conversation.OwnerAlert) notify.Card {
	if a.Kind == conversation.AlertInquiry {
		return d.inquiryCard(a)
	}
	title := "【业主要求人工】"
	if a.Kind == conversation.AlertEmergency {
		title = "【紧急·立即处理】"
		if ct, ok := d.cfg.Category(a.Category); ok {
			title += ct.Name
		}
	}
	if a.Serial != "" {
		title += " " + a.Serial
	}
	owner, community := d.alertWho(a)
	fields := []notify.Field{field("业主", orDash(owner)), field("渠道", ChannelName(a.Channel)), field("小区", orDash(community)), field("房号", orDash(a.Unit))}
	if a.Address != "" {
		fields = append(fields, field("地址", a.Address))
	}
	if a.Department != "" {
		fields = append(fields, field("责任部门", d.deptName(a.Department)))
	}
	serial := a.Serial
	if serial == "" {
		serial = "尚未登记"
	}
	fields = append(fields, field("投诉", serial), field("收到", d.when(a.Since)))
	var body []string
	if a.Text != "" {
		body = append(body, "投诉内容："+clipRunes(a.Text, 500))
	}
	if len(a.LastWords) > 0 {
		body = append(body, "业主最近的话：\n"+clipRunes(strings.Join(a.LastWords, "\n"), 300))
	}
	// The card keeps its key (an empty serial) when the case appears, so
	// that it is edited in place, not posted again.
	status := a.Status
	if a.CaseStatus != "" {
		status = "投诉处理中（" + StatusName(a.CaseStatus) + "），" + status
	}
	return notify.Card{Title: title, Fields: fields, Body: strings.Join(body, "\n\n"), Status: status}
}
