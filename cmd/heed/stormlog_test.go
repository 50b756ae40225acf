package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
)

// lockedBuffer is a log destination safe for the test's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Split(strings.TrimSpace(l.b.String()), "\n")
}

// TestAnErrorStormIsOneLinePerInterval: thousands of the same two failures
// during an outage write one line each, and when the interval is over, one
// line each with the count; other records are untouched.
func TestAnErrorStormIsOneLinePerInterval(t *testing.T) {
	var out lockedBuffer
	clock := casestest.NewClock(time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC))
	h := newStormHandler(slog.NewTextHandler(&out, nil), 10*time.Second, clock.Now)
	log := slog.New(h).With("component", "test")
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 1000 {
				log.Error("outbox: claim", "err", errors.New("driver: bad connection"))
				log.Error("webhook", "err", errors.New("pq: the database system is shutting down (57P03)"), "update", g*1000+i)
			}
		})
	}
	wg.Wait()
	log.Info("owner message recorded")
	log.Info("owner message recorded")
	if got := out.lines(); len(got) != 4 {
		t.Fatalf("%d lines during the storm, want 2 errors and 2 info lines:\n%s", len(got), strings.Join(got, "\n"))
	}
	clock.Advance(11 * time.Second)
	h.Flush()
	got := out.lines()
	if len(got) != 6 {
		t.Fatalf("%d lines after the interval, want 6:\n%s", len(got), strings.Join(got, "\n"))
	}
	tail := strings.Join(got[4:], "\n")
	for _, want := range []string{`msg="outbox: claim" component=test repeated=3999`, `msg=webhook component=test repeated=3999`} {
		if !strings.Contains(tail, want) {
			t.Fatalf("the counts lack %q:\n%s", want, tail)
		}
	}
	// A new interval: the next one is written again.
	log.Error("outbox: claim", "err", errors.New("driver: bad connection"))
	h.Flush()
	if n := len(out.lines()); n != 7 {
		t.Fatalf("%d lines, want 7", n)
	}
}

// TestReadyzSaysWhy: /readyz answers JSON with the reason it is not ready.
func TestReadyzSaysWhy(t *testing.T) {
	get := func(db *sqlx.DB) (int, map[string]any) {
		rec := httptest.NewRecorder()
		(&server{db: db}).readyz(rec, httptest.NewRequest("GET", "/readyz", nil))
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("readyz answered %q: %v", rec.Body.String(), err)
		}
		return rec.Code, body
	}
	if code, body := get(casestest.DB(t)); code != http.StatusOK || body["ready"] != true {
		t.Fatalf("current database: %d %v", code, body)
	}
	down, err := cases.Open("postgres://heed@127.0.0.1:1/heed?sslmode=disable&connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	defer down.Close()
	if code, body := get(down); code != http.StatusServiceUnavailable || body["ready"] != false ||
		!strings.HasPrefix(body["reason"].(string), "database unreachable: ") {
		t.Fatalf("database down: %d %v", code, body)
	}
	old, err := cases.Open(casestest.EmptyURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if code, body := get(old); code != http.StatusServiceUnavailable || !strings.Contains(body["reason"].(string), "run heed migrate") {
		t.Fatalf("old schema: %d %v", code, body)
	}
}
