package notify

import (
	"context"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
)

// ErrNothingUncertain is returned by ResendUncertain when a bulletin has no
// uncertain target.
var ErrNothingUncertain = errors.New("no uncertain target")

// ResendUncertain queues again the targets of bulletin id whose send's
// outcome is unknown, and returns how many. Some of those chats may then
// see the bulletin twice: it is a person's call.
func ResendUncertain(ctx context.Context, db *sqlx.DB, id int64, now time.Time) (int, error) {
	var n int
	err := db.GetContext(ctx, &n, `
		WITH u AS (UPDATE outbox o SET state = 'pending', attempts = 0, next_attempt_at = $2, last_error = ''
		           FROM bulletin_targets t WHERE t.bulletin_id = $1 AND o.id = t.outbox_id AND o.state = 'uncertain'
		           RETURNING 1)
		SELECT count(*) FROM u`, id, now)
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, ErrNothingUncertain
	}
	_, err = db.ExecContext(ctx, `SELECT pg_notify('heed_outbox', '')`)
	return n, err
}
