package conversation

import (
	"context"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
)

// CaseChanged tells the owner, in their language and channel, about the
// steps of their case that matter to them: the department accepted it, the
// answer, an invalid complaint's explanation, a reopening. It runs as a
// cases hook inside the transaction of the change.
func (e *Engine) CaseChanged(ctx context.Context, tx *sqlx.Tx, now time.Time, ch cases.Change) error {
	c := ch.Case
	if c.OwnerRef == "" {
		return nil // recorded by staff for someone not on a chat channel
	}
	if ch.Actor.Kind == cases.ActorOwner && (ch.Action == string(cases.ActFeedback) || ch.Action == string(cases.ActVerify)) &&
		c.Status != cases.StatusDispatched {
		return nil // the owner's own answer: the conversation replies
	}
	var key string
	var choices []Choice
	data := map[string]any{"Serial": c.Serial, "Department": e.deptName(c.Department)}
	switch ch.Action {
	case string(cases.ActAcknowledge):
		key = "notice.acknowledged"
		data["Handler"] = ""
		if r, ok := e.cfg.StaffByID(c.Handler); ok {
			data["Handler"] = r.Staff.Name
		}
	case string(cases.ActReply):
		key, data["Reply"] = "notice.reply", c.Reply
		choices = []Choice{{Label: e.cat.text(c.Language, "btn.satisfied", nil), Data: Data(DataFeedback, "yes", c.Serial)},
			{Label: e.cat.text(c.Language, "btn.unsatisfied", nil), Data: Data(DataFeedback, "no", c.Serial)}}
	case string(cases.ActJudgeInvalid):
		key, data["Reason"] = "notice.invalid", c.ValidityReason
	case string(cases.ActFeedback):
		if c.Status == cases.StatusFeedback && ch.Actor.Kind == cases.ActorStaff {
			// Feedback taken by phone: the revisit follows in the owner's channel.
			return e.startRevisit(ctx, tx, now, c, "revisit.intro")
		}
		fallthrough
	case string(cases.ActVerify), string(cases.ActReopen):
		if c.Status != cases.StatusDispatched || ch.Before == nil || ch.Before.Status == cases.StatusDispatched {
			return nil
		}
		key = "notice.reopened"
	default:
		k, ok := e.pathNotice(ch, data)
		if !ok {
			return nil
		}
		key = k
	}
	lang := c.Language
	data["ReplyDue"] = ""
	due, ok, err := e.svc.OpenDeadline(ctx, tx, c.ID, cases.StepReply)
	if err != nil {
		return err
	}
	if ok {
		data["ReplyDue"] = due.Format(e.cat.text(lang, "time_format", nil))
	}
	text := e.cat.text(lang, key, data)
	if key == "notice.reply" {
		text += "\n" + e.cat.text(lang, "feedback.ask", nil)
	}
	return e.tell(ctx, tx, now, c, text, choices)
}

func (e *Engine) deptName(id string) string {
	if d, ok := e.cfg.Department(id); ok {
		return d.Name
	}
	return id
}

// Fill completes a complaint a staff member typed in one line
// ("王女士 13812345678 星河湾3栋2单元1102 楼上漏水 要求：… 答复：12月10日前")
// from its text: category, urgency, community, unit, a leading name, the
// phone, the owner's demands and the reply time asked for. The name and the
// phone are taken out of the content, which cards show: a number belongs
// in its own field, where cards mask it.
func (e *Engine) Fill(n *cases.NewCase) {
	content, wishes := cutWishes(n.Content)
	if purpose, by := e.readWishes(wishes); purpose != "" || by != nil {
		if n.Purpose == "" {
			n.Purpose = purpose
		}
		if n.RequestedReplyBy == nil {
			n.RequestedReplyBy = by
		}
	}
	a := e.und().Analyze(content)
	n.Category, n.Urgency = a.Category, cases.Urgency(a.Urgency)
	if n.Community == "" {
		n.Community = a.Community
	}
	if n.Unit == "" {
		n.Unit = a.Unit
	}
	// A leading name: "王女士", or a short name the phone follows ("张三 139…").
	if f := strings.Fields(content); len(f) > 1 && n.CustomerName == "" {
		name := []rune(f[0])
		titled := len(name) <= 6 && (strings.HasSuffix(f[0], "先生") || strings.HasSuffix(f[0], "女士") || strings.HasSuffix(f[0], "小姐"))
		if !strings.ContainsAny(f[0], "0123456789") && (titled || len(name) <= 4 && strings.ContainsAny(f[1][:1], "+0123456789")) {
			n.CustomerName, content = f[0], strings.Join(f[1:], " ")
		}
	}
	if p, found, ok := contactPhone(content); found {
		if ok && n.ContactPhone == "" {
			n.ContactPhone = p
		}
		content = withoutPhones(content)
	}
	n.Content = strings.Join(strings.Fields(content), " ")
}
