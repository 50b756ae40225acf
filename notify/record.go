package notify

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/lib/pq"
)

// flush records every waiting outcome, retrying with backoff while the
// database refuses. Once ctx ends it keeps trying for ShutdownWait: a send
// that went out is recorded even while heed stops.
func (w *Worker) flush(ctx context.Context) error {
	var wait time.Duration
	var giveUp time.Time
	for {
		outs := w.takeOutcomes()
		if len(outs) == 0 {
			return nil
		}
		err := w.record(context.WithoutCancel(ctx), outs)
		if err == nil {
			wait = 0
			continue
		}
		w.putBack(outs)
		w.Log.Error("outbox: recording outcomes failed; kept until the database answers", "count", len(outs), "err", err)
		if ctx.Err() != nil {
			if giveUp.IsZero() {
				giveUp = time.Now().Add(w.ShutdownWait)
			} else if time.Now().After(giveUp) {
				return err
			}
		}
		wait = nextWait(wait)
		time.Sleep(wait)
	}
}

// recordLoop records outcomes as they arrive, until stop.
func (w *Worker) recordLoop(stop chan struct{}) {
	var wait time.Duration
	for {
		outs := w.takeOutcomes()
		if len(outs) == 0 {
			select {
			case <-w.recWake:
				continue
			case <-stop:
				return
			}
		}
		if err := w.record(context.Background(), outs); err != nil {
			w.putBack(outs)
			w.Log.Error("outbox: recording outcomes failed; kept until the database answers", "count", len(outs), "err", err)
			wait = nextWait(wait)
			select {
			case <-time.After(wait):
			case <-stop:
				return
			}
			continue
		}
		wait = 0
		signal(w.kick) // the chats' next rows may go
	}
}

// nextWait doubles a retry's wait from 100 ms up to 5 s.
func nextWait(d time.Duration) time.Duration {
	return min(max(2*d, 100*time.Millisecond), 5*time.Second)
}

// maxRecord is how many outcomes one record transaction takes.
const maxRecord = 500

func (w *Worker) takeOutcomes() []outcome {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := min(len(w.outcomes), maxRecord)
	outs := slices.Clone(w.outcomes[:n])
	w.outcomes = w.outcomes[n:]
	return outs
}

func (w *Worker) putBack(outs []outcome) {
	w.mu.Lock()
	w.outcomes = append(outs, w.outcomes...)
	w.mu.Unlock()
}

// record writes outcomes in one transaction; on success the rows leave
// this worker's care and the callbacks are told.
func (w *Worker) record(ctx context.Context, outs []outcome) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	now := w.Now()
	n := len(outs)
	ids, attempts := make([]int64, n), make([]int64, n)
	states, nexts, errs, pids := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	dead := make([]bool, n)
	var cards []outcome
	for i, o := range outs {
		ids[i], pids[i], attempts[i] = o.m.ID, o.pid, int64(o.m.Attempts+1)
		states[i], nexts[i] = "sent", now.Format(time.RFC3339Nano)
		if o.skipped {
			states[i], attempts[i] = "pending", int64(o.m.Attempts)
			continue
		}
		if o.err == nil {
			if o.card && o.pid != "" {
				cards = append(cards, o)
			}
			continue
		}
		var ra *RetryAfterError
		var perm *PermanentError
		dead[i] = errors.As(o.err, &perm) || o.m.Attempts+1 >= w.MaxAttempts
		next := now.Add(backoff(o.m.Attempts + 1))
		if errors.As(o.err, &ra) {
			next = now.Add(ra.Wait)
			dead[i] = o.m.Attempts+1 >= w.MaxAttempts*2 // a rate limit is not the message's fault
		}
		states[i], nexts[i], errs[i] = "pending", next.Format(time.RFC3339Nano), truncate(o.err.Error(), 500)
		if dead[i] {
			states[i] = "dead"
		}
	}
	tx, err := w.DB.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck
	var done []int64
	err = tx.SelectContext(ctx, &done, q.Record,
		pq.Array(ids), pq.Array(states), pq.Array(attempts), pq.Array(nexts), pq.Array(errs), pq.Array(pids), now, w.id)
	if err != nil {
		return fmt.Errorf("record outcomes: %w", err)
	}
	for _, o := range cards {
		c := o.m.Payload.Card
		if _, err := tx.ExecContext(ctx, q.RecordCard, c.Serial, o.m.Channel, o.m.ChatID, c.Kind, o.pid, now); err != nil {
			return fmt.Errorf("record card: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record outcomes: %w", err)
	}
	if len(done) < n {
		w.Log.Warn("outbox: outcomes arrived for rows reclaimed meanwhile", "count", n-len(done))
	}
	w.mu.Lock()
	for _, o := range outs {
		delete(w.inflight, o.m.ID)
	}
	w.mu.Unlock()
	for i, o := range outs {
		if o.skipped {
			continue
		}
		if o.err == nil {
			if w.Delivered != nil {
				w.Delivered(o.m, o.took)
			}
			continue
		}
		// Never the message body in logs: the error text of a platform names no content.
		w.Log.Warn("delivery failed", "outbox_id", o.m.ID, "channel", o.m.Channel, "attempt", attempts[i], "dead", dead[i], "err", o.err)
		if w.Failed != nil {
			w.Failed(o.m, o.err, dead[i])
		}
	}
	return nil
}

// backoff grows exponentially from 1 s to 10 min, with jitter.
func backoff(attempt int) time.Duration {
	d := time.Second << min(attempt-1, 10)
	if d > 10*time.Minute {
		d = 10 * time.Minute
	}
	return d/2 + rand.N(d/2+1)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
