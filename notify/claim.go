package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// maxRun is how many rows of one chat a claim takes at once, sent one after
// the other: an answered button (callback answer, the choice shown, the next
// question) costs one claim and one record, not three of each.
const maxRun = 8

// slowClaim is how long a claim may take before the worker suspects the
// planner's statistics. Almost every outbox row is sent, so autovacuum's
// last look may say "no row is pending"; a burst (a bulletin to thousands)
// then gets a plan that rescans every pending row for each one, and
// autovacuum, counting changes against the whole table, may not look again
// for a long time. One ANALYZE fixes the plan.
const slowClaim = 200 * time.Millisecond

// refreshStats runs ANALYZE outbox after a slow claim, at most once a minute.
func (w *Worker) refreshStats(ctx context.Context, took time.Duration) {
	now := time.Now().Unix()
	last := w.analyzed.Load()
	if took < slowClaim || now-last < 60 || !w.analyzed.CompareAndSwap(last, now) {
		return
	}
	if _, err := w.DB.ExecContext(ctx, q.Analyze); err != nil {
		w.Log.Warn("outbox: ANALYZE after a slow claim failed (is heed's role the table's owner?)", "took", took, "err", err)
		return
	}
	w.Log.Info("outbox: statistics refreshed after a slow claim", "took", took)
}

