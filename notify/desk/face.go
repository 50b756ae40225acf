package desk

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/notify"
)

// The common face of a case on every card — who complains where about
// what, what is due — and the names team chat gives to steps, statuses,
// actions, channels and spans.

// spanName says a configured span in words: "1mo" → "1个月".
func spanName(spec string) string {
	if spec == "" {
		spec = "1mo"
	}
	sp, err := cases.ParseSpan(spec)
	if err != nil {
		return spec
	}
	switch sp.Unit {
	case cases.SpanMonths:
		return strconv.Itoa(sp.N) + "个月"
	case cases.SpanWorkingDays:
		return strconv.Itoa(sp.N) + "个工作日"
	case cases.SpanWorkingHours:
		return strconv.FormatFloat(sp.D.Hours(), 'f', -1, 64) + "个工作小时"
	}
	if sp.D%(24*time.Hour) == 0 {
		return strconv.Itoa(int(sp.D/(24*time.Hour))) + "天"
	}
	return strconv.FormatFloat(sp.D.Hours(), 'f', -1, 64) + "小时"
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

func (d *Desk) when(t time.Time) string {
	return t.In(d.svc.Calendar().Location()).Format("01-02 15:04")
}

func (d *Desk) deptName(id string) string {
	if dept, ok := d.cfg.Department(id); ok {
		return dept.Name
	}
	return id
}

func (d *Desk) staffName(id string) string {
	if r, ok := d.cfg.StaffByID(id); ok {
		return r.Staff.Name
	}
	return id
}

// card is the common face of a case: who complains where about what, and
// what is due next. Owners' phones are masked.
func (d *Desk) card(c *cases.Case, kind string, now time.Time) notify.Card {
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
	fields := []notify.Field{field("小区", orDash(community)), field("房号", orDash(c.Unit)), field("业主", orDash(owner)),
		field("收到", d.when(c.ReceivedAt))}
	fields = append(fields, d.wishFields(c)...)
	fields = append(fields, signalFields(c)...)
	if c.Department != "" {
		fields = append(fields, field("责任部门", d.deptName(c.Department)))
	}
	if len(c.Assisting) > 0 {
		fields = append(fields, field("协办部门", d.deptNames(c.Assisting)))
	}
	if c.Handler != "" {
		fields = append(fields, field("经办人", d.staffName(c.Handler)))
	}
	fields = append(fields, d.deadlineFields(c, now)...)
	if c.VerifySatisfaction != nil { // the revisit's answers, on every card of the case
		fields = append(fields, field("回访", revisitScores(c)))
	}
	return notify.Card{Kind: kind, Serial: c.Serial, Title: title, Fields: fields, Body: clipRunes(c.Content, 500),
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
func (d *Desk) history(c *cases.Case) []string {
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

// deadlineFields show the case's open deadlines: those already missed as
// such, and the next one still ahead.
func (d *Desk) deadlineFields(c *cases.Case, now time.Time) []notify.Field {
	var missed []string
	var next *cases.DeadlineRecord
	for i, dl := range c.Deadlines {
		if dl.MetAt != nil || dl.SupersededAt != nil || dl.Step == cases.StepMajor {
			continue
		}
		if !dl.Due.After(now) {
			missed = append(missed, stepName[dl.Step]+" "+d.when(dl.Due))
			continue
		}
		if next == nil || dl.Due.Before(next.Due) {
			next = &c.Deadlines[i]
		}
	}
	var out []notify.Field
	if len(missed) > 0 {
		out = append(out, field("已超时", strings.Join(missed, "；")))
	}
	if next != nil {
		out = append(out, field("下一时限", stepName[next.Step]+" "+d.when(next.Due)))
	}
	return out
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

// field is one labelled value of a card.
func field(label, value string) notify.Field { return notify.Field{Label: label, Value: value} }

// ChannelName is how team chat names an owner's channel.
func ChannelName(ch cases.Channel) string {
	switch ch {
	case cases.ChannelWeChat:
		return "微信"
	case cases.ChannelWeb:
		return "网页"
	case cases.ChannelTelegram:
		return "Telegram"
	case cases.ChannelSlack:
		return "Slack"
	case cases.ChannelPhone:
		return "电话"
	}
	return orDash(string(ch))
}

// wishFields are what the owner asked for on a case's cards: the address
// when no community fits, the demands (投诉目的、要求), the reply time.
func (d *Desk) wishFields(c *cases.Case) []notify.Field {
	var out []notify.Field
	if c.Address != "" {
		out = append(out, field("地址", clipRunes(c.Address, 100)))
	}
	if c.Purpose != "" {
		out = append(out, field("业主要求", clipRunes(c.Purpose, 200)))
	}
	if c.RequestedReplyBy != nil {
		out = append(out, field("希望答复", c.RequestedReplyBy.In(d.svc.Calendar().Location()).Format("01-02")+" 前"))
	}
	return out
}
