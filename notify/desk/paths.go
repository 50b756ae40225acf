package desk

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/notify"
)

// Paths is what the forms of the procedure's side paths fill in: the
// assisting departments of a dispatch, the responsibility finding (责任界定)
// and the CAPA report number.
type Paths struct {
	// Assisting departments as chosen on a form, comma-separated (a
	// StaffAction stays comparable); AssistingChosen: the form asked.
	Assisting        string
	AssistingChosen  bool
	Responsibility   string // quality_defect, improper_use, undetermined
	ResponsibleStaff string
	Accountability   string
	CAPAReport       string
	// Pressed is the message whose option was pressed (Telegram), and its
	// text: a prompt of toggles is edited to show what is chosen now.
	Pressed, PressedText string
}

// The side paths' inputs, by the StaffAction field they fill.
const (
	InputAssisting        = "assisting"
	InputResponsibility   = "responsibility"
	InputResponsibleStaff = "responsible_staff"
	InputAccountability   = "accountability"
	InputCAPAReport       = "capa_report"
)

// pathActions are the cards' actions of closing, archiving, assisting
// departments, the responsibility finding, the developer's defects and
// head office; they join deskActions, the one table of card actions.
var pathActions = map[string]deskAction{
	"close":            {label: "闭合", verb: "闭合", base: cases.ActClose, style: "primary"},
	"archive":          {label: "归档", verb: "归档", base: cases.ActArchive},
	"assist":           {label: "协办部门", verb: "调整协办部门", base: cases.ActAssist, input: InputAssisting, field: "协办部门"},
	"refer_developer":  {label: "开发商遗留", verb: "转交开发商", base: cases.ActReferDeveloper, field: "开发商遗留问题的说明（将告知业主）"},
	"developer_answer": {label: "录入开发商答复", verb: "录入开发商答复", base: cases.ActDeveloperAnswer, field: "开发商的答复（将转告业主）", style: "primary"},
	"head_office":      {label: "报总部", verb: "上报总部", base: cases.ActHeadOffice, field: "上报总部的说明", style: "danger"},
	"responsibility":   {label: "责任界定", verb: "责任界定", base: cases.ActResponsibility, input: InputResponsibility, field: "责任界定"},
	"capa":             {label: "CAPA编号", verb: "登记纠正/预防措施报告编号", base: cases.ActResponsibility, input: "text", field: "纠正/预防措施报告编号"},
	"accountability":   {label: "责任追究", verb: "登记责任追究", base: cases.ActResponsibility, input: "text", field: "责任人及追究措施"},
	"note":             {label: "添加备注", verb: "添加备注", base: cases.ActNote, field: "备注（各部门可见）"},
}

func init() {
	for name, a := range pathActions {
		deskActions[name] = a
	}
}

// responsibilityNames are the findings as staff read them.
var responsibilityNames = map[string]string{"quality_defect": "质量缺陷", "improper_use": "使用不当", "undetermined": "无法界定"}

// pathForm completes the form of a side path's action: the departments to
// toggle or choose, the findings, the optional fields of the finding, the
// assisting departments of a dispatch.
func (d *Desk) pathForm(a StaffAction, c *cases.Case, f *Form) {
	switch a.Action {
	case "assist":
		in := &f.Inputs[0]
		in.Multi, in.Optional, in.Values = true, true, slices.Clone(c.Assisting)
		in.Label = "协办部门（可多选；牵头：" + d.deptName(c.Department) + "）"
		for _, dp := range d.cfg.Departments {
			if dp.ID == c.Department {
				continue
			}
			label := dp.Name
			if slices.Contains(c.Assisting, dp.ID) {
				label = "✓ " + label // Telegram: pressing again removes it
			}
			in.Options = append(in.Options, Option{dp.ID, label})
		}
	case "dispatch":
		in := Input{Name: InputAssisting, Label: "协办部门（可多选，可不选）", Multi: true, Optional: true}
		for _, dp := range d.cfg.Departments {
			in.Options = append(in.Options, Option{dp.ID, dp.Name})
		}
		f.Inputs = append(f.Inputs, in)
	case "responsibility":
		in := &f.Inputs[0]
		for _, r := range cases.Responsibilities {
			in.Options = append(in.Options, Option{r, responsibilityNames[r]})
		}
		f.Inputs = append(f.Inputs,
			Input{Name: InputResponsibleStaff, Label: "责任人", Value: c.ResponsibleStaff, Optional: true},
			Input{Name: InputAccountability, Label: "责任追究", Value: c.Accountability, Optional: true},
			Input{Name: InputCAPAReport, Label: "纠正/预防措施报告编号", Value: c.CAPAReport, Optional: true})
	case "capa":
		f.Inputs[0].Value = c.CAPAReport
	case "accountability":
		f.Inputs[0].Value = c.Accountability
	}
}

// pathMissing reports whether a side path's press lacks what it needs.
func pathMissing(input string, a StaffAction) bool {
	switch input {
	case InputAssisting:
		return a.Department == "" && !a.AssistingChosen
	case InputResponsibility:
		return a.Responsibility == "" && strings.TrimSpace(a.ResponsibleStaff+a.Accountability+a.CAPAReport) == ""
	}
	return false
}

// pathChoose fills a side path's input from the option pressed on a
// Telegram prompt: a department to add or remove, a finding.
func pathChoose(input string, a *StaffAction) {
	switch input {
	case InputAssisting:
		a.Department = a.Choice
	case InputResponsibility:
		a.Responsibility = a.Choice
	}
}

