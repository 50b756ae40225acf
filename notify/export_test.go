package notify

import (
	"context"
	"time"
)

// SendAndDie claims and sends like DeliverDue but records no outcome: a
// worker killed between its sends and their record. It returns how many
// rows it sent.
func (w *Worker) SendAndDie(ctx context.Context) int {
	w.defaults()
	runs, _, _, err := w.claim(ctx, nil, w.Batch)
	if err != nil {
		panic(err)
	}
	n := 0
	for _, run := range runs {
		n += len(run)
		w.sendRun(ctx, run)
	}
	return n
}

// LimiterChats is how many chats the rate limiter remembers.
func (w *Worker) LimiterChats() int {
	w.defaults()
	return w.lim.size()
}

// Reserve asks the rate limiter for a send to chat at now.
func (w *Worker) Reserve(channel, chat string, now time.Time) time.Duration {
	w.defaults()
	return w.lim.reserve(channel, chat, now)
}
