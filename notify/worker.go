package notify

import (
	"context"
	"log/slog"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
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
// a reply or notice to one chat is sent again (at least once), a row to be
// sent once (a bulletin's, a mass send) is left 'uncertain' for a person to
// resend (ResendUncertain).
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

// reclaimEvery is how often Run looks for rows of workers that died.
const reclaimEvery = 5 * time.Second

// NewWorker makes a worker delivering db's outbox through senders (by
// channel; more may be added before it runs). It fails when the package's
// statements do not load. The other fields keep their defaults unless set.
func NewWorker(db *sqlx.DB, senders map[string]Sender, log *slog.Logger) (*Worker, error) {
	if err := loadQueries(); err != nil {
		return nil, err
	}
	if senders == nil {
		senders = map[string]Sender{}
	}
	return &Worker{DB: db, Senders: senders, Log: log}, nil
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
	if err := loadQueries(); err != nil {
		w.Log.Error("outbox: not delivering", "err", err)
		return
	}
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

// DeliverDue claims up to Batch due rows, sends them side by side, records
// their outcomes and returns how many rows it handled (sent, failed or put
// off by a rate limit). Run is the long-lived form; DeliverDue serves tests
// and one-shot tools. An outcome the database refuses is retried until it
// is recorded or ctx ends.
func (w *Worker) DeliverDue(ctx context.Context) (int, error) {
	w.defaults()
	if err := loadQueries(); err != nil {
		return 0, err
	}
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
