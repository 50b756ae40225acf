package console

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/report"
	"github.com/heedhq/heed/config"
)

// The register (登记簿): every case, filtered, searched, sorted, paged, and
// exported exactly as filtered.
const (
	perPage = 50
	// maxRows is how deep the register pages: 200 pages.
	maxRows = 10_000
	// maxCount is how far the register counts: past it the page says
	// "more than 1,000" (counting further costs a scan of everything a
	// broad filter lets through; the analysis has the exact figures).
	maxCount = 1_000
	// maxExport is the most cases one export holds.
	maxExport = 100_000
)

// statusGroups are the status filter's choices besides one status.
var statusGroups = map[string][]cases.Status{
	"open": openStatuses(),
	"done": {cases.StatusInvalid, cases.StatusClosed, cases.StatusArchived},
}

func openStatuses() []cases.Status {
	var out []cases.Status
	for _, s := range cases.Statuses {
		if s.Open() {
			out = append(out, s)
		}
	}
	return out
}

// registerFilter reads the register's filter from the query string: the
// same parameters drive the page, its links and its export.
func (c *Console) registerFilter(qs url.Values) (cases.RegisterFilter, error) {
	f := cases.RegisterFilter{
		Step: cases.Step(qs.Get("step")), Department: qs.Get("department"), Community: qs.Get("community"),
		Category: qs.Get("category"), Handler: qs.Get("handler"), Channel: cases.Channel(qs.Get("channel")),
		Urgency: cases.Urgency(qs.Get("urgency")), Search: qs.Get("q"), Sort: cases.RegisterSort(qs.Get("sort")),
		Major: qs.Get("major") != "", Repeat: qs.Get("repeat") != "", Collective: qs.Get("collective") != "",
		Overdue: qs.Get("overdue") != "",
	}
	if s := qs.Get("status"); s != "" {
		if g, ok := statusGroups[s]; ok {
			f.Statuses = g
		} else {
			f.Statuses = []cases.Status{cases.Status(s)}
		}
	}
	if f.Channel != "" && !knownChannel(f.Channel) {
		return f, &cases.Error{Code: cases.CodeInvalid, Field: "channel", Message: fmt.Sprintf("unknown channel %q", f.Channel)}
	}
	loc := c.svc.Calendar().Location()
	for _, d := range []struct {
		name string
		dst  **time.Time
		add  int
	}{{"from", &f.From, 0}, {"to", &f.To, 1}} {
		v := qs.Get(d.name)
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", v, loc)
		if err != nil {
			return f, &cases.Error{Code: cases.CodeInvalid, Field: d.name, Message: fmt.Sprintf("%s: want a date like 2026-11-18, not %q", d.name, v)}
		}
		t = t.AddDate(0, 0, d.add) // "to" is the last day received, included
		*d.dst = &t
	}
	return f, nil
}

func knownChannel(ch cases.Channel) bool {
	for _, c := range registerChannels {
		if c == ch {
			return true
		}
	}
	return false
}

// registerChannels are the channels complaints come from.
var registerChannels = []cases.Channel{cases.ChannelWeChat, cases.ChannelTelegram, cases.ChannelSlack, cases.ChannelWeb,
	cases.ChannelPhone, cases.ChannelWalkIn, cases.ChannelLetter, cases.ChannelEmail, cases.ChannelAPI}

// registerView is the register page's data.
type registerView struct {
	Q                 url.Values // the filter as given, for the form
	Rows              []registerRow
	Total             int
	Capped            bool
	PageNo, Pages     int
	Prev, Next        string
	ExportCSV, Export string
	Filtered          bool
	Options           registerOptions
}

// registerRow is one case as the register lists it.
type registerRow struct {
	*cases.Case
	Phone   string
	Excerpt string
	Next    *cases.DeadlineRecord
	Overdue bool
}

// registerOptions are the choices of the filter's lists.
type registerOptions struct {
	Statuses    []cases.Status
	Steps       []cases.Step
	Departments []config.Department
	Communities []config.Community
	Categories  []config.Category
	Channels    []cases.Channel
	Urgencies   []cases.Urgency
	Handlers    []handlerGroup
	Sorts       []cases.RegisterSort
}

type handlerGroup struct {
	Department string
	People     []config.Staff
}

func (c *Console) registerOptions() registerOptions {
	o := registerOptions{Statuses: cases.Statuses,
		Steps:       []cases.Step{cases.StepAcknowledge, cases.StepDispatch, cases.StepInvestigate, cases.StepMeasures, cases.StepReply},
		Departments: c.cfg.Departments, Communities: c.cfg.Communities, Categories: c.cfg.Categories,
		Channels:  registerChannels,
		Urgencies: []cases.Urgency{cases.UrgencyNormal, cases.UrgencyUrgent, cases.UrgencyEmergency},
		Sorts:     cases.RegisterSorts}
	for _, d := range c.cfg.Departments {
		g := handlerGroup{Department: d.ID}
		g.People = append(append(g.People, d.Managers...), d.Handlers...)
		o.Handlers = append(o.Handlers, g)
	}
	return o
}

