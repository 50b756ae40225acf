package desk

import (
	"fmt"
	"slices"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify"
)

// deskAction is what the desk knows of one action a card offers: the one
// place its button, its form or prompt, its permission check and what the
// presser is told are read from.
type deskAction struct {
	label string       // the button: 受理
	verb  string       // in sentences: "…已于 13:32 受理", "不能受理这件投诉"
	base  cases.Action // the lifecycle action whose rule says who may take it and from which states
	// input is what the action asks for before it can be applied: "text",
	// "department" or "handler". Empty: what cases.Needs(base) says.
	input string
	field string // what the input is called: 处理措施, 无效原因…
	style string // primary, danger, ""
	// who narrows who may take it to some of those the base action allows
	// (nil: all of them).
	who []cases.Capacity
	// template is the kind of reply template its text input offers ("" for
	// none; templates.go).
	template TemplateKind
}

// Desk actions besides the plain cases actions.
const (
	actApproveReply = "approve_reply"   // specialist: accept the measures with the answer to the owner
	actEscalate     = "escalate"        // department: ask the specialist to take it up (申请升级)
	actProposeInval = "propose_invalid" // department: the complaint is not ours to handle
)

// deskActions are the actions cards offer, by the name their button data
// carries.
var deskActions = map[string]deskAction{
	"dispatch":         {label: "派单", verb: "派单", base: cases.ActDispatch, field: "派单部门", style: "primary"},
	"judge_invalid":    {label: "无效", verb: "判定无效", base: cases.ActJudgeInvalid, field: "无效原因（将向业主说明）", style: "danger", template: TemplateInvalid},
	"transfer":         {label: "转派", verb: "转派", base: cases.ActTransfer, field: "转派部门"},
	"acknowledge":      {label: "受理", verb: "受理", base: cases.ActAcknowledge, style: "primary"},
	"assign_handler":   {label: "指派经办人", verb: "指派经办人", base: cases.ActAssignHandler, field: "经办人"},
	"investigate":      {label: "开始调查", verb: "开始调查", base: cases.ActInvestigate},
	"propose_measures": {label: "提交处理措施", verb: "提交处理措施", base: cases.ActProposeMeasures, field: "处理措施", style: "primary", template: TemplateMeasure},
	actApproveReply:    {label: "同意并答复业主", verb: "审核处理措施", base: cases.ActReview, input: "text", field: "答复业主的内容", style: "primary", template: TemplateReply},
	"return_measures":  {label: "退回", verb: "退回处理措施", base: cases.ActReturnMeasures, field: "退回意见", style: "danger"},
	"approve":          {label: "批准", verb: "批准处理措施", base: cases.ActApprove, style: "primary"},
	"reply":            {label: "答复业主", verb: "答复业主", base: cases.ActReply, field: "答复业主的内容", style: "primary", template: TemplateReply},
	"flag_major":       {label: "标记重大", verb: "标记重大投诉", base: cases.ActFlagMajor, field: "重大投诉的原因"},
	// The department's requests to the specialists: a note on the case and a
	// card; permission and states as for a transfer (the department's
	// manager, while the case is with the department).
	actEscalate:     {label: "申请升级", verb: "申请升级", base: cases.ActTransfer, input: "text", field: "升级原因", who: deptManager},
	actProposeInval: {label: "无效", verb: "提出无效", base: cases.ActTransfer, input: "text", field: "无效原因", style: "danger", who: deptManager, template: TemplateInvalid},
}

var deptManager = []cases.Capacity{cases.CapManager}

// actionOrder is every desk action in the order of the procedure: how a
// console lists what a person may do (Actions).
var actionOrder = []string{"dispatch", "judge_invalid", "refer_developer", "transfer", "assist", actReclassify, "acknowledge",
	"assign_handler", "investigate", "propose_measures", actEscalate, actProposeInval, actApproveReply, "return_measures",
	"approve", "reply", "flag_major", "developer_answer", "head_office", "responsibility", "capa", "accountability",
	"close", "archive", "note"}

// allowed lists who may take the action.
func (a deskAction) allowed() []cases.Capacity {
	if a.who != nil {
		return a.who
	}
	return cases.Allowed(a.base)
}

// narrowed refuses someone the base action allows but the action does not.
func (a deskAction) narrowed(cfg *config.Config, actor cases.Actor, c *cases.Case) error {
	if a.who == nil {
		return nil
	}
	for _, cp := range cases.CapacitiesOf(cfg, actor, c) {
		if slices.Contains(a.who, cp) {
			return nil
		}
	}
	return &cases.Error{Code: cases.CodeForbidden, Message: fmt.Sprintf("%s may not %s case %s", actor.ID, a.verb, c.Serial)}
}

// needs is what the action asks for before it can be applied.
func (a deskAction) needs() string {
	if a.input != "" {
		return a.input
	}
	return cases.Needs(a.base)
}

// button is the action as a card's button for the case.
func button(name, serial string) notify.Button {
	a := deskActions[name]
	return notify.Button{Label: a.label, Data: ActData(name, serial), Style: a.style}
}

// buttons are several actions' buttons for one case.
func buttons(serial string, names ...string) []notify.Button {
	out := make([]notify.Button, 0, len(names))
	for _, n := range names {
		out = append(out, button(n, serial))
	}
	return out
}

// ActData is the data of a card button: the action, the case, and the
// option chosen on a prompt's button ("" for none).
func ActData(action, serial string, choice ...string) string {
	return conversation.Data(conversation.DataAct, append([]string{action, serial}, choice...)...)
}

// ParseAct reads a card button's data.
func ParseAct(s string) (action, serial, choice string, ok bool) {
	kind, p, ok := conversation.ParseData(s)
	if !ok || kind != conversation.DataAct || len(p) < 2 || p[0] == "" || p[1] == "" {
		return "", "", "", false
	}
	if len(p) == 3 {
		choice = p[2]
	}
	return p[0], p[1], choice, true
}
