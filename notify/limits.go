package notify

import (
	"strings"
	"sync"
	"time"
)

// Limit is what a platform tolerates before it answers 429.
type Limit struct {
	PerChat     time.Duration // least gap between two messages to one chat
	GroupPerMin int           // messages a minute to one group chat (0: no limit)
	PerSecond   int           // messages a second in all (0: no limit)
}

// DefaultLimits are the platforms' published limits: Telegram about one
// message a second per chat, 20 a minute per group, 30 a second overall;
// Slack about one a second per channel.
var DefaultLimits = map[string]Limit{
	"telegram": {PerChat: time.Second, GroupPerMin: 20, PerSecond: 30},
	"slack":    {PerChat: time.Second},
}

// limiter spaces sends in this process. Several heed serve each keep their
// own, so the budget is per process; a platform's 429 and retry_after still
// hold the rest back.
type limiter struct {
	mu     sync.Mutex
	limits map[string]Limit
	last   map[string]time.Time   // channel/chat → last send
	group  map[string][]time.Time // channel/chat → sends in the last minute
	all    map[string][]time.Time // channel → sends in the last second
	swept  time.Time              // last time idle chats were forgotten
}

func newLimiter(l map[string]Limit) *limiter {
	return &limiter{limits: l, last: map[string]time.Time{}, group: map[string][]time.Time{}, all: map[string][]time.Time{}}
}

// isGroup: Telegram groups have negative chat ids; Slack channels are all
// shared, and their limit is per channel anyway.
func isGroup(channel, chat string) bool {
	return channel == "telegram" && strings.HasPrefix(chat, "-")
}

// reserve returns how long a send to chat must wait; zero means go now, and
// the send is counted.
func (l *limiter) reserve(channel, chat string, now time.Time) time.Duration {
	if l == nil {
		return 0
	}
	lim, ok := l.limits[channel]
	if !ok {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) >= time.Minute {
		l.forget(now)
	}
	key := channel + "/" + chat
	var wait time.Duration
	if last, ok := l.last[key]; ok && lim.PerChat > 0 {
		wait = max(wait, last.Add(lim.PerChat).Sub(now))
	}
	if lim.GroupPerMin > 0 && isGroup(channel, chat) {
		l.group[key] = within(l.group[key], now, time.Minute)
		if len(l.group[key]) >= lim.GroupPerMin {
			wait = max(wait, l.group[key][0].Add(time.Minute).Sub(now))
		}
	}
	if lim.PerSecond > 0 {
		l.all[channel] = within(l.all[channel], now, time.Second)
		if len(l.all[channel]) >= lim.PerSecond {
			wait = max(wait, l.all[channel][0].Add(time.Second).Sub(now))
		}
	}
	if wait > 0 {
		return wait
	}
	l.last[key] = now
	if lim.GroupPerMin > 0 && isGroup(channel, chat) {
		l.group[key] = append(l.group[key], now)
	}
	if lim.PerSecond > 0 {
		l.all[channel] = append(l.all[channel], now)
	}
	return 0
}

// forget drops the chats whose last send no longer holds anything back, so
// the limiter's memory follows the chats of the last minute or so, not
// every chat ever served.
func (l *limiter) forget(now time.Time) {
	l.swept = now
	for key, t := range l.last {
		channel, _, _ := strings.Cut(key, "/")
		if now.Sub(t) >= l.limits[channel].PerChat {
			delete(l.last, key)
		}
	}
	for key, ts := range l.group {
		if len(within(ts, now, time.Minute)) == 0 {
			delete(l.group, key)
		}
	}
}

// size is how many chats the limiter remembers.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return max(len(l.last), len(l.group))
}

// within keeps the times of ts less than d before now.
func within(ts []time.Time, now time.Time, d time.Duration) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(now.Add(-d)) {
		i++
	}
	return ts[i:]
}
