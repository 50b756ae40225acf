package understand

import (
	"strings"
	"testing"
)

func BenchmarkComp(b *testing.B) {
	u := example(b)
	long := strings.Repeat("樓上漏水很嚴重，電梯壞了三天，保安態度很差，晚上裝修太吵。我住星河灣3棟2單元1102，電話 138 1234 5678。", 200)
	long = string([]rune(long)[:10000])
	n := normalize(long)
	b.Run("normalize", func(b *testing.B) { for b.Loop() { normalize(long) } })
	b.Run("find", func(b *testing.B) { for b.Loop() { u.ac.find(n.key, nil) } })
	b.Run("unit", func(b *testing.B) { for b.Loop() { findUnit(n.key) } })
	b.Run("phone", func(b *testing.B) { for b.Loop() { findPhone(n.key) } })
	b.Run("all", func(b *testing.B) { for b.Loop() { u.Analyze(long) } })
}
