package conversation

import (
	"testing"
	"time"

	"github.com/heedhq/heed/cases"
)

func TestOwnerLimiterTellsOncePerIntervalAndForgetsIdleOwners(t *testing.T) {
	l := newOwnerLimiter(3, time.Minute)
	t0 := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	var told, allowed int
	for i := range 650 { // five messages a second for 130 s
		ok, tell := l.take("telegram:1", t0.Add(time.Duration(i)*200*time.Millisecond))
		if ok {
			allowed++
		}
		if tell {
			told++
		}
	}
	// 3 at once, then one every 20 s: 6 more in 130 s; told at the start
	// and once a minute after.
	if allowed != 3+6 || told != 3 {
		t.Fatalf("%d allowed and told %d times, want 9 and 3", allowed, told)
	}
	// Another owner is not slowed.
	if ok, _ := l.take("telegram:2", t0.Add(130*time.Second)); !ok {
		t.Fatal("the other owner was held back")
	}
	if l.size() != 2 {
		t.Fatalf("%d owners remembered, want 2", l.size())
	}
	// Idle for an interval: forgotten (a full bucket is the same as none).
	if ok, _ := l.take("telegram:3", t0.Add(10*time.Minute)); !ok || l.size() != 1 {
		t.Fatalf("ok %v, %d owners remembered after the others went idle, want 1", ok, l.size())
	}
}

func TestOwnerLimitIsForTheChatPlatformsOnly(t *testing.T) {
	e := &Engine{}
	e.LimitOwners(1, time.Hour)
	for _, ch := range []cases.Channel{cases.ChannelWeb, cases.ChannelAPI} {
		for range 3 {
			if throttled, _ := e.throttle(Inbound{Channel: ch, UserID: "u"}); throttled {
				t.Fatalf("%s was throttled", ch)
			}
		}
	}
	for _, ch := range []cases.Channel{cases.ChannelTelegram, cases.ChannelWeChat, cases.ChannelSlack} {
		e.throttle(Inbound{Channel: ch, UserID: "u"})
		if throttled, tell := e.throttle(Inbound{Channel: ch, UserID: "u"}); !throttled || !tell {
			t.Fatalf("%s: the second message in an hour was not held back", ch)
		}
	}
	e.LimitOwners(0, 0)
	if throttled, _ := e.throttle(Inbound{Channel: cases.ChannelTelegram, UserID: "u"}); throttled {
		t.Fatal("off, and still throttled")
	}
}
