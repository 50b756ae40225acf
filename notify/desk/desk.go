package desk

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
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify"
)

// Desk is everything staff do, whatever the surface — a card's button, a
// slash command, the JSON API, a browser console: it applies the
// procedure's rules as a known person, keeps every case's cards in team
// chat in step with it (Cards, PathCards and MajorFromTheStart, registered
// as cases hooks by the assembly), posts owners' alerts, bulletins and the quarter's figures.
type Desk struct {
	svc *cases.Service
	cfg *config.Config
	// Platforms that are on ("slack", "telegram", "wechat"): cards go to
	// the team chats of the first two, bulletins to all three.
	platforms map[string]bool
	owners    Owners // nil: no bulletin reaches an owner, /revisit is off
}

// Owners is what the desk asks of the owners' side (package conversation's
// engine): where owners can be reached and a web owner's transcript, for
// bulletins; the revisit survey, for /revisit.
type Owners interface {
	OwnerChats(ctx context.Context, db sqlx.QueryerContext, ownerRefs []string) (map[string]conversation.OwnerChat, error)
	Transcribe(ctx context.Context, tx *sqlx.Tx, now time.Time, channel, chatID, text string) error
	Revisits
}

// New makes the desk of svc's cases for the platforms that are on. It
// registers no hook: the assembly registers Cards, PathCards and
// MajorFromTheStart.
func New(svc *cases.Service, platforms ...string) (*Desk, error) {
	if err := loadQueries(); err != nil {
		return nil, err
	}
	d := &Desk{svc: svc, cfg: svc.Config(), platforms: map[string]bool{}}
	for _, p := range platforms {
		d.platforms[p] = true
	}
	return d, nil
}

// SetOwners connects the desk to the owners' side.
func (d *Desk) SetOwners(o Owners) { d.owners = o }

const msgNotStaff = "您不是登记在 heed 中的员工，不能操作投诉。"

// Form is what the action asks for before it can be applied (nil: apply it
// at once), or a refusal when the presser may not take it now — so nobody
// fills in a form only to be refused.
func (d *Desk) Form(ctx context.Context, a StaffAction) (*Form, Outcome, error) {
	p, ok := d.PersonOf(a.Platform, a.PlatformUser)
	if !ok {
		return nil, Outcome{Refused: true, Code: cases.CodeForbidden, Message: msgNotStaff}, nil
	}
	return d.FormAs(ctx, p, a)
}

// FormAs is Form for p (a.Platform and a.PlatformUser are not read).
func (d *Desk) FormAs(ctx context.Context, p Person, a StaffAction) (*Form, Outcome, error) {
	spec, ok := deskActions[a.Action]
	if !ok {
		return nil, Outcome{Refused: true, Code: cases.CodeNotFound, Message: msgNoSuchAction}, nil
	}
	if spec.needs() == "" {
		return nil, Outcome{}, nil
	}
	return d.form(ctx, p, a, spec)
}

const msgNoSuchAction = "此按钮已失效：卡片上没有这个操作。"

func (d *Desk) form(ctx context.Context, p Person, a StaffAction, spec deskAction) (*Form, Outcome, error) {
	actor := p.actor()
	c, err := d.svc.May(ctx, actor, a.Serial, spec.base)
	if err == nil {
		err = spec.narrowed(d.cfg, actor, c)
	}
	if e := (*cases.Error)(nil); errors.As(err, &e) {
		return nil, Outcome{Refused: true, Code: e.Code, Message: d.refusal(e, p, a.Action, c)}, nil
	}
	if err != nil {
		return nil, Outcome{}, err
	}
	in := Input{Name: spec.needs(), Label: spec.field}
	f := &Form{Title: spec.field}
	switch in.Name {
	case "text":
		in.Value = proposed(a.Action, c)
		if spec.template != "" {
			if in.Templates, err = d.Templates(ctx, spec.template, c.Category); err != nil {
				return nil, Outcome{}, err
			}
		}
	case "department":
		for _, dp := range d.cfg.Departments {
			if dp.ID != c.Department {
				in.Options = append(in.Options, Option{dp.ID, dp.Name})
			}
		}
	case "handler":
		in.Options = d.handlers(c.Department)
	case InputCategory:
		in.Options = d.categoryOptions(c)
	}
	f.Inputs = append(f.Inputs, in)
	if a.Action == "dispatch" && (c.Repeat || p.Role == config.RoleGeneralManager) {
		// The general manager names the handler of a repeat complaint (000).
		var all []Option
		for _, dp := range d.cfg.Departments {
			for _, o := range d.handlers(dp.ID) {
				all = append(all, Option{o.Value, o.Label + "（" + dp.Name + "）"})
			}
		}
		f.Inputs = append(f.Inputs, Input{Name: "handler", Label: "经办人", Options: all, Optional: true})
	}
	d.pathForm(a, c, f)
	return f, Outcome{}, nil
}

