// Package notify delivers everything heed sends: owner answers, dispatch
// cards, reminders, revisit invitations, bulletins. Every message is a row of
// the outbox, inserted in the same transaction as the decision that caused
// it and delivered after commit by workers that take rows with SKIP LOCKED,
// so several heed serve share the work and a crash loses nothing. Delivery is
// at least once; platform ids stored per row keep retries from posting twice.
package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Kinds of outbox rows.
const (
	KindMessage        = "message"         // a text with optional choices
	KindAnswerCallback = "answer_callback" // Telegram: stop the button's spinner
	KindEditChoice     = "edit_choice"     // show the chosen answer under a question, remove its buttons
)

// Choice is a button offered with a message.
type Choice struct {
	Label string `json:"label"`
	Data  string `json:"data"`
}

// Payload is what a sender needs to deliver one row.
type Payload struct {
	Text    string   `json:"text,omitempty"`
	Choices []Choice `json:"choices,omitempty"`
	// For edits and callback answers: the platform's ids.
	MessageID  string `json:"message_id,omitempty"`
	CallbackID string `json:"callback_id,omitempty"`
	// Card, for KindCard rows. The worker fills MessageID with the id of the
	// card already posted in this chat, so the sender edits instead of posting.
	Card *Card `json:"card,omitempty"`
	// UserID is the one person a KindPrivate message is for.
	UserID string `json:"user_id,omitempty"`
	// ForceReply asks Telegram to open a reply to this message (a prompt
	// for the text an action needs).
	ForceReply bool `json:"force_reply,omitempty"`
	// Alert shows a callback answer as a dialog (a refusal).
	Alert bool `json:"alert,omitempty"`
	// Prompt is the act data (ActData) of the action a prompt asks the text
	// of: a reply to the sent message is that text.
	Prompt string `json:"prompt,omitempty"`
}

// Message is one outbox row.
type Message struct {
	ID         int64           `db:"id"`
	Channel    string          `db:"channel"`
	ChatID     string          `db:"chat_id"`
	Kind       string          `db:"kind"`
	RawPayload json.RawMessage `db:"payload"`
	Payload    Payload         `db:"-"`
	CaseSerial string          `db:"case_serial"`
	Attempts   int             `db:"attempts"`
}

// Enqueue adds messages to the outbox inside the caller's transaction; they
// are sent only if it commits.
func Enqueue(ctx context.Context, tx *sqlx.Tx, now time.Time, msgs ...Message) error {
	if len(msgs) == 0 {
		return nil
	}
	// One statement inserts every row and wakes the workers.
	var b strings.Builder
	args := []any{now}
	b.WriteString(`WITH rows AS (INSERT INTO outbox (channel, chat_id, kind, payload, case_serial, next_attempt_at, created_at) VALUES `)
	for i, m := range msgs {
		if m.Kind == "" {
			m.Kind = KindMessage
		}
		p, err := json.Marshal(m.Payload)
		if err != nil {
			return err
		}
		if i > 0 {
			b.WriteString(", ")
		}
		args = append(args, m.Channel, m.ChatID, m.Kind, string(p), m.CaseSerial)
		n := len(args)
		fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, $%d, $1, $1)", n-4, n-3, n-2, n-1, n)
	}
	b.WriteString(` RETURNING 1) SELECT pg_notify('heed_outbox', '') FROM (SELECT count(*) FROM rows) c`)
	if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	return nil
}

// Sender delivers one message on one platform and returns the platform's id
// of what it posted.
type Sender interface {
	Send(ctx context.Context, m Message) (platformID string, err error)
}

// RetryAfterError is a platform's "too many requests, wait this long".
type RetryAfterError struct {
	Wait time.Duration
	Err  error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("rate limited, retry after %s: %v", e.Wait, e.Err)
}
func (e *RetryAfterError) Unwrap() error { return e.Err }

