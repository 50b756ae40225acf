package conversation

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
)

// caseChanged tells the owner, in their language and channel, about the
// steps of their case that matter to them: the department accepted it, the
// answer, an invalid complaint's explanation, a reopening. It runs as a
// cases hook inside the transaction of the change.
func (e *Engine) caseChanged(ctx context.Context, tx *sqlx.Tx, now time.Time, ch cases.Change) error {
	c := ch.Case
	if c.OwnerRef == "" {
		return nil // recorded by staff for someone not on a chat channel
	}
	var key string
	data := map[string]any{"Serial": c.Serial, "Department": e.deptName(c.Department)}
	switch ch.Action {
	case string(cases.ActAcknowledge):
		key = "notice.acknowledged"
		if r, ok := e.cfg.StaffByID(c.Handler); ok {
			data["Handler"] = r.Staff.Name
		} else {
			data["Handler"] = ""
		}
	case string(cases.ActReply):
		key, data["Reply"] = "notice.reply", c.Reply
	case string(cases.ActJudgeInvalid):
		key, data["Reason"] = "notice.invalid", c.ValidityReason
	case string(cases.ActFeedback), string(cases.ActVerify), string(cases.ActReopen):
		if c.Status != cases.StatusDispatched || ch.Before == nil || ch.Before.Status == cases.StatusDispatched {
			return nil
		}
		key = "notice.reopened"
	default:
		return nil
	}
	channel, user, ok := strings.Cut(c.OwnerRef, ":")
	if !ok {
		return nil
	}
	var chat string
	err := tx.GetContext(ctx, &chat, `SELECT chat_id FROM conversations WHERE channel = $1 AND user_id = $2`, channel, user)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // never talked to heed on that channel
	}
	if err != nil {
		return err
	}
	lang := c.Language
	data["ReplyDue"] = ""
	var due time.Time
	if err := tx.GetContext(ctx, &due, `SELECT min(due_at) FROM case_deadlines WHERE case_id = $1 AND step = 'reply'
		AND met_at IS NULL AND superseded_at IS NULL`, c.ID); err == nil {
		data["ReplyDue"] = due.In(e.svc.Calendar().Location()).Format(e.cat.text(lang, "time_format", nil))
	}
	out := Outbound{Channel: cases.Channel(channel), ChatID: chat, Text: e.cat.text(lang, key, data)}
	if _, err := tx.ExecContext(ctx, `INSERT INTO transcript (channel, chat_id, sender, text, choices, at) VALUES ($1, $2, 'heed', $3, '[]', $4)`,
		channel, chat, out.Text, now); err != nil {
		return err
	}
	return e.enqueue(ctx, tx, now, nil, []Outbound{out}, c.Serial)
}

func (e *Engine) deptName(id string) string {
	if d, ok := e.cfg.Department(id); ok {
		return d.Name
	}
	return id
}

// Fill completes a complaint a staff member typed in one line
// ("王女士 13812345678 星河湾3栋2单元1102 楼上漏水") from its text: category,
// urgency, community, unit, phone, and a leading name.
func (e *Engine) Fill(n *cases.NewCase) {
	a := e.u.Analyze(n.Content)
	n.Category, n.Urgency = a.Category, cases.Urgency(a.Urgency)
	if n.Community == "" {
		n.Community = a.Community
	}
	if n.Unit == "" {
		n.Unit = a.Unit
	}
	if n.ContactPhone == "" {
		n.ContactPhone = a.Phone
	}
	if first, _, ok := strings.Cut(strings.TrimSpace(n.Content), " "); ok && n.CustomerName == "" &&
		len([]rune(first)) <= 6 && !strings.ContainsAny(first, "0123456789") {
		n.CustomerName = first
	}
}
