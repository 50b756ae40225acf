package report

import "github.com/heedhq/heed/config"

// names turns the keys stored on a case into the names people read.
type names struct{ cfg *config.Config }

func newNames(cfg *config.Config) names { return names{cfg: cfg} }

func (n names) category(id string) string {
	if c, ok := n.cfg.Category(id); ok && c.Name != "" {
		return c.Name
	}
	return id
}

func (n names) department(id string) string {
	if id == "" {
		return "未派单"
	}
	if d, ok := n.cfg.Department(id); ok && d.Name != "" {
		return d.Name
	}
	return id
}

func (n names) community(id string) string {
	if id == "" {
		return "未填写"
	}
	if c, ok := n.cfg.Community(id); ok && c.Name != "" {
		return c.Name
	}
	return id
}

var channelNames = map[string]string{
	"telegram": "Telegram", "slack": "Slack", "wechat": "微信", "web": "网页", "phone": "电话",
	"walk_in": "来访", "letter": "信函", "email": "电子邮件", "api": "接口", "system": "系统",
}

// ChannelName is the Chinese name of a channel.
func ChannelName(c string) string {
	if n, ok := channelNames[c]; ok {
		return n
	}
	return c
}

var statusNames = map[string]string{
	"received": "已受理", "validated": "有效待派单", "invalid": "无效投诉", "dispatched": "已派单",
	"acknowledged": "部门已受理", "investigating": "调查处理中", "measures_proposed": "已提交措施",
	"awaiting_approval": "待总经理审批", "reviewed": "已审核", "replied": "已回复",
	"feedback_received": "已反馈", "verified": "已回访", "closed": "已闭合", "archived": "已归档",
}

// StatusName is the Chinese name of a status.
func StatusName(s string) string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return s
}

var stepNames = map[string]string{
	"acknowledge": "受理", "dispatch": "派单", "investigate": "调查", "measures": "处理措施", "reply": "回复",
}

// StepName is the Chinese name of a deadline step.
func StepName(s string) string {
	if n, ok := stepNames[s]; ok {
		return n
	}
	return s
}

var validityNames = map[string]string{"valid": "有效", "invalid": "无效", "pending": "待判定"}

var urgencyNames = map[string]string{"normal": "一般", "urgent": "紧急", "emergency": "特急"}

func lookup(m map[string]string, k string) string {
	if n, ok := m[k]; ok {
		return n
	}
	return k
}
