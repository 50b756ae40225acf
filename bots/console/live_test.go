package console

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/notify/desk"
)

// follow gives the desk a case feed on its database, as heed serve does;
// stopping it is heed serve shutting down.
func (d *testDesk) follow() (stop func()) {
	d.t.Helper()
	f := cases.NewFeed(casestest.URLOf(d.t, d.svc.DB()), nil)
	ctx, cancel := context.WithCancel(context.Background())
	go f.Run(ctx)
	d.t.Cleanup(func() { cancel(); <-f.Done() })
	select {
	case <-f.Listening():
	case <-time.After(10 * time.Second):
		d.t.Fatal("the case feed does not listen")
	}
	d.c.Follow(f)
	return func() { cancel(); <-f.Done() }
}

// sse is one server-sent event.
type sse struct{ name, data string }

// stream opens GET /desk/events on base as b and reads its events; the
// channel closes when the stream ends.
func (b *browser) stream(base string) (*http.Response, <-chan sse) {
	b.d.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b.d.t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/desk/events", nil)
	req.Header.Set("Accept", "text/event-stream")
	res, err := b.cl.Do(req)
	if err != nil {
		b.d.t.Fatal(err)
	}
	out := make(chan sse, 16)
	go func() {
		defer close(out)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		var ev sse
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev != (sse{}) {
					out <- ev
				}
				ev = sse{}
			case strings.HasPrefix(line, "event:"):
				ev.name = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:"):
				ev.data = strings.TrimSpace(strings.TrimPrefix(line, "data:"))
			}
		}
	}()
	return res, out
}

// nextEvent is the stream's next event; ok is false when it ended, or
// nothing came within wait (then ev is zero).
func nextEvent(ch <-chan sse, wait time.Duration) (ev sse, ok bool) {
	select {
	case ev, ok = <-ch:
		return ev, ok
	case <-time.After(wait):
		return sse{}, false
	}
}

// TestLiveEventsOfCommittedChanges: an open page hears of a case changed
// by a chat action once it is committed — and never of a change rolled
// back.
func TestLiveEventsOfCommittedChanges(t *testing.T) {
	w := newDeskWorld(t)
	w.follow()
	b := w.browser()
	b.signIn("cs.zhoumin", specialistTG)
	res, events := b.stream(w.srv.URL)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" ||
		!strings.Contains(res.Header.Get("Cache-Control"), "no-cache") || res.Header.Get("X-Accel-Buffering") != "no" {
		t.Fatalf("GET /desk/events: %d %v", res.StatusCode, res.Header)
	}
	ctx := context.Background()

	// The specialist dispatches 李先生's case in a transaction that is then
	// rolled back; then 工程部's manager accepts 王女士's case in Telegram.
	err := w.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		spec := cases.Actor{Kind: cases.ActorStaff, ID: specialistID, Channel: cases.ChannelTelegram}
		if _, err := w.svc.ApplyTx(ctx, tx, now, spec, w.markup.Serial, cases.Transition{Action: cases.ActDispatch, Department: "engineering"}); err != nil {
			return err
		}
		return errors.New("rolled back")
	})
	if err == nil || err.Error() != "rolled back" {
		t.Fatalf("the rolled-back dispatch: %v", err)
	}
	manager, ok := w.c.desk.PersonOf("telegram", engManagerTG)
	if !ok {
		t.Fatal("李建华 is not known by his Telegram id")
	}
	out, err := w.c.desk.ActAs(ctx, manager, desk.StaffAction{Platform: "telegram", PlatformUser: engManagerTG, Action: "acknowledge", Serial: w.leak.Serial})
	if err != nil || out.Refused {
		t.Fatalf("受理 in Telegram: %v %+v", err, out)
	}
	if ev, ok := nextEvent(events, 5*time.Second); ev != (sse{"case", w.leak.Serial}) {
		t.Fatalf("after the rolled-back dispatch of %s and 受理 of %s the page hears %+v (%v)", w.markup.Serial, w.leak.Serial, ev, ok)
	}
	if ev, ok := nextEvent(events, 300*time.Millisecond); ok {
		t.Errorf("then %+v", ev)
	}
}

