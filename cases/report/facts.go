package report

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// Facts is what the analysis needs of the conversation with owners, whose
// tables (revisits, owner_messages) are package conversation's: callers
// pass conversation.ReportFacts. The report sits below the conversation
// engine and cannot import it, nor name its tables.
//
// Each method reads in the report's transaction (tx), so it sees the same
// snapshot as every other figure, and in one statement whatever the number
// of cases: a quarter of a million-case register is one query per fact.
type Facts interface {
	// AnsweredRevisits is the serials of the cases whose revisit the owner
	// answered at or after since. An answer never comes before its case was
	// received, so the period's start bounds the answers of its cases.
	AnsweredRevisits(ctx context.Context, tx sqlx.QueryerContext, since time.Time) ([]string, error)
	// OwnerMessages counts what owners wrote in [from, to) that was no
	// complaint: praise, suggestions and questions (咨询).
	OwnerMessages(ctx context.Context, tx sqlx.QueryerContext, from, to time.Time) (praise, suggestions, inquiries int, err error)
}