// claim takes up to limit due rows — the oldest of each chat with nothing
// older pending or being sent, so a chat's messages stay in order — for the
// channels in free (nil: all, no cap), and commits them as 'sending' by
// this worker. Rows a rate limit holds back get a later next_attempt_at;
// unreadable rows and rows of a channel with no sender are failed at once.
// Each chat's row comes with the due rows that follow it in that chat (up to
// maxRun, as far as the rate limit allows), to be sent in order in one slot.
// It returns those runs, how many other rows it handled, and whether it
// found as many rows as it asked for (more may be due).
func (w *Worker) claim(ctx context.Context, free map[string]int, limit int) (runs [][]Message, handled int, full bool, err error) {
	w.claimMu.Lock()
	defer w.claimMu.Unlock()
	tx, err := w.DB.BeginTxx(ctx, nil)
	if err != nil {
		return nil, 0, false, err
	}
	defer tx.Rollback() //nolint:errcheck
	var channels any
	if free != nil {
		var chs []string
		for ch := range free {
			chs = append(chs, ch)
		}
		channels = pq.Array(chs)
	}
	now := w.Now()
	start := time.Now()
	var rows []Message
	err = tx.SelectContext(ctx, &rows, q.Claim, now, limit, channels)
	if err != nil {
		return nil, 0, false, fmt.Errorf("claim: %w", err)
	}
	took := time.Since(start)
	full = len(rows) == limit
	var ids, later []int64
	var laterAt []string
	var failed []outcome
	var send []Message
	once := false
	for _, m := range rows {
		if free != nil && free[m.Channel] <= 0 {
			continue // its platform's slots are taken: it stays pending
		}
		_, ok := w.Senders[m.Channel]
		switch {
		case json.Unmarshal(m.RawPayload, &m.Payload) != nil:
			failed = append(failed, outcome{m: m, err: &PermanentError{Err: fmt.Errorf("unreadable payload of outbox row %d", m.ID)}})
		case !ok:
			failed = append(failed, outcome{m: m, err: &PermanentError{Err: fmt.Errorf("no sender for channel %q", m.Channel)}})
		default:
			// A callback answer is not a message in the chat: no chat limit.
			if m.Kind != KindAnswerCallback {
				if wait := w.lim.reserve(m.Channel, m.ChatID, now); wait > 0 {
					later = append(later, m.ID)
					laterAt = append(laterAt, now.Add(wait).Format(time.RFC3339Nano))
					continue
				}
			}
			if free != nil {
				free[m.Channel]--
			}
			send = append(send, m)
			ids = append(ids, m.ID)
			once = once || m.Once
			continue
		}
		ids = append(ids, m.ID)
	}
	runs, more, err := w.followers(ctx, tx, send, now)
	if err != nil {
		return nil, 0, false, err
	}
	ids = append(ids, more.ids...)
	once = once || more.once
	if len(later) > 0 {
		if _, err := tx.ExecContext(ctx, q.ClaimLater, pq.Array(later), pq.Array(laterAt)); err != nil {
			return nil, 0, false, fmt.Errorf("claim: %w", err)
		}
	}
	if len(ids) > 0 {
		if _, err := tx.ExecContext(ctx, q.ClaimMark, pq.Array(ids), w.id, now); err != nil {
			return nil, 0, false, fmt.Errorf("claim: %w", err)
		}
	}
	for _, run := range runs {
		for i := range run {
			m := &run[i]
			if m.Kind != KindCard || m.Payload.Card == nil {
				continue
			}
			// The card already posted in this chat is edited, never posted again.
			var id string
			if err := tx.GetContext(ctx, &id, q.CardMessage, m.Payload.Card.Serial, m.Channel, m.ChatID, m.Payload.Card.Kind); err == nil {
				m.Payload.MessageID = id
			}
		}
	}
	if !once {
		// Only the claim of a row sent once must reach the disk before
		// the send: if PostgreSQL itself crashed and lost it, the row would
		// be sent again, not shown as uncertain. Any other row would be sent
		// again after a crash anyway (at least once), so its claim does not
		// wait for an fsync — one less on the way from an owner's message to
		// heed's reply. Outcomes are always recorded durably.
		if _, err := tx.ExecContext(ctx, q.CommitAsync); err != nil {
			return nil, 0, false, fmt.Errorf("claim: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		// Perhaps committed after all: the rows, if 'sending', are this
		// worker's and not in flight, so the next reclaim finds them.
		return nil, 0, false, fmt.Errorf("claim: %w", err)
	}
	w.mu.Lock()
	for _, id := range ids {
		w.inflight[id] = true
	}
	w.outcomes = append(w.outcomes, failed...)
	w.mu.Unlock()
	if len(failed) > 0 {
		signal(w.recWake)
	}
	if took >= slowClaim {
		w.refreshStats(ctx, took)
	}
	return runs, len(later) + len(failed), full, nil
}

// followed is what followers adds to a claim.
type followed struct {
	ids  []int64
	once bool
}

// followers locks, for each chat's head row, the pending rows that follow
// it in that chat and may go now (due, readable, within the rate limit),
// stopping at the first that may not, and returns the runs: head first.
func (w *Worker) followers(ctx context.Context, tx *sqlx.Tx, heads []Message, now time.Time) ([][]Message, followed, error) {
	var f followed
	runs := make([][]Message, len(heads))
	at := map[int64]int{}
	chs, chats, hids := make([]string, len(heads)), make([]string, len(heads)), make([]int64, len(heads))
	for i, m := range heads {
		runs[i] = []Message{m}
		at[m.ID] = i
		chs[i], chats[i], hids[i] = m.Channel, m.ChatID, m.ID
	}
	if len(heads) == 0 {
		return runs, f, nil
	}
	var rows []struct {
		Message
		Head int64 `db:"head"`
		Due  bool  `db:"due"`
	}
	err := tx.SelectContext(ctx, &rows, q.ClaimFollowers, pq.Array(chs), pq.Array(chats), pq.Array(hids), now, maxRun-1)
	if err != nil {
		return nil, f, fmt.Errorf("claim: %w", err)
	}
	stopped := map[int64]bool{}
	for _, r := range rows {
		m := r.Message
		if stopped[r.Head] || !r.Due || json.Unmarshal(m.RawPayload, &m.Payload) != nil ||
			(m.Kind != KindAnswerCallback && w.lim.reserve(m.Channel, m.ChatID, now) > 0) {
			stopped[r.Head] = true // it, and all after it, wait for a claim of their own
			continue
		}
		i := at[r.Head]
		runs[i] = append(runs[i], m)
		f.ids = append(f.ids, m.ID)
		f.once = f.once || m.Once
	}
	return runs, f, nil
}
