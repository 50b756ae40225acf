package console

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/heedhq/heed/bots/api"
	"github.com/heedhq/heed/cases/report"
)

// Reports: the analysis of any period — the HTML `heed report` and
// /api/v1/reports/analysis write (api.WriteReport, cases/report) — and
// the register of the period to download, through the register's own
// export (its phones masked as the person may see them).

type reportsPage struct {
	Period  string // as asked, kept when it cannot be read
	From    string // the period's first and last day, for the date fields
	To      string
	Label   string // the period as cases/report names it
	Problem string
	// Analysis is the analysis's address; Register the register's view of
	// the period, CSV and XLSX its downloads.
	Analysis, Register, CSV, XLSX string
	Choices                       []periodChoice
}

type periodChoice struct{ Key, Period string }

// reportsPage is GET /desk/reports?period=2026-Q3 (or from= and to=,
// dates): the period chosen, its analysis and its register; by default the
// current quarter.
func (c *Console) reportsPage(w http.ResponseWriter, r *http.Request) error {
	if err := deskOnly(r, ruleReports); err != nil {
		return err
	}
	loc := c.svc.Calendar().Location()
	now := c.now().In(loc)
	qs := r.URL.Query()
	asked := strings.TrimSpace(qs.Get("period"))
	if from, to := strings.TrimSpace(qs.Get("from")), strings.TrimSpace(qs.Get("to")); asked == "" && from != "" && to != "" {
		asked = from + ".." + to
	}
	quarter := report.Quarter(now, loc)
	pg := reportsPage{Period: asked, Choices: []periodChoice{
		{"reports.this_quarter", quarter.String()}, {"reports.last_quarter", quarter.Previous().String()},
		{"reports.this_month", now.Format("2006-01")}, {"reports.last_month", now.AddDate(0, 0, 1-now.Day()).AddDate(0, -1, 0).Format("2006-01")},
		{"reports.this_year", now.Format("2006")}, {"reports.last_year", now.AddDate(-1, 0, 0).Format("2006")},
	}}
	p := quarter
	if asked != "" {
		var err error
		if p, err = report.ParsePeriod(asked, loc); err != nil {
			pg.Problem = err.Error()
			return c.render(w, r, http.StatusBadRequest, "reports", pg)
		}
	}
	last := p.To.AddDate(0, 0, -1)
	pg.Period, pg.Label = p.String(), p.String()
	pg.From, pg.To = p.From.Format(time.DateOnly), last.Format(time.DateOnly)
	pg.Analysis = "/desk/reports/analysis?" + url.Values{"period": {pg.Period}}.Encode()
	reg := url.Values{"from": {pg.From}, "to": {pg.To}}
	pg.Register = "/desk/register?" + reg.Encode()
	reg.Set("format", "csv")
	pg.CSV = "/desk/register/export?" + reg.Encode()
	reg.Set("format", "xlsx")
	pg.XLSX = "/desk/register/export?" + reg.Encode()
	return c.render(w, r, http.StatusOK, "reports", pg)
}

// analysisCSP lets the analysis, a document of its own with its styles
// inline and its charts as inline SVG, draw — and run nothing.
const analysisCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"

// analysisPage is GET /desk/reports/analysis?period=2026-Q3[&download=1]:
// the analysis as heed report --format html writes it, in the page's
// language.
func (c *Console) analysisPage(w http.ResponseWriter, r *http.Request) error {
	if err := deskOnly(r, ruleReports); err != nil {
		return err
	}
	qs := r.URL.Query()
	var buf bytes.Buffer
	if err := api.WriteReport(r.Context(), c.db, c.cfg, qs.Get("period"), "html", report.Lang(state(r).lang), &buf); err != nil {
		return err // a period it cannot read is a *cases.Error (400)
	}
	h := w.Header()
	h.Set("Content-Security-Policy", analysisCSP)
	h.Set("Content-Type", api.ReportFormats["html"])
	h.Set("Content-Language", string(state(r).lang))
	if qs.Has("download") {
		h.Set("Content-Disposition", `attachment; filename="heed-analysis.html"`)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
