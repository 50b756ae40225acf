package desk

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/notify"
)

// target is one team chat on one platform.
type target struct{ platform, chat string }

func (d *Desk) chats(slackChannel string, telegramChat int64) []target {
	var out []target
	if slackChannel != "" && d.platforms["slack"] {
		out = append(out, target{"slack", slackChannel})
	}
	if telegramChat != 0 && d.platforms["telegram"] {
		out = append(out, target{"telegram", strconv.FormatInt(telegramChat, 10)})
	}
	return out
}

func (d *Desk) teamTargets(c config.TeamChat) []target {
	return d.chats(c.SlackChannel, c.TelegramChatID)
}

func (d *Desk) deptTargets(id string) []target {
	dept, ok := d.cfg.Department(id)
	if !ok {
		return nil
	}
	return d.chats(dept.SlackChannel, dept.TelegramChatID)
}

// post queues the card for each target; cardKey names the card so later
// changes edit it in place. Telephone numbers in its text are masked: a
// complaint typed by staff in one line, or an owner's words, may hold one.
func (d *Desk) post(ctx context.Context, tx *sqlx.Tx, now time.Time, to []target, card notify.Card, cardKey string) error {
	card.Body = cases.MaskPhones(card.Body)
	var msgs []notify.Message
	for _, t := range to {
		c := card
		c.Kind = cardKey
		msgs = append(msgs, notify.Message{Channel: t.platform, ChatID: t.chat, Kind: notify.KindCard, CaseSerial: card.Serial, Payload: notify.Payload{Card: &c}})
	}
	return notify.Enqueue(ctx, tx, now, msgs...)
}

