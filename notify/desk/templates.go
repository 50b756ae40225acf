package desk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
)

// Reply templates (回复模板): the company's prepared texts for the answer to
// the owner, the explanation of an invalid complaint and common measures,
// kept in desk_templates and edited at the desk (the browser console). Every
// form that asks for such a text offers them (Input.Templates, best first):
// the console inserts one into its text box, Slack's modal starts from the
// best one, Telegram's prompt lists them numbered for a reply "#2". The
// person always sends their own text: a template is where it starts.

// TemplateKind is what a template is for.
type TemplateKind string

// The kinds of templates.
const (
	TemplateReply   TemplateKind = "reply"   // the answer to the owner (答复)
	TemplateInvalid TemplateKind = "invalid" // why a complaint is not valid, for the owner (无效说明)
	TemplateMeasure TemplateKind = "measure" // a department's common measures (处理措施)
)

// TemplateKinds lists the kinds in the order a page shows them.
var TemplateKinds = []TemplateKind{TemplateReply, TemplateInvalid, TemplateMeasure}

// Valid reports whether k is a kind of template.
func (k TemplateKind) Valid() bool {
	return k == TemplateReply || k == TemplateInvalid || k == TemplateMeasure
}

// Template is one prepared text.
type Template struct {
	ID    int64        `db:"id"`
	Kind  TemplateKind `db:"kind"`
	Title string       `db:"title"`
	Body  string       `db:"body"`
	// Category is the company's category id the template is written for;
	// "" for every category.
	Category  string    `db:"category"`
	UpdatedBy string    `db:"updated_by"` // staff id
	UpdatedAt time.Time `db:"updated_at"`
}

// Limits of a template's texts: a title fits a select's option and a
// button, a body a Telegram message with room for the prompt around it.
const (
	maxTemplateTitle = 60
	maxTemplateBody  = 3000
)

// TemplateKindOf is the kind of template the form of a desk action offers
// ("" for none): the answer for reply and approve_reply, the invalid
// explanation for judge_invalid and propose_invalid, measures for
// propose_measures.
func TemplateKindOf(action string) TemplateKind { return deskActions[action].template }

// Templates lists the templates of kind ("" for every kind) that fit a
// case of category ("" for all of them): the category's own first, then
// those for every category, each by title. Every staff member reads them.
func (d *Desk) Templates(ctx context.Context, kind TemplateKind, category string) ([]Template, error) {
	return d.templates(ctx, d.svc.DB(), kind, category)
}

func (d *Desk) templates(ctx context.Context, db sqlx.QueryerContext, kind TemplateKind, category string) ([]Template, error) {
	out := []Template{}
	if err := sqlx.SelectContext(ctx, db, &out, q.Templates, string(kind), category); err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	return out, nil
}

// Template is the template id; a cases.Error (CodeNotFound) when there is none.
func (d *Desk) Template(ctx context.Context, id int64) (Template, error) {
	var t Template
	err := d.svc.DB().GetContext(ctx, &t, q.Template, id)
	if errors.Is(err, sql.ErrNoRows) {
		return t, &cases.Error{Code: cases.CodeNotFound, Message: fmt.Sprintf("no template %d", id)}
	}
	return t, err
}

// EditsTemplates says whether p may write the company's templates: the
// complaint specialists, who speak for the company, and the general
// manager. Everyone else uses them.
func (p Person) EditsTemplates() bool {
	return p.Role == config.RoleSpecialist || p.Role == config.RoleGeneralManager
}

func (p Person) mayEditTemplates() error {
	if p.EditsTemplates() {
		return nil
	}
	return &cases.Error{Code: cases.CodeForbidden,
		Message: p.Staff.Name + " 不能编辑回复模板：只有客服专员和总经理可以。"}
}

