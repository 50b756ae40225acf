package desk

import (
	"slices"
	"strings"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/notify"
)

// 改类别 (issue 10 item 7): the specialist or the handling department's
// manager puts a case in another category before it is answered — a
// choice like a transfer's department (Slack select, Telegram buttons).
// The department stays; the presser is told when the new category belongs
// to another one, which a transfer then moves it to. heed keeps the
// (text, category) as a staff correction and learns from it.

// InputCategory is the input of 改类别: a category id.
const InputCategory = "category"

const actReclassify = "reclassify"

func init() {
	deskActions[actReclassify] = deskAction{label: "改类别", verb: "改类别", base: cases.ActReclassify, field: "投诉类别"}
	actionName[actReclassify] = "改类别"
}

// categoryOptions are the categories a case can be put in: every one but
// its own.
func (d *Desk) categoryOptions(c *cases.Case) []Option {
	var out []Option
	for _, ct := range d.cfg.Categories {
		if ct.ID != c.Category {
			out = append(out, Option{ct.ID, ct.Name})
		}
	}
	return out
}

// reclassifyButtons offer 改类别 on the specialists' cards until the case
// is answered, and on the department's while it investigates.
func reclassifyButtons(c *cases.Case, aud string) []notify.Button {
	var when []cases.Status
	switch aud {
	case audSpecialists:
		if c.Repeat && (c.Status == cases.StatusReceived || c.Status == cases.StatusValidated) {
			return nil // the general manager's card
		}
		when = []cases.Status{cases.StatusReceived, cases.StatusValidated, cases.StatusDispatched, cases.StatusAcknowledged,
			cases.StatusInvestigating, cases.StatusMeasuresProposed, cases.StatusReviewed}
	case audDepartment:
		when = []cases.Status{cases.StatusDispatched, cases.StatusAcknowledged, cases.StatusInvestigating}
	}
	if !slices.Contains(when, c.Status) {
		return nil
	}
	return buttons(c.Serial, actReclassify)
}

func (d *Desk) categoryName(id string) string {
	if ct, ok := d.cfg.Category(id); ok {
		return ct.Name
	}
	return id
}

// reclassified is what the presser is told: the new category, and where
// it belongs when that is not the case's department.
func (d *Desk) reclassified(c *cases.Case) string {
	msg := "已将类别改为「" + d.categoryName(c.Category) + "」。"
	if ct, ok := d.cfg.Category(c.Category); ok && c.Department != "" && ct.Department != "" && ct.Department != c.Department {
		msg += "该类别由" + d.deptName(ct.Department) + "负责，如需转派请按「转派」。"
	}
	return msg
}

// categoryRefusal says why a category was not taken.
func (d *Desk) categoryRefusal(e *cases.Error, c *cases.Case) string {
	if c != nil && strings.Contains(e.Message, "already") {
		return "未执行：这件投诉已是「" + d.categoryName(c.Category) + "」，请选择其他类别。"
	}
	return "未执行：请选择类别。"
}
