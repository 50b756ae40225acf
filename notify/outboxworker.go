package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/heedhq/heed/cases"
)

// DefaultTimeout bounds one platform call when Worker.Timeouts names none
// for its channel: a hung call holds one slot this long, no more.
const DefaultTimeout = 15 * time.Second

// Worker delivers the outbox. Each send is independent: a row is claimed in
// a committed transaction ('sending', with this worker's id), sent with no
// transaction or lock held, and its outcome recorded in another transaction,
// batched with the outcomes that arrived meanwhile. A slow or hung call
// occupies one of its platform's slots until its timeout; other chats and
// other platforms keep flowing, and a chat's next message waits only for
// that chat's previous one.
//
// An outcome the database cannot take (it is away) is kept in memory and
// recorded when it returns — the message is never sent again for it. A row
// left 'sending' by a worker that died mid-send is reclaimed as uncertain:
// a reply or notice to one chat is sent again (at least once), a bulletin or
// mass send is left 'uncertain' for a person to resend (ResendUncertain).
type Worker struct {
	DB          *sqlx.DB
	Senders     map[string]Sender // by channel
	Log         *slog.Logger
	MaxAttempts int           // default 8, then the row is dead
	Poll        time.Duration // default 1 s; NOTIFY wakes it sooner
	Now         func() time.Time
	Batch       int // rows one DeliverDue claims, default 20
	// Delivered, if set, is told about each delivered row (metrics, tests)
	// once its outcome is recorded.
	Delivered func(m Message, took time.Duration)
	Failed    func(m Message, err error, dead bool)
	// Limits per platform; nil means DefaultLimits. NoLimits switches them
	// off (benchmarks against a fake platform).
	Limits   map[string]Limit
	NoLimits bool
	// Timeouts bounds one call per platform (channel); DefaultTimeout else.
	Timeouts map[string]time.Duration
	// Slots is how many sends one platform may have out at once (default 8).
	Slots int
	// ShutdownWait bounds how long Run, once its context ends and the sends
	// out have returned, keeps trying to record outcomes (default 10 s).
	ShutdownWait time.Duration

	once     sync.Once
	lim      *limiter
	analyzed atomic.Int64 // unix seconds of the last ANALYZE outbox this worker ran
	id       int32        // this worker's claims; its advisory lock says it lives
	claimMu  sync.Mutex   // claim and reclaim see a consistent inflight set

	mu       sync.Mutex
	inflight map[int64]bool // claimed by this worker, outcome not yet recorded
	outcomes []outcome      // sends done, outcome not yet recorded
	busy     map[string]int // sends out per channel
	recWake  chan struct{}  // an outcome waits to be recorded
	kick     chan struct{}  // a slot is free or a chat's row was recorded
}

// outcome is a send's result waiting to be recorded.
type outcome struct {
	m    Message
	pid  string
	err  error
	took time.Duration
	card bool // a card was posted or edited: remember its message id
	// skipped: not tried, an earlier row of its chat failed; back to pending
	skipped bool
}

// maxRun is how many rows of one chat a claim takes at once, sent one after
// the other: an answered button (callback answer, the choice shown, the next
// question) costs one claim and one record, not three of each.
const maxRun = 8

// lockSpace is the first key of the workers' advisory locks.
const lockSpace = cases.LockOutboxWorker

// reclaimEvery is how often Run looks for rows of workers that died.
const reclaimEvery = 5 * time.Second

// heartbeat is how often a running worker checks its lock and says it lives;
// a worker not heard of for staleAfter, and without its lock, is dead.
const (
	heartbeat  = time.Second
	staleAfter = "3 seconds"
)

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
		w.id = rand.Int32N(math.MaxInt32-1) + 1
		w.inflight = map[int64]bool{}
		w.busy = map[string]int{}
		w.recWake = make(chan struct{}, 1)
		w.kick = make(chan struct{}, 1)
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
	if w.Slots == 0 {
		w.Slots = 8
	}
	if w.ShutdownWait == 0 {
		w.ShutdownWait = 10 * time.Second
	}
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// Unrecorded is how many sends have returned whose outcome waits for the
// database (it is away).
func (w *Worker) Unrecorded() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.outcomes)
}

