package desk

import (
	"strings"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
)

// refusal tells a staff member, in the staff's words and the company's
// time, why their press did nothing: who may take the action, or who took
// it first and when. c is the case as it is now (nil when there is none).
func (d *Desk) refusal(e *cases.Error, p Person, action string, c *cases.Case) string {
	spec := deskActions[action]
	switch e.Code {
	case cases.CodeNotFound:
		return "此按钮已失效：没有这件投诉。"
	case cases.CodeForbidden:
		if e.Details["rule"] == "repeat" {
			return "未执行：重复投诉由总经理指定处理部门和经办人。"
		}
		var who []string
		for _, cp := range spec.allowed() {
			if n := d.capacityName(cp, c); n != "" {
				who = append(who, n)
			}
		}
		return p.Staff.Name + "（" + d.roleName(p.StaffRef) + "）不能" + spec.verb + "这件投诉：只有" + strings.Join(who, "、") + "可以" + spec.verb + "。"
	case cases.CodeConflict:
		if c == nil {
			break
		}
		if at, err := time.Parse(time.RFC3339, e.Details["at"]); err == nil {
			return "未执行：这件投诉已由" + d.staffName(e.Details["by"]) + "于 " + d.clock(at) + " " + spec.verb + "，现在" + StatusName(c.Status) + "。"
		}
		if spec.base == cases.ActFlagMajor && c.Major {
			return "未执行：这件投诉已是重大投诉（" + c.MajorReason + "）。"
		}
		return "未执行：这件投诉现在" + StatusName(c.Status) + "，不能" + spec.verb + "。"
	case cases.CodeInvalid:
		switch e.Field {
		case "handler":
			if c == nil || c.Department == "" {
				return "未执行：经办人须是所派部门的人员。"
			}
			return "未执行：经办人须是" + d.deptName(c.Department) + "的人员。"
		case InputCategory:
			return d.categoryRefusal(e, c)
		case "department":
			if c != nil && strings.Contains(e.Message, "already with") {
				return "未执行：这件投诉已在" + d.deptName(c.Department) + "，请选择其他部门。"
			}
			return "未执行：请选择部门。"
		case "text", "reply":
			if strings.Contains(e.Message, "required") {
				return "请填写" + spec.field + "。"
			}
			return "未执行：内容太长，请精简后再提交。"
		}
	}
	return "未执行：" + e.Message
}

// recordFields name a complaint's fields as the /complaint form does.
var recordFields = map[string]string{"customer_name": "业主姓名", "contact_phone": "联系电话", "community": "小区",
	"unit": "房号", "content": "投诉内容", "category": "投诉性质", "channel": "来源", "address": "地址"}

// recordRefusal says in the staff's words why a complaint was not recorded.
func recordRefusal(e *cases.Error) string {
	label, ok := recordFields[e.Field]
	switch {
	case !ok:
		return "未登记：" + e.Message
	case strings.Contains(e.Message, "required"):
		return "未登记：请填写" + label + "。"
	case e.Field == "contact_phone":
		return "未登记：联系电话不是有效的号码，请写手机号（如 13812345678）、带区号的座机或 +国家代码。"
	case strings.Contains(e.Message, "unknown"):
		return "未登记：没有这个" + label + "，请从列表中选择。"
	}
	return "未登记：" + label + "有误，请检查后再提交。"
}

// roleName is the standing a staff member acts in, as colleagues call it.
func (d *Desk) roleName(ref config.StaffRef) string {
	switch ref.Role {
	case config.RoleManager:
		return d.deptName(ref.Department) + "经理"
	case config.RoleHandler:
		return d.deptName(ref.Department) + "经办人"
	case config.RoleSpecialist:
		return "投诉专员"
	case config.RoleGeneralManager:
		return "总经理"
	case config.RoleQuality:
		return "品质管理"
	}
	return "员工"
}

// capacityName names who acts in capacity cp on the case.
func (d *Desk) capacityName(cp cases.Capacity, c *cases.Case) string {
	dept := "责任部门"
	if c != nil && c.Department != "" {
		dept = d.deptName(c.Department)
	}
	switch cp {
	case cases.CapManager:
		return dept + "经理"
	case cases.CapHandler:
		return dept + "经办人"
	case cases.CapSpecialist:
		return "投诉专员"
	case cases.CapGM:
		return "总经理"
	case cases.CapAssisting:
		return "协办部门"
	case cases.CapOwner:
		return "业主"
	case cases.CapOtherStaff:
		return "员工"
	}
	return ""
}

// clock is a moment as staff read it: the time of day for today, the date
// too for an earlier day, in the company's time zone.
func (d *Desk) clock(t time.Time) string {
	loc := d.svc.Calendar().Location()
	t = t.In(loc)
	if t.Format("2006-01-02") == d.svc.Now().In(loc).Format("2006-01-02") {
		return t.Format("15:04")
	}
	return t.Format("01-02 15:04")
}
