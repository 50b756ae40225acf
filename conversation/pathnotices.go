package conversation

import "github.com/heedhq/heed/cases"

// pathNotice is what the owner is told when their case closes, goes to the
// developer, gets the developer's answer, or goes to head office; it adds
// what the text needs to data. ok is false for changes owners do not hear of.
func (e *Engine) pathNotice(ch cases.Change, data map[string]any) (key string, ok bool) {
	c := ch.Case
	switch cases.Action(ch.Action) {
	case cases.ActClose:
		data["Hotline"] = e.cfg.Company.Hotline
		return "notice.closed", true
	case cases.ActReferDeveloper:
		data["Reason"], data["Developer"], data["Contact"] = c.ValidityReason, e.partyName(c.Language, e.cfg.Developer.Name, "developer"), e.cfg.Developer.Contact
		return "notice.developer", true
	case cases.ActDeveloperAnswer:
		data["Answer"], data["Developer"] = c.DeveloperAnswer, e.partyName(c.Language, e.cfg.Developer.Name, "developer")
		return "notice.developer_answer", true
	case cases.ActHeadOffice:
		data["HeadOffice"], data["Contact"] = e.partyName(c.Language, e.cfg.HeadOffice.Name, "head_office"), e.cfg.HeadOffice.Contact
		return "notice.head_office", true
	}
	return "", false
}

// partyName is a configured party's name, or what the owner's language
// calls it when the configuration names none.
func (e *Engine) partyName(lang, name, kind string) string {
	if name != "" {
		return name
	}
	return e.cat.text(lang, "party."+kind, nil)
}
