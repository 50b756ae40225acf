package console

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/notify/desk"
)

// Reply templates (回复模板): the company's prepared texts for answers,
// invalid explanations and common measures (notify/desk keeps them). Every
// staff member reads them; the specialists and the general manager write
// them — desk.SaveTemplate refuses anyone else, whatever the request.

// templatesView is the templates page's data.
type templatesView struct {
	Kind      desk.TemplateKind // the filter, "" for every kind
	Kinds     []desk.TemplateKind
	Templates []desk.Template
	All       []desk.Template // every template, for the new form's picker
	// Categories are the company's, for the form's choice.
	Categories []config.Category
	CanEdit    bool
	// Form is the template being written (new, or edited), with the
	// refusal of its last submission.
	Form    desk.Template
	Problem string
	Field   string
	Saved   bool
}

// templatesPage is GET /desk/templates: the list, filtered by kind, and
// the new template's form for those who may write one.
func (c *Console) templatesPage(w http.ResponseWriter, r *http.Request) error {
	kind := desk.TemplateKind(r.URL.Query().Get("kind"))
	if !kind.Valid() {
		kind = ""
	}
	form := desk.Template{Kind: kind}
	if form.Kind == "" {
		form.Kind = desk.TemplateReply
	}
	v, err := c.templatesView(r, kind, form)
	if err != nil {
		return err
	}
	v.Saved = r.URL.Query().Get("saved") != ""
	return c.render(w, r, http.StatusOK, "templates", v)
}

func (c *Console) templatesView(r *http.Request, kind desk.TemplateKind, form desk.Template) (*templatesView, error) {
	all, err := c.desk.Templates(r.Context(), "", "")
	if err != nil {
		return nil, err
	}
	v := &templatesView{Kind: kind, Kinds: desk.TemplateKinds, All: all, Categories: c.cfg.Categories,
		CanEdit: PersonOf(r).AtDesk().EditsTemplates(), Form: form}
	for _, t := range all {
		if kind == "" || t.Kind == kind {
			v.Templates = append(v.Templates, t)
		}
	}
	return v, nil
}

// templateEditPage is GET /desk/templates/{id}: one template's form.
func (c *Console) templateEditPage(w http.ResponseWriter, r *http.Request) error {
	t, err := c.templateOf(r)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "template_edit", c.editView(r, t))
}

func (c *Console) editView(r *http.Request, t desk.Template) *templatesView {
	return &templatesView{Kinds: desk.TemplateKinds, Categories: c.cfg.Categories, Form: t,
		CanEdit: PersonOf(r).AtDesk().EditsTemplates()}
}

func (c *Console) templateOf(r *http.Request) (desk.Template, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return desk.Template{}, &cases.Error{Code: cases.CodeNotFound, Message: "no such template"}
	}
	return c.desk.Template(r.Context(), id)
}

// templateSave is POST /desk/templates (a new one) and POST
// /desk/templates/{id} (a change): as the signed-in person, whom the desk
// refuses unless they may write templates. A text the desk refuses comes
// back in its form, with what to change.
func (c *Console) templateSave(w http.ResponseWriter, r *http.Request) error {
	t := desk.Template{Kind: desk.TemplateKind(r.PostFormValue("kind")), Title: r.PostFormValue("title"),
		Body: r.PostFormValue("body"), Category: r.PostFormValue("category")}
	if r.PathValue("id") != "" {
		old, err := c.templateOf(r)
		if err != nil {
			return err
		}
		t.ID = old.ID
	}
	saved, err := c.desk.SaveTemplate(r.Context(), PersonOf(r).AtDesk(), t)
	var e *cases.Error
	if errors.As(err, &e) && e.Code == cases.CodeInvalid {
		var v *templatesView
		page := "template_edit"
		if t.ID == 0 {
			page = "templates"
			if v, err = c.templatesView(r, "", t); err != nil {
				return err
			}
		} else {
			v = c.editView(r, t)
		}
		v.Problem, v.Field = e.Message, e.Field
		return c.render(w, r, http.StatusBadRequest, page, v)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/desk/templates?"+url.Values{"kind": {string(saved.Kind)}, "saved": {"1"}}.Encode()+"#template-"+
		strconv.FormatInt(saved.ID, 10), http.StatusSeeOther)
	return nil
}

// templateDelete is POST /desk/templates/{id}/delete.
func (c *Console) templateDelete(w http.ResponseWriter, r *http.Request) error {
	t, err := c.templateOf(r)
	if err != nil {
		return err
	}
	if err := c.desk.DeleteTemplate(r.Context(), PersonOf(r).AtDesk(), t.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/desk/templates?kind="+url.QueryEscape(string(t.Kind)), http.StatusSeeOther)
	return nil
}

// TemplateKind names a kind of template in the page's language.
func (v *View) TemplateKind(k desk.TemplateKind) string { return v.T("tpl.kind." + string(k)) }

// templatePicker is what the "template-picker" part draws: a select whose
// choice is inserted into the text box Target (desk.js), to edit.
type templatePicker struct {
	Target        string
	Label, Choose string
	Templates     []desk.Template
}

// Picker is the template picker for the text box with id target, offering
// ts (a desk.Input's Templates, or desk.Desk.Templates): a page puts
// {{template "template-picker" ($.Picker "reply-text" .Templates)}} next
// to its text box. Nothing is drawn when ts is empty.
func (v *View) Picker(target string, ts []desk.Template) templatePicker {
	return templatePicker{Target: target, Label: v.T("tpl.insert"), Choose: v.T("tpl.choose"), Templates: ts}
}
