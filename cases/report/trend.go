package report

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/jmoiron/sqlx"
)

// WeeklyUpTo is the longest period, in days, whose trend is counted per
// week: any quarter (90–92 days) and anything shorter. Longer periods (a
// half year, a year) are counted per calendar month.
const WeeklyUpTo = 92

// TrendLines is how many categories, the most frequent of the period, the
// trend draws as lines of their own; the others are summed in one line,
// TrendRest. With at most TrendLines+1 categories every one has its line.
const TrendLines = 5

// TrendRest is the category key of the line summing the categories beyond
// the first TrendLines.
const TrendRest = "_rest"

// Trend is the cases received per week or month, by category.
type Trend struct {
	Unit    string        `json:"unit"` // "week" (Monday to Sunday) or "month"
	Buckets []TrendBucket `json:"buckets"`
	Series  []TrendSeries `json:"series"` // the most frequent categories first, TrendRest last
}

// TrendBucket is one week or month; the first and last are cut to the period.
type TrendBucket struct {
	Key   string    `json:"key"` // week: its first day in the period (2026-01-05); month: 2026-01
	From  time.Time `json:"from"`
	To    time.Time `json:"to"` // exclusive
	Total int       `json:"total"`
}

// TrendSeries is one line of the trend: a category's count per bucket.
type TrendSeries struct {
	Category string `json:"category"` // the category's key, or TrendRest
	Name     string `json:"name"`
	Counts   []int  `json:"counts"` // one per bucket, in the buckets' order
	Total    int    `json:"total"`
}

// Weekly reports whether p's trend is counted per week (see WeeklyUpTo).
func (p Period) Weekly() bool {
	return int(math.Round(p.To.Sub(p.From).Hours()/24)) <= WeeklyUpTo
}

// trendBuckets cuts p into weeks starting on Monday or calendar months, in
// loc; start is each bucket's uncut first day (YYYY-MM-DD), which is how
// PostgreSQL's date_trunc names it.
func trendBuckets(p Period, loc *time.Location) (unit string, buckets []TrendBucket, start []string) {
	from := p.From.In(loc)
	var first time.Time
	var next func(time.Time) time.Time
	if p.Weekly() {
		unit = "week"
		day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
		first = day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
		next = func(t time.Time) time.Time { return t.AddDate(0, 0, 7) }
	} else {
		unit = "month"
		first = time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, loc)
		next = func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }
	}
	for s := first; s.Before(p.To); s = next(s) {
		b := TrendBucket{From: s, To: next(s)}
		if b.From.Before(p.From) {
			b.From = p.From
		}
		if b.To.After(p.To) {
			b.To = p.To
		}
		if unit == "week" {
			b.Key = b.From.Format(time.DateOnly)
		} else {
			b.Key = s.Format("2006-01")
		}
		buckets = append(buckets, b)
		start = append(start, s.Format(time.DateOnly))
	}
	return unit, buckets, start
}

// trend counts the cases of p per bucket and category; byCategory is the
// period's categories, most frequent first.
func trend(ctx context.Context, tx *sqlx.Tx, p Period, loc *time.Location, byCategory []Count, n names) (Trend, error) {
	unit, buckets, start := trendBuckets(p, loc)
	t := Trend{Unit: unit, Buckets: buckets, Series: []TrendSeries{}}
	index := make(map[string]int, len(start))
	for i, s := range start {
		index[s] = i
	}
	var rows []struct {
		Category string `db:"category"`
		Bucket   string `db:"bucket"`
		Count    int    `db:"count"`
	}
	if err := tx.SelectContext(ctx, &rows, q.Trend, p.From, p.To, loc.String(), unit); err != nil {
		return Trend{}, fmt.Errorf("report: trend: %w", err)
	}
	line := map[string]int{} // category → series
	for i, c := range byCategory {
		if i == TrendLines && len(byCategory) > TrendLines+1 {
			break
		}
		line[c.Key] = len(t.Series)
		t.Series = append(t.Series, TrendSeries{Category: c.Key, Name: n.category(c.Key), Counts: make([]int, len(buckets))})
	}
	rest := -1
	if len(byCategory) > len(t.Series) {
		rest = len(t.Series)
		t.Series = append(t.Series, TrendSeries{Category: TrendRest, Name: n.lang.T("trend.rest"), Counts: make([]int, len(buckets))})
	}
	for _, r := range rows {
		b, ok := index[r.Bucket]
		if !ok {
			return Trend{}, fmt.Errorf("report: trend: bucket %s outside %s", r.Bucket, p)
		}
		s, ok := line[r.Category]
		if !ok {
			s = rest
		}
		t.Series[s].Counts[b] += r.Count
		t.Series[s].Total += r.Count
		t.Buckets[b].Total += r.Count
	}
	return t, nil
}
