package cases

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/lib/pq"
)

// FeedChannel is the PostgreSQL channel on which the database announces
// every committed change of a case: the serial, once per transaction that
// changed the case's row or recorded an event of it (migration 00170's
// triggers, in the transaction that made the change).
const FeedChannel = "heed_case"

// FeedAll is the announcement that many cases may have changed — a bulk
// statement, or announcements missed while the connection was away: a
// subscriber looks at everything again.
const FeedAll = "*"

// feedBuffer is how many announcements a subscriber may be behind before
// they give way to one FeedAll.
const feedBuffer = 64

// Feed is one heed process's ear on FeedChannel: a single LISTEN
// connection whose announcements fan out to every subscriber (each
// browser with a desk page open), so that a thousand open pages cost the
// database one connection, not a thousand. Run it once; subscribe any
// number of times.
type Feed struct {
	dsn string
	log *slog.Logger

	mu        sync.Mutex
	subs      map[chan string]struct{}
	ended     bool
	listening chan struct{} // closed once the LISTEN is in place
	done      chan struct{} // closed when Run has ended
}

// NewFeed makes the feed of the database at dsn; it listens once Run runs.
func NewFeed(dsn string, log *slog.Logger) *Feed {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Feed{dsn: dsn, log: log, subs: map[chan string]struct{}{},
		listening: make(chan struct{}), done: make(chan struct{})}
}

// Listening is closed once the feed hears announcements: a change
// committed after it is told to the subscribers.
func (f *Feed) Listening() <-chan struct{} { return f.listening }

// Done is closed when the feed has ended (its Run returned): every
// subscription has ended with it.
func (f *Feed) Done() <-chan struct{} { return f.done }

// Run listens until ctx ends, then ends every subscription (heed serve's
// shutdown must not wait on open pages). A lost connection is made again
// by itself; the subscribers are then told FeedAll, as announcements may
// have been missed meanwhile.
func (f *Feed) Run(ctx context.Context) {
	defer f.end()
	l := pq.NewListener(f.dsn, 100*time.Millisecond, 10*time.Second, func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventDisconnected, pq.ListenerEventConnectionAttemptFailed:
			if ctx.Err() == nil {
				f.log.Warn("case feed: the database connection is away; pages fall back to polling", "err", err)
			}
		}
	})
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		// Listen waits for a connection: closing the listener is what ends
		// that wait when the feed stops first.
		select {
		case <-ctx.Done():
		case <-stop:
		}
		l.Close() //nolint:errcheck // closing twice only says so
	}()
	if err := l.Listen(FeedChannel); err != nil {
		if ctx.Err() == nil {
			f.log.Error("case feed: not listening", "err", err)
		}
		return
	}
	close(f.listening)
	ping := time.NewTicker(time.Minute)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case n, ok := <-l.Notify:
			switch {
			case !ok:
				return
			case n == nil: // connected again
				f.tell(FeedAll)
			default:
				f.tell(n.Extra)
			}
		case <-ping.C:
			// A connection that died quietly is noticed, and made again.
			go l.Ping() //nolint:errcheck
		}
	}
}

// Subscribe is a new subscription: the serials of changed cases (FeedAll
// when many may have changed), in commit order. The channel is closed when
// the feed ends; stop ends the subscription before that.
func (f *Feed) Subscribe() (<-chan string, func()) {
	ch := make(chan string, feedBuffer)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ended {
		close(ch)
		return ch, func() {}
	}
	f.subs[ch] = struct{}{}
	return ch, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if _, ok := f.subs[ch]; ok {
			delete(f.subs, ch)
			close(ch)
		}
	}
}

// tell passes an announcement to every subscriber without waiting: one
// that is too far behind is told FeedAll in place of what it missed.
func (f *Feed) tell(serial string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for ch := range f.subs {
		select {
		case ch <- serial:
			continue
		default:
		}
		// Too far behind: what waits is replaced by one "look again".
		for drained := false; !drained; {
			select {
			case <-ch:
			default:
				drained = true
			}
		}
		ch <- FeedAll // room: only tell sends, under f.mu
	}
}

func (f *Feed) end() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ended = true
	for ch := range f.subs {
		delete(f.subs, ch)
		close(ch)
	}
	close(f.done)
}