// PermanentError is a failure that retrying cannot fix (chat not found, bot
// blocked by the user): the row goes to the dead letters at once.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Worker delivers the outbox.
type Worker struct {
	DB          *sqlx.DB
	Senders     map[string]Sender // by channel
	Log         *slog.Logger
	MaxAttempts int           // default 8, then the row is dead
	Poll        time.Duration // default 1 s; NOTIFY wakes it sooner
	Now         func() time.Time
	Batch       int // rows per DeliverDue, default 20
	// Delivered, if set, is told about each delivered row (metrics, tests).
	Delivered func(m Message, took time.Duration)
	Failed    func(m Message, err error, dead bool)
	// Limits per platform; nil means DefaultLimits. NoLimits switches them
	// off (benchmarks against a fake platform).
	Limits   map[string]Limit
	NoLimits bool

	once     sync.Once
	lim      *limiter
	analyzed atomic.Int64 // unix seconds of the last ANALYZE outbox this worker ran
}

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
	if _, err := w.DB.ExecContext(ctx, `ANALYZE outbox`); err != nil {
		w.Log.Warn("outbox: ANALYZE after a slow claim failed (is heed's role the table's owner?)", "took", took, "err", err)
		return
	}
	w.Log.Info("outbox: statistics refreshed after a slow claim", "took", took)
}

func (w *Worker) defaults() {
	w.once.Do(func() {
		switch {
		case w.NoLimits:
		case w.Limits != nil:
			w.lim = newLimiter(w.Limits)
		default:
			w.lim = newLimiter(DefaultLimits)
		}
	})
	if w.MaxAttempts == 0 {
		w.MaxAttempts = 8
	}
	if w.Poll == 0 {
		w.Poll = time.Second
	}
	if w.Now == nil {
		w.Now = time.Now
	}
	if w.Batch == 0 {
		w.Batch = 20
	}
}

// Run delivers until ctx ends. dsn, when set, is used to LISTEN for new rows.
func (w *Worker) Run(ctx context.Context, dsn string) {
	w.defaults()
	wake := make(chan struct{}, 1)
	if dsn != "" {
		l := pq.NewListener(dsn, 100*time.Millisecond, 10*time.Second, nil)
		if err := l.Listen("heed_outbox"); err == nil {
			defer l.Close()
			go func() {
				for {
					select {
					case <-ctx.Done():
						return
					case <-l.Notify:
						select {
						case wake <- struct{}{}:
						default:
						}
					}
				}
			}()
		}
	}
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	for {
		for {
			n, err := w.DeliverDue(ctx)
			if err != nil && ctx.Err() == nil {
				w.Log.Error("outbox", "err", err)
			}
			if n == 0 || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-t.C:
		}
	}
}

// inFlight is how many rows a worker sends side by side. Each holds a
// database connection while its send is out (the pool keeps 32).
const inFlight = 8

// DeliverDue delivers up to Batch due rows and returns how many it handled.
// Each row is claimed, sent and recorded in a transaction of its own (SKIP
// LOCKED: rows another worker holds are left to it), several side by side,
// so a row's outcome is committed the moment its send returns: a crash
// repeats at most the sends in flight at that instant, never a finished one,
// and the rows it held are free again as soon as its connections drop.
func (w *Worker) DeliverDue(ctx context.Context) (int, error) {
	w.defaults()
	var (
		claims, handled atomic.Int64
		wg              sync.WaitGroup
		mu              sync.Mutex
		first           error
	)
	for range min(w.Batch, inFlight) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Once ctx ends (shutdown) no new row is claimed; sends already
			// out finish and are recorded.
			for ctx.Err() == nil && claims.Add(1) <= int64(w.Batch) {
				ok, err := w.deliverOne(context.WithoutCancel(ctx))
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
				if !ok {
					return
				}
				handled.Add(1)
			}
		}()
	}
	wg.Wait()
	return int(handled.Load()), first
}

