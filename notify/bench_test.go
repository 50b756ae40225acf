package notify_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/heedhq/heed/notify"
)

// BenchmarkOutboundDelivery: messages per second the worker delivers to a
// (fake) Telegram with the rate limits switched off — heed's own ceiling.
func BenchmarkOutboundDelivery(b *testing.B) {
	w, fake, clock := setup(b)
	w.NoLimits = true
	w.Batch = 100
	w.Now = time.Now
	_ = clock
	msgs := make([]notify.Message, b.N)
	for i := range msgs {
		msgs[i] = notify.Message{Channel: "telegram", ChatID: fmt.Sprint(1000 + i%200), Payload: notify.Payload{Text: "您的投诉已登记"}}
	}
	for i := 0; i < len(msgs); i += 1000 {
		enqueue(b, w, time.Now(), msgs[i:min(i+1000, len(msgs))]...)
	}
	b.ResetTimer()
	start := time.Now()
	for delivered := 0; delivered < b.N; {
		delivered += deliver(b, w)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
	if n := len(fake.Calls("sendMessage")); n != b.N {
		b.Fatalf("%d sent, want %d", n, b.N)
	}
}