// TestLiveEventsForSignedInOnly: no session, no stream — a 401 the page's
// script understands, not the sign-in page; a heed with no feed answers
// 204 (no live updates: the page polls).
func TestLiveEventsForSignedInOnly(t *testing.T) {
	w := newDesk(t)
	b := w.browser()
	b.header.Set("Accept", "text/event-stream")
	if p := b.get("/desk/events"); p.status != http.StatusUnauthorized || p.location != "" || p.body != "" {
		t.Errorf("signed out: %d %q %q", p.status, p.location, p.body)
	}
	b.signIn("cs.zhoumin", specialistTG)
	if p := b.get("/desk/events"); p.status != http.StatusNoContent {
		t.Errorf("without a feed: %d", p.status)
	}
}

// TestLiveStreamEnds: a stream ends when its session is signed out
// (elsewhere too) and when heed shuts down; meanwhile it outlives the
// server's read and write timeouts, saying it lives.
func TestLiveStreamEnds(t *testing.T) {
	w := newDeskWorld(t)
	stop := w.follow()
	w.c.live.heartbeat, w.c.live.recheck = 100*time.Millisecond, 200*time.Millisecond
	// heed serve's timeouts, shortened.
	srv := httptest.NewUnstartedServer(w.srv.Config.Handler)
	srv.Config.ReadTimeout, srv.Config.WriteTimeout = time.Second, time.Second
	srv.Start()
	t.Cleanup(srv.Close)

	phone, laptop := w.browser(), w.browser()
	phone.signIn("cs.zhoumin", specialistTG)
	laptop.signIn("cs.zhoumin", specialistTG)
	_, onPhone := phone.stream(srv.URL)
	_, onLaptop := laptop.stream(srv.URL)
	time.Sleep(2500 * time.Millisecond)
	w.newCase(leak())
	for name, ch := range map[string]<-chan sse{"phone": onPhone, "laptop": onLaptop} {
		if ev, ok := nextEvent(ch, 5*time.Second); !ok || ev.name != "case" {
			t.Fatalf("the %s's stream after the server's timeouts: %+v %v", name, ev, ok)
		}
	}

	// Signing out everywhere on the laptop ends the phone's stream too.
	if p := laptop.post("/desk/account", "/desk/signout/everywhere", nil); p.status != http.StatusSeeOther {
		t.Fatalf("sign out everywhere: %d", p.status)
	}
	if ev, ok := nextEvent(onPhone, 5*time.Second); ev.name != "signedout" {
		t.Errorf("the phone's stream after signing out everywhere: %+v %v", ev, ok)
	}
	if ev, ok := nextEvent(onPhone, 5*time.Second); ok {
		t.Errorf("the phone's stream goes on: %+v", ev)
	}

	// Shutting down ends the streams open.
	gm := w.browser()
	gm.signIn("gm.liu", gmTG)
	_, onGM := gm.stream(srv.URL)
	stop()
	start := time.Now()
	for {
		if _, ok := nextEvent(onGM, 5*time.Second); !ok {
			break
		}
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("the stream ended %s after the shutdown", took)
	}
}

// TestLiveStreamLeavesIdleSessionsIdle: the stream's checks of the session
// do not count as the person at work — a page left open does not keep an
// idle session from ending — while a page they open does.
func TestLiveStreamLeavesIdleSessionsIdle(t *testing.T) {
	w := newDeskWorld(t)
	w.follow()
	w.c.live.heartbeat, w.c.live.recheck = 100*time.Millisecond, 100*time.Millisecond
	b := w.browser()
	b.signIn("cs.zhoumin", specialistTG)
	lastSeen := func() (at time.Time) {
		t.Helper()
		if err := w.c.db.Get(&at, `SELECT max(last_seen_at) FROM desk_sessions`); err != nil {
			t.Fatal(err)
		}
		return at
	}
	before := lastSeen()
	_, events := b.stream(w.srv.URL)
	w.clock.Advance(2 * time.Hour)
	if ev, ok := nextEvent(events, time.Second); ok && ev.name == "signedout" {
		t.Fatalf("signed out after two idle hours: %+v", ev)
	}
	if got := lastSeen(); !got.Equal(before) {
		t.Errorf("the stream's checks moved the session's last use from %s to %s", before, got)
	}
	if p := b.get("/desk/register"); p.status != http.StatusOK {
		t.Fatalf("the register: %d", p.status)
	}
	if got := lastSeen(); !got.After(before) {
		t.Errorf("opening a page did not count as the session's use (%s)", got)
	}
}
