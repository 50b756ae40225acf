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
	_, err := db.ExecContext(ctx, `
		INSERT INTO cases (serial, status, channel, owner_ref, customer_name, contact_phone, community, unit, content, category,
			urgency, received_at, recorded_by, validity, department, major, repeat, complainants, created_at, updated_at,
			verify_timeliness, verify_satisfaction, verify_attitude)
		SELECT 'B-' || g, (ARRAY['closed','closed','closed','replied','dispatched','invalid'])[1 + g % 6],
			(ARRAY['telegram','wechat','web','phone'])[1 + g % 4], 'bench:' || (g % 50000), '业主' || (g % 50000),
			'138' || lpad((g % 100000000)::text, 8, '0'), (ARRAY['xinghewan','cuihuyuan'])[1 + g % 2], (1 + g % 12) || '栋',
			'楼上漏水，天花板在滴水', (ARRAY['repair','repair','repair','noise','noise','fees','cleaning','parking','attitude','other'])[1 + g % 10],
			'normal', $1::timestamptz + (g * $2::bigint) * interval '1 microsecond', 'bench',
			CASE WHEN g % 6 = 5 THEN 'invalid' ELSE 'valid' END, 'engineering', g % 97 = 0, g % 53 = 0, 1 + (g % 211 = 0)::int * 11,
			now(), now(),
			CASE WHEN g % 6 < 3 THEN 1 + g % 5 END, CASE WHEN g % 6 < 3 THEN 1 + (g / 5) % 5 END, CASE WHEN g % 6 < 3 THEN 1 + (g / 25) % 5 END
		FROM generate_series(1, $3) g`, time.Date(2023, 1, 1, 0, 0, 0, 0, loc), step.Microseconds(), n)
	Must(err)
	_, err = db.ExecContext(ctx, `
		INSERT INTO case_deadlines (case_id, step, due_at, met_at, missed_at, created_at)
		SELECT c.id, s.step, c.received_at + s.d,
			CASE WHEN (c.id + s.i) % 5 = 0 THEN NULL ELSE c.received_at + s.d * ((c.id + s.i) % 7) / 5 END,
			CASE WHEN (c.id + s.i) % 5 = 0 THEN c.received_at + s.d END, c.received_at
		FROM cases c CROSS JOIN (VALUES ('receipt', interval '24 hours', 1), ('dispatch', interval '5 hours', 2),
			('investigate', interval '8 hours', 3), ('measures', interval '72 hours', 4), ('reply', interval '72 hours', 5)) AS s(step, d, i)`)
	Must(err)
	_, err = db.ExecContext(ctx, `ANALYZE`)
	Must(err)
}
