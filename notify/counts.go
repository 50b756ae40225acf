package notify

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// What /metrics and the benchmarks (bench/) count of the outbox, so that
// they name no table of this package themselves.

// OutboxCount is how many rows of one channel are in one state (pending,
// sending, sent, uncertain, dead).
type OutboxCount struct {
	Channel string `db:"channel"`
	State   string `db:"state"`
	Count   int    `db:"count"`
}

// OutboxCounts counts the outbox's rows by channel and state.
func OutboxCounts(ctx context.Context, db sqlx.QueryerContext) ([]OutboxCount, error) {
	if err := loadQueries(); err != nil {
		return nil, err
	}
	var out []OutboxCount
	err := sqlx.SelectContext(ctx, db, &out, q.OutboxCounts)
	return out, err
}

// ChatDelivery is what the outbox holds for one chat.
type ChatDelivery struct {
	ChatID    string  `db:"chat_id"`
	Queued    int     `db:"queued"`
	Sent      int     `db:"sent"`
	Uncertain int     `db:"uncertain"` // sends that may or may not have arrived
	Longest   float64 `db:"longest"`   // seconds the slowest row waited to be sent
}

// ChatDeliveries is the delivery of each chat of a channel: its rows of
// kind ("" any) queued in [from, to) (a zero time: unbounded).
func ChatDeliveries(ctx context.Context, db sqlx.QueryerContext, channel, kind string, from, to time.Time) ([]ChatDelivery, error) {
	if err := loadQueries(); err != nil {
		return nil, err
	}
	bound := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t
	}
	var out []ChatDelivery
	err := sqlx.SelectContext(ctx, db, &out, q.ChatDeliveries, channel, kind, bound(from), bound(to))
	return out, err
}

// SetAside marks a channel's pending rows sent without sending them: a
// benchmark's rows that are not part of its next run.
func SetAside(ctx context.Context, db sqlx.ExecerContext, channel string) error {
	if err := loadQueries(); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, q.SetAside, channel)
	return err
}
