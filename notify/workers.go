package notify

import (
	"context"
	"fmt"
	"github.com/heedhq/heed/cases/locks"
	"log/slog"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// lockSpace is the first key of the workers' advisory locks ("heed").
const lockSpace = locks.OutboxWorker

// heartbeat is how often a running worker checks its lock and says it lives;
// a worker not heard of for staleAfter, and without its lock, is dead.
const (
	heartbeat  = time.Second
	staleAfter = "3 seconds"
)

// reclaim finds rows left 'sending' with no outcome: this worker's that are
// not in flight (a claim whose commit seemed to fail, an outcome lost with a
// database crash) and those of workers whose advisory lock is gone (the
// process died mid-send). Nobody knows whether their send went out. A
// row to be sent once (Message.Once) becomes 'uncertain' and waits for a person
// (ResendUncertain); any other row is sent again. Right after PostgreSQL
// itself restarted every lock is gone, so others' rows wait 30 s for their
// workers to come back first; and a worker that lost its lock's connection
// but still writes its heartbeat (outbox_workers) keeps its rows.
func (w *Worker) reclaim(ctx context.Context) (int, error) {
	w.claimMu.Lock()
	defer w.claimMu.Unlock()
	w.mu.Lock()
	mine := make([]int64, 0, len(w.inflight))
	for id := range w.inflight {
		mine = append(mine, id)
	}
	w.mu.Unlock()
	var rows []struct {
		ID      int64  `db:"id"`
		State   string `db:"state"`
		Channel string `db:"channel"`
	}
	err := w.DB.SelectContext(ctx, &rows, q.Reclaim, w.id, pq.Array(mine), w.Now(), lockSpace, staleAfter)
	if err != nil {
		return 0, fmt.Errorf("reclaim: %w", err)
	}
	if len(rows) > 0 {
		again, held := 0, 0
		for _, r := range rows {
			if r.State == "pending" {
				again++
			} else {
				held++
			}
		}
		w.Log.Warn("outbox: sends with no recorded outcome (heed stopped mid-send)", "sent_again", again, "uncertain", held)
	}
	return len(rows), nil
}

// liveLock holds this worker's advisory lock on a connection of its own:
// while it is held, the worker's 'sending' rows are its own business.
type liveLock struct {
	db   *sqlx.DB
	id   int32
	log  *slog.Logger
	conn *sqlx.Conn
}

// ensure takes the lock if it is not held (again, after the database or the
// connection went away), writes the heartbeat, and says whether both hold.
func (l *liveLock) ensure(ctx context.Context) bool {
	if l.conn != nil && l.beat(ctx) == nil {
		return true
	}
	if l.conn != nil {
		l.conn.Close()
		l.conn = nil
	}
	c, err := l.db.Connx(ctx)
	if err != nil {
		return false
	}
	var ok bool
	if err := c.QueryRowxContext(ctx, q.WorkerLock, lockSpace, l.id).Scan(&ok); err != nil || !ok {
		c.Close()
		if err == nil {
			l.log.Error("outbox: another worker holds this worker's lock", "worker", strconv.Itoa(int(l.id)))
		}
		return false
	}
	// A heartbeat lost with a crash of PostgreSQL costs nothing.
	if _, err := c.ExecContext(ctx, q.SessionAsync); err != nil {
		c.Close()
		return false
	}
	l.conn = c
	return l.beat(ctx) == nil
}

func (l *liveLock) beat(ctx context.Context) error {
	_, err := l.conn.ExecContext(ctx, q.WorkerBeat, l.id)
	return err
}

func (l *liveLock) release() {
	if l.conn != nil {
		ctx := context.Background()
		l.conn.ExecContext(ctx, q.WorkerGone, l.id)              //nolint:errcheck
		l.conn.ExecContext(ctx, q.WorkerUnlock, lockSpace, l.id) //nolint:errcheck
		l.conn.Close()
	}
}
