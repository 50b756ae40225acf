package understand

import (
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

func threadCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(1, &ru) // RUSAGE_THREAD
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestCPU(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	u := example(t)
	long := strings.Repeat("樓上漏水很嚴重，電梯壞了三天，保安態度很差，晚上裝修太吵。我住星河灣3棟2單元1102，電話 138 1234 5678。", 200)
	long = string([]rune(long)[:10000])
	n := normalize(long)
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"normalize", func() { normalize(long) }},
		{"find", func() { u.ac.find(n.key, nil) }},
		{"unit", func() { findUnit(n.key) }},
		{"phone", func() { findPhone(n.key) }},
		{"all", func() { u.Analyze(long) }},
		{"short", func() { u.Analyze("楼上漏水很严重，天花板在滴水") }},
	} {
		const N = 50
		c.f()
		best := time.Hour
		for range 40 {
			start := time.Now()
			for range N {
				c.f()
			}
			best = min(best, time.Since(start)/N)
		}
		t.Logf("%-10s %v CPU/op", c.name, best)
	}
}
