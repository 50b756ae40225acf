package config

import (
	"strings"
	"testing"
	"time"
)

func TestParseSpan(t *testing.T) {
	good := []struct {
		in   string
		want Span
		str  string
	}{
		{"24h", Span{Unit: SpanElapsed, D: 24 * time.Hour}, "24h"},
		{"90m", Span{Unit: SpanElapsed, D: 90 * time.Minute}, "1h30m"},
		{"1h30m", Span{Unit: SpanElapsed, D: 90 * time.Minute}, "1h30m"},
		{"10m", Span{Unit: SpanElapsed, D: 10 * time.Minute}, "10m"},
		{"45s", Span{Unit: SpanElapsed, D: 45 * time.Second}, "45s"},
		{"1h0m30s", Span{Unit: SpanElapsed, D: time.Hour + 30*time.Second}, "1h0m30s"},
		{"90d", Span{Unit: SpanElapsed, D: 2160 * time.Hour}, "2160h"},
		{"2wh", Span{Unit: SpanWorkingHours, D: 2 * time.Hour}, "2wh"},
		{"1.5wh", Span{Unit: SpanWorkingHours, D: 90 * time.Minute}, "1.5wh"},
		{"0.25wh", Span{Unit: SpanWorkingHours, D: 15 * time.Minute}, "0.25wh"},
		{"3wd", Span{Unit: SpanWorkingDays, N: 3}, "3wd"},
		{"1mo", Span{Unit: SpanMonths, N: 1}, "1mo"},
		{"12mo", Span{Unit: SpanMonths, N: 12}, "12mo"},
		{" 5wd ", Span{Unit: SpanWorkingDays, N: 5}, "5wd"},
	}
	for _, tc := range good {
		got, err := ParseSpan(tc.in)
		if err != nil {
			t.Errorf("ParseSpan(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseSpan(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
		if s := got.String(); s != tc.str {
			t.Errorf("ParseSpan(%q).String() = %q, want %q", tc.in, s, tc.str)
		}
		back, err := ParseSpan(got.String())
		if err != nil || back != got {
			t.Errorf("round trip %q → %q → %+v, %v; want %+v", tc.in, got.String(), back, err, got)
		}
	}

	// A third of a working hour round-trips through its decimal form.
	third := Span{Unit: SpanWorkingHours, D: 20 * time.Minute}
	if back, err := ParseSpan(third.String()); err != nil || back != third {
		t.Errorf("round trip of %+v via %q = %+v, %v", third, third.String(), back, err)
	}

	bad := []struct{ in, want string }{
		{"", "empty duration spec"},
		{"   ", "empty duration spec"},
		{"-3h", `"-3h": the duration must be positive`},
		{"-2wd", `"-2wd": the duration must be positive`},
		{"0h", `"0h": the duration must be positive`},
		{"0wd", `"0wd": the duration must be positive`},
		{"0mo", `"0mo": the duration must be positive`},
		{"0.0wh", `"0.0wh": the duration must be positive`},
		{"3x", `"3x" is not a duration spec`},
		{"wd", `"wd" is not a duration spec`},
		{"1.5wd", `"1.5wd": working days are counted in whole numbers`},
		{"1.5mo", `"1.5mo": months are counted in whole numbers`},
		{"+3wd", `"+3wd" is not a duration spec`},
		{"1e3wh", `"1e3wh" is not a duration spec`},
		{"1..5wh", `"1..5wh" is not a duration spec`},
		{".5wh", `".5wh" is not a duration spec`},
		{"3 days", `"3 days" is not a duration spec`},
		{"1h30", `"1h30" is not a duration spec`},
		{"99999wd", `"99999wd": at most 10000 working days`},
		{"200000wh", `"200000wh": at most 100000 working hours`},
	}
	for _, tc := range bad {
		got, err := ParseSpan(tc.in)
		if err == nil {
			t.Errorf("ParseSpan(%q) = %+v, nil; want an error", tc.in, got)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseSpan(%q) error %q does not contain %q", tc.in, err, tc.want)
		}
	}
}
