package notify

import (
	"context"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// DeadLetter is an outbox row that will not be retried by itself.
type DeadLetter struct {
	ID         int64     `db:"id" json:"id"`
	Channel    string    `db:"channel" json:"channel"`
	ChatID     string    `db:"chat_id" json:"chat_id"`
	Kind       string    `db:"kind" json:"kind"`
	CaseSerial string    `db:"case_serial" json:"case_serial,omitempty"`
	Attempts   int       `db:"attempts" json:"attempts"`
	LastError  string    `db:"last_error" json:"last_error"`
	CreatedAt  time.Time `db:"created_at" json:"created_at"`
}

// DeadLetters lists the newest undeliverable messages (no bodies: they may
// hold an owner's words).
func DeadLetters(ctx context.Context, db *sqlx.DB, limit int) ([]DeadLetter, error) {
	if err := loadQueries(); err != nil {
		return nil, err
	}
	out := []DeadLetter{}
	err := db.SelectContext(ctx, &out, q.DeadLetters, limit)
	return out, err
}

// ErrNotDead is returned by Retry for a row that is not a dead letter.
var ErrNotDead = errors.New("no such dead letter")

// Retry puts a dead letter back in the queue with a fresh count of tries.
func Retry(ctx context.Context, db *sqlx.DB, id int64, now time.Time) error {
	if err := loadQueries(); err != nil {
		return err
	}
	r, err := db.ExecContext(ctx, q.RetryDead, id, now)
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return ErrNotDead
	}
	_, err = db.ExecContext(ctx, q.Wake)
	return err
}

// GiveUp makes what still waits to go to chats of channel a dead letter
// saying why (the person blocked heed), inside the caller's transaction.
func GiveUp(ctx context.Context, tx *sqlx.Tx, channel string, chats []string, why string) error {
	if err := loadQueries(); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, q.GiveUp, channel, pq.Array(chats), why)
	return err
}
