package understand

import (
	"strings"
	"testing"
	"time"
)

func TestCnt(t *testing.T) {
	long := strings.Repeat("樓上漏水很嚴重，電梯壞了三天，保安態度很差，晚上裝修太吵。我住星河灣3棟2單元1102，電話 138 1234 5678。", 200)
	long = string([]rune(long)[:10000])
	key := normalize(long).key
	r := []rune(key)
	n := 0
	prev := rune(-1)
	for _, c := range r {
		if (isDigitR(c) || isLowerR(c) || isCNDigit(c)) && unitStart(prev, c) {
			n++
		}
		prev = c
	}
	start := time.Now()
	for range 100 {
		for i := 0; i < len(r); i++ {
			parseUnit(r[i:min(i+12, len(r))], 0)
		}
	}
	t.Log(n, len(r), time.Since(start)/100)
	start = time.Now()
	for range 100 {
		findUnit(key)
	}
	t.Log(time.Since(start) / 100)
}
