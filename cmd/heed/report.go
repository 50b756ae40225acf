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
// of a period; "" is the current quarter.
func writeReport(ctx context.Context, db *sqlx.DB, cfg *config.Config, period, format string, w io.Writer) error {
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
		a, err := report.Analyze(ctx, db, cfg, p)
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
		return report.WriteCSV(ctx, db, cfg, p, w)
	case "xlsx":
		return report.WriteXLSX(ctx, db, cfg, p, w)
	}
	return &cases.Error{Code: cases.CodeInvalid, Field: "format", Message: "format: use json, html, csv or xlsx"}
}

// reportHandler is GET /api/v1/reports/{kind}?period=2026-Q3&format=…:
// kind "analysis" (json or html) or "register" (csv or xlsx).
func reportHandler(db *sqlx.DB, cfg *config.Config) caseapi.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		format := r.URL.Query().Get("format")
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
		return writeReport(r.Context(), db, cfg, r.URL.Query().Get("period"), format, w)
	}
}

// reportCmd is `heed report [--period P] [--format F] [--out FILE]`.
func reportCmd(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("heed report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "the company's configuration file (default: heed.yaml when present)")
	period := fs.String("period", "", "2026, 2026-Q3, 2026-H1, 2026-11 or 2026-01-01..2026-03-31 (default: this quarter)")
	format := fs.String("format", "json", "json or html (the analysis), csv or xlsx (the register)")
	out := fs.String("out", "", "write to this file instead of standard output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, ok := reportFormats[*format]; !ok {
		return errors.New("heed report: --format is json, html, csv or xlsx")
	}
	if *cfgPath == "" {
		*cfgPath = "heed.yaml"
	}
	cfg, err := config.Load(*cfgPath, env)
	if err != nil {
		return err
	}
	db, err := open(ctx, cfg.DatabaseURL)
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
	return writeReport(ctx, db, cfg, *period, *format, w)
}
