// Package report is the procedure's analysis (统计分析): the figures of a
// period (counts, Pareto of categories, deadline compliance, revisits,
// recurring problems, comparison with the previous period) and the register
// export as CSV and XLSX, plus a printable HTML report; each in Simplified
// Chinese (the default), Traditional Chinese or English (lang.go, texts.go).
package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Period is [From, To) in the company's time zone.
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Quarter is the calendar quarter containing t, in loc.
func Quarter(t time.Time, loc *time.Location) Period {
	t = t.In(loc)
	m := time.Month((int(t.Month())-1)/3*3 + 1)
	from := time.Date(t.Year(), m, 1, 0, 0, 0, 0, loc)
	return Period{From: from, To: from.AddDate(0, 3, 0)}
}

// MinYear and MaxYear bound the dates a period may cover: no complaint
// predates 2000, and neither PostgreSQL nor JSON carries every year a
// client can type (0001, 9999).
const MinYear, MaxYear = 2000, 2100

// InRange reports whether t lies in the years MinYear through MaxYear.
func InRange(t time.Time) bool { return t.Year() >= MinYear && t.Year() <= MaxYear }

// ParsePeriod reads "2026" (a year), "2026-Q3" (a quarter), "2026-H1" (a
// half year), "2026-11" (a month) or "2026-01-01..2026-03-31" (inclusive
// dates), in loc, within the years MinYear through MaxYear.
func ParsePeriod(s string, loc *time.Location) (Period, error) {
	p, err := parsePeriod(strings.TrimSpace(s), loc)
	if err == nil && (!InRange(p.From) || !InRange(p.To.Add(-time.Nanosecond))) {
		return Period{}, fmt.Errorf("period %q: must lie within the years %d to %d", s, MinYear, MaxYear)
	}
	return p, err
}

func parsePeriod(s string, loc *time.Location) (Period, error) {
	bad := func() (Period, error) {
		return Period{}, fmt.Errorf("period %q: want 2026, 2026-Q3, 2026-H1, 2026-11 or 2026-01-01..2026-03-31", s)
	}
	if from, to, ok := strings.Cut(s, ".."); ok {
		f, err1 := time.ParseInLocation(time.DateOnly, strings.TrimSpace(from), loc)
		t, err2 := time.ParseInLocation(time.DateOnly, strings.TrimSpace(to), loc)
		if err1 != nil || err2 != nil {
			return bad()
		}
		if t.Before(f) {
			return Period{}, fmt.Errorf("period %q: ends before it starts", s)
		}
		return Period{From: f, To: t.AddDate(0, 0, 1)}, nil
	}
	year, rest, _ := strings.Cut(s, "-")
	y, err := strconv.Atoi(year)
	if err != nil || len(year) != 4 {
		return bad()
	}
	start := func(m, months int) Period {
		from := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, loc)
		return Period{From: from, To: from.AddDate(0, months, 0)}
	}
	switch {
	case rest == "" && !strings.Contains(s, "-"):
		return start(1, 12), nil
	case len(rest) == 2 && (rest[0] == 'Q' || rest[0] == 'q') && rest[1] >= '1' && rest[1] <= '4':
		return start(int(rest[1]-'1')*3+1, 3), nil
	case len(rest) == 2 && (rest[0] == 'H' || rest[0] == 'h') && (rest[1] == '1' || rest[1] == '2'):
		return start(int(rest[1]-'1')*6+1, 6), nil
	case len(rest) == 2:
		m, err := strconv.Atoi(rest)
		if err != nil || m < 1 || m > 12 {
			return bad()
		}
		return start(m, 1), nil
	}
	return bad()
}

// months is the number of whole calendar months p spans when it starts and
// ends on the first of a month at midnight, else 0.
func (p Period) months() int {
	first := func(t time.Time) bool {
		return t.Day() == 1 && t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
	}
	if !first(p.From) || !first(p.To) {
		return 0
	}
	n := (p.To.Year()-p.From.Year())*12 + int(p.To.Month()) - int(p.From.Month())
	if n <= 0 {
		return 0
	}
	return n
}

// Previous is the period of equal length just before p: as many calendar
// months for a period of whole months (the previous quarter of a quarter),
// else the same duration.
func (p Period) Previous() Period {
	if n := p.months(); n > 0 {
		return Period{From: p.From.AddDate(0, -n, 0), To: p.From}
	}
	return Period{From: p.From.Add(-p.To.Sub(p.From)), To: p.From}
}

// String names the period: 2026, 2026-Q3, 2026-H1, 2026-11 or
// 2026-01-01..2026-03-31.
func (p Period) String() string {
	n := p.months()
	m := int(p.From.Month())
	switch {
	case n == 12 && m == 1:
		return strconv.Itoa(p.From.Year())
	case n == 6 && (m == 1 || m == 7):
		return fmt.Sprintf("%d-H%d", p.From.Year(), m/6+1)
	case n == 3 && (m-1)%3 == 0:
		return fmt.Sprintf("%d-Q%d", p.From.Year(), (m-1)/3+1)
	case n == 1:
		return p.From.Format("2006-01")
	}
	return p.From.Format(time.DateOnly) + ".." + p.To.AddDate(0, 0, -1).Format(time.DateOnly)
}
