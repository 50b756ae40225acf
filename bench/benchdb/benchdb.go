// Package benchdb is what the benchmark programs share: the PostgreSQL they
// run on (scripts/bench provides TEST_DATABASE_URL), a fresh database per
// run, and failing loudly.
package benchdb

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the PostgreSQL driver

	"github.com/heedhq/heed/cases"
)

// Server is the URL of the server to benchmark on.
func Server() string {
	s := os.Getenv("TEST_DATABASE_URL")
	if s == "" {
		Fail("TEST_DATABASE_URL is not set: run scripts/bench")
	}
	return s
}

// Named is the URL of database name on server.
func Named(server, name string) string {
	u, err := url.Parse(server)
	Must(err)
	u.Path = "/" + name
	return u.String()
}

// Fresh makes an empty database named prefix_<time> and returns its URL.
func Fresh(server, prefix string) string {
	admin, err := sql.Open("postgres", server)
	Must(err)
	defer admin.Close()
	name := fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano())
	_, err = admin.Exec("CREATE DATABASE " + name)
	Must(err)
	return Named(server, name)
}

// Must stops the benchmark on an error.
func Must(err error) {
	if err != nil {
		Fail(err.Error())
	}
}

// Fail stops the benchmark with a message.
func Fail(msg string) {
	fmt.Fprintln(os.Stderr, "bench:", msg)
	os.Exit(1)
}

// SeedReport fills db with n cases received step apart from 2023-01-01
// in loc, with five deadlines each (one in five never met), then ANALYZEs:
// the register of a company of many years, for the reports' and the desk's
// benchmarks.
func SeedReport(ctx context.Context, db *sqlx.DB, loc *time.Location, step time.Duration, n int) {
	Must(cases.SeedRegister(ctx, db, time.Date(2023, 1, 1, 0, 0, 0, 0, loc), step, n))
	_, err := db.ExecContext(ctx, `ANALYZE`)
	Must(err)
}