// registerPage is GET /desk/register.
func (c *Console) registerPage(w http.ResponseWriter, r *http.Request) error {
	qs := r.URL.Query()
	f, err := c.registerFilter(qs)
	if err != nil {
		return err
	}
	pageNo := 1
	if v := qs.Get("page"); v != "" {
		if pageNo, err = strconv.Atoi(v); err != nil || pageNo < 1 || pageNo > maxRows/perPage {
			return &cases.Error{Code: cases.CodeInvalid, Field: "page", Message: fmt.Sprintf("page: 1 to %d", maxRows/perPage)}
		}
	}
	page, err := c.svc.ListRegister(r.Context(), f, (pageNo-1)*perPage, perPage, maxCount)
	if err != nil {
		return err
	}
	p := PersonOf(r)
	now := c.now()
	v := registerView{Q: qs, Total: page.Total, Capped: page.Capped, PageNo: pageNo, Options: c.registerOptions()}
	v.Pages = max((page.Total+perPage-1)/perPage, 1)
	if page.Capped {
		v.Pages = 0 // unknown: "page N", and a next page while pages are full
	}
	for i := range page.Cases {
		cs := &page.Cases[i]
		row := registerRow{Case: cs, Phone: p.Phone(cs), Excerpt: excerpt(cs.Content, 80)}
		if len(cs.Deadlines) > 0 {
			row.Next = &cs.Deadlines[0]
			row.Overdue = !row.Next.Due.After(now)
		}
		v.Rows = append(v.Rows, row)
	}
	link := func(page int) string {
		q := cloneValues(qs)
		q.Del("lang")
		q.Set("page", strconv.Itoa(page))
		return "/desk/register?" + q.Encode()
	}
	if pageNo > 1 {
		v.Prev = link(pageNo - 1)
	}
	if pageNo < v.Pages || (page.Capped && len(page.Cases) == perPage && pageNo < maxRows/perPage) {
		v.Next = link(pageNo + 1)
	}
	export := cloneValues(qs)
	export.Del("page")
	export.Del("lang")
	export.Set("format", "csv")
	v.ExportCSV = "/desk/register/export?" + export.Encode()
	export.Set("format", "xlsx")
	v.Export = "/desk/register/export?" + export.Encode()
	for k, vals := range qs {
		if k != "page" && k != "lang" && k != "sort" && len(vals) > 0 && vals[0] != "" {
			v.Filtered = true
		}
	}
	return c.render(w, r, http.StatusOK, "register", v)
}

// registerExport is GET /desk/register/export?format=csv|xlsx&<filter>:
// the register export (cases/report) of exactly the cases the filter
// shows, in its order, phones masked as the person sees them.
func (c *Console) registerExport(w http.ResponseWriter, r *http.Request) error {
	qs := r.URL.Query()
	f, err := c.registerFilter(qs)
	if err != nil {
		return err
	}
	format := qs.Get("format")
	if format != "csv" && format != "xlsx" {
		return &cases.Error{Code: cases.CodeInvalid, Field: "format", Message: "format: csv or xlsx"}
	}
	// Refuse an oversized export before the first byte is written.
	if page, err := c.svc.ListRegister(r.Context(), f, 0, 1, maxExport); err != nil {
		return err
	} else if page.Capped {
		return &cases.Error{Code: cases.CodeInvalid, Field: "period",
			Message: fmt.Sprintf("more than %d cases: choose a shorter period or more filters", maxExport)}
	}
	p := PersonOf(r)
	each := func(ctx context.Context, fn func(*cases.Case) error) error {
		return c.svc.EachRegisterCase(ctx, f, maxExport, func(cs *cases.Case) error {
			cs.ContactPhone = p.Phone(cs)
			return fn(cs)
		})
	}
	lang := report.Lang(state(r).lang)
	name := fmt.Sprintf("heed-register-%s.%s", c.now().In(c.svc.Calendar().Location()).Format("20060102-1504"), format)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		return report.WriteCSVOf(r.Context(), c.cfg, each, lang, w)
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	return report.WriteXLSXOf(r.Context(), c.cfg, each, lang, w)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// excerpt is the first n characters of text on one line.
func excerpt(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if r := []rune(text); len(r) > n {
		return string(r[:n]) + "…"
	}
	return text
}