// deliverOne claims the oldest due row, sends it and records the outcome;
// false when no row is due. ctx carries no cancellation: a send that went
// out is recorded even while heed shuts down, or it would go out again.
func (w *Worker) deliverOne(ctx context.Context) (bool, error) {
	tx, err := w.DB.BeginTxx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback() //nolint:errcheck
	// A row's outcome need not wait for the disk: if PostgreSQL itself
	// crashed before writing it, the row would be sent again — the same
	// at-least-once as a send whose answer was lost. A crash of heed loses
	// nothing either way; one fsync per message would cap delivery at the
	// disk's pace.
	if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
		return false, err
	}
	var m Message
	claimStart := time.Now()
	// One row per chat at a time, oldest first, so a chat's messages arrive in order.
	err = tx.GetContext(ctx, &m, `
		SELECT id, channel, chat_id, kind, payload, case_serial, attempts FROM outbox o
		WHERE state = 'pending' AND next_attempt_at <= $1
		  AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.state = 'pending' AND p.channel = o.channel
		                  AND p.chat_id = o.chat_id AND p.id < o.id)
		ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`, w.Now())
	if took := time.Since(claimStart); took >= slowClaim {
		tx.Rollback() //nolint:errcheck // the row, if any, is claimed again with the new plan
		w.refreshStats(ctx, took)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return false, err
		}
		return err == nil, nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	s, ok := w.Senders[m.Channel]
	switch {
	case json.Unmarshal(m.RawPayload, &m.Payload) != nil:
		w.finish(ctx, tx, &m, "", &PermanentError{Err: fmt.Errorf("unreadable payload of outbox row %d", m.ID)})
		return true, tx.Commit()
	case !ok:
		w.finish(ctx, tx, &m, "", &PermanentError{Err: fmt.Errorf("no sender for channel %q", m.Channel)})
		return true, tx.Commit()
	}
	// A callback answer is not a message in the chat: no chat limit.
	if m.Kind != KindAnswerCallback {
		if wait := w.lim.reserve(m.Channel, m.ChatID, w.Now()); wait > 0 {
			// Too soon for this chat or platform: try again when it is allowed.
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = $2 WHERE id = $1`, m.ID, w.Now().Add(wait)); err != nil {
				return false, err
			}
			return true, tx.Commit()
		}
	}
	card := m.Kind == KindCard && m.Payload.Card != nil
	if card {
		// The card already posted in this chat is edited, never posted again.
		var id string
		if err := tx.GetContext(ctx, &id, `SELECT message_id FROM cards WHERE serial = $1 AND channel = $2 AND chat_id = $3 AND kind = $4`,
			m.Payload.Card.Serial, m.Channel, m.ChatID, m.Payload.Card.Kind); err == nil {
			m.Payload.MessageID = id
		}
	}
	start := time.Now()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	pid, serr := s.Send(sctx, m)
	cancel()
	took := time.Since(start)
	if serr == nil && card && pid != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO cards (serial, channel, chat_id, kind, message_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (serial, channel, chat_id, kind) DO UPDATE SET message_id = EXCLUDED.message_id, updated_at = EXCLUDED.updated_at`,
			m.Payload.Card.Serial, m.Channel, m.ChatID, m.Payload.Card.Kind, pid, w.Now()); err != nil {
			return false, err
		}
	}
	w.finish(ctx, tx, &m, pid, serr)
	if err := tx.Commit(); err != nil {
		return false, err
	}
	if serr == nil && w.Delivered != nil {
		w.Delivered(m, took)
	}
	return true, nil
}

func (w *Worker) finish(ctx context.Context, tx *sqlx.Tx, m *Message, pid string, err error) {
	now := w.Now()
	if err == nil {
		tx.ExecContext(ctx, `UPDATE outbox SET state = 'sent', sent_at = $2, attempts = attempts + 1, platform_message_id = $3, last_error = '' WHERE id = $1`, m.ID, now, pid) //nolint:errcheck
		return
	}
	attempts := m.Attempts + 1
	var ra *RetryAfterError
	var perm *PermanentError
	dead := errors.As(err, &perm) || attempts >= w.MaxAttempts
	next := now.Add(backoff(attempts))
	if errors.As(err, &ra) {
		next = now.Add(ra.Wait)
		dead = attempts >= w.MaxAttempts*2 // a rate limit is not the message's fault
	}
	state := "pending"
	if dead {
		state = "dead"
	}
	// Never the message body in logs: the error text of a platform names no content.
	w.Log.Warn("delivery failed", "outbox_id", m.ID, "channel", m.Channel, "attempt", attempts, "dead", dead, "err", err)
	tx.ExecContext(ctx, `UPDATE outbox SET state = $2, attempts = $3, next_attempt_at = $4, last_error = $5 WHERE id = $1`, //nolint:errcheck
		m.ID, state, attempts, next, truncate(err.Error(), 500))
	if w.Failed != nil {
		w.Failed(*m, err, dead)
	}
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
