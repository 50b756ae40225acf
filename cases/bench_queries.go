package cases

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// What the benchmark programs (bench/) seed and count, so that they name
// no table of this package themselves. Their statements are the
// "-- benchmarks" block of queries.sql.

var benchQ struct {
	SeedRegister          string `sql:"seed-register"`
	SeedRegisterDeadlines string `sql:"seed-register-deadlines"`
	CountReceived         string `sql:"count-received"`
	ChannelCases          string `sql:"channel-cases"`
}

func init() { querySets = append(querySets, &benchQ) }

// SeedRegister fills db with n cases received step apart from start, of
// every status, channel and category, with five deadlines each (one in
// five never met): the register of a company of many years, for
// benchmarks. It does not ANALYZE.
func SeedRegister(ctx context.Context, db sqlx.ExecerContext, start time.Time, step time.Duration, n int) error {
	if err := loadQueries(); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, benchQ.SeedRegister, start, step.Microseconds(), n); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, benchQ.SeedRegisterDeadlines)
	return err
}

// CountReceived counts the cases received in [from, to).
func CountReceived(ctx context.Context, db sqlx.QueryerContext, from, to time.Time) (int, error) {
	if err := loadQueries(); err != nil {
		return 0, err
	}
	var n int
	err := sqlx.GetContext(ctx, db, &n, benchQ.CountReceived, from, to)
	return n, err
}

// ChannelCases counts the cases of a channel, and among them those of an
// owner who had one already (a message handled twice would make one).
func ChannelCases(ctx context.Context, db sqlx.QueryerContext, channel string) (total, twice int, err error) {
	if err := loadQueries(); err != nil {
		return 0, 0, err
	}
	err = db.QueryRowxContext(ctx, benchQ.ChannelCases, channel).Scan(&total, &twice)
	return total, twice, err
}
