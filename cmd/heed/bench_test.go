package main

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/heedhq/heed/cases/casestest"
)

// envGroup is 环境部's Telegram group, where 环境卫生 complaints go.
const envGroup = "-1001234500004"

// BenchmarkInboundToCard measures how long after an owner's confirming
// press (the webhook that creates the case) the dispatch card reaches the
// department's Telegram group, delivery included; p50 and p99 are
// reported. Rate limits are off: the fake platform answers at once.
func BenchmarkInboundToCard(b *testing.B) {
	h, fake := startTelegramHeed(b, casestest.URL(b))
	var lat []time.Duration
	for i := 0; i < b.N; i++ {
		o := &tgOwner{h: h, fake: fake, id: int64(900000 + i), lang: "zh-hans"}
		got := o.says(b, "小区门口垃圾三天没人清理")
		o.press(b, proposed(b, got[len(got)-1]))
		o.press(b, "comm:xinghewan")
		o.says(b, "2栋")
		o.says(b, fmt.Sprintf("赵女士 136%08d", i)) // another owner each time: not a repeat complaint
		o.press(b, "skip")
		o.press(b, "skip")
		cards := len(fake.Sent(envGroup))
		start := time.Now()
		o.press(b, "confirm")
		for deadline := time.Now().Add(10 * time.Second); len(fake.Sent(envGroup)) <= cards; {
			if time.Now().After(deadline) {
				b.Fatalf("no card for owner %d", o.id)
			}
			time.Sleep(100 * time.Microsecond)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