// Run delivers until ctx ends. dsn, when set, is used to LISTEN for new rows.
// Once ctx ends no row is claimed; the sends out finish (each within its
// timeout) and their outcomes are recorded, for at most ShutdownWait.
func (w *Worker) Run(ctx context.Context, dsn string) {
	w.defaults()
	lk := &liveLock{db: w.DB, id: w.id, log: w.Log}
	defer lk.release()
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
						signal(wake)
					}
				}
			}()
		}
	}
	stopRec := make(chan struct{})
	recDone := make(chan struct{})
	go func() { w.recordLoop(stopRec); close(recDone) }()
	var sends sync.WaitGroup
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	var lastReclaim, lastBeat time.Time
	held := false
	for ctx.Err() == nil {
		// A worker claims only while it holds its lock and says it lives,
		// so that no other takes its sends for a dead worker's.
		if time.Since(lastBeat) >= heartbeat {
			lastBeat = time.Now()
			held = lk.ensure(ctx)
		}
		if held && time.Since(lastReclaim) >= reclaimEvery {
			lastReclaim = time.Now()
			if _, err := w.reclaim(ctx); err != nil && ctx.Err() == nil {
				w.Log.Error("outbox: reclaim", "err", err)
			}
		}
		more := false
		if free, total := w.freeSlots(); total > 0 && held {
			runs, _, full, err := w.claim(ctx, free, total)
			if err != nil && ctx.Err() == nil {
				w.Log.Error("outbox: claim", "err", err)
			}
			for _, run := range runs {
				w.start(ctx, &sends, run)
			}
			more = full && err == nil
		}
		if more {
			continue
		}
		select {
		case <-ctx.Done():
		case <-wake:
		case <-w.kick:
		case <-t.C:
		}
	}
	sends.Wait() // each send ends within its timeout
	deadline := time.Now().Add(w.ShutdownWait)
	for w.Unrecorded() > 0 && time.Now().Before(deadline) {
		signal(w.recWake)
		time.Sleep(50 * time.Millisecond)
	}
	close(stopRec)
	<-recDone
	if n := w.Unrecorded(); n > 0 {
		w.Log.Error("outbox: outcomes of sends could not be recorded before shutdown; they will show as uncertain", "count", n)
	}
}

// freeSlots says how many more sends each platform may start.
func (w *Worker) freeSlots() (map[string]int, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	free := map[string]int{}
	total := 0
	for ch := range w.Senders {
		if n := w.Slots - w.busy[ch]; n > 0 {
			free[ch] = n
			total += n
		}
	}
	return free, total
}

// start sends a run of one chat's rows in a goroutine of its own (one
// slot); the outcomes go to the recorder.
func (w *Worker) start(ctx context.Context, wg *sync.WaitGroup, run []Message) {
	ch := run[0].Channel
	w.mu.Lock()
	w.busy[ch]++
	w.mu.Unlock()
	wg.Add(1)
	go func() {
		defer wg.Done()
		outs := w.sendRun(ctx, run)
		w.mu.Lock()
		w.busy[ch]--
		w.outcomes = append(w.outcomes, outs...)
		w.mu.Unlock()
		signal(w.recWake)
		signal(w.kick)
	}()
}

// sendRun sends one chat's rows in order; after a failure, or once ctx
// ends (shutdown), the rest are not tried: they go back to pending.
func (w *Worker) sendRun(ctx context.Context, run []Message) []outcome {
	outs := make([]outcome, 0, len(run))
	for i, m := range run {
		if i > 0 && ctx.Err() != nil {
			for _, r := range run[i:] {
				outs = append(outs, outcome{m: r, skipped: true})
			}
			break
		}
		o := w.send(m)
		outs = append(outs, o)
		if o.err != nil {
			var perm *PermanentError
			gone := errors.As(o.err, &perm) && perm.Chat
			for _, r := range run[i+1:] {
				if gone { // blocked: the rest would only be refused too
					outs = append(outs, outcome{m: r, err: o.err})
					continue
				}
				outs = append(outs, outcome{m: r, skipped: true})
			}
			break
		}
	}
	return outs
}

