package console

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/heedhq/heed/cases"
)

// Live updates: a page's parts follow the cases they show. The database
// announces every committed change of a case (cases.Feed, one LISTEN per
// heed serve); GET /desk/events passes the announcements to each open page
// as server-sent events, and static/desk.js (its live part) fetches again
// the parts that show the case (data-live, data-live-src; see "How a page
// is added").
//
// An event carries the case's serial only (or cases.FeedAll, "look
// again"): it says nothing a signed-in person could not see on the
// register, and what the part then shows is what its own handler lets
// this person see.
const (
	// liveHeartbeat is how often an idle stream says it lives (a comment),
	// so that proxies keep it and a dead one is noticed.
	liveHeartbeat = 25 * time.Second
	// liveRecheck is how often a stream asks whether its session still
	// holds: signing out, elsewhere too, ends it within this.
	liveRecheck = 30 * time.Second
	// liveRetry is how long the browser waits before it connects again.
	liveRetry = 5 * time.Second
	// liveWait bounds the wait for the feed to listen (heed serve starting).
	liveWait = 5 * time.Second
)

// live is the console's part in live updates; its zero value is the
// defaults, and no feed: pages then refresh by polling.
type live struct {
	feed               *cases.Feed
	heartbeat, recheck time.Duration // tests shorten them
}

// Follow makes the desk's pages live on f (run by heed serve, which ends
// it at shutdown: every stream ends with it).
func (c *Console) Follow(f *cases.Feed) { c.live.feed = f }

func (l *live) every() (heartbeat, recheck time.Duration) {
	heartbeat, recheck = l.heartbeat, l.recheck
	if heartbeat <= 0 {
		heartbeat = liveHeartbeat
	}
	if recheck <= 0 {
		recheck = liveRecheck
	}
	return heartbeat, recheck
}

// events is GET /desk/events, a stream of "event: case" with the serial of
// each case changed, for a signed-in person only: 401 otherwise (not a
// redirect, which an EventSource cannot follow into a sign-in); 204 No
// Content when this heed has no feed, or it is not listening (the page
// then polls; an EventSource takes 204 for "do not connect again"). The
// stream ends when the session no longer holds ("event: signedout"), when
// the browser goes away, and when the feed ends (heed serve shutting down).
func (c *Console) events(w http.ResponseWriter, r *http.Request) error {
	p, err := c.sessionPerson(r)
	if err != nil {
		return err
	}
	if p == nil {
		w.WriteHeader(http.StatusUnauthorized)
		return nil
	}
	f := c.live.feed
	if f == nil {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	// Subscribed before the wait: a change committed once the feed listens
	// is not missed.
	changes, stop := f.Subscribe()
	defer stop()
	select {
	case <-f.Listening():
	case <-f.Done():
		w.WriteHeader(http.StatusNoContent)
		return nil
	case <-r.Context().Done():
		return nil
	case <-time.After(liveWait):
		w.WriteHeader(http.StatusNoContent)
		return nil
	}

	heartbeat, recheck := c.live.every()
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache, no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: pass each event on at once
	w.WriteHeader(http.StatusOK)
	send := func(s string) bool {
		// Each write has its own deadline: the server's write timeout
		// counts from the request, and a stream outlives it.
		rc.SetWriteDeadline(time.Now().Add(heartbeat + 30*time.Second)) //nolint:errcheck // not every writer has deadlines
		if _, err := io.WriteString(w, s); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send("retry: " + strconv.Itoa(int(liveRetry/time.Millisecond)) + "\n: live\n\n") {
		return nil
	}
	beat := time.NewTicker(heartbeat)
	defer beat.Stop()
	check := time.NewTicker(recheck)
	defer check.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case serial, ok := <-changes:
			if !ok {
				return nil // heed is shutting down: the browser connects again
			}
			if !send("event: case\ndata: " + strings.NewReplacer("\r", "", "\n", "").Replace(serial) + "\n\n") {
				return nil
			}
		case <-beat.C:
			if !send(":\n\n") {
				return nil
			}
		case <-check.C:
			now, err := c.sessionOf(r, false)
			switch {
			case r.Context().Err() != nil:
				return nil
			case err != nil:
				// The database is away for a moment: ask again later.
				c.log.Warn("desk: live updates: checking the session", "err", err)
			case now == nil || now.Session != p.Session:
				send("event: signedout\ndata:\n\n")
				return nil
			}
		}
	}
}
