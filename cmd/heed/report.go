package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/caseapi"
	"github.com/heedhq/heed/cases/report"
	"github.com/heedhq/heed/config"
)

// reportFormats are what heed report and /api/v1/reports produce.
var reportFormats = map[string]string{
	"json": "application/json; charset=utf-8",
	"html": "text/html; charset=utf-8",
	"csv":  "text/csv; charset=utf-8",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// writeReport writes the analysis (json, html) or the register (csv, xlsx)
// of a period in lang; "" is the current quarter.
func writeReport(ctx context.Context, db *sqlx.DB, cfg *config.Config, period, format string, lang report.Lang, w io.Writer) error {
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
		a, err := report.Analyze(ctx, db, cfg, p, lang)
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

// reportHandler is GET /api/v1/reports/{kind}?period=2026-Q3&format=…&lang=…:
// kind "analysis" (json or html) or "register" (csv or xlsx); lang zh-CN
// (the default), zh-TW or en, else the Accept-Language header's choice.
func reportHandler(db *sqlx.DB, cfg *config.Config) caseapi.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
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
		w.Header().Set("Content-Type", reportFormats[format])
		w.Header().Set("Content-Language", string(lang))
		w.Header().Add("Vary", "Accept-Language")
		return writeReport(r.Context(), db, cfg, r.URL.Query().Get("period"), format, lang, w)
	}
}

// reportCmd is `heed report [--period P] [--format F] [--lang L] [--out FILE]`.
func reportCmd(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("heed report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "the company's configuration file (default: heed.yaml when present, else examples/heed.yaml in a checkout)")
	period := fs.String("period", "", "2026, 2026-Q3, 2026-H1, 2026-11 or 2026-01-01..2026-03-31 (default: this quarter)")
	format := fs.String("format", "json", "json or html (the analysis), csv or xlsx (the register)")
	langFlag := fs.String("lang", "zh-CN", "zh-CN, zh-TW or en: headings, headers and heed's names (the company's own names stay as configured)")
	out := fs.String("out", "", "write to this file instead of standard output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, ok := reportFormats[*format]; !ok {
		return errors.New("heed report: --format is json, html, csv or xlsx")
	}
	lang, err := report.ParseLang(*langFlag)
	if err != nil {
		return fmt.Errorf("heed report: --lang: %w", err)
	}
	cfg, err := configAt(*cfgPath, env, stderr)
	if err != nil {
		return err
	}
	db, err := open(ctx, cfg.DatabaseURL, cfg.Calendar.TimeZone)
	if err != nil {
		return err
	}
	defer db.Close()
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	return writeReport(ctx, db, cfg, *period, *format, lang, w)
}
