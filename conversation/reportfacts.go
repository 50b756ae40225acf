package conversation

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// ReportFacts gives the report (cases/report, its Facts) what it counts of
// the conversation with owners, from the tables this package owns. It
// needs no engine: each method reads in the transaction the report passes.
type ReportFacts struct{}

// AnsweredRevisits is the serials of the cases whose revisit the owner
// answered at or after since.
func (ReportFacts) AnsweredRevisits(ctx context.Context, tx sqlx.QueryerContext, since time.Time) ([]string, error) {
	if err := loadQueries(); err != nil {
		return nil, err
	}
	var serials []string
	err := sqlx.SelectContext(ctx, tx, &serials, stmt.AnsweredRevisits, since)
	return serials, err
}

// OwnerMessages counts the praise, suggestions and questions (咨询) owners
// wrote in [from, to): what was no complaint.
func (ReportFacts) OwnerMessages(ctx context.Context, tx sqlx.QueryerContext, from, to time.Time) (praise, suggestions, inquiries int, err error) {
	if err := loadQueries(); err != nil {
		return 0, 0, 0, err
	}
	err = tx.QueryRowxContext(ctx, stmt.OwnerMessageCounts, from, to).Scan(&praise, &suggestions, &inquiries)
	return praise, suggestions, inquiries, err
}

// CountInbound counts the messages of a channel recorded (each once,
// whatever the platform's retries), of the given ids (nil: all): what the
// benchmarks (bench/) compare with what they sent.
func CountInbound(ctx context.Context, db sqlx.QueryerContext, channel string, ids []string) (int, error) {
	if err := loadQueries(); err != nil {
		return 0, err
	}
	var arg any
	if ids != nil {
		arg = pq.Array(ids)
	}
	var n int
	err := sqlx.GetContext(ctx, db, &n, stmt.CountInbound, channel, arg)
	return n, err
}
