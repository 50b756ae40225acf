package notify

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
)

// TeamDesk is the staff side: it keeps every case's cards in team chat up to
// date (as a cases hook, inside the transaction that changed the case) and
// applies what staff press on them.
type TeamDesk struct {
	svc *cases.Service
	cfg *config.Config
	// Platforms whose team chats get cards ("slack", "telegram").
	platforms map[string]bool
}

// NewDesk makes the desk and registers it as a hook of svc.
func NewDesk(svc *cases.Service, platforms ...string) *TeamDesk {
	d := &TeamDesk{svc: svc, cfg: svc.Config(), platforms: map[string]bool{}}
	for _, p := range platforms {
		d.platforms[p] = true
	}
	svc.OnChange(d.hook)
	return d
}

// Composite actions offered on cards besides the cases actions.
const (
	actApproveReply = "approve_reply" // specialist: accept the measures and answer the owner with them
	actEscalate     = "escalate"      // department: ask the specialist to take it up (申请升级)
	actProposeInval = "propose_invalid"
)

// Needs says which input an action asks for before it can be applied.
func (d *TeamDesk) Needs(action string) string {
	switch action {
	case string(cases.ActProposeMeasures), string(cases.ActJudgeInvalid), string(cases.ActReturnMeasures),
		string(cases.ActReply), actEscalate, actProposeInval:
		return "text"
	case string(cases.ActTransfer):
		return "department"
	case string(cases.ActDispatch):
		return "department"
	}
	return ""
}

// StaffOf finds the staff member behind a platform identity.
func (d *TeamDesk) StaffOf(platform, user string) (config.StaffRef, bool) {
	switch platform {
	case "slack":
		return d.cfg.StaffBySlack(user)
	case "telegram":
		id, err := strconv.ParseInt(user, 10, 64)
		if err != nil {
			return config.StaffRef{}, false
		}
		return d.cfg.StaffByTelegram(id)
	}
	return config.StaffRef{}, false
}

