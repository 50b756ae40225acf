package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// What the revisits driven by hand (the desk's /revisit, through the
// conversation engine) ask of the cases: the engine owns the revisits and
// joins them to these in Go. Their statements are the "-- revisits" block
// of queries.sql. db is the database or a transaction.

var revisitQ struct {
	RepliedSince     string `sql:"replied-since"`
	LockRepliedSince string `sql:"lock-replied-since"`
	CasesInStatus    string `sql:"cases-in-status"`
}

func init() { querySets = append(querySets, &revisitQ) }

// RepliedSince lists the serials of the cases in one of statuses whose
// answer to the owner went out at or after since, oldest case first.
func (s *Service) RepliedSince(ctx context.Context, db sqlx.QueryerContext, statuses []Status, since time.Time) ([]string, error) {
	var out []string
	if err := sqlx.SelectContext(ctx, db, &out, revisitQ.RepliedSince, statusNames(statuses), ActReply, since); err != nil {
		return nil, fmt.Errorf("replied cases: %w", err)
	}
	return out, nil
}

// LockRepliedSince takes at most limit of the given cases that are still
// as RepliedSince found them, locked for update in id order; a case another
// transaction holds is left to it (SKIP LOCKED).
func (s *Service) LockRepliedSince(ctx context.Context, tx *sqlx.Tx, serials []string, statuses []Status, since time.Time, limit int) ([]Case, error) {
	var out []Case
	if err := tx.SelectContext(ctx, &out, revisitQ.LockRepliedSince, statusNames(statuses), ActReply, since, pqArray(serials), limit); err != nil {
		return nil, fmt.Errorf("lock replied cases: %w", err)
	}
	return out, nil
}

// CasesInStatus reads the cases in one of statuses, in id order.
func (s *Service) CasesInStatus(ctx context.Context, db sqlx.QueryerContext, statuses []Status) ([]Case, error) {
	var out []Case
	if err := sqlx.SelectContext(ctx, db, &out, revisitQ.CasesInStatus, statusNames(statuses)); err != nil {
		return nil, fmt.Errorf("cases in status: %w", err)
	}
	return out, nil
}
