package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// This file is the one grammar of every span in the configuration (clock.*,
// rules.repeat_window, revisit.*) and of the spans staff type in commands
// (/revisit batch --closed-since 3wd, a survey's closes_in): Validate checks
// a value with ParseSpan and the code that uses it parses it with ParseSpan,
// so a value that passes validation means what it says.

// SpanUnit is what a Span counts.
type SpanUnit int

const (
	SpanElapsed      SpanUnit = iota // D of elapsed (wall) time: "24h", "90m", "90d"
	SpanWorkingHours                 // D of working time: "2wh", "1.5wh"
	SpanWorkingDays                  // N working days: "3wd"
	SpanMonths                       // N calendar months: "1mo"
)

// Span is a parsed duration spec. D is used by SpanElapsed and
// SpanWorkingHours, N by SpanWorkingDays and SpanMonths. Working time is
// counted by the business calendar (cases.Calendar.Add and Sub).
type Span struct {
	Unit SpanUnit
	D    time.Duration
	N    int
}

// Working reports whether s counts working time (wh or wd).
func (s Span) Working() bool { return s.Unit == SpanWorkingHours || s.Unit == SpanWorkingDays }

// Upper bounds that keep arithmetic far from overflow and loops short.
const (
	maxSpanCount        = 10000  // working days, months, days
	maxSpanWorkingHours = 100000 // working hours
)

// SpanHelp lists examples of the grammar, for error messages.
const SpanHelp = "(e.g. 24h, 90m, 1h30m, 2wh, 1.5wh, 3wd, 1mo, 90d)"

// ParseSpan reads a duration spec: anything time.ParseDuration accepts
// ("24h", "90m", "1h30m", "1.5h") is elapsed time; "90d" is 90×24h elapsed;
// "2wh" or "1.5wh" is working hours (to the second); "3wd" working days;
// "1mo" calendar months. Days, working days and months are whole numbers.
// The span must be positive.
func ParseSpan(s string) (Span, error) {
	spec := strings.TrimSpace(s)
	if spec == "" {
		return Span{}, fmt.Errorf("empty duration spec %s", SpanHelp)
	}
	if strings.HasPrefix(spec, "-") {
		return Span{}, fmt.Errorf("%q: the duration must be positive", s)
	}
	bad := func() (Span, error) {
		return Span{}, fmt.Errorf("%q is not a duration spec %s", s, SpanHelp)
	}
	count := func(num string, unit SpanUnit, what string) (Span, error) {
		if !allDigits(num) {
			if whole, frac, ok := strings.Cut(num, "."); ok && allDigits(whole) && allDigits(frac) {
				return Span{}, fmt.Errorf("%q: %s are counted in whole numbers %s", s, what, SpanHelp)
			}
			return bad()
		}
		n, err := strconv.Atoi(num)
		switch {
		case err != nil || n > maxSpanCount:
			return Span{}, fmt.Errorf("%q: at most %d %s", s, maxSpanCount, what)
		case n == 0:
			return Span{}, fmt.Errorf("%q: the duration must be positive", s)
		}
		return Span{Unit: unit, N: n}, nil
	}

	switch {
	case strings.HasSuffix(spec, "wh"):
		num := strings.TrimSuffix(spec, "wh")
		whole, frac, _ := strings.Cut(num, ".")
		if !allDigits(whole) || (strings.Contains(num, ".") && !allDigits(frac)) {
			return bad()
		}
		f, err := strconv.ParseFloat(num, 64)
		if err != nil {
			return bad()
		}
		if f > maxSpanWorkingHours {
			return Span{}, fmt.Errorf("%q: at most %d working hours", s, maxSpanWorkingHours)
		}
		secs := int64(f*3600 + 0.5) // working hours count to the second
		if secs <= 0 {
			return Span{}, fmt.Errorf("%q: the duration must be positive", s)
		}
		return Span{Unit: SpanWorkingHours, D: time.Duration(secs) * time.Second}, nil
	case strings.HasSuffix(spec, "wd"):
		return count(strings.TrimSuffix(spec, "wd"), SpanWorkingDays, "working days")
	case strings.HasSuffix(spec, "mo"):
		return count(strings.TrimSuffix(spec, "mo"), SpanMonths, "months")
	case strings.HasSuffix(spec, "d"):
		sp, err := count(strings.TrimSuffix(spec, "d"), SpanElapsed, "days")
		if err != nil {
			return Span{}, err
		}
		return Span{Unit: SpanElapsed, D: time.Duration(sp.N) * 24 * time.Hour}, nil
	}
	d, err := time.ParseDuration(spec)
	if err != nil {
		return bad()
	}
	if d <= 0 {
		return Span{}, fmt.Errorf("%q: the duration must be positive", s)
	}
	return Span{Unit: SpanElapsed, D: d}, nil
}

// MustSpan is ParseSpan for a value Validate has already checked, or a
// default: an empty spec gives def's span. It panics on a spec that does
// not parse, which validation makes impossible for loaded configuration.
func MustSpan(spec, def string) Span {
	if strings.TrimSpace(spec) == "" {
		spec = def
	}
	sp, err := ParseSpan(spec)
	if err != nil {
		panic(fmt.Sprintf("config: unvalidated span: %v", err))
	}
	return sp
}

// String formats s as a spec that ParseSpan reads back to s: "24h",
// "1h30m", "2wh", "1.5wh", "3wd", "1mo". Elapsed days print as hours
// ("90d" → "2160h").
func (s Span) String() string {
	switch s.Unit {
	case SpanElapsed:
		return shortDuration(s.D)
	case SpanWorkingHours:
		if s.D%time.Hour == 0 {
			return strconv.FormatInt(int64(s.D/time.Hour), 10) + "wh"
		}
		return strconv.FormatFloat(s.D.Seconds()/3600, 'f', -1, 64) + "wh"
	case SpanWorkingDays:
		return strconv.Itoa(s.N) + "wd"
	case SpanMonths:
		return strconv.Itoa(s.N) + "mo"
	}
	return fmt.Sprintf("Span(unit=%d, D=%s, N=%d)", int(s.Unit), s.D, s.N)
}

// shortDuration is d.String() without trailing zero units: "24h", "1h30m".
func shortDuration(d time.Duration) string {
	out := d.String()
	if strings.HasSuffix(out, "m0s") {
		out = strings.TrimSuffix(out, "0s")
	}
	if strings.HasSuffix(out, "h0m") {
		out = strings.TrimSuffix(out, "0m")
	}
	return out
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