// Act applies a staff member's press. It never fails for the presser's
// mistakes: those come back as a refusal to show privately.
func (d *TeamDesk) Act(ctx context.Context, a StaffAction) (Outcome, error) {
	ref, ok := d.StaffOf(a.Platform, a.PlatformUser)
	if !ok {
		return d.answer(ctx, a, Outcome{Refused: true, Message: "您不是登记在 heed 中的员工，不能操作投诉。"})
	}
	actor := cases.Actor{Kind: cases.ActorStaff, ID: ref.Staff.ID, Channel: cases.Channel(a.Platform),
		PlatformUser: a.Platform + ":" + a.PlatformUser}
	need := d.Needs(a.Action)
	if a.Platform == "telegram" && (need == "text" && strings.TrimSpace(a.Text) == "" || need == "department" && a.Department == "") {
		return d.prompt(ctx, a, ref)
	}
	a.Department = d.deptID(a.Department)
	var out Outcome
	err := d.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		out = Outcome{}
		if a.InteractionID != "" {
			r, err := tx.ExecContext(ctx, `INSERT INTO staff_actions (platform, interaction_id, platform_user, serial, action, at)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, a.Platform, a.InteractionID, a.PlatformUser, a.Serial, a.Action, now)
			if err != nil {
				return err
			}
			if n, _ := r.RowsAffected(); n == 0 {
				return nil // the same press delivered again
			}
		}
		msg, err := d.apply(ctx, tx, now, actor, a)
		if e := (*cases.Error)(nil); errors.As(err, &e) {
			out = Outcome{Refused: true, Message: d.refusal(e, ref)}
			return errRollback
		}
		if err != nil {
			return err
		}
		out.Message = msg
		return d.enqueueAnswer(ctx, tx, now, a, out)
	})
	if errors.Is(err, errRollback) {
		// Refused: nothing changed; the answer goes out on its own.
		return d.answer(ctx, a, out)
	}
	return out, err
}

var errRollback = errors.New("rolled back on purpose")

func (d *TeamDesk) refusal(e *cases.Error, ref config.StaffRef) string {
	switch e.Code {
	case cases.CodeForbidden:
		who := ref.Staff.Name
		if dept, ok := d.cfg.Department(ref.Department); ok {
			who += "（" + dept.Name + "）"
		}
		return who + "：您不能对此投诉执行该操作。" + "（" + e.Message + "）"
	case cases.CodeConflict:
		return "未执行：" + e.Message
	}
	return "未执行：" + e.Message
}

// apply runs one press inside the transaction.
func (d *TeamDesk) apply(ctx context.Context, tx *sqlx.Tx, now time.Time, actor cases.Actor, a StaffAction) (string, error) {
	tr := cases.Transition{Text: a.Text, Department: a.Department, Handler: a.Handler}
	switch a.Action {
	case actApproveReply:
		c, err := d.svc.ApplyTx(ctx, tx, now, actor, a.Serial, cases.Transition{Action: cases.ActReview, Text: "同意"})
		if err != nil {
			return "", err
		}
		if c.Status != cases.StatusReviewed {
			return "已同意，待总经理审批。", nil
		}
		reply := strings.TrimSpace(a.Text)
		if reply == "" {
			reply = c.Measures
		}
		if _, err := d.svc.ApplyTx(ctx, tx, now, actor, a.Serial, cases.Transition{Action: cases.ActReply, Text: reply}); err != nil {
			return "", err
		}
		return "已同意并答复业主。", nil
	case actEscalate, actProposeInval:
		prefix := "申请升级："
		if a.Action == actProposeInval {
			prefix = "部门认为无效："
		}
		c, err := d.svc.ApplyTx(ctx, tx, now, actor, a.Serial, cases.Transition{Action: cases.ActNote, Text: prefix + a.Text})
		if err != nil {
			return "", err
		}
		card := d.card(c, "escalation")
		card.Title = "【" + strings.TrimSuffix(prefix, "：") + "】" + c.Serial
		card.Body = a.Text
		card.Buttons = []Button{{Label: "标记重大", Data: "act:flag_major:" + c.Serial}, {Label: "确认无效", Data: "act:judge_invalid:" + c.Serial, Style: "danger"}}
		return "已提交客服专员。", d.post(ctx, tx, now, d.teamTargets(d.cfg.Team.Specialists), card, "escalation:"+strconv.FormatInt(now.UnixNano(), 36))
	}
	tr.Action = cases.Action(a.Action)
	if tr.Action == cases.ActApprove {
		c, err := d.svc.ApplyTx(ctx, tx, now, actor, a.Serial, tr)
		if err != nil {
			return "", err
		}
		// Approved measures are answered to the owner at once (003: one working hour).
		if _, err := d.svc.ApplyTx(ctx, tx, now, cases.System, a.Serial, cases.Transition{Action: cases.ActReply, Text: c.Measures}); err != nil && cases.ErrorCode(err) != cases.CodeForbidden {
			return "", err
		}
		return "已批准，处理措施已答复业主。", nil
	}
	if _, err := d.svc.ApplyTx(ctx, tx, now, actor, a.Serial, tr); err != nil {
		return "", err
	}
	return doneText[a.Action], nil
}

var doneText = map[string]string{
	"acknowledge": "已受理。", "propose_measures": "处理措施已提交客服专员审核。", "transfer": "已转派。",
	"judge_invalid": "已判定为无效投诉，业主会收到说明。", "return_measures": "已退回部门。", "review": "已审核。",
	"reply": "已答复业主。", "dispatch": "已派单。", "flag_major": "已标记为重大投诉。", "investigate": "已开始调查。",
}

// prompt asks a Telegram group for the text an action needs: a message
// the presser answers with Telegram's reply, carrying the action's marker.
func (d *TeamDesk) prompt(ctx context.Context, a StaffAction, ref config.StaffRef) (Outcome, error) {
	label := map[string]string{"propose_measures": "处理措施", "judge_invalid": "无效原因", "return_measures": "退回意见",
		"reply": "答复业主的内容", "escalate": "升级原因", "propose_invalid": "无效原因"}[a.Action]
	if d.Needs(a.Action) == "department" {
		var names []string
		for _, dp := range d.cfg.Departments {
			names = append(names, dp.Name)
		}
		label = "部门名称（" + strings.Join(names, "、") + "）"
	}
	text := fmt.Sprintf("%s，请回复本消息填写%s。\n[act:%s:%s]", ref.Staff.Name, label, a.Action, a.Serial)
	err := d.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		msgs := []Message{{Channel: a.Platform, ChatID: a.ChatID, Payload: Payload{Text: text, ForceReply: true}}}
		if a.CallbackID != "" {
			msgs = append(msgs, Message{Channel: a.Platform, ChatID: a.ChatID, Kind: KindAnswerCallback, Payload: Payload{CallbackID: a.CallbackID}})
		}
		return Enqueue(ctx, tx, now, msgs...)
	})
	return Outcome{Message: "请回复机器人的消息填写" + label}, err
}

// answer tells the presser the outcome in a transaction of its own (a refusal
// rolled the action's back).
func (d *TeamDesk) answer(ctx context.Context, a StaffAction, out Outcome) (Outcome, error) {
	if a.Platform != "telegram" {
		return out, nil // Slack answers privately through the interaction's response_url
	}
	err := d.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error { return d.enqueueAnswer(ctx, tx, now, a, out) })
	return out, err
}

func (d *TeamDesk) enqueueAnswer(ctx context.Context, tx *sqlx.Tx, now time.Time, a StaffAction, out Outcome) error {
	if a.Platform != "telegram" || a.CallbackID == "" {
		return nil
	}
	return Enqueue(ctx, tx, now, Message{Channel: "telegram", ChatID: a.ChatID, Kind: KindAnswerCallback,
		Payload: Payload{CallbackID: a.CallbackID, Text: out.Message, Alert: out.Refused}})
}

// Record creates a complaint a staff member took on an owner's behalf
// (phone, walk-in, letter) from team chat.
func (d *TeamDesk) Record(ctx context.Context, platform, platformUser, interactionID string, n cases.NewCase) (Outcome, error) {
	ref, ok := d.StaffOf(platform, platformUser)
	if !ok {
		return Outcome{Refused: true, Message: "您不是登记在 heed 中的员工，不能登记投诉。"}, nil
	}
	actor := cases.Actor{Kind: cases.ActorStaff, ID: ref.Staff.ID, Channel: cases.Channel(platform), PlatformUser: platform + ":" + platformUser}
	var out Outcome
	err := d.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		out = Outcome{}
		r, err := tx.ExecContext(ctx, `INSERT INTO staff_actions (platform, interaction_id, platform_user, serial, action, at)
			VALUES ($1, $2, $3, '', 'record', $4) ON CONFLICT DO NOTHING`, platform, interactionID, platformUser, now)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			out.Message = "已登记。"
			return nil
		}
		c, err := d.svc.CreateTx(ctx, tx, now, actor, n)
		var e *cases.Error
		if errors.As(err, &e) {
			out = Outcome{Refused: true, Message: e.Message}
			return errRollback
		}
		if err != nil {
			return err
		}
		out.Message = "已登记，编号 " + c.Serial
		return nil
	})
	if errors.Is(err, errRollback) {
		err = nil
	}
	return out, err
}

// deptID accepts a department's id or name.
func (d *TeamDesk) deptID(v string) string {
	v = strings.TrimSpace(v)
	for _, dp := range d.cfg.Departments {
		if dp.ID == v || dp.Name == v {
			return dp.ID
		}
	}
	return v
}
