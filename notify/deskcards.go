package notify

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
)

// target is one team chat on one platform.
type target struct{ platform, chat string }

func (d *TeamDesk) chats(slackChannel string, telegramChat int64) []target {
	var out []target
	if slackChannel != "" && d.platforms["slack"] {
		out = append(out, target{"slack", slackChannel})
	}
	if telegramChat != 0 && d.platforms["telegram"] {
		out = append(out, target{"telegram", strconv.FormatInt(telegramChat, 10)})
	}
	return out
}

func (d *TeamDesk) teamTargets(c config.TeamChat) []target {
	return d.chats(c.SlackChannel, c.TelegramChatID)
}

func (d *TeamDesk) deptTargets(id string) []target {
	dept, ok := d.cfg.Department(id)
	if !ok {
		return nil
	}
	return d.chats(dept.SlackChannel, dept.TelegramChatID)
}

// post queues the card for each target; cardKey names the card so later
// changes edit it in place.
func (d *TeamDesk) post(ctx context.Context, tx *sqlx.Tx, now time.Time, to []target, card Card, cardKey string) error {
	var msgs []Message
	for _, t := range to {
		c := card
		c.Kind, c.Body = cardKey, MaskPhones(c.Body) // an owner's words may hold their number
		msgs = append(msgs, Message{Channel: t.platform, ChatID: t.chat, Kind: KindCard, CaseSerial: card.Serial, Payload: Payload{Card: &c}})
	}
	return Enqueue(ctx, tx, now, msgs...)
}

// hook keeps the cards of a case in step with it.
func (d *TeamDesk) hook(ctx context.Context, tx *sqlx.Tx, now time.Time, ch cases.Change) error {
	if len(d.platforms) == 0 {
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
			card := d.card(c, "general_manager")
			card.Title = "【重复投诉】" + card.Title
			card.Buttons = []Button{{Label: "派单并指定部门", Data: "act:dispatch:" + c.Serial, Style: "primary"}}
			return d.post(ctx, tx, now, d.teamTargets(d.cfg.Team.GeneralManager), card, "general_manager")
		}
		if d.cfg.Rules.Dispatch == "manual" {
			card := d.card(c, "specialist")
			card.Title = "【待派单】" + card.Title
			card.Buttons = []Button{{Label: "派单", Data: "act:dispatch:" + c.Serial, Style: "primary"},
				{Label: "无效", Data: "act:judge_invalid:" + c.Serial, Style: "danger"}}
			return d.post(ctx, tx, now, d.teamTargets(d.cfg.Team.Specialists), card, "intake")
		}
		return nil
	case "deadline_missed":
		return d.escalate(ctx, tx, now, ch)
	case "deadline_reminder":
		card := d.card(c, "reminder")
		card.Title = fmt.Sprintf("【提醒】%s %s 将于 %s 到期", c.Serial, stepName[ch.Step], d.when(ch.Due))
		card.Buttons = nil
		return d.post(ctx, tx, now, d.responsible(c, ch.Step), card, "reminder:"+string(ch.Step))
	}
	// Any other change: the department's dispatch card shows it.
	if c.Department != "" {
		if err := d.post(ctx, tx, now, d.deptTargets(c.Department), d.dispatchCard(c), "dispatch"); err != nil {
			return err
		}
	}
	if ch.Before != nil && ch.Before.Department != "" && ch.Before.Department != c.Department {
		// Transferred: the old department's card says where it went, without buttons.
		old := d.dispatchCard(c)
		old.Buttons = nil
		old.Status = "已转派给" + d.deptName(c.Department)
		if err := d.post(ctx, tx, now, d.deptTargets(ch.Before.Department), old, "dispatch"); err != nil {
			return err
		}
	}
	if (ch.Action == string(cases.ActFeedback) || ch.Action == string(cases.ActVerify)) && c.Status == cases.StatusDispatched {
		// The owner is not satisfied: the specialists hear of it at once.
		card := d.card(c, "unsatisfied")
		card.Title = "【业主不满意，已重新派单】" + card.Title
		card.Body = "业主意见：" + orDash(c.Feedback+c.VerifySuggestions) + "\n\n处理措施：" + c.Measures
		if c.VerifySatisfaction != nil {
			card.Body += "\n回访评分：" + revisitScores(c)
		}
		if err := d.post(ctx, tx, now, d.teamTargets(d.cfg.Team.Specialists), card, "unsatisfied:"+strconv.Itoa(c.ReopenCount)); err != nil {
			return err
		}
	}
	switch ch.Action {
	case string(cases.ActProposeMeasures), string(cases.ActReview), string(cases.ActReturnMeasures), string(cases.ActReply):
		card := d.card(c, "specialist")
		card.Title = "【审核处理措施】" + card.Title
		card.Body = "处理措施：" + c.Measures + "\n\n投诉内容：" + clipRunes(c.Content, 300)
		if c.Status == cases.StatusMeasuresProposed {
			label := "同意并答复业主"
			if c.Major {
				label = "同意并报总经理审批"
			}
			card.Buttons = []Button{{Label: label, Data: "act:approve_reply:" + c.Serial, Style: "primary"},
				{Label: "退回", Data: "act:return_measures:" + c.Serial, Style: "danger"}}
		}
		if err := d.post(ctx, tx, now, d.teamTargets(d.cfg.Team.Specialists), card, "specialist"); err != nil {
			return err
		}
	}
	if c.Status == cases.StatusAwaitingApproval || (ch.Before != nil && ch.Before.Status == cases.StatusAwaitingApproval) {
		card := d.card(c, "general_manager")
		card.Title = "【重大投诉审批】" + card.Title
		card.Body = "处理措施：" + c.Measures + "\n重大原因：" + c.MajorReason
		if c.Status == cases.StatusAwaitingApproval {
			card.Buttons = []Button{{Label: "批准", Data: "act:approve:" + c.Serial, Style: "primary"},
				{Label: "退回", Data: "act:return_measures:" + c.Serial, Style: "danger"}}
		}
		return d.post(ctx, tx, now, d.teamTargets(d.cfg.Team.GeneralManager), card, "general_manager")
	}
	return nil
}

