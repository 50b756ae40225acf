package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/heedhq/heed/bots/api"
	"github.com/heedhq/heed/cases/report"
)

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
	if _, ok := api.ReportFormats[*format]; !ok {
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
	return api.WriteReport(ctx, db, cfg, *period, *format, lang, w)
}
