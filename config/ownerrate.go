package config

import (
	"strconv"
	"strings"
	"time"
)

// OwnerLimit reads rules.owner_rate: n messages per interval; ok is false
// when it is off or malformed (Validate names the second).
func (r Rules) OwnerLimit() (n int, per time.Duration, ok bool) {
	if r.OwnerRate == "off" {
		return 0, 0, false
	}
	count, span, found := strings.Cut(r.OwnerRate, "/")
	n, err := strconv.Atoi(strings.TrimSpace(count))
	if !found || err != nil || n < 1 {
		return 0, 0, false
	}
	per, err = time.ParseDuration(strings.TrimSpace(span))
	if err != nil || per <= 0 {
		return 0, 0, false
	}
	return n, per, true
}