// Cards keeps the cards of a case in step with it: the hook (cases.Hook)
// of the department's dispatch card, the specialists' and the general
// manager's cards, reminders and escalations.
func (d *Desk) Cards(ctx context.Context, tx *sqlx.Tx, now time.Time, ch cases.Change) error {
	if !d.teamChat() {
		return nil
	}
	full := *ch.Case
	if err := d.svc.Details(ctx, tx, &full); err != nil {
		return err
	}
	c := &full
	switch ch.Action {
	case "create":
		if c.Repeat {
			return d.post(ctx, tx, now, d.teamTargets(d.cfg.Team.GeneralManager), d.repeatCard(c, now), "repeat")
		}
		if d.cfg.Rules.Dispatch == "manual" {
			card := d.card(c, "specialist", now)
			card.Title = "【待派单】" + card.Title
			card.Buttons = d.actionsFor(c, audSpecialists)
			return d.post(ctx, tx, now, d.teamTargets(d.cfg.Team.Specialists), card, "intake")
		}
		return nil
	case "deadline_missed":
		return d.escalate(ctx, tx, now, ch, c)
	case "deadline_reminder":
		aud := responsible(ch.Step)
		card := d.card(c, "reminder", now)
		card.Title = fmt.Sprintf("【提醒】%s %s 将于 %s 到期", c.Serial, stepName[ch.Step], d.when(ch.Due))
		card.Buttons = d.actionsFor(c, aud)
		return d.post(ctx, tx, now, d.audience(c, aud), card, "reminder:"+string(ch.Step))
	}
	// Any other change: the department's dispatch card shows it.
	if c.Department != "" {
		if err := d.post(ctx, tx, now, d.deptTargets(c.Department), d.dispatchCard(c, now), "dispatch"); err != nil {
			return err
		}
	}
	if ch.Before != nil && ch.Before.Department != "" && ch.Before.Department != c.Department {
		// Transferred: the old department's card says where it went, without buttons.
		old := d.dispatchCard(c, now)
		old.Buttons = nil
		old.Status = "已转派给" + d.deptName(c.Department)
		if err := d.post(ctx, tx, now, d.deptTargets(ch.Before.Department), old, "dispatch"); err != nil {
			return err
		}
	}
	if c.Repeat {
		if err := d.post(ctx, tx, now, d.teamTargets(d.cfg.Team.GeneralManager), d.repeatCard(c, now), "repeat"); err != nil {
			return err
		}
	}
	if (ch.Action == string(cases.ActFeedback) || ch.Action == string(cases.ActVerify)) && c.Status == cases.StatusDispatched {
		// The owner is not satisfied: the specialists and the department
		// hear why at once, in a message of its own.
		card := d.card(c, "unsatisfied", now)
		card.Title = "【业主不满意，已重新派单】" + card.Title
		card.Body = "业主意见：" + orDash(c.Feedback+c.VerifySuggestions) + "\n\n上次处理措施：" + c.Measures
		if c.VerifySatisfaction != nil {
			card.Body += "\n回访评分：" + revisitScores(c)
		}
		to := append(d.teamTargets(d.cfg.Team.Specialists), d.deptTargets(c.Department)...)
		if err := d.post(ctx, tx, now, to, card, round("unsatisfied", c)); err != nil {
			return err
		}
	}
	switch ch.Action {
	case string(cases.ActProposeMeasures), string(cases.ActReview), string(cases.ActReturnMeasures), string(cases.ActReply), string(cases.ActApprove):
		card := d.card(c, "specialist", now)
		card.Title = "【审核处理措施】" + card.Title
		card.Body = "处理措施：" + c.Measures + "\n\n投诉内容：" + clipRunes(c.Content, 300)
		if c.ReplyDraft != "" {
			card.Body += "\n\n拟答复业主：" + c.ReplyDraft
		}
		if c.Status == cases.StatusMeasuresProposed || c.Status == cases.StatusReviewed {
			card.Buttons = d.actionsFor(c, audSpecialists)
		}
		// Each round of measures is a request of its own: posted, so the
		// specialists are notified, not an edit of the last round's card.
		if err := d.post(ctx, tx, now, d.teamTargets(d.cfg.Team.Specialists), card, round("specialist", c)); err != nil {
			return err
		}
	}
	approved := c.ApprovedBy != "" && ch.Action == string(cases.ActReply) // the answer that followed the approval
	if c.Status == cases.StatusAwaitingApproval || (ch.Before != nil && ch.Before.Status == cases.StatusAwaitingApproval) || approved {
		card := d.card(c, "general_manager", now)
		card.Title = "【重大投诉审批】" + card.Title
		card.Body = "处理措施：" + c.Measures + "\n重大原因：" + c.MajorReason
		if c.ReplyDraft != "" {
			card.Body += "\n拟答复业主：" + c.ReplyDraft
		}
		card.Buttons = d.actionsFor(c, audGM)
		return d.post(ctx, tx, now, d.teamTargets(d.cfg.Team.GeneralManager), card, round("general_manager", c))
	}
	return nil
}

// round names a card of a case's current round: a reopened case's cards
// are new messages.
func round(kind string, c *cases.Case) string {
	if c.ReopenCount == 0 {
		return kind
	}
	return kind + ":" + strconv.Itoa(c.ReopenCount)
}

// repeatCard is the general manager's card of a repeat complaint: which
// earlier cases it repeats, and the buttons to name its department and
// handler.
func (d *Desk) repeatCard(c *cases.Case, now time.Time) notify.Card {
	card := d.card(c, "repeat", now)
	card.Title = "【重复投诉】" + card.Title
	var earlier []string
	for _, l := range c.Links {
		if l.Kind == cases.LinkRepeatOf {
			earlier = append(earlier, l.Serial+"（"+StatusName(l.Status)+"）")
		}
	}
	if len(earlier) > 0 {
		card.Fields = append(card.Fields, field("此前投诉", strings.Join(earlier, "、")))
	}
	card.Buttons = d.actionsFor(c, audGM)
	if c.Status == cases.StatusReceived || c.Status == cases.StatusValidated {
		card.Buttons[0].Label = "指定部门和经办人"
	}
	return card
}

// Who a card is for.
const (
	audDepartment  = "department"
	audSpecialists = "specialists"
	audGM          = "general_manager"
)

// actionsFor are the buttons a card for aud offers on the case as it is.
func (d *Desk) actionsFor(c *cases.Case, aud string) []notify.Button {
	return slices.Concat(d.stepActions(c, aud), buttons(c.Serial, pathActionsFor(c, aud)...), reclassifyButtons(c, aud))
}

