package notify

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// ErrNothingUncertain is returned by ResendUncertain when none of the rows
// is uncertain.
var ErrNothingUncertain = errors.New("no uncertain target")

// ResendUncertain queues again those of the rows ids whose send's outcome
// is unknown (rows sent once, Message.Once), and returns how many. Some of
// those chats may then see the message twice: it is a person's call.
func ResendUncertain(ctx context.Context, db *sqlx.DB, ids []int64, now time.Time) (int, error) {
	if err := loadQueries(); err != nil {
		return 0, err
	}
	var n int
	if err := db.GetContext(ctx, &n, q.ResendUncertain, pq.Array(ids), now); err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, ErrNothingUncertain
	}
	_, err := db.ExecContext(ctx, q.Wake)
	return n, err
}

// RowState is how the delivery of one outbox row stands.
type RowState struct {
	ID        int64      `db:"id"`
	State     string     `db:"state"` // pending | sending | sent | dead | uncertain
	Attempts  int        `db:"attempts"`
	LastError string     `db:"last_error"`
	SentAt    *time.Time `db:"sent_at"`
}

// States reports the rows ids by id; a row not found (pruned) is absent.
func States(ctx context.Context, db sqlx.QueryerContext, ids []int64) (map[int64]RowState, error) {
	if err := loadQueries(); err != nil {
		return nil, err
	}
	var rows []RowState
	if err := sqlx.SelectContext(ctx, db, &rows, q.RowStates, pq.Array(ids)); err != nil {
		return nil, err
	}
	out := make(map[int64]RowState, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

// PromptOf is the Payload.Prompt of the message a reply in chat answers: the
// message the platform gave messageID, or, while its send is not yet
// recorded, the one whose text is text. ok is false when there is none.
func PromptOf(ctx context.Context, db sqlx.QueryerContext, channel, chat, messageID, text string) (prompt string, ok bool, err error) {
	if err := loadQueries(); err != nil {
		return "", false, err
	}
	err = sqlx.GetContext(ctx, db, &prompt, q.PromptOf, channel, chat, messageID, text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return prompt, err == nil, err
}
