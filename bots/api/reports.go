package api

// The analysis and the register, for GET /api/v1/reports/{kind} and for
// `heed report`, which writes them the same way.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/report"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
)

// ReportFormats are what heed report and /api/v1/reports produce, with
// their content types.
var ReportFormats = map[string]string{
	"json": "application/json; charset=utf-8",
	"html": "text/html; charset=utf-8",
	"csv":  "text/csv; charset=utf-8",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// WriteReport writes the analysis (json, html) or the register (csv, xlsx)
// of a period in lang; "" is the current quarter. A period or format it
// cannot read is a *cases.Error naming the field.
func WriteReport(ctx context.Context, db *sqlx.DB, cfg *config.Config, period, format string, lang report.Lang, w io.Writer) error {
	loc, err := cfg.Calendar.Location()
	if err != nil {
		return err
	}
	p := report.Quarter(time.Now().In(loc), loc)
	if period != "" {
		if p, err = report.ParsePeriod(period, loc); err != nil {
			return &cases.Error{Code: cases.CodeInvalid, Field: "period", Message: "period: " + err.Error()}
		}
	}
	switch format {
	case "", "json", "html":
		a, err := report.Analyze(ctx, db, conversation.ReportFacts{}, cfg, p, lang)
		if err != nil {
			return err
		}
		if format == "html" {
			return report.WriteHTML(a, w)
		}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(a)
	case "csv":
		return report.WriteCSV(ctx, db, cfg, p, lang, w)
	case "xlsx":
		return report.WriteXLSX(ctx, db, cfg, p, lang, w)
	}
	return &cases.Error{Code: cases.CodeInvalid, Field: "format", Message: "format: use json, html, csv or xlsx"}
}

// report is GET /api/v1/reports/{kind}?period=2026-Q3&format=…&lang=…:
// kind "analysis" (json or html) or "register" (csv or xlsx); lang zh-CN
// (the default), zh-TW or en, else the Accept-Language header's choice.
func (a *API) report(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	lang := report.AcceptLanguage(r.Header.Get("Accept-Language"))
	if q := r.URL.Query(); q.Has("lang") {
		l, err := report.ParseLang(q.Get("lang"))
		if err != nil {
			return &cases.Error{Code: cases.CodeInvalid, Field: "lang", Message: "lang: " + err.Error()}
		}
		lang = l
	}
	switch r.PathValue("kind") {
	case "analysis":
		if format == "" {
			format = "json"
		}
		if format != "json" && format != "html" {
			return &cases.Error{Code: cases.CodeInvalid, Field: "format", Message: "format: the analysis is json or html"}
		}
	case "register":
		if format == "" {
			format = "xlsx"
		}
		if format != "csv" && format != "xlsx" {
			return &cases.Error{Code: cases.CodeInvalid, Field: "format", Message: "format: the register is csv or xlsx"}
		}
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="heed-register.%s"`, format))
	default:
		return &cases.Error{Code: cases.CodeNotFound, Message: "reports are analysis and register"}
	}
	w.Header().Set("Content-Type", ReportFormats[format])
	w.Header().Set("Content-Language", string(lang))
	w.Header().Add("Vary", "Accept-Language")
	return WriteReport(r.Context(), a.svc.DB(), a.svc.Config(), r.URL.Query().Get("period"), format, lang, w)
}
