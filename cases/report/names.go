package report

import (
	"strings"

	"github.com/heedhq/heed/config"
)

// names turns the keys stored on a case into the names people read: the
// company's own names as configured, heed's in the report's language.
type names struct {
	cfg  *config.Config
	lang Lang
}

func newNames(cfg *config.Config, lang Lang) names { return names{cfg: cfg, lang: lang} }

func (n names) category(id string) string {
	if c, ok := n.cfg.Category(id); ok && c.Name != "" {
		return c.Name
	}
	return id
}

func (n names) department(id string) string {
	if id == "" {
		return n.lang.T("dept.none")
	}
	if d, ok := n.cfg.Department(id); ok && d.Name != "" {
		return d.Name
	}
	return id
}

// departments names a list of departments (the assisting ones).
func (n names) departments(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = n.department(id)
	}
	return strings.Join(out, n.lang.T("list"))
}

// staff is a staff member's name, or the id heed stored (an owner, "system").
func (n names) staff(id string) string {
	if r, ok := n.cfg.StaffByID(id); ok && r.Staff.Name != "" {
		return r.Staff.Name
	}
	return id
}

// recorder is who recorded a case: a staff member, or the owner on a chat.
func (n names) recorder(id string) string {
	if r, ok := n.cfg.StaffByID(id); ok && r.Staff.Name != "" {
		return r.Staff.Name
	}
	return n.lang.T("reg.self")
}

func (n names) community(id string) string {
	if id == "" {
		return n.lang.T("community.none")
	}
	if c, ok := n.cfg.Community(id); ok && c.Name != "" {
		return c.Name
	}
	return id
}

// ChannelName is the Chinese (zh-CN) name of a channel.
func ChannelName(c string) string { return ZhCN.Channel(c) }

// StatusName is the Chinese (zh-CN) name of a status.
func StatusName(s string) string { return ZhCN.Status(s) }

// StepName is the Chinese (zh-CN) name of a deadline step.
func StepName(s string) string { return ZhCN.Step(s) }
