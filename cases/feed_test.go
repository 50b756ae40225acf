package cases_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
)

// feedOn runs a feed on the test database of db until the test ends, and
// subscribes to it once it listens.
func feedOn(t *testing.T, db *sqlx.DB) (*cases.Feed, <-chan string) {
	t.Helper()
	f := cases.NewFeed(casestest.URLOf(t, db), nil)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); <-f.Done() })
	go f.Run(ctx)
	select {
	case <-f.Listening():
	case <-time.After(10 * time.Second):
		t.Fatal("the feed does not listen")
	}
	ch, stop := f.Subscribe()
	t.Cleanup(stop)
	return f, ch
}

// next is the next announcement, or "" when none comes within wait.
func next(ch <-chan string, wait time.Duration) string {
	select {
	case s := <-ch:
		return s
	case <-time.After(wait):
		return ""
	}
}

// TestFeedAnnouncesCommittedChanges: a case recorded, a step taken and a
// note are each announced by serial once committed; a step taken in a
// transaction that is rolled back is never announced.
func TestFeedAnnouncesCommittedChanges(t *testing.T) {
	svc, db := casestest.Service(t, casestest.NewClock(wednesday))
	_, ch := feedOn(t, db)
	ctx := context.Background()

	a := newCase(t, svc, leak())
	if got := next(ch, 5*time.Second); got != a.Serial {
		t.Fatalf("recording %s announced %q", a.Serial, got)
	}
	if got := next(ch, 200*time.Millisecond); got != "" {
		t.Errorf("one transaction announced its case twice: %q", got)
	}
	b := newCase(t, svc, leak())
	next(ch, 5*time.Second)

	// A dispatch of a that is rolled back, then a note on b that commits:
	// the first announcement is b's.
	err := svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if _, err := svc.ApplyTx(ctx, tx, now, staff("cs.zhoumin"), a.Serial, cases.Transition{Action: cases.ActDispatch, Department: "engineering"}); err != nil {
			return err
		}
		return errors.New("changed my mind")
	})
	if err == nil || err.Error() != "changed my mind" {
		t.Fatalf("the rolled-back dispatch: %v", err)
	}
	apply(t, svc, staff("cs.zhoumin"), b.Serial, cases.Transition{Action: cases.ActNote, Text: "已电话联系业主"})
	if got := next(ch, 5*time.Second); got != b.Serial {
		t.Fatalf("after a rolled-back change of %s and a note on %s the feed says %q", a.Serial, b.Serial, got)
	}
	if got := next(ch, 300*time.Millisecond); got != "" {
		t.Errorf("then %q", got)
	}
	if c, _ := svc.Get(ctx, a.Serial); c.Status != cases.StatusReceived {
		t.Errorf("the rolled-back dispatch left %s %s", a.Serial, c.Status)
	}
}

// TestFeedAnnouncesABulkChangeOnce: a statement touching more than a
// hundred cases says "look again" once, not once per case; a bulk load of
// cases with no events (a benchmark's seed) says nothing.
func TestFeedAnnouncesABulkChangeOnce(t *testing.T) {
	_, db := casestest.Service(t, casestest.NewClock(wednesday))
	_, ch := feedOn(t, db)
	db.MustExec(`INSERT INTO cases (serial, status, channel, content, category, received_at, recorded_by, created_at, updated_at)
		SELECT 'BULK-' || i, 'received', 'phone', '漏水', 'repair', now(), 'test', now(), now() FROM generate_series(1, 150) i`)
	if got := next(ch, 500*time.Millisecond); got != "" {
		t.Errorf("a bulk load announced %q", got)
	}
	db.MustExec(`UPDATE cases SET summary = 'x' WHERE serial LIKE 'BULK-%'`)
	if got := next(ch, 5*time.Second); got != cases.FeedAll {
		t.Fatalf("a bulk update announced %q", got)
	}
	db.MustExec(`INSERT INTO case_events (case_id, at, actor_kind, actor_id, channel, action)
		SELECT id, now(), 'system', 'heed', 'api', 'note' FROM cases WHERE serial LIKE 'BULK-%'`)
	if got := next(ch, 5*time.Second); got != cases.FeedAll {
		t.Fatalf("events of 150 cases in one statement announced %q", got)
	}
	db.MustExec(`UPDATE cases SET summary = 'y' WHERE serial IN ('BULK-1', 'BULK-2')`)
	got := []string{next(ch, 5*time.Second), next(ch, 5*time.Second)}
	if !(got[0] == "BULK-1" && got[1] == "BULK-2" || got[0] == "BULK-2" && got[1] == "BULK-1") {
		t.Errorf("updating two cases announced %q", got)
	}
	if got := next(ch, 300*time.Millisecond); got != "" {
		t.Errorf("then %q", got)
	}
}

// TestFeedComesBackAfterALostConnection: the LISTEN connection dies (a
// database restart, a proxy's timeout); the feed connects again by itself,
// tells its subscribers to look again (what changed meanwhile was not
// heard), and hears changes as before.
func TestFeedComesBackAfterALostConnection(t *testing.T) {
	svc, db := casestest.Service(t, casestest.NewClock(wednesday))
	_, ch := feedOn(t, db)
	var killed int
	if err := db.Get(&killed, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN%'`); err != nil || killed != 1 {
		t.Fatalf("ending the feed's connection: %d %v", killed, err)
	}
	if got := next(ch, 15*time.Second); got != cases.FeedAll {
		t.Fatalf("after its connection was lost the feed says %q", got)
	}
	c := newCase(t, svc, leak())
	if got := next(ch, 5*time.Second); got != c.Serial {
		t.Errorf("connected again, recording %s announced %q", c.Serial, got)
	}
}

// TestFeedEndsItsSubscriptions: when the feed stops (heed serve shuts
// down) every subscription ends, and a late one is over at once.
func TestFeedEndsItsSubscriptions(t *testing.T) {
	_, db := casestest.Service(t, casestest.NewClock(wednesday))
	f := cases.NewFeed(casestest.URLOf(t, db), nil)
	ctx, cancel := context.WithCancel(context.Background())
	go f.Run(ctx)
	<-f.Listening()
	ch, stop := f.Subscribe()
	defer stop()
	cancel()
	select {
	case _, ok := <-ch:
		if ok {
			t.Error("an announcement after the end")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the subscription outlived the feed")
	}
	<-f.Done()
	late, _ := f.Subscribe()
	if _, ok := <-late; ok {
		t.Error("a subscription to an ended feed is open")
	}
}

// TestFeedWithoutDatabaseStops: a feed whose database never answers ends
// when asked, as heed serve's shutdown needs.
func TestFeedWithoutDatabaseStops(t *testing.T) {
	f := cases.NewFeed("postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=1", nil)
	ctx, cancel := context.WithCancel(context.Background())
	go f.Run(ctx)
	time.Sleep(200 * time.Millisecond)
	cancel()
	select {
	case <-f.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the feed did not stop")
	}
	select {
	case <-f.Listening():
		t.Error("the feed says it listens without a database")
	default:
	}
}
