// Package fakeapi is what heed's test stand-ins share: the log of the
// calls a fake platform API (telegramfake, slackfake, wechatfake) answered,
// waiting in a test until enough of them have arrived, and a log sink that
// several goroutines may write at once. It imports nothing of heed's, so
// any test helper may use it.
package fakeapi

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

// Log is the calls a fake answered, in order; safe for concurrent use.
type Log[C any] struct {
	mu    sync.Mutex
	calls []C
}

// Add records a call and returns how many there are now.
func (l *Log[C]) Add(c C) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, c)
	return len(l.calls)
}

// Where returns the calls keep accepts (nil keep: all), in order.
func (l *Log[C]) Where(keep func(C) bool) []C {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []C
	for _, c := range l.calls {
		if keep == nil || keep(c) {
			out = append(out, c)
		}
	}
	return out
}

// Wait polls get until it returns at least n items, and fails the test
// after 15 seconds, naming what it waited for.
func Wait[T any](t testing.TB, what string, n int, get func() []T) []T {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got := get()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %d %s, want %d", len(got), what, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// LogBuffer is a log sink that handlers and senders may write at once.
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
