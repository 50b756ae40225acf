package desk

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
)

// The cards of the procedure's side paths: the specialists' follow-up and
// closing cards, the assisting departments', the developer's, head
// office's and the general manager's card of a major complaint.

// PathCards keeps the side paths' cards in step with the case: the
// specialists' follow-up card, the assisting departments' cards, the
// closing card, the developer's and head office's cards.
func (d *Desk) PathCards(ctx context.Context, tx *sqlx.Tx, now time.Time, ch cases.Change) error {
	if !d.teamChat() || ch.Action == "create" || strings.HasPrefix(ch.Action, "deadline_") {
		return nil
	}
	full := *ch.Case
	if err := d.svc.Details(ctx, tx, &full); err != nil {
		return err
	}
	c := &full
	act := cases.Action(ch.Action)
	if err := d.followCard(ctx, tx, now, c, act); err != nil {
		return err
	}
	if err := d.assistCards(ctx, tx, now, ch.Before, c); err != nil {
		return err
	}
	switch act {
	case cases.ActFeedback, cases.ActVerify, cases.ActClose, cases.ActArchive, cases.ActResponsibility, cases.ActHeadOffice:
		if err := d.closingCard(ctx, tx, now, c, act); err != nil {
			return err
		}
	}
	if err := d.assistNote(ctx, tx, now, ch, c); err != nil {
		return err
	}
	if ch.Before != nil && !ch.Before.Major && c.Major {
		if err := d.majorCard(ctx, tx, now, c); err != nil {
			return err
		}
	}
	switch act {
	case cases.ActReferDeveloper, cases.ActDeveloperRemind, cases.ActDeveloperAnswer:
		return d.developerCards(ctx, tx, now, c, act)
	case cases.ActHeadOffice:
		return d.headOfficeCards(ctx, tx, now, c)
	}
	return nil
}

// followCard is the specialists' card of a case until it is answered: who
// has it, and the buttons to add assisting departments or refer it to the
// developer. In manual dispatch it is the 待派单 card edited on.
func (d *Desk) followCard(ctx context.Context, tx *sqlx.Tx, now time.Time, c *cases.Case, act cases.Action) error {
	switch c.Status {
	case cases.StatusReceived, cases.StatusValidated, cases.StatusDispatched, cases.StatusAcknowledged, cases.StatusInvestigating:
	case cases.StatusInvalid:
		if act != cases.ActJudgeInvalid && act != cases.ActReferDeveloper {
			return nil
		}
	default:
		return nil
	}
	if c.Repeat && (c.Status == cases.StatusReceived || c.Status == cases.StatusValidated) {
		return nil // the general manager's card
	}
	card := d.card(c, "specialist", now)
	card.Title = "【投诉跟进】" + card.Title
	card.Buttons = d.actionsFor(c, audSpecialists)
	return d.post(ctx, tx, now, d.teamTargets(d.cfg.Team.Specialists), card, round("intake", c))
}

// assistCards give each assisting department a card of its own with a
// button for notes, and tell a department taken off the case.
func (d *Desk) assistCards(ctx context.Context, tx *sqlx.Tx, now time.Time, before, c *cases.Case) error {
	var was []string
	if before != nil {
		was = before.Assisting
	}
	if len(c.Assisting) == 0 && len(was) == 0 {
		return nil
	}
	for _, dept := range c.Assisting {
		card := d.card(c, "assist", now)
		card.Title = "【协办】" + card.Title
		card.Fields = append(card.Fields, field("牵头部门", d.deptName(c.Department)))
		if c.Status.Open() {
			card.Buttons = buttons(c.Serial, "note")
		}
		if err := d.post(ctx, tx, now, d.deptTargets(dept), card, "assist"); err != nil {
			return err
		}
	}
	for _, dept := range was {
		if slices.Contains(c.Assisting, dept) {
			continue
		}
		card := d.card(c, "assist", now)
		card.Title = "【协办】" + card.Title
		card.Status = "已取消" + d.deptName(dept) + "的协办"
		if err := d.post(ctx, tx, now, d.deptTargets(dept), card, "assist"); err != nil {
			return err
		}
	}
	return nil
}

