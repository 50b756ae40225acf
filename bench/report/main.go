// Command report measures the reports on a large register: it seeds
// -cases cases (default 1,000,000, spread over 2023–2026) with five
// deadlines each into a fresh database, then times the quarterly analysis
// (JSON) and the XLSX register of 100,000 rows. `scripts/bench report` runs it.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/bench/benchdb"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/report"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
)

func main() {
	n := flag.Int("cases", 1_000_000, "cases to seed")
	rows := flag.Int("register-rows", 100_000, "rows of the timed XLSX register")
	cfgPath := flag.String("config", "examples/heed.yaml", "company configuration")
	reuse := flag.String("db", "", "time the reports on this already seeded database instead of seeding a new one")
	flag.Parse()
	server := benchdb.Server()
	ctx := context.Background()
	var dsn string
	if *reuse != "" {
		dsn = benchdb.Named(server, *reuse)
	} else {
		dsn = benchdb.Fresh(server, "heed_bench_report")
	}
	db, err := cases.Open(dsn)
	must(err)
	must(cases.Migrate(ctx, db.DB, slog.New(slog.NewTextHandler(io.Discard, nil))))
	cfg, err := config.Load(*cfgPath, nil)
	must(err)
	loc, _ := cfg.Calendar.Location()

	start := time.Now()
	span := time.Date(2027, 1, 1, 0, 0, 0, 0, loc).Sub(time.Date(2023, 1, 1, 0, 0, 0, 0, loc))
	step := span / time.Duration(*n)
	if *reuse == "" {
		benchdb.SeedReport(ctx, db, loc, step, *n)
		fmt.Printf("seeded %d cases and %d deadlines in %s\n", *n, *n*5, time.Since(start).Round(time.Second))
	}
	timeReports(ctx, db, cfg, loc, step, *n, *rows)
}

func timeReports(ctx context.Context, db *sqlx.DB, cfg *config.Config, loc *time.Location, step time.Duration, n, rows int) {
	q, _ := report.ParsePeriod("2026-Q3", loc)
	var times []time.Duration
	var total int
	for range 5 {
		t0 := time.Now()
		a, err := report.Analyze(ctx, db, conversation.ReportFacts{}, cfg, q, report.ZhCN)
		must(err)
		must(json.NewEncoder(io.Discard).Encode(a))
		times = append(times, time.Since(t0))
		total = a.Total
	}
	slices.Sort(times)
	fmt.Printf("quarterly analysis as JSON (2026-Q3, %d cases of %d): median %s, best %s\n", total, n, times[2].Round(time.Millisecond), times[0].Round(time.Millisecond))

	// A period holding about -register-rows cases.
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
	p := report.Period{From: from, To: from.Add(step * time.Duration(rows))}
	f, err := os.CreateTemp("", "heed-register-*.xlsx")
	must(err)
	defer os.Remove(f.Name())
	t0 := time.Now()
	must(report.WriteXLSX(ctx, db, cfg, p, report.ZhCN, f))
	took := time.Since(t0)
	st, _ := f.Stat()
	f.Close()
	inPeriod, err := cases.CountReceived(ctx, db, p.From, p.To)
	must(err)
	fmt.Printf("XLSX register of %d rows: %s (%.1f MB)\n", inPeriod, took.Round(time.Millisecond), float64(st.Size())/1e6)
}

var must, fail = benchdb.Must, benchdb.Fail
