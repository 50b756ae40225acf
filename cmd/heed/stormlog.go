package main

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// stormHandler keeps a storm of one error from burying the log: the first
// warning or error of a kind (its message and the text of its err, digits
// ignored) in an interval is written, the repeats are only counted, and
// when the interval is over one line says how many there were. During a
// database outage each kind of failure (outbox, webhook, sweep) thus writes
// about one line per interval, not one per attempt or request.
type stormHandler struct {
	next slog.Handler
	s    *storms
}

type storms struct {
	mu    sync.Mutex
	every time.Duration
	now   func() time.Time
	swept time.Time
	kinds map[string]*storm
}

// storm is one kind of record within its current interval.
type storm struct {
	start    time.Time
	repeats  int
	h        slog.Handler // the handler (attributes, groups) of its first record
	level    slog.Level
	msg, err string
}

func newStormHandler(next slog.Handler, every time.Duration, now func() time.Time) *stormHandler {
	return &stormHandler{next: next, s: &storms{every: every, now: now, kinds: map[string]*storm{}}}
}

func (h *stormHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *stormHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &stormHandler{next: h.next.WithAttrs(as), s: h.s}
}

func (h *stormHandler) WithGroup(name string) slog.Handler {
	return &stormHandler{next: h.next.WithGroup(name), s: h.s}
}

func (h *stormHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelWarn {
		return h.next.Handle(ctx, r)
	}
	errText := ""
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "err" || a.Key == "error" {
			errText = a.Value.String()
			return false
		}
		return true
	})
	key := r.Level.String() + "\x00" + r.Message + "\x00" + errKind(errText)
	now := h.s.now()
	h.s.mu.Lock()
	done := h.s.sweep(now, key)
	st, ok := h.s.kinds[key]
	pass := !ok
	if ok {
		st.repeats++
	} else {
		h.s.kinds[key] = &storm{start: now, h: h.next, level: r.Level, msg: r.Message, err: errText}
	}
	h.s.mu.Unlock()
	h.s.report(ctx, done, now)
	if pass {
		return h.next.Handle(ctx, r)
	}
	return nil
}

// Flush ends the intervals that are over and writes their counts; serve
// calls it every interval so that a storm that stopped is still summed up.
func (h *stormHandler) Flush() {
	now := h.s.now()
	h.s.mu.Lock()
	done := h.s.sweep(now, "")
	h.s.mu.Unlock()
	h.s.report(context.Background(), done, now)
}

// run flushes every interval until ctx ends.
func (h *stormHandler) run(ctx context.Context) {
	t := time.NewTicker(h.s.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			h.Flush()
			return
		case <-t.C:
			h.Flush()
		}
	}
}

// sweep removes the kinds whose interval is over (always the one being
// logged now, if its interval is over) and returns those with repeats to
// report. Called with mu held.
func (s *storms) sweep(now time.Time, key string) []*storm {
	var done []*storm
	if st, ok := s.kinds[key]; ok && now.Sub(st.start) >= s.every {
		delete(s.kinds, key)
		if st.repeats > 0 {
			done = append(done, st)
		}
	}
	if now.Sub(s.swept) < s.every {
		return done
	}
	s.swept = now
	for k, st := range s.kinds {
		if now.Sub(st.start) >= s.every {
			delete(s.kinds, k)
			if st.repeats > 0 {
				done = append(done, st)
			}
		}
	}
	return done
}

func (s *storms) report(ctx context.Context, done []*storm, now time.Time) {
	for _, st := range done {
		r := slog.NewRecord(now, st.level, st.msg, 0)
		r.AddAttrs(slog.Int("repeated", st.repeats), slog.Duration("within", now.Sub(st.start).Round(time.Second)))
		if st.err != "" {
			r.AddAttrs(slog.String("err", st.err))
		}
		st.h.Handle(ctx, r) //nolint:errcheck
	}
}

// errKind is an error's text with its numbers blanked (ports, ids, counts),
// so that one failure with changing details is one kind.
func errKind(s string) string {
	if len(s) > 300 {
		s = s[:300]
	}
	var b strings.Builder
	digit := false
	for _, r := range s {
		if r >= '0' && r <= '9' {
			if !digit {
				b.WriteByte('#')
			}
			digit = true
			continue
		}
		digit = false
		b.WriteRune(r)
	}
	return b.String()
}
