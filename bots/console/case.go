package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/report"
	"github.com/heedhq/heed/conversation"
)

// The case (案件): the record laid out like the B01 form, its timeline,
// its deadlines met or missed, its photos, the owner's whole conversation,
// the cases it is tied to, and the actions the signed-in person may take on
// it now (case_actions.go). The part that changes as people act — status,
// actions, record, deadlines, timeline — is the template "case-live",
// served alone at /desk/cases/{serial}/part for the page's live update.

// caseView is the case page's data.
type caseView struct {
	Case *cases.Case
	// Phone is the owner's phone as the person may see it (Person.Phone).
	Phone string
	// Owner is the owner page's address ("" when nothing identifies them).
	Owner     string
	Flash     *flash
	Next      *cases.DeadlineRecord
	Deadlines []deadlineRow
	Timeline  []timelineEntry
	Photos    []attachmentView
	Files     []attachmentView
	Links     []cases.Link
	Actions   []actionForm
	// Conversation is the owner's chat with heed, oldest first.
	Conversation []conversation.Line
	// Once is the dedupe key of this page's forms: a form posted twice
	// (a double click, a reload) acts once.
	Once string
}

// deadlineRow is one step's deadline and how it went.
type deadlineRow struct {
	cases.DeadlineRecord
	// State: met (in time), late (met after it was due), missed (still
	// open and overdue), open, superseded.
	State string
}

// timelineEntry is one event of the case's history as people read it.
type timelineEntry struct {
	cases.Event
	Who     string
	Changes []change
}

// change is one field an event changed, and its new value.
type change struct{ Label, Value string }

// attachmentView is an attachment of the case: a stored file is served by
// the desk's own route; a platform's file id (Telegram, WeChat) is named.
type attachmentView struct {
	cases.Attachment
	Href, Thumb string
}

// casePage is GET /desk/cases/{serial}.
func (c *Console) casePage(w http.ResponseWriter, r *http.Request) error {
	v, err := c.caseData(w, r, true)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "case", v)
}

// casePart is the page's changing part alone, for its live update.
func (c *Console) casePart(w http.ResponseWriter, r *http.Request) error {
	v, err := c.caseData(w, r, false)
	if err != nil {
		return err
	}
	w.Header().Set("Vary", "X-Desk-Fragment")
	return c.renderPart(w, r, "case", "case-live", v)
}

// caseData reads the case as the signed-in person may see it; whole adds
// what only the full page shows (the conversation, the flash).
func (c *Console) caseData(w http.ResponseWriter, r *http.Request, whole bool) (*caseView, error) {
	ctx := r.Context()
	p := PersonOf(r)
	k, err := c.svc.Get(ctx, r.PathValue("serial"))
	if err != nil {
		return nil, err
	}
	p.Texts(k)
	v := &caseView{Case: k, Phone: p.Phone(k), Owner: ownerHref(k), Next: k.NextDeadline(), Links: k.Links, Once: randomToken(12)}
	now := c.now()
	for _, d := range k.Deadlines {
		v.Deadlines = append(v.Deadlines, deadlineRow{DeadlineRecord: d, State: deadlineState(d, now)})
	}
	lang := state(r).lang
	for i := len(k.Events) - 1; i >= 0; i-- { // newest first
		v.Timeline = append(v.Timeline, c.timelineEntry(lang, p, k, k.Events[i]))
	}
	for _, a := range k.Attachments {
		av := attachmentView{Attachment: a}
		if strings.HasPrefix(a.Ref, "file:") {
			av.Href = fmt.Sprintf("/desk/cases/%s/files/%d", url.PathEscape(k.Serial), a.ID)
			if a.Kind == "photo" && inlineImage(a.MIME) {
				av.Thumb = av.Href + "?thumb=1"
			}
		}
		if av.Thumb != "" {
			v.Photos = append(v.Photos, av)
		} else {
			v.Files = append(v.Files, av)
		}
	}
	if v.Actions, err = c.actionForms(r, k); err != nil {
		return nil, err
	}
	if whole {
		v.Flash = c.takeFlash(w, r, k.Serial)
		if k.OwnerRef != "" {
			if v.Conversation, err = conversation.OwnerConversation(ctx, c.db, k.OwnerRef); err != nil {
				return nil, err
			}
			for i := range v.Conversation {
				v.Conversation[i].Text = p.Text(k, v.Conversation[i].Text)
			}
		}
	}
	return v, nil
}

// ownerHref is the page of the case's owner: by their chat identity, else
// (a complaint taken by phone) as the owner of this case.
func ownerHref(k *cases.Case) string {
	switch {
	case k.OwnerRef != "":
		return "/desk/owners/" + url.PathEscape(k.OwnerRef)
	case k.ContactPhone != "":
		return "/desk/owners/" + url.PathEscape(ownerOfCase+k.Serial)
	}
	return ""
}

func deadlineState(d cases.DeadlineRecord, now time.Time) string {
	switch {
	case d.SupersededAt != nil && d.MetAt == nil:
		return "superseded"
	case d.MetAt != nil && d.Met():
		return "met"
	case d.MetAt != nil:
		return "late"
	case d.MissedAt != nil || !now.Before(d.Due):
		return "missed"
	}
	return "open"
}