// SaveTemplate writes t as p: a new template when t.ID is 0, else the
// template t.ID, changed. Refused (a cases.Error) for anyone but a
// specialist or the general manager, and for an empty or overlong text or
// a category the company does not have.
func (d *Desk) SaveTemplate(ctx context.Context, p Person, t Template) (Template, error) {
	if err := p.mayEditTemplates(); err != nil {
		return t, err
	}
	t.Title, t.Body, t.Category = strings.TrimSpace(t.Title), strings.TrimSpace(t.Body), strings.TrimSpace(t.Category)
	if err := d.checkTemplate(t); err != nil {
		return t, err
	}
	t.UpdatedBy = p.Staff.ID
	err := d.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		t.UpdatedAt = now
		if t.ID == 0 {
			return tx.GetContext(ctx, &t.ID, q.InsertTemplate, t.Kind, t.Title, t.Body, t.Category, t.UpdatedBy, now)
		}
		r, err := tx.ExecContext(ctx, q.UpdateTemplate, t.ID, t.Kind, t.Title, t.Body, t.Category, t.UpdatedBy, now)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return &cases.Error{Code: cases.CodeNotFound, Message: fmt.Sprintf("no template %d", t.ID)}
		}
		return nil
	})
	return t, err
}

// checkTemplate refuses what a template may not be, naming the field.
func (d *Desk) checkTemplate(t Template) error {
	bad := func(field, msg string) error {
		return &cases.Error{Code: cases.CodeInvalid, Field: field, Message: msg}
	}
	switch {
	case !t.Kind.Valid():
		return bad("kind", "模板用途只能是答复、无效说明或处理措施。")
	case t.Title == "" || utf8.RuneCountInString(t.Title) > maxTemplateTitle:
		return bad("title", fmt.Sprintf("请填写模板标题（最多 %d 个字）。", maxTemplateTitle))
	case t.Body == "" || utf8.RuneCountInString(t.Body) > maxTemplateBody || !utf8.ValidString(t.Body+t.Title):
		return bad("body", fmt.Sprintf("请填写模板正文（最多 %d 个字）。", maxTemplateBody))
	}
	if _, ok := d.cfg.Category(t.Category); t.Category != "" && !ok {
		return bad("category", "没有这个投诉类别。")
	}
	return nil
}

// DeleteTemplate removes the template id as p (the same people as
// SaveTemplate); a cases.Error (CodeNotFound) when it is gone already.
func (d *Desk) DeleteTemplate(ctx context.Context, p Person, id int64) error {
	if err := p.mayEditTemplates(); err != nil {
		return err
	}
	r, err := d.svc.DB().ExecContext(ctx, q.DeleteTemplate, id)
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return &cases.Error{Code: cases.CodeNotFound, Message: fmt.Sprintf("no template %d", id)}
	}
	return nil
}

// templateRef reads a chat reply that picks a template by its number on
// the prompt: "#2" (also full-width "＃2").
var templateRef = regexp.MustCompile(`^\s*[#＃]\s*([0-9]{1,3})\s*$`)

// fromTemplate replaces a team-chat text "#N" with the body of the N-th
// template the action's form offers for the case; refusal is the answer
// when there is no such template (the text is never sent as "#N").
func (d *Desk) fromTemplate(ctx context.Context, a *StaffAction, spec deskAction) (refusal string, err error) {
	m := templateRef.FindStringSubmatch(a.Text)
	if spec.template == "" || a.Platform == "" || m == nil {
		return "", nil
	}
	c, err := d.svc.Get(ctx, a.Serial)
	if cases.ErrorCode(err) == cases.CodeNotFound {
		return "", nil // the action itself says so
	}
	if err != nil {
		return "", err
	}
	ts, err := d.Templates(ctx, spec.template, c.Category)
	if err != nil {
		return "", err
	}
	n, _ := strconv.Atoi(m[1])
	if n < 1 || n > len(ts) {
		if len(ts) == 0 {
			return "没有可用的" + spec.field + "模板，请直接写出全文。", nil
		}
		return fmt.Sprintf("没有第 %d 个模板（共 %d 个）。请回复 #1 到 #%d，或写出全文。", n, len(ts), len(ts)), nil
	}
	a.Text = ts[n-1].Body
	return "", nil
}

// templateLines are the numbered templates a Telegram prompt lists, each
// its title and the start of its body.
func templateLines(ts []Template) string {
	var b strings.Builder
	for i, t := range ts {
		if i == maxPromptTemplates {
			fmt.Fprintf(&b, "\n…另有 %d 个，请在工作台查看", len(ts)-i)
			break
		}
		fmt.Fprintf(&b, "\n#%d %s：%s", i+1, t.Title, clipRunes(strings.Join(strings.Fields(t.Body), " "), 40))
	}
	return b.String()
}

// maxPromptTemplates is how many templates a Telegram prompt lists.
const maxPromptTemplates = 9
