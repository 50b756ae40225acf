package console

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/heedhq/heed/bench/benchdb"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/notify/desk"
)

// BenchmarkRegisterFirstPage times the register's first page — 50 cases
// found, counted up to 1,000, their deadlines read, the page rendered —
// for a specialist, on 1,000,000 cases: the reports' seed
// (benchdb.SeedReport, cases over 2023–2026, five deadlines each).
//
//	go test -run '^$' -bench RegisterFirstPage -benchtime 20x ./bots/console
//
// Seeding takes minutes: HEED_BENCH_DB=name reuses a database seeded
// before (HEED_BENCH_KEEP=1 keeps the one this run seeds, and logs its
// name); HEED_BENCH_CASES changes the number.
func BenchmarkRegisterFirstPage(b *testing.B) {
	ctx := context.Background()
	c, mux, cookie := benchDesk(b)
	for _, bc := range []struct{ name, query string }{
		{"no filter", ""},
		{"open in one community and category", "status=open&community=cuihuyuan&category=noise"},
		{"a quarter of one category, oldest first", "from=2026-07-01&to=2026-09-30&category=fees&sort=received_asc"},
		{"major", "major=1"},
		{"major and repeat", "major=1&repeat=1"},
		{"overdue, open", "overdue=1&status=open"},
		{"step reply to meet, one channel", "step=reply&channel=phone"},
		{"department, latest change", "department=engineering&sort=updated_desc"},
		{"phone's last digits", "q=5678"},
		{"owner's name", "q=" + url.QueryEscape("业主4242")},
		{"serial", "q=B-777777"},
		{"a word of the content", "q=" + url.QueryEscape("天花板")},
		{"a word no case holds, 4 characters", "q=" + url.QueryEscape("电梯困人")},
		{"a word no case holds, 2 characters", "q=" + url.QueryEscape("电梯")},
		{"a surname no owner has", "q=" + url.QueryEscape("王")},
		{"a surname every owner has", "q=" + url.QueryEscape("业")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			qs, _ := url.ParseQuery(bc.query)
			f, err := c.registerFilter(qs)
			if err != nil {
				b.Fatal(err)
			}
			p, err := c.svc.ListRegister(ctx, f, 0, perPage, maxCount)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				req := httptest.NewRequest("GET", "/desk/register?"+bc.query, nil)
				req.AddCookie(cookie)
				rec := httptest.NewRecorder()
				mux.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", bc.query, rec.Code, rec.Body)
				}
			}
			b.ReportMetric(float64(p.Total), "found")
			b.ReportMetric(float64(len(p.Cases)), "shown")
		})
	}
}

// BenchmarkDeadlineBoard times the board, rendered, on the same register
// (the seed leaves a fifth of all deadlines unmet: a board of 300,000
// overdue deadlines, which no company has).
func BenchmarkDeadlineBoard(b *testing.B) {
	_, mux, cookie := benchDesk(b)
	for b.Loop() {
		req := httptest.NewRequest("GET", "/desk/board", nil)
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("board: %d", rec.Code)
		}
	}
}

// benchDSN is the database this run seeded; benchDrop removes it (TestMain).
var (
	benchDSN  string
	benchDrop = func() {}
)

// benchDesk is the desk on the seeded register, and a specialist's session.
func benchDesk(b *testing.B) (*Console, *http.ServeMux, *http.Cookie) {
	b.Helper()
	ctx := context.Background()
	server := casestest.ServerURL(b)
	cfg := casestest.Config(b)
	loc, _ := cfg.Calendar.Location()
	dsn := benchDSN
	switch name := os.Getenv("HEED_BENCH_DB"); {
	case name != "":
		dsn = benchdb.Named(server, name)
	case dsn == "":
		// Seeded once per run, for every benchmark of the run.
		dsn = benchdb.Fresh(server, "heed_bench_desk")
		benchDSN = dsn
		if os.Getenv("HEED_BENCH_KEEP") == "" {
			benchDrop = func() { dropDatabase(server, dsn) }
		}
	}
	db, err := cases.Open(cases.InTimeZone(dsn, cfg.Calendar.TimeZone))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := cases.Migrate(ctx, db.DB, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		b.Fatal(err)
	}
	var have int
	if err := db.Get(&have, `SELECT count(*) FROM cases`); err != nil {
		b.Fatal(err)
	}
	n := 1_000_000
	if v := os.Getenv("HEED_BENCH_CASES"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	if have == 0 {
		t0 := time.Now()
		span := time.Date(2027, 1, 1, 0, 0, 0, 0, loc).Sub(time.Date(2023, 1, 1, 0, 0, 0, 0, loc))
		benchdb.SeedReport(ctx, db, loc, span/time.Duration(n), n)
		// What autovacuum does soon after: the visibility map, which
		// index-only scans need, and the GIN indexes' pending lists.
		if _, err := db.ExecContext(ctx, `VACUUM ANALYZE cases, case_deadlines`); err != nil {
			b.Fatal(err)
		}
		b.Logf("seeded %d cases in %s into %s", n, time.Since(t0).Round(time.Second), dsn)
		have = n
	}
	// The first of December 2026: the seed's last month.
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, loc)
	svc, err := cases.NewService(db, cfg, func() time.Time { return now })
	if err != nil {
		b.Fatal(err)
	}
	d, err := desk.New(svc)
	if err != nil {
		b.Fatal(err)
	}
	c, err := New(ctx, svc, d, nil)
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	c.Register(mux)
	cookie := benchSession(b, c)
	b.Logf("%d cases in the register", have)
	return c, mux, cookie
}

// benchSession signs the specialist in without a link.
func benchSession(b *testing.B, c *Console) *http.Cookie {
	b.Helper()
	tx, err := c.db.Beginx()
	if err != nil {
		b.Fatal(err)
	}
	rec := httptest.NewRecorder()
	if err := c.startSession(rec, httptest.NewRequest("POST", "/desk/link/x", nil), tx, specialistID); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == sessionCookie {
			return ck
		}
	}
	b.Fatal("no session cookie")
	return nil
}

func dropDatabase(server, dsn string) {
	u, err := url.Parse(dsn)
	if err != nil {
		return
	}
	if admin, err := sql.Open("postgres", server); err == nil {
		admin.Exec(`DROP DATABASE IF EXISTS ` + u.Path[1:] + ` WITH (FORCE)`) //nolint:errcheck
		admin.Close()
	}
}
