package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

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