// closingCard is the specialists' card of an answered case: what the owner
// said, the finding, and the buttons to close, find responsibility, give
// the CAPA number, go to head office — then to archive.
func (d *Desk) closingCard(ctx context.Context, tx *sqlx.Tx, now time.Time, c *cases.Case, act cases.Action) error {
	switch c.Status {
	case cases.StatusFeedback, cases.StatusVerified, cases.StatusClosed, cases.StatusArchived:
	case cases.StatusReplied:
		if act != cases.ActResponsibility && act != cases.ActHeadOffice {
			return nil
		}
	default:
		return nil
	}
	card := d.card(c, "closing", now)
	switch c.Status {
	case cases.StatusClosed:
		card.Title = "【已闭合】" + card.Title
	case cases.StatusArchived:
		card.Title = "【已归档】" + card.Title
	default:
		card.Title = "【待闭合】" + card.Title
	}
	var b strings.Builder
	b.WriteString("处理措施：" + orDash(c.Measures) + "\n答复业主：" + orDash(c.Reply))
	if c.Feedback != "" || c.FeedbackSatisfied != nil {
		b.WriteString("\n业主反馈：" + orDash(c.Feedback))
	}
	if c.Result != "" {
		b.WriteString("\n结果：" + c.Result)
	}
	card.Body = b.String()
	card.Fields = append(card.Fields, field("责任界定", d.finding(c)))
	if c.HeadOfficeAt != nil {
		card.Fields = append(card.Fields, field("上报总部", d.when(*c.HeadOfficeAt)))
	}
	card.Buttons = d.actionsFor(c, audSpecialists)
	return d.post(ctx, tx, now, d.teamTargets(d.cfg.Team.Specialists), card, round("closing", c))
}

// developerCards: the developer's chat gets the case (phone masked: the
// specialists give the number on request), reminders while it has not
// answered; the specialists record its answer from their card.
func (d *Desk) developerCards(ctx context.Context, tx *sqlx.Tx, now time.Time, c *cases.Case, act cases.Action) error {
	dev := d.cfg.Developer
	card := d.card(c, "developer", now)
	card.Title = "【开发商遗留问题】" + card.Title
	card.Body = "投诉内容：" + clipRunes(c.Content, 500) + "\n\n物业说明：" + c.ValidityReason
	card.History = nil
	since := time.Duration(0)
	if c.DeveloperReferredAt != nil {
		since = now.Sub(*c.DeveloperReferredAt)
	}
	days := strconv.Itoa(int(since.Hours()/24 + 0.5))
	switch {
	case c.DeveloperAnsweredAt != nil:
		card.Status = "已答复：" + clipRunes(c.DeveloperAnswer, 300)
	case act == cases.ActDeveloperRemind:
		card.Status = "已转交 " + days + " 天，尚未答复，请尽快答复物业客服中心"
	default:
		card.Status = "请答复物业客服中心（投诉专员会转告业主）"
	}
	to := d.teamTargets(dev.Chat())
	if act == cases.ActDeveloperRemind {
		// A reminder is a message of its own, so that it is noticed.
		remind := card
		remind.Title = "【催办·开发商遗留问题】" + c.Serial
		if err := d.post(ctx, tx, now, to, remind, "developer_remind:"+strconv.FormatInt(now.Unix(), 36)); err != nil {
			return err
		}
	} else if err := d.post(ctx, tx, now, to, card, "developer"); err != nil {
		return err
	}
	mine := d.card(c, "developer", now)
	mine.Title = "【已转开发商】" + mine.Title
	mine.Fields = append(mine.Fields, field("开发商", orDash(dev.Name)))
	mine.Body = "物业说明：" + c.ValidityReason
	switch {
	case c.DeveloperAnsweredAt != nil:
		mine.Status = "开发商已答复，已转告业主：" + clipRunes(c.DeveloperAnswer, 300)
	case !dev.Configured():
		mine.Status = "未配置开发商的联系群：请电话转交开发商，收到答复后录入"
	case act == cases.ActDeveloperRemind:
		mine.Status = "开发商 " + days + " 天未答复，已再次催办"
	default:
		mine.Status = "等待开发商答复"
	}
	mine.Buttons = d.actionsFor(c, audSpecialists)
	key := "developer"
	if act == cases.ActDeveloperRemind {
		key = "developer_remind:" + strconv.FormatInt(now.Unix(), 36)
	}
	return d.post(ctx, tx, now, d.teamTargets(d.cfg.Team.Specialists), mine, key)
}

