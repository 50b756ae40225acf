package notify

import (
	"context"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
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
	out := []DeadLetter{}
	err := db.SelectContext(ctx, &out, `SELECT id, channel, chat_id, kind, case_serial, attempts, last_error, created_at
		FROM outbox WHERE state = 'dead' ORDER BY id DESC LIMIT $1`, limit)
	return out, err
}

// ErrNotDead is returned by Retry for a row that is not a dead letter.
var ErrNotDead = errors.New("no such dead letter")

// Retry puts a dead letter back in the queue with a fresh count of tries.
func Retry(ctx context.Context, db *sqlx.DB, id int64, now time.Time) error {
	r, err := db.ExecContext(ctx, `UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $2, last_error = ''
		WHERE id = $1 AND state = 'dead'`, id, now)
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return ErrNotDead
	}
	_, err = db.ExecContext(ctx, `SELECT pg_notify('heed_outbox', '')`)
	return err
}