// pathTransition carries what the form filled in into the transition.
func pathTransition(a StaffAction, tr *cases.Transition) {
	if a.AssistingChosen {
		tr.Assisting = []string{}
		for _, d := range strings.Split(a.Assisting, ",") {
			if d = strings.TrimSpace(d); d != "" && d != a.Department {
				tr.Assisting = append(tr.Assisting, d)
			}
		}
	}
	tr.Responsibility, tr.ResponsibleStaff = a.Responsibility, strings.TrimSpace(a.ResponsibleStaff)
	tr.Accountability, tr.CAPAReport = strings.TrimSpace(a.Accountability), strings.TrimSpace(a.CAPAReport)
	switch a.Action {
	case "capa":
		tr.CAPAReport, tr.Text = strings.TrimSpace(a.Text), ""
	case "accountability":
		tr.Accountability, tr.Text = strings.TrimSpace(a.Text), ""
	case "close":
		tr.Result = "投诉专员闭合"
	}
}

// pathAfter edits a Telegram prompt of assisting departments after a
// toggle, so that its buttons show which departments assist now.
func (d *Desk) pathAfter(ctx context.Context, tx *sqlx.Tx, now time.Time, a StaffAction, c *cases.Case) error {
	if a.Action != "assist" || a.Choice == "" || a.Pressed == "" || a.Platform != "telegram" {
		return nil
	}
	f := &Form{Inputs: []Input{{Name: InputAssisting}}}
	d.pathForm(a, c, f)
	var choices []notify.Choice
	for _, o := range f.Inputs[0].Options {
		choices = append(choices, notify.Choice{Label: o.Label, Data: ActData(a.Action, a.Serial, o.Value)})
	}
	text, _, _ := strings.Cut(a.PressedText, "\n\n协办：")
	if len(c.Assisting) > 0 {
		text += "\n\n协办：" + d.deptNames(c.Assisting)
	}
	return notify.Enqueue(ctx, tx, now, notify.Message{Channel: a.Platform, ChatID: a.ChatID, Kind: notify.KindEditChoice, CaseSerial: a.Serial,
		Payload: notify.Payload{MessageID: a.Pressed, Text: text, Choices: choices}})
}

// pathDone is what the presser of a side path's action is told; "" for
// the desk's usual words.
func (d *Desk) pathDone(action string, c *cases.Case) string {
	switch action {
	case "assist":
		if len(c.Assisting) == 0 {
			return "已取消全部协办部门。"
		}
		return "协办部门：" + d.deptNames(c.Assisting) + "。"
	case "dispatch":
		if len(c.Assisting) > 0 {
			return "已派单给" + d.deptName(c.Department) + "（牵头），协办：" + d.deptNames(c.Assisting) + "。"
		}
	case "close":
		return "已闭合，业主会收到通知。"
	case "refer_developer":
		if !d.cfg.Developer.Configured() {
			return "已判定为开发商遗留问题并告知业主；未配置开发商的联系群，请电话转交开发商。"
		}
		return "已转交开发商并告知业主，未答复时会定期提醒。"
	case "developer_answer":
		return "开发商的答复已转告业主。"
	case "head_office":
		return "已上报总部，业主会收到通知。"
	case "responsibility", "capa", "accountability":
		return "已记录：" + d.finding(c) + "。"
	}
	return ""
}

func (d *Desk) deptNames(ids []string) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = d.deptName(id)
	}
	return strings.Join(names, "、")
}

// finding is the responsibility finding as a card shows it.
func (d *Desk) finding(c *cases.Case) string {
	var parts []string
	if c.Responsibility != "" {
		parts = append(parts, "责任界定 "+responsibilityNames[c.Responsibility])
	}
	if c.ResponsibleStaff != "" {
		parts = append(parts, "责任人 "+d.staffName(c.ResponsibleStaff))
	}
	if c.Accountability != "" {
		parts = append(parts, "追究 "+c.Accountability)
	}
	if c.CAPAReport != "" {
		parts = append(parts, "CAPA "+c.CAPAReport)
	}
	if len(parts) == 0 {
		return "尚未界定"
	}
	return strings.Join(parts, "；")
}

// pathActionsFor are the side paths' buttons a card for aud offers.
func pathActionsFor(c *cases.Case, aud string) []string {
	switch aud {
	case audSpecialists:
		switch c.Status {
		case cases.StatusReceived, cases.StatusValidated:
			if !c.Repeat {
				return []string{"refer_developer"}
			}
		case cases.StatusDispatched, cases.StatusAcknowledged, cases.StatusInvestigating:
			return []string{"assist", "refer_developer"}
		case cases.StatusReplied, cases.StatusFeedback, cases.StatusVerified:
			out := []string{"close", "responsibility", "capa"}
			if c.HeadOfficeAt == nil {
				out = append(out, "head_office")
			}
			return out
		case cases.StatusClosed:
			return []string{"archive", "responsibility", "capa"}
		case cases.StatusInvalid:
			if c.DeveloperReferredAt != nil && c.DeveloperAnsweredAt == nil {
				return []string{"developer_answer"}
			}
			return []string{"archive"}
		}
	case audDepartment:
		switch c.Status {
		case cases.StatusInvestigating, cases.StatusMeasuresProposed, cases.StatusReplied, cases.StatusFeedback, cases.StatusVerified:
			return []string{"responsibility", "accountability"}
		}
	}
	return nil
}
