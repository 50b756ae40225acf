package notify

import (
	"context"
	"fmt"
	"regexp"
	"slices"
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
// changes edit it in place. Telephone numbers in its text are masked: a
// complaint typed by staff in one line, or an owner's words, may hold one.
func (d *TeamDesk) post(ctx context.Context, tx *sqlx.Tx, now time.Time, to []target, card Card, cardKey string) error {
	card.Body = maskPhones(card.Body)
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
func (d *TeamDesk) repeatCard(c *cases.Case, now time.Time) Card {
	card := d.card(c, "repeat", now)
	card.Title = "【重复投诉】" + card.Title
	var earlier []string
	for _, l := range c.Links {
		if l.Kind == cases.LinkRepeatOf {
			earlier = append(earlier, l.Serial+"（"+StatusName(l.Status)+"）")
		}
	}
	if len(earlier) > 0 {
		card.Fields = append(card.Fields, Field{"此前投诉", strings.Join(earlier, "、")})
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
func (d *TeamDesk) actionsFor(c *cases.Case, aud string) []Button {
	return slices.Concat(d.stepActions(c, aud), buttons(c.Serial, pathActionsFor(c, aud)...), reclassifyButtons(c, aud))
}

// stepActions are the buttons of the procedure's main line.
func (d *TeamDesk) stepActions(c *cases.Case, aud string) []Button {
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
func (d *TeamDesk) escalate(ctx context.Context, tx *sqlx.Tx, now time.Time, ch cases.Change, c *cases.Case) error {
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
func (d *TeamDesk) audience(c *cases.Case, aud string) []target {
	switch aud {
	case audDepartment:
		return d.deptTargets(c.Department)
	case audGM:
		return d.teamTargets(d.cfg.Team.GeneralManager)
	}
	return d.teamTargets(d.cfg.Team.Specialists)
}

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
func (d *TeamDesk) card(c *cases.Case, kind string, now time.Time) Card {
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
	fields = append(fields, signalFields(c)...)
	if c.Department != "" {
		fields = append(fields, Field{"责任部门", d.deptName(c.Department)})
	}
	if len(c.Assisting) > 0 {
		fields = append(fields, Field{"协办部门", d.deptNames(c.Assisting)})
	}
	if c.Handler != "" {
		fields = append(fields, Field{"经办人", d.staffName(c.Handler)})
	}
	fields = append(fields, d.deadlineFields(c, now)...)
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
func (d *TeamDesk) dispatchCard(c *cases.Case, now time.Time) Card {
	card := d.card(c, "dispatch", now)
	card.Title = "【派单】" + card.Title
	card.Buttons = d.actionsFor(c, audDepartment)
	return card
}

// deadlineFields show the case's open deadlines: those already missed as
// such, and the next one still ahead.
func (d *TeamDesk) deadlineFields(c *cases.Case, now time.Time) []Field {
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
	var out []Field
	if len(missed) > 0 {
		out = append(out, Field{"已超时", strings.Join(missed, "；")})
	}
	if next != nil {
		out = append(out, Field{"下一时限", stepName[next.Step] + " " + d.when(next.Due)})
	}
	return out
}

// digitRun is a run of digits, possibly with a leading + and spaces or
// dashes inside: where a telephone number may be written.
var digitRun = regexp.MustCompile(`\+?\d[\d \-]*\d`)

// phoneShape is a number as a telephone number looks once spaces and
// dashes are gone: a mainland mobile, a landline with its area code, or an
// international number.
var phoneShape = regexp.MustCompile(`^(?:(?:\+?86)?1[3-9]\d{9}|0\d{9,11}|\+\d{7,15})$`)

// maskPhones hides the middle of every telephone number in s (138****5678),
// leaving other numbers (dates, unit numbers, amounts) alone.
func maskPhones(s string) string {
	return digitRun.ReplaceAllStringFunc(s, func(run string) string {
		norm := func(p []string) string { return strings.NewReplacer(" ", "", "-", "").Replace(strings.Join(p, "")) }
		// The number may be only part of the run ("13812345678 3栋"): try
		// the longest groups of its space-separated pieces first.
		pieces := strings.Split(run, " ")
		var out []string
		for i := 0; i < len(pieces); i++ {
			j := len(pieces)
			for ; j > i && !phoneShape.MatchString(norm(pieces[i:j])); j-- {
			}
			if j == i {
				out = append(out, pieces[i])
				continue
			}
			out = append(out, cases.MaskPhone(norm(pieces[i:j])))
			i = j - 1
		}
		return strings.Join(out, " ")
	})
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