// handlers are the people of a department who can be named its case's
// handler (经办人): its handlers, then its managers.
func (d *Desk) handlers(dept string) []Option {
	dp, ok := d.cfg.Department(dept)
	if !ok {
		return nil
	}
	var out []Option
	for _, s := range append(append([]config.Staff(nil), dp.Handlers...), dp.Managers...) {
		out = append(out, Option{s.ID, s.Name})
	}
	return out
}

// proposed is the text a form starts from: the answer to the owner is
// drafted from the department's measures, for the specialist to reword.
func proposed(action string, c *cases.Case) string {
	if action != actApproveReply && action != string(cases.ActReply) {
		return ""
	}
	if c.ReplyDraft != "" {
		return c.ReplyDraft
	}
	return c.Measures
}

// missing reports whether the press lacks what the action needs.
func missing(spec deskAction, a StaffAction) bool {
	switch spec.needs() {
	case "text":
		return strings.TrimSpace(a.Text) == ""
	case "department":
		return a.Department == ""
	case "handler":
		return a.Handler == ""
	case InputCategory:
		return a.Category == ""
	}
	return pathMissing(spec.needs(), a)
}

// Act applies a staff member's press in team chat; the card edits and
// owner notices it causes are queued in the same transaction, and a
// repeated InteractionID does nothing. It never fails for the presser's
// mistakes: those come back as a refusal to show privately.
func (d *Desk) Act(ctx context.Context, a StaffAction) (Outcome, error) {
	p, ok := d.PersonOf(a.Platform, a.PlatformUser)
	if !ok {
		return d.answer(ctx, a, Outcome{Refused: true, Code: cases.CodeForbidden, Message: msgNotStaff})
	}
	return d.ActAs(ctx, p, a)
}

// ActAs applies a's action as p: what Act does once it knows who pressed.
// Off team chat (a.Platform "", the API or a console) nothing is posted
// back to a chat: the Outcome is the answer, and an action that lacks its
// input is refused saying what to fill in (FormAs says it beforehand).
func (d *Desk) ActAs(ctx context.Context, p Person, a StaffAction) (Outcome, error) {
	spec, ok := deskActions[a.Action]
	if !ok {
		return d.answer(ctx, a, Outcome{Refused: true, Code: cases.CodeNotFound, Message: msgNoSuchAction})
	}
	actor := p.actor()
	if err := d.choose(ctx, &a, spec); err != nil {
		return Outcome{}, err
	}
	if refusal, err := d.fromTemplate(ctx, &a, spec); err != nil || refusal != "" {
		if err != nil {
			return Outcome{}, err
		}
		return d.answer(ctx, a, Outcome{Refused: true, Message: refusal})
	}
	a.Department = d.deptID(a.Department)
	if missing(spec, a) {
		form, out, err := d.form(ctx, p, a, spec)
		switch {
		case err != nil:
			return out, err
		case out.Refused:
			return d.answer(ctx, a, out)
		case a.Platform == "telegram":
			return d.prompt(ctx, a, p, spec, form)
		}
		return d.answer(ctx, a, Outcome{Refused: true, Code: cases.CodeInvalid, Message: "请填写" + spec.field + "。"})
	}
	var (
		out     Outcome
		refused *cases.Error
	)
	err := d.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		out, refused = Outcome{}, nil
		if a.InteractionID != "" {
			first, err := d.firstTime(ctx, tx, now, a.Platform, a.InteractionID, a.PlatformUser, a.Serial, a.Action)
			if err != nil || !first {
				return err // !first: the same press delivered again
			}
		}
		msg, err := d.apply(ctx, tx, now, actor, a, spec)
		if errors.As(err, &refused) {
			return errRollback
		}
		if err != nil {
			return err
		}
		out.Message = msg
		return d.enqueueAnswer(ctx, tx, now, a, out)
	})
	if errors.Is(err, errRollback) {
		// Refused: nothing changed; the answer goes out on its own, in the
		// words of the case as it is now.
		c, _ := d.svc.Get(ctx, a.Serial)
		return d.answer(ctx, a, Outcome{Refused: true, Code: refused.Code, Message: d.refusal(refused, p, a.Action, c)})
	}
	return out, err
}

var errRollback = errors.New("rolled back on purpose")

// choose fills the action's input from the option pressed on a prompt.
func (d *Desk) choose(ctx context.Context, a *StaffAction, spec deskAction) error {
	if a.Choice == "" {
		return nil
	}
	switch spec.needs() {
	case "department":
		a.Department = a.Choice
	case "handler":
		a.Handler = a.Choice
	case InputCategory:
		a.Category = a.Choice
	case "text":
		if a.Choice != choiceAsIs {
			return nil
		}
		c, err := d.svc.Get(ctx, a.Serial)
		if cases.ErrorCode(err) == cases.CodeNotFound {
			return nil
		}
		if err != nil {
			return err
		}
		a.Text = proposed(a.Action, c)
	default:
		pathChoose(spec.needs(), a)
	}
	return nil
}