// stepActions are the buttons of the procedure's main line.
func (d *Desk) stepActions(c *cases.Case, aud string) []notify.Button {
	s := c.Serial
	after := c.Status == cases.StatusDispatched || c.Status == cases.StatusAcknowledged || c.Status == cases.StatusInvestigating
	switch aud {
	case audDepartment:
		switch c.Status {
		case cases.StatusDispatched:
			return buttons(s, "acknowledge", "transfer", actProposeInval, actEscalate)
		case cases.StatusAcknowledged, cases.StatusInvestigating:
			return buttons(s, "propose_measures", "assign_handler", "transfer", actEscalate)
		}
	case audSpecialists:
		switch {
		case c.Status == cases.StatusReceived || c.Status == cases.StatusValidated:
			if c.Repeat {
				return nil // the general manager's to dispatch
			}
			return buttons(s, "dispatch", "judge_invalid")
		case c.Status == cases.StatusMeasuresProposed:
			b := buttons(s, actApproveReply, "return_measures")
			if c.Major {
				b[0].Label = "同意并报总经理审批"
			}
			return b
		case c.Status == cases.StatusReviewed:
			return buttons(s, "reply")
		case after && !c.Major:
			return buttons(s, "transfer", "flag_major")
		case after:
			return buttons(s, "transfer")
		}
	case audGM:
		switch {
		case c.Status == cases.StatusAwaitingApproval:
			return buttons(s, "approve", "return_measures")
		case c.Status == cases.StatusReceived || c.Status == cases.StatusValidated:
			return buttons(s, "dispatch")
		case after:
			return buttons(s, "assign_handler", "transfer")
		}
	}
	return nil
}

// escalate posts a missed deadline one level up: the department's steps
// to its manager (in its chat), the manager's acknowledgement to the
// specialists, the specialists' own steps to the general manager.
func (d *Desk) escalate(ctx context.Context, tx *sqlx.Tx, now time.Time, ch cases.Change, c *cases.Case) error {
	card := d.card(c, "escalation", now)
	card.Title = fmt.Sprintf("【超时升级】%s %s 已于 %s 超时", c.Serial, stepName[ch.Step], d.when(ch.Due))
	aud := audGM
	switch ch.Step {
	case cases.StepMeasures:
		aud = audDepartment
		if dept, ok := d.cfg.Department(c.Department); ok && len(dept.Managers) > 0 {
			card.Status = "请部门经理 " + dept.Managers[0].Name + " 督办"
		}
	case cases.StepInvestigate:
		aud = audSpecialists
		card.Status = "部门未按时受理，请投诉专员跟进"
	case cases.StepMajor:
		card.Title = fmt.Sprintf("【重大投诉】%s 收到已满%s仍未解决", c.Serial, spanName(d.cfg.Clock.Major))
	default: // acknowledge, dispatch, reply: the specialists' own steps
		card.Status = "投诉专员环节超时，报总经理"
	}
	card.Buttons = d.actionsFor(c, aud)
	return d.post(ctx, tx, now, d.audience(c, aud), card, "escalation:"+string(ch.Step)+":"+strconv.FormatInt(ch.Due.Unix(), 10))
}

// responsible is who a reminder for a step is for.
func responsible(st cases.Step) string {
	switch st {
	case cases.StepInvestigate, cases.StepMeasures:
		return audDepartment
	}
	return audSpecialists
}

// audience is where cards for aud go.
func (d *Desk) audience(c *cases.Case, aud string) []target {
	switch aud {
	case audDepartment:
		return d.deptTargets(c.Department)
	case audGM:
		return d.teamTargets(d.cfg.Team.GeneralManager)
	}
	return d.teamTargets(d.cfg.Team.Specialists)
}

// dispatchCard is the 派单 card in the department's chat, with the buttons
// the department can press in the case's current state.
func (d *Desk) dispatchCard(c *cases.Case, now time.Time) notify.Card {
	card := d.card(c, "dispatch", now)
	card.Title = "【派单】" + card.Title
	card.Buttons = d.actionsFor(c, audDepartment)
	return card
}