// escalate posts a missed deadline one level up: the department's steps
// to its manager (in its chat), the manager's acknowledgement to the
// specialists, the specialists' own steps to the general manager.
func (d *TeamDesk) escalate(ctx context.Context, tx *sqlx.Tx, now time.Time, ch cases.Change) error {
	c := ch.Case
	card := d.card(c, "escalation")
	card.Title = fmt.Sprintf("【超时升级】%s %s 已于 %s 超时", c.Serial, stepName[ch.Step], d.when(ch.Due))
	card.Buttons = nil
	var to []target
	switch ch.Step {
	case cases.StepMeasures:
		to = d.deptTargets(c.Department)
		if dept, ok := d.cfg.Department(c.Department); ok && len(dept.Managers) > 0 {
			card.Status = "请部门经理 " + dept.Managers[0].Name + " 督办"
		}
	case cases.StepInvestigate:
		to = d.teamTargets(d.cfg.Team.Specialists)
		card.Status = "部门未按时受理，请客服专员跟进"
	case cases.StepMajor:
		to = d.teamTargets(d.cfg.Team.GeneralManager)
		card.Title = fmt.Sprintf("【重大投诉】%s 受理一个月仍未解决", c.Serial)
	default: // acknowledge, dispatch, reply: the specialists' own steps
		to = d.teamTargets(d.cfg.Team.GeneralManager)
		card.Status = "客服专员环节超时，报总经理"
	}
	return d.post(ctx, tx, now, to, card, "escalation:"+string(ch.Step)+":"+strconv.FormatInt(ch.Due.Unix(), 10))
}

// responsible is where a reminder for a step goes.
func (d *TeamDesk) responsible(c *cases.Case, st cases.Step) []target {
	switch st {
	case cases.StepInvestigate, cases.StepMeasures:
		return d.deptTargets(c.Department)
	}
	return d.teamTargets(d.cfg.Team.Specialists)
}

var stepName = map[cases.Step]string{
	cases.StepAcknowledge: "告知业主已受理", cases.StepDispatch: "派单", cases.StepInvestigate: "部门受理",
	cases.StepMeasures: "提交处理措施", cases.StepReply: "答复业主", cases.StepMajor: "一个月解决",
}

var statusName = map[cases.Status]string{
	cases.StatusReceived: "已受理，待派单", cases.StatusValidated: "有效，待派单", cases.StatusInvalid: "无效投诉（已说明）",
	cases.StatusDispatched: "已派单，待部门受理", cases.StatusAcknowledged: "部门已受理", cases.StatusInvestigating: "调查处理中",
	cases.StatusMeasuresProposed: "处理措施待审核", cases.StatusAwaitingApproval: "待总经理审批", cases.StatusReviewed: "处理措施已审核",
	cases.StatusReplied: "已答复业主", cases.StatusFeedback: "业主已反馈", cases.StatusVerified: "已回访",
	cases.StatusClosed: "已闭合", cases.StatusArchived: "已归档",
}

// StatusName is how team chat names a case's status.
func StatusName(s cases.Status) string {
	if n, ok := statusName[s]; ok {
		return n
	}
	return string(s)
}