// headOfficeCards put a disputed case before head office with what head
// office needs to judge it, and tell the specialists and the general
// manager.
func (d *Desk) headOfficeCards(ctx context.Context, tx *sqlx.Tx, now time.Time, c *cases.Case) error {
	card := d.card(c, "head_office", now)
	card.Title = "【业主对处理结果有异议·上报总部】" + card.Title
	var b strings.Builder
	b.WriteString("异议：" + orDash(c.Dispute))
	b.WriteString("\n\n投诉内容：" + clipRunes(c.Content, 400))
	b.WriteString("\n处理措施：" + orDash(c.Measures))
	b.WriteString("\n答复业主：" + orDash(c.Reply))
	if c.Feedback != "" {
		b.WriteString("\n业主反馈：" + c.Feedback)
	}
	b.WriteString("\n重新处理次数：" + strconv.Itoa(c.ReopenCount))
	card.Body = b.String()
	to := d.teamTargets(d.cfg.HeadOffice.Chat())
	if err := d.post(ctx, tx, now, to, card, "head_office"); err != nil {
		return err
	}
	ours := card
	ours.Title = "【已上报总部】" + d.card(c, "head_office", now).Title
	if !d.cfg.HeadOffice.Configured() {
		ours.Status = "未配置总部的联系群：请电话上报总部"
	}
	us := append(d.teamTargets(d.cfg.Team.Specialists), d.teamTargets(d.cfg.Team.GeneralManager)...)
	return d.post(ctx, tx, now, us, ours, "head_office")
}

func init() {
	for a, name := range map[cases.Action]string{cases.ActAssist: "调整协办部门", cases.ActReferDeveloper: "转交开发商",
		cases.ActDeveloperRemind: "催办开发商", cases.ActDeveloperAnswer: "录入开发商答复", cases.ActHeadOffice: "上报总部",
		cases.ActArchive: "归档", cases.ActResponsibility: "责任界定",
		"link_" + cases.Action(cases.LinkCollective): "关联集体投诉", "link_" + cases.Action(cases.LinkRelated): "关联投诉"} {
		if _, ok := actionName[string(a)]; !ok {
			actionName[string(a)] = name
		}
	}
}

// majorCard tells the general manager that a case became major (重大投诉):
// its measures will need the general manager's approval.
func (d *Desk) majorCard(ctx context.Context, tx *sqlx.Tx, now time.Time, c *cases.Case) error {
	card := d.card(c, "major", now)
	card.Title = "【重大投诉】" + card.Title
	card.Fields = append(card.Fields, field("重大原因", majorReason(c)))
	if c.Complainants > 1 {
		card.Fields = append(card.Fields, field("投诉户数", strconv.Itoa(c.Complainants)))
	}
	card.Status = StatusName(c.Status) + "；处理措施须经总经理审批后答复业主"
	card.Buttons = d.actionsFor(c, audGM)
	return d.post(ctx, tx, now, d.teamTargets(d.cfg.Team.GeneralManager), card, "major")
}

var collectiveReason = regexp.MustCompile(`collective complaint by (\d+) people`)

// majorReason says why a case is major, in the staff's words where heed
// wrote the reason.
func majorReason(c *cases.Case) string {
	r := c.MajorReason
	for en, zh := range map[string]string{"lawsuit started": "已起诉", "exposed by the media": "媒体曝光",
		"unresolved one month after receipt": "受理后一个月未解决", "lawsuit or lawyer": signalNames[config.SignalLawsuit],
		"media exposure": signalNames[config.SignalMedia], "government hotline": signalNames[config.SignalHotline],
		"petition to the authorities": signalNames[config.SignalPetition], "many households together": signalNames[config.SignalCollective]} {
		r = strings.ReplaceAll(r, en, zh)
	}
	r = collectiveReason.ReplaceAllString(r, "集体投诉（$1 户）")
	return strings.ReplaceAll(r, "; ", "；")
}

// assistNote brings an assisting department's note to the lead department,
// in a message of its own.
func (d *Desk) assistNote(ctx context.Context, tx *sqlx.Tx, now time.Time, ch cases.Change, c *cases.Case) error {
	if ch.Action != string(cases.ActNote) || ch.Actor.Kind != cases.ActorStaff {
		return nil
	}
	ref, ok := d.cfg.StaffByID(ch.Actor.ID)
	if !ok || ref.Department == "" || !slices.Contains(c.Assisting, ref.Department) {
		return nil
	}
	card := d.card(c, "assist_note", now)
	card.Title = "【协办备注】" + c.Serial + " " + d.deptName(ref.Department) + " " + ref.Staff.Name
	card.Body = clipRunes(ch.Text, 500)
	card.Fields, card.History = nil, nil
	return d.post(ctx, tx, now, d.deptTargets(c.Department), card, "assist_note:"+strconv.FormatInt(now.UnixNano(), 36))
}