// choiceAsIs is the prompt's button that takes the proposed text unchanged.
const choiceAsIs = "asis"

// apply runs one press inside the transaction.
func (d *Desk) apply(ctx context.Context, tx *sqlx.Tx, now time.Time, actor cases.Actor, a StaffAction, spec deskAction) (string, error) {
	switch a.Action {
	case actApproveReply:
		// The answer goes to the owner at once, or once the general manager
		// approved a major complaint's measures: the cases service sends it.
		c, err := d.svc.ApplyTx(ctx, tx, now, actor, a.Serial, cases.Transition{Action: cases.ActReview, Text: "同意", Reply: a.Text})
		if err != nil {
			return "", err
		}
		if c.Status == cases.StatusAwaitingApproval {
			return "已同意，报总经理审批；批准后答复将发给业主。", nil
		}
		return "已同意并答复业主。", nil
	case actEscalate, actProposeInval:
		c, err := d.svc.ApplyTx(ctx, tx, now, actor, a.Serial, cases.Transition{Action: cases.ActNote, Text: spec.verb + "：" + a.Text})
		if err != nil {
			return "", err
		}
		if err := spec.narrowed(d.cfg, actor, c); err != nil {
			return "", err
		}
		if err := d.svc.Details(ctx, tx, c); err != nil {
			return "", err
		}
		card := d.card(c, "escalation", now)
		card.Title = "【" + spec.verb + "】" + c.Serial + " " + d.deptName(c.Department)
		card.Body = spec.field + "：" + a.Text + "\n\n投诉内容：" + clipRunes(c.Content, 300)
		card.Buttons = buttons(c.Serial, "flag_major", "judge_invalid", "transfer")
		card.Buttons[1].Label = "确认无效"
		return "已提交客服专员。", d.post(ctx, tx, now, d.teamTargets(d.cfg.Team.Specialists), card, "escalation:"+strconv.FormatInt(now.UnixNano(), 36))
	}
	tr := cases.Transition{Action: spec.base, Text: a.Text, Department: a.Department, Handler: a.Handler, Category: a.Category}
	pathTransition(a, &tr)
	c, err := d.svc.ApplyTx(ctx, tx, now, actor, a.Serial, tr)
	if err != nil {
		return "", err
	}
	if err := d.pathAfter(ctx, tx, now, a, c); err != nil {
		return "", err
	}
	if msg := d.pathDone(a.Action, c); msg != "" {
		return msg, nil
	}
	switch a.Action {
	case "approve":
		if c.Status == cases.StatusReplied {
			return "已批准，答复已发给业主。", nil
		}
		return "已批准，请客服专员答复业主。", nil
	case "assign_handler":
		return "已指派经办人：" + d.staffName(c.Handler) + "。", nil
	case "dispatch", "transfer":
		msg := "已" + spec.verb + "给" + d.deptName(c.Department)
		if c.Handler != "" {
			msg += "，经办人" + d.staffName(c.Handler)
		}
		return msg + "。", nil
	case "judge_invalid":
		return "已判定为无效投诉，业主会收到说明。", nil
	case actReclassify:
		return d.reclassified(c), nil
	}
	return "已" + spec.verb + "。", nil
}

// prompt asks a Telegram group for what an action needs: the options as
// buttons, or a text as a reply to the prompt, which the outbox remembers
// (Payload.Prompt) so that no marker shows.
func (d *Desk) prompt(ctx context.Context, a StaffAction, p Person, spec deskAction, f *Form) (Outcome, error) {
	in := f.Inputs[0]
	pl := notify.Payload{Prompt: ActData(a.Action, a.Serial)}
	if len(in.Options) > 0 {
		pl.Text = fmt.Sprintf("%s：请选择 %s 的%s。", p.Staff.Name, a.Serial, in.Label)
		for _, o := range in.Options {
			pl.Choices = append(pl.Choices, notify.Choice{Label: o.Label, Data: ActData(a.Action, a.Serial, o.Value)})
		}
	} else {
		pl.Text = fmt.Sprintf("%s：请回复本消息，填写 %s 的%s。", p.Staff.Name, a.Serial, in.Label)
		pl.ForceReply = true
		if in.Value != "" {
			pl.Text += "\n\n拟定的" + in.Label + "：\n" + in.Value + "\n\n照此发送请按下方按钮；要修改，请回复本消息写出修改后的全文。"
			pl.Choices, pl.ForceReply = []notify.Choice{{Label: "照此发送", Data: ActData(a.Action, a.Serial, choiceAsIs)}}, false
		}
		if len(in.Templates) > 0 {
			pl.Text += "\n\n可用模板（回复 #编号 即用该模板全文，例如 #1）：" + templateLines(in.Templates)
		}
	}
	err := d.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		msgs := []notify.Message{{Channel: a.Platform, ChatID: a.ChatID, CaseSerial: a.Serial, Payload: pl}}
		if a.CallbackID != "" {
			msgs = append(msgs, notify.Message{Channel: a.Platform, ChatID: a.ChatID, Kind: notify.KindAnswerCallback, Payload: notify.Payload{CallbackID: a.CallbackID}})
		}
		return notify.Enqueue(ctx, tx, now, msgs...)
	})
	return Outcome{Message: "请在群里的提示消息中填写" + in.Label}, err
}