// fieldKeys name a case's columns as the B01 record and the register do
// (cases/report's "reg.*"), in the record's order: the timeline lists an
// event's changes in it.
var fieldKeys = []struct{ col, key string }{
	{"serial", "reg.01"}, {"received_at", "reg.02"}, {"channel", "reg.03"}, {"customer_name", "reg.04"},
	{"contact_phone", "reg.05"}, {"community", "reg.06"}, {"unit", "reg.07"}, {"content", "reg.08"},
	{"purpose", "reg.09"}, {"category", "reg.10"}, {"urgency", "reg.11"}, {"validity", "reg.12"},
	{"department", "reg.13"}, {"assisting_departments", "reg.24"}, {"handler", "reg.25"}, {"recorded_by", "reg.26"},
	{"specialist_opinion", "reg.27"}, {"measures", "reg.18"}, {"reply", "reg.19"}, {"feedback", "reg.28"},
	{"verify_timeliness", "reg.20"}, {"verify_satisfaction", "reg.21"}, {"verify_attitude", "reg.22"},
	{"major", "reg.15"}, {"repeat", "reg.16"}, {"complainants", "reg.17"}, {"signals", "reg.35"},
	{"responsibility", "reg.29"}, {"responsible_staff", "reg.30"}, {"accountability", "reg.31"},
	{"capa_report", "reg.32"}, {"developer_answer", "reg.33"}, {"head_office_at", "reg.34"}, {"closed_at", "reg.23"},
}

// timelineEntry names an event's actor and changes in lang; the phone is
// shown as the person may see it.
func (c *Console) timelineEntry(lang Lang, p *Person, k *cases.Case, e cases.Event) timelineEntry {
	t := timelineEntry{Event: e, Who: e.ActorName}
	switch e.ActorKind {
	case cases.ActorOwner:
		t.Who = lang.T("case.by_owner")
	case cases.ActorSystem:
		t.Who = "heed"
	}
	if t.Who == "" {
		t.Who = e.ActorID
	}
	var ch map[string]any
	if json.Unmarshal(e.Changes, &ch) != nil {
		return t
	}
	names := report.Lang(lang)
	for _, f := range fieldKeys {
		val, ok := ch[f.col]
		if !ok {
			continue
		}
		delete(ch, f.col)
		t.Changes = append(t.Changes, change{Label: names.T(f.key), Value: c.changeValue(lang, p, k, f.col, val)})
	}
	// Columns the record does not name (status: from → to is shown
	// already; the rest under their column's name).
	delete(ch, "status")
	rest := make([]string, 0, len(ch))
	for col := range ch {
		rest = append(rest, col)
	}
	slices.Sort(rest)
	for _, col := range rest {
		t.Changes = append(t.Changes, change{Label: col, Value: c.changeValue(lang, p, k, col, ch[col])})
	}
	return t
}

// changeValue is a changed field's new value as people read it: ids
// named, times in the company's zone, a phone masked unless the person may
// see it, long texts clipped.
func (c *Console) changeValue(lang Lang, p *Person, k *cases.Case, col string, val any) string {
	names := report.Lang(lang)
	switch x := val.(type) {
	case nil:
		return "—"
	case bool:
		if x {
			return lang.T("case.yes")
		}
		return lang.T("case.no")
	case float64:
		return fmt.Sprint(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = c.changeValue(lang, p, k, col, e)
		}
		return strings.Join(parts, "、")
	case string:
		if x == "" {
			return "—"
		}
		switch col {
		case "contact_phone":
			if !p.SeesPhone(k) {
				return cases.MaskPhone(x)
			}
		case "department", "assisting_departments":
			if d, ok := c.cfg.Department(x); ok {
				return d.Name
			}
		case "handler", "recorded_by", "responsible_staff", "approved_by":
			if s, ok := c.cfg.StaffByID(x); ok {
				return s.Staff.Name
			}
		case "category":
			if cat, ok := c.cfg.Category(x); ok {
				return cat.Name
			}
		case "community":
			if cm, ok := c.cfg.Community(x); ok {
				return cm.Name
			}
		case "channel":
			return names.Channel(x)
		case "validity", "urgency", "resp":
			return names.T(col + "." + x)
		case "responsibility":
			return names.Responsibility(x)
		case "signals":
			return names.T("signal." + x)
		}
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return t.In(c.svc.Calendar().Location()).Format("2006-01-02 15:04")
		}
		return clip(p.Text(k, x), 400)
	}
	return fmt.Sprint(val)
}

// clip shortens s to n characters.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// Case page helpers the templates call.

// Reg is a B01 / register field's name in the page's language
// (cases/report's "reg.*" keys, "signal.*", "validity.*").
func (v *View) Reg(key string) string { return v.names().T(key) }

// Departments names a list of departments (the assisting ones).
func (v *View) Departments(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = v.Department(id)
	}
	return strings.Join(out, "、")
}

// Signals names the signals of a major complaint a case carries.
func (v *View) Signals(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = v.names().T("signal." + s)
	}
	return strings.Join(out, "、")
}

// Score is a 1–5 answer of the revisit, or a dash.
func (v *View) Score(n *int) string {
	if n == nil {
		return "—"
	}
	return fmt.Sprintf("%d / 5", *n)
}

// Validity and Responsibility name those findings.
func (v *View) Validity(s cases.Validity) string { return v.names().T("validity." + string(s)) }
func (v *View) Responsibility(s string) string   { return v.names().Responsibility(s) }

// TimeP is an optional moment, or a dash.
func (v *View) TimeP(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return v.Time(*t)
}

// ActionName names a step of a case's history (an event's action).
func (v *View) ActionName(a string) string {
	if s := v.T("act." + a); s != "act."+a {
		return s
	}
	return a
}
