package console

import (
	"bytes"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/report"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFS embed.FS

// layoutFile holds the layout every page is drawn in ("layout"); files
// starting with "_" hold parts several pages use. Every other file is a
// page, named after its file.
const layoutFile = "layout.html"

// parsePages parses each page with the layout and the shared parts.
func parsePages() (map[string]*template.Template, error) {
	base := template.New(layoutFile).Funcs(template.FuncMap{
		"add": func(a, b int) int { return a + b },
	})
	shared := []string{"templates/" + layoutFile}
	entries, err := fs.ReadDir(templateFiles, "templates")
	if err != nil {
		return nil, err
	}
	var pages []string
	for _, e := range entries {
		switch name := e.Name(); {
		case name == layoutFile:
		case strings.HasPrefix(name, "_"):
			shared = append(shared, "templates/"+name)
		default:
			pages = append(pages, name)
		}
	}
	base, err = base.ParseFS(templateFiles, shared...)
	if err != nil {
		return nil, fmt.Errorf("desk templates: %w", err)
	}
	out := map[string]*template.Template{}
	for _, name := range pages {
		t, err := template.Must(base.Clone()).ParseFS(templateFiles, "templates/"+name)
		if err != nil {
			return nil, fmt.Errorf("desk template %s: %w", name, err)
		}
		out[strings.TrimSuffix(name, ".html")] = t
	}
	return out, nil
}

// View is what every template gets as its dot: the language, the
// signed-in person (nil on the sign-in pages), the CSRF token, the page's
// name and its own Data, and the methods that name things in the language.
type View struct {
	Lang   Lang
	Person *Person
	CSRF   string
	Page   string
	Data   any
	// URL is the request's, for the language switch.
	URL *url.URL
	c   *Console
}

// T is the text of key in the page's language (texts.go), formatted with
// args when given.
func (v *View) T(key string, args ...any) string { return v.Lang.T(key, args...) }

// CSRFField is the hidden field every form that posts carries.
func (v *View) CSRFField() template.HTML {
	return template.HTML(`<input type="hidden" name="csrf" value="` + template.HTMLEscapeString(v.CSRF) + `">`)
}

// Nav is the menu, the current page marked.
func (v *View) Nav() []navLink {
	out := make([]navLink, 0, len(navItems))
	for _, n := range navItems {
		if deskOnlyPages[n.Page] && (v.Person == nil || !v.Person.AtDesk().Oversees()) {
			continue // deskoffice: not offered to whom it would refuse
		}
		out = append(out, navLink{navItem: n, Current: n.Page == v.Page})
	}
	return out
}

type navLink struct {
	navItem
	Current bool
}

// Langs are the language switch's links: this page in each language.
func (v *View) Langs() []langLink {
	var out []langLink
	for _, l := range langs {
		u := *v.URL
		qs := u.Query()
		qs.Set("lang", string(l))
		u.RawQuery = qs.Encode()
		out = append(out, langLink{Lang: l, Name: langNames[l], Href: u.RequestURI(), Current: l == v.Lang})
	}
	return out
}

type langLink struct {
	Lang       Lang
	Name, Href string
	Current    bool
}

func (v *View) names() report.Lang { return report.Lang(v.Lang) }

// Status, Step, Channel and Urgency name heed's values in the page's
// language (the register export's names).
func (v *View) Status(s cases.Status) string   { return v.names().Status(string(s)) }
func (v *View) Step(s cases.Step) string       { return v.names().Step(string(s)) }
func (v *View) Channel(c cases.Channel) string { return v.names().Channel(string(c)) }
func (v *View) Urgency(u cases.Urgency) string { return v.names().T("urgency." + string(u)) }

// Role names a staff role.
func (v *View) Role(r string) string { return v.T("role." + r) }

// Department, Category, Community and Staff are the company's own names
// of its ids, as configured (the same in every language).
func (v *View) Department(id string) string {
	if d, ok := v.c.cfg.Department(id); ok {
		return d.Name
	}
	return id
}

func (v *View) Category(id string) string {
	if c, ok := v.c.cfg.Category(id); ok {
		return c.Name
	}
	return id
}

func (v *View) Community(id string) string {
	if c, ok := v.c.cfg.Community(id); ok {
		return c.Name
	}
	return id
}

func (v *View) Staff(id string) string {
	if s, ok := v.c.cfg.StaffByID(id); ok {
		return s.Staff.Name
	}
	return id
}

// Time is a moment in the company's time zone, to the minute.
func (v *View) Time(t time.Time) string {
	return t.In(v.c.svc.Calendar().Location()).Format("2006-01-02 15:04")
}

// When is a moment as short as it can be said now: the time of day
// today, month and day this year, else the whole date.
func (v *View) When(t time.Time) string {
	loc := v.c.svc.Calendar().Location()
	t, now := t.In(loc), v.c.now().In(loc)
	switch {
	case t.Year() == now.Year() && t.YearDay() == now.YearDay():
		return t.Format("15:04")
	case t.Year() == now.Year():
		return t.Format("01-02 15:04")
	}
	return t.Format("2006-01-02 15:04")
}

// Clock is a moment's time of day in the company's time zone.
func (v *View) Clock(t time.Time) string {
	return t.In(v.c.svc.Calendar().Location()).Format("15:04")
}

// render draws page in the layout, in the request's language, with data as
// the template's .Data.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) error {
	return c.execute(w, r, status, page, "layout", data)
}

// renderPart draws one named part of a page alone: a fragment a page
// refreshes by itself.
func (c *Console) renderPart(w http.ResponseWriter, r *http.Request, page, part string, data any) error {
	return c.execute(w, r, http.StatusOK, page, part, data)
}

func (c *Console) execute(w http.ResponseWriter, r *http.Request, status int, page, part string, data any) error {
	t, ok := c.pages[page]
	if !ok {
		return fmt.Errorf("desk: no page template %q", page)
	}
	st := state(r)
	v := &View{Lang: st.lang, Person: st.person, CSRF: c.csrfToken(r), Page: page, Data: data, URL: r.URL, c: c}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, part, v); err != nil {
		return fmt.Errorf("desk: page %s: %w", page, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", string(st.lang))
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// Asset is the path of an embedded file with its version, so a new build
// is fetched at once and an old one cached for good.
func (v *View) Asset(name string) string {
	return "/desk/static/" + name + "?v=" + v.c.static[name].Version
}

func (c *Console) serveStatic(w http.ResponseWriter, r *http.Request) {
	c.static.Serve(w, r, r.PathValue("name"))
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
