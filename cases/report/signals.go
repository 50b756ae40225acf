package report

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/config"
)

// OwnerMessages counts what owners wrote in the period that was no
// complaint (Facts.OwnerMessages): praise and suggestions are counted as such,
// never among the complaints.
type OwnerMessages struct {
	Praise      int `json:"praise"`
	Suggestions int `json:"suggestions"`
	Inquiries   int `json:"inquiries"`
}

// signals is a case's signals of a major complaint as the register names
// them.
func (l Lang) signals(ss []string) string {
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = l.name("signal", s)
	}
	return strings.Join(names, l.T("list"))
}

// signalCounts counts the cases of the period with each signal of a major
// complaint, every signal heed knows listed in its order.
func signalCounts(ctx context.Context, tx *sqlx.Tx, p Period, lang Lang) ([]Count, error) {
	var rows []Count
	if err := tx.SelectContext(ctx, &rows, q.SignalCounts, p.From, p.To); err != nil {
		return nil, fmt.Errorf("report: signals: %w", err)
	}
	out := make([]Count, len(config.Signals))
	for i, s := range config.Signals {
		out[i] = Count{Key: s, Name: lang.name("signal", s)}
		for _, r := range rows {
			if r.Key == s {
				out[i].Count = r.Count
			}
		}
	}
	return out, nil
}

// ownerMessages counts the praise, suggestions and questions of the period.
func ownerMessages(ctx context.Context, tx *sqlx.Tx, facts Facts, p Period) (OwnerMessages, error) {
	var m OwnerMessages
	var err error
	if m.Praise, m.Suggestions, m.Inquiries, err = facts.OwnerMessages(ctx, tx, p.From, p.To); err != nil {
		return m, fmt.Errorf("report: owner messages: %w", err)
	}
	return m, nil
}