var actionName = map[string]string{
	"create": "登记", "dispatch": "派单", "transfer": "转派", "acknowledge": "受理", "assign_handler": "指定经办人",
	"investigate": "开始调查", "propose_measures": "提交处理措施", "review": "审核", "return_measures": "退回",
	"approve": "总经理批准", "reply": "答复业主", "feedback": "业主反馈", "verify": "回访", "close": "闭合",
	"judge_invalid": "判定无效", "judge_valid": "判定有效", "reopen": "重新处理", "flag_major": "标记重大",
	"add_info": "补充资料", "note": "备注", "request_person": "业主要求人工", "deadline_missed": "超时",
}

func (d *TeamDesk) when(t time.Time) string {
	return t.In(d.svc.Calendar().Location()).Format("01-02 15:04")
}

func (d *TeamDesk) deptName(id string) string {
	if dept, ok := d.cfg.Department(id); ok {
		return dept.Name
	}
	return id
}

func (d *TeamDesk) staffName(id string) string {
	if r, ok := d.cfg.StaffByID(id); ok {
		return r.Staff.Name
	}
	return id
}

// card is the common face of a case: who complains where about what, and
// what is due next. Owners' phones are masked.
func (d *TeamDesk) card(c *cases.Case, kind string) Card {
	cat := c.Category
	if ct, ok := d.cfg.Category(c.Category); ok {
		cat = ct.Name
	}
	title := c.Serial + " " + cat
	switch {
	case c.Urgency == cases.UrgencyEmergency:
		title += "（紧急·立即处理）"
	case c.Urgency.Urgent():
		title += "（紧急）"
	}
	if c.Major {
		title += "【重大】"
	}
	community := c.Community
	if cm, ok := d.cfg.Community(c.Community); ok {
		community = cm.Name
	}
	owner := c.CustomerName
	if c.ContactPhone != "" {
		owner = strings.TrimSpace(owner + " " + cases.MaskPhone(c.ContactPhone))
	}
	fields := []Field{{"小区", orDash(community)}, {"房号", orDash(c.Unit)}, {"业主", orDash(owner)},
		{"收到", d.when(c.ReceivedAt)}}
	fields = append(fields, d.wishFields(c)...)
	if c.Department != "" {
		fields = append(fields, Field{"责任部门", d.deptName(c.Department)})
	}
	if c.Handler != "" {
		fields = append(fields, Field{"经办人", d.staffName(c.Handler)})
	}
	if next := c.NextDeadline(); next != nil {
		fields = append(fields, Field{"下一时限", stepName[next.Step] + " " + d.when(next.Due)})
	}
	if c.VerifySatisfaction != nil { // the revisit's answers, on every card of the case
		fields = append(fields, Field{"回访", revisitScores(c)})
	}
	return Card{Kind: kind, Serial: c.Serial, Title: title, Fields: fields, Body: clipRunes(c.Content, 500),
		Status: statusName[c.Status], History: d.history(c)}
}

// revisitScores is the revisit's answers as a card shows them.
func revisitScores(c *cases.Case) string {
	s := fmt.Sprintf("及时性 %d · 满意度 %d · 态度 %d", deref(c.VerifyTimeliness), deref(c.VerifySatisfaction), deref(c.VerifyAttitude))
	if c.VerifySuggestions != "" {
		s += "；意见：" + clipRunes(c.VerifySuggestions, 200)
	}
	return s
}

// history is the card's record of who did what, newest last.
func (d *TeamDesk) history(c *cases.Case) []string {
	var out []string
	for _, e := range c.Events {
		name, ok := actionName[e.Action]
		if !ok {
			continue
		}
		who := e.ActorName
		if who == "" || e.ActorKind == cases.ActorOwner {
			who = map[cases.ActorKind]string{cases.ActorOwner: "业主", cases.ActorSystem: "系统"}[e.ActorKind]
		}
		out = append(out, d.when(e.At)+" "+who+" "+name)
	}
	if len(out) > 6 {
		out = out[len(out)-6:]
	}
	return out
}

// dispatchCard is the 派单 card in the department's chat, with the buttons
// the department can press in the case's current state.
func (d *TeamDesk) dispatchCard(c *cases.Case) Card {
	card := d.card(c, "dispatch")
	card.Title = "【派单】" + card.Title
	s := c.Serial
	switch c.Status {
	case cases.StatusDispatched:
		card.Buttons = []Button{{Label: "受理", Data: "act:acknowledge:" + s, Style: "primary"},
			{Label: "转派", Data: "act:transfer:" + s}, {Label: "无效", Data: "act:propose_invalid:" + s, Style: "danger"},
			{Label: "申请升级", Data: "act:escalate:" + s}}
	case cases.StatusAcknowledged, cases.StatusInvestigating:
		card.Buttons = []Button{{Label: "提交处理措施", Data: "act:propose_measures:" + s, Style: "primary"},
			{Label: "转派", Data: "act:transfer:" + s}, {Label: "申请升级", Data: "act:escalate:" + s}}
	}
	return card
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