// DeliverDue claims up to Batch due rows, sends them side by side, records
// their outcomes and returns how many rows it handled (sent, failed or put
// off by a rate limit). Run is the long-lived form; DeliverDue serves tests
// and one-shot tools. An outcome the database refuses is retried until it
// is recorded or ctx ends.
func (w *Worker) DeliverDue(ctx context.Context) (int, error) {
	w.defaults()
	if _, err := w.reclaim(ctx); err != nil {
		return 0, err
	}
	runs, handled, _, err := w.claim(ctx, nil, w.Batch)
	if err != nil {
		return 0, err
	}
	outs := make([][]outcome, len(runs))
	var wg sync.WaitGroup
	for i, run := range runs {
		wg.Go(func() { outs[i] = w.sendRun(ctx, run) })
	}
	wg.Wait()
	w.mu.Lock()
	for _, os := range outs {
		for _, o := range os {
			if !o.skipped {
				handled++
			}
		}
		w.outcomes = append(w.outcomes, os...)
	}
	w.mu.Unlock()
	return handled, w.flush(ctx)
}

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
	var rows []struct {
		Message
		// Once: a bulletin target or a mass send, never sent again by itself.
		Once bool `db:"once"`
	}
	err = tx.SelectContext(ctx, &rows, `
		SELECT id, channel, chat_id, kind, payload, case_serial, attempts,
		       kind = $4 OR EXISTS (SELECT 1 FROM bulletin_targets b WHERE b.outbox_id = o.id) AS once
		FROM outbox o
		WHERE state = 'pending' AND next_attempt_at <= $1 AND ($3::text[] IS NULL OR channel = ANY($3))
		  AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.state IN ('pending', 'sending') AND p.channel = o.channel
		                  AND p.chat_id = o.chat_id AND p.id < o.id)
		ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`, now, limit, channels, KindMassByTag)
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
	for _, r := range rows {
		m := r.Message
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
			once = once || r.Once
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
		if _, err := tx.ExecContext(ctx, `UPDATE outbox o SET next_attempt_at = v.at::timestamptz
			FROM unnest($1::bigint[], $2::text[]) v(id, at) WHERE o.id = v.id`, pq.Array(later), pq.Array(laterAt)); err != nil {
			return nil, 0, false, fmt.Errorf("claim: %w", err)
		}
	}
	if len(ids) > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'sending', claimed_by = $2, claimed_at = $3 WHERE id = ANY($1)`,
			pq.Array(ids), w.id, now); err != nil {
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
			if err := tx.GetContext(ctx, &id, `SELECT message_id FROM cards WHERE serial = $1 AND channel = $2 AND chat_id = $3 AND kind = $4`,
				m.Payload.Card.Serial, m.Channel, m.ChatID, m.Payload.Card.Kind); err == nil {
				m.Payload.MessageID = id
			}
		}
	}
	if !once {
		// Only a bulletin's or mass send's claim must reach the disk before
		// the send: if PostgreSQL itself crashed and lost it, the row would
		// be sent again, not shown as uncertain. Any other row would be sent
		// again after a crash anyway (at least once), so its claim does not
		// wait for an fsync — one less on the way from an owner's message to
		// heed's reply. Outcomes are always recorded durably.
		if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
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
		Once bool  `db:"once"`
	}
	err := tx.SelectContext(ctx, &rows, `
		SELECT o.id, o.channel, o.chat_id, o.kind, o.payload, o.case_serial, o.attempts, h.head, o.next_attempt_at <= $4 AS due,
		       o.kind = $5 OR EXISTS (SELECT 1 FROM bulletin_targets b WHERE b.outbox_id = o.id) AS once
		FROM unnest($1::text[], $2::text[], $3::bigint[]) h(channel, chat_id, head)
		CROSS JOIN LATERAL (SELECT * FROM outbox o WHERE o.state = 'pending' AND o.channel = h.channel
		                    AND o.chat_id = h.chat_id AND o.id > h.head ORDER BY o.id LIMIT $6 FOR UPDATE) o
		ORDER BY h.head, o.id`, pq.Array(chs), pq.Array(chats), pq.Array(hids), now, KindMassByTag, maxRun-1)
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
		f.once = f.once || r.Once
	}
	return runs, f, nil
}

// timeout is how long one call to channel may take.
func (w *Worker) timeout(channel string) time.Duration {
	if d := w.Timeouts[channel]; d > 0 {
		return d
	}
	if d := w.Timeouts[""]; d > 0 {
		return d
	}
	return DefaultTimeout
}

// send makes one platform call. It is never cancelled by shutdown (a send
// that went out is recorded), only by its platform's timeout.
func (w *Worker) send(m Message) outcome {
	ctx, cancel := context.WithTimeout(context.Background(), w.timeout(m.Channel))
	defer cancel()
	start := time.Now()
	pid, err := w.Senders[m.Channel].Send(ctx, m)
	return outcome{m: m, pid: pid, err: err, took: time.Since(start), card: m.Kind == KindCard && m.Payload.Card != nil}
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
	err = tx.SelectContext(ctx, &done, `
		UPDATE outbox o SET state = v.state, attempts = v.attempts, next_attempt_at = v.next::timestamptz, last_error = v.err,
		       platform_message_id = CASE WHEN v.state = 'sent' THEN v.pid ELSE o.platform_message_id END,
		       sent_at = CASE WHEN v.state = 'sent' THEN $7::timestamptz ELSE o.sent_at END, claimed_by = 0
		FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[]) v(id, state, attempts, next, err, pid)
		WHERE o.id = v.id AND ((o.state = 'sending' AND o.claimed_by = $8)
		      -- reclaimed meanwhile (this worker's lock was lost, or a crash of
		      -- PostgreSQL lost the claim) but not yet taken again: the outcome
		      -- is known after all
		      OR (o.state IN ('pending', 'uncertain') AND o.claimed_by = 0))
		RETURNING o.id`,
		pq.Array(ids), pq.Array(states), pq.Array(attempts), pq.Array(nexts), pq.Array(errs), pq.Array(pids), now, w.id)
	if err != nil {
		return fmt.Errorf("record outcomes: %w", err)
	}
	for _, o := range cards {
		c := o.m.Payload.Card
		if _, err := tx.ExecContext(ctx, `INSERT INTO cards (serial, channel, chat_id, kind, message_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (serial, channel, chat_id, kind) DO UPDATE SET message_id = EXCLUDED.message_id, updated_at = EXCLUDED.updated_at`,
			c.Serial, o.m.Channel, o.m.ChatID, c.Kind, o.pid, now); err != nil {
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

// reclaim finds rows left 'sending' with no outcome: this worker's that are
// not in flight (a claim whose commit seemed to fail, an outcome lost with a
// database crash) and those of workers whose advisory lock is gone (the
// process died mid-send). Nobody knows whether their send went out. A
// bulletin target or a mass send becomes 'uncertain' and waits for a person
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
	err := w.DB.SelectContext(ctx, &rows, `
		UPDATE outbox o SET
		       state = CASE WHEN o.kind = $5 OR EXISTS (SELECT 1 FROM bulletin_targets b WHERE b.outbox_id = o.id)
		                    THEN 'uncertain' ELSE 'pending' END,
		       uncertain = o.uncertain + 1, claimed_by = 0, next_attempt_at = $3,
		       last_error = 'outcome unknown: heed stopped during the send'
		WHERE o.state = 'sending' AND (
		      (o.claimed_by = $1 AND o.id <> ALL($2::bigint[]))
		   OR (o.claimed_by <> $1 AND pg_postmaster_start_time() < now() - interval '30 seconds'
		       AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted
		           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
		           AND l.classid = $4::int::oid AND l.objid = o.claimed_by::oid AND l.objsubid = 2)
		       AND NOT EXISTS (SELECT 1 FROM outbox_workers k WHERE k.id = o.claimed_by
		           AND k.seen_at > now() - interval '`+staleAfter+`')))
		RETURNING o.id, o.state, o.channel`, w.id, pq.Array(mine), w.Now(), lockSpace, KindMassByTag)
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
		w.Log.Warn("outbox: sends with no recorded outcome (heed stopped mid-send)", "sent_again", again, "uncertain_bulletin_targets", held)
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
	if err := c.QueryRowxContext(ctx, `SELECT pg_try_advisory_lock($1, $2)`, lockSpace, l.id).Scan(&ok); err != nil || !ok {
		c.Close()
		if err == nil {
			l.log.Error("outbox: another worker holds this worker's lock", "worker", strconv.Itoa(int(l.id)))
		}
		return false
	}
	// A heartbeat lost with a crash of PostgreSQL costs nothing.
	if _, err := c.ExecContext(ctx, `SET synchronous_commit = off`); err != nil {
		c.Close()
		return false
	}
	l.conn = c
	return l.beat(ctx) == nil
}

func (l *liveLock) beat(ctx context.Context) error {
	_, err := l.conn.ExecContext(ctx, `INSERT INTO outbox_workers (id, seen_at) VALUES ($1, now())
		ON CONFLICT (id) DO UPDATE SET seen_at = now()`, l.id)
	return err
}

func (l *liveLock) release() {
	if l.conn != nil {
		ctx := context.Background()
		l.conn.ExecContext(ctx, `DELETE FROM outbox_workers WHERE id = $1 OR seen_at < now() - interval '1 day'`, l.id) //nolint:errcheck
		l.conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1, $2)`, lockSpace, l.id)                                   //nolint:errcheck
		l.conn.Close()
	}
}

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

// ParseTimeouts reads HEED_SEND_TIMEOUT: one duration for every platform
// ("20s"), or per platform ("telegram=10s,wechat=30s"); the key "" holds a
// duration for all. Empty is no setting.
func ParseTimeouts(s string) (map[string]time.Duration, error) {
	out := map[string]time.Duration{}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, val, ok := strings.Cut(part, "=")
		if !ok {
			name, val = "", part
		}
		d, err := time.ParseDuration(strings.TrimSpace(val))
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("send timeout %q: want a duration like 15s", part)
		}
		out[strings.TrimSpace(name)] = d
	}
	return out, nil
}