// Prompted finds the action and case the bot's prompt in chat asks for —
// by the id the platform gave it, or by its text while the send is not yet
// recorded: a reply to it is that action's text.
func (d *Desk) Prompted(ctx context.Context, platform, chat, messageID, text string) (action, serial string, ok bool) {
	data, ok, err := notify.PromptOf(ctx, d.svc.DB(), platform, chat, messageID, text)
	if err != nil || !ok {
		return "", "", false
	}
	action, serial, _, ok = ParseAct(data)
	return action, serial, ok
}

// answer tells the presser the outcome in a transaction of its own (a refusal
// rolled the action's back).
func (d *Desk) answer(ctx context.Context, a StaffAction, out Outcome) (Outcome, error) {
	if a.Platform != "telegram" {
		return out, nil // Slack answers privately through the interaction's response_url
	}
	err := d.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error { return d.enqueueAnswer(ctx, tx, now, a, out) })
	return out, err
}

// enqueueAnswer answers a Telegram press on its button, and a reply to a
// prompt in the group.
func (d *Desk) enqueueAnswer(ctx context.Context, tx *sqlx.Tx, now time.Time, a StaffAction, out Outcome) error {
	switch {
	case a.Platform != "telegram" || out.Message == "":
		return nil
	case a.CallbackID == "":
		return notify.Enqueue(ctx, tx, now, notify.Message{Channel: "telegram", ChatID: a.ChatID, CaseSerial: a.Serial, Payload: notify.Payload{Text: out.Message}})
	}
	return notify.Enqueue(ctx, tx, now, notify.Message{Channel: "telegram", ChatID: a.ChatID, Kind: notify.KindAnswerCallback,
		Payload: notify.Payload{CallbackID: a.CallbackID, Text: out.Message, Alert: out.Refused}})
}

// Record creates a complaint a staff member took on an owner's behalf
// (phone, walk-in, letter) from team chat.
func (d *Desk) Record(ctx context.Context, platform, platformUser, interactionID string, n cases.NewCase) (Outcome, error) {
	p, ok := d.PersonOf(platform, platformUser)
	if !ok {
		return Outcome{Refused: true, Message: "您不是登记在 heed 中的员工，不能登记投诉。"}, nil
	}
	return d.RecordAs(ctx, p, interactionID, n)
}

// RecordAs is Record by p; interactionID (the surface's id of the request)
// makes a repeated request record nothing more.
func (d *Desk) RecordAs(ctx context.Context, p Person, interactionID string, n cases.NewCase) (Outcome, error) {
	var out Outcome
	err := d.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		out = Outcome{}
		first, err := d.firstTime(ctx, tx, now, string(p.Channel), interactionID, p.User, "", "record")
		if err != nil {
			return err
		}
		if !first {
			out.Message = "已登记。"
			return nil
		}
		c, err := d.svc.CreateTx(ctx, tx, now, p.actor(), n)
		var e *cases.Error
		if errors.As(err, &e) {
			out = Outcome{Refused: true, Message: recordRefusal(e), Field: e.Field}
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

// firstTime records a request of a surface (platform, its id of the
// request) inside tx and reports whether it is new: a platform's retry,
// or the same press delivered twice, does nothing the second time.
func (d *Desk) firstTime(ctx context.Context, tx *sqlx.Tx, now time.Time, platform, interactionID, user, serial, action string) (bool, error) {
	r, err := tx.ExecContext(ctx, q.StaffAction, platform, interactionID, user, serial, action, now)
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n > 0, err
}

// deptID accepts a department's id or name.
func (d *Desk) deptID(v string) string {
	v = strings.TrimSpace(v)
	for _, dp := range d.cfg.Departments {
		if dp.ID == v || dp.Name == v {
			return dp.ID
		}
	}
	return v
}

// teamChat reports whether a team chat is on: cases get cards only then.
func (d *Desk) teamChat() bool { return d.platforms["slack"] || d.platforms["telegram"] }
