package cases

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"

	"github.com/heedhq/heed/config"
)

// This file holds the business calendar the procedure's deadlines count in
// (docs/procedure.md, "Clock"; the deadlines themselves are in deadlines.go).
// Everything here is a pure function of its arguments: no database, no
// globals, and the current time is always passed in.
//
// The time-zone database is loaded with time.LoadLocation. A binary meant to
// run where /usr/share/zoneinfo may be missing (a scratch container) should
// import _ "time/tzdata" in its main package.

// Calendar is the business calendar: working hours in a time zone, working
// weekdays, the official public holidays and make-up workdays (调休) of
// mainland China unless turned off, and the company's own days off and
// working days, which win over the official ones. Build it with
// NewCalendar; the zero Calendar is not usable. A Calendar is immutable and
// safe for concurrent use.
type Calendar struct {
	loc      *time.Location
	start    int // working day start, minutes after local midnight
	end      int // working day end, minutes after local midnight (1440 = 24:00)
	weekdays [7]bool
	holidays map[civilDate]bool // configured days off
	workdays map[civilDate]bool // configured working days
	official *officialDays      // nil: calendar.official: none
}

// officialDays is an official calendar: its public holidays (true) and
// make-up workdays (false), and the years it has a schedule for.
type officialDays struct {
	days  map[civilDate]bool
	years map[int]bool
}

// chinaOfficial is mainland China's official schedule from 6tail/lunar-go's
// HolidayUtil (published State Council notices since 2001; the library
// ships each new year within days of the notice, usually in November).
var chinaOfficial = sync.OnceValue(func() *officialDays {
	o := &officialDays{days: map[civilDate]bool{}, years: map[int]bool{}}
	for y := 2001; y <= time.Now().Year()+2; y++ {
		l := HolidayUtil.GetHolidaysByYear(y)
		for e := l.Front(); e != nil; e = e.Next() {
			h := e.Value.(*HolidayUtil.Holiday)
			d, err := parseDate(h.GetDay())
			if err != nil {
				continue
			}
			o.days[d] = !h.IsWork()
			o.years[d.y] = true
		}
	}
	return o
})

// civilDate is a date on the wall calendar, without a zone.
type civilDate struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) civilDate {
	y, m, d := t.Date()
	return civilDate{y, m, d}
}

func (d civilDate) next() civilDate {
	return dateOf(time.Date(d.y, d.m, d.d+1, 12, 0, 0, 0, time.UTC))
}

func (d civilDate) prev() civilDate {
	return dateOf(time.Date(d.y, d.m, d.d-1, 12, 0, 0, 0, time.UTC))
}

func (d civilDate) weekday() time.Weekday {
	return time.Date(d.y, d.m, d.d, 12, 0, 0, 0, time.UTC).Weekday()
}

// at is the instant of minute-of-day min on date d in loc; 1440 is the next
// midnight.
func (d civilDate) at(min int, loc *time.Location) time.Time {
	return time.Date(d.y, d.m, d.d, min/60, min%60, 0, 0, loc)
}

const (
	defaultTimeZone = "Asia/Shanghai"
	defaultDayStart = "09:00"
	defaultDayEnd   = "18:00"
)

var defaultWeekdays = []string{"mon", "tue", "wed", "thu", "fri"}

var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "sunday": time.Sunday,
	"mon": time.Monday, "monday": time.Monday,
	"tue": time.Tuesday, "tuesday": time.Tuesday,
	"wed": time.Wednesday, "wednesday": time.Wednesday,
	"thu": time.Thursday, "thursday": time.Thursday,
	"fri": time.Friday, "friday": time.Friday,
	"sat": time.Saturday, "saturday": time.Saturday,
}

// NewCalendar validates c and builds the calendar. Empty fields take the
// defaults: time zone Asia/Shanghai, working hours 09:00-18:00, working
// weekdays mon..fri. Every problem found is reported (joined), each naming
// its key, e.g. `calendar.day_start: "9h" is not HH:MM`.
func NewCalendar(c config.Calendar) (*Calendar, error) {
	var errs []error
	cal := &Calendar{
		holidays: map[civilDate]bool{},
		workdays: map[civilDate]bool{},
	}

	tz := strings.TrimSpace(c.TimeZone)
	if tz == "" {
		tz = defaultTimeZone
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		errs = append(errs, fmt.Errorf("calendar.time_zone: unknown time zone %q", c.TimeZone))
	}
	cal.loc = loc

	startOK, endOK := true, true
	start := c.DayStart
	if strings.TrimSpace(start) == "" {
		start = defaultDayStart
	}
	if cal.start, err = parseClock(start, false); err != nil {
		errs = append(errs, fmt.Errorf("calendar.day_start: %q is not HH:MM", start))
		startOK = false
	}
	end := c.DayEnd
	if strings.TrimSpace(end) == "" {
		end = defaultDayEnd
	}
	if cal.end, err = parseClock(end, true); err != nil {
		errs = append(errs, fmt.Errorf("calendar.day_end: %q is not HH:MM", end))
		endOK = false
	}
	if startOK && endOK && cal.end <= cal.start {
		errs = append(errs, fmt.Errorf("calendar.day_end: %q must be after calendar.day_start %q", end, start))
	}

	weekdays := c.Weekdays
	if len(weekdays) == 0 {
		weekdays = defaultWeekdays
	}
	for i, w := range weekdays {
		wd, ok := weekdayNames[strings.ToLower(strings.TrimSpace(w))]
		if !ok {
			errs = append(errs, fmt.Errorf("calendar.weekdays[%d]: %q is not a weekday (mon, tue, wed, thu, fri, sat, sun)", i, w))
			continue
		}
		cal.weekdays[wd] = true
	}

	for i, s := range c.Holidays {
		d, err := parseDate(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("calendar.holidays[%d]: %q is not a date (YYYY-MM-DD)", i, s))
			continue
		}
		cal.holidays[d] = true
	}
	for i, s := range c.Workdays {
		d, err := parseDate(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("calendar.workdays[%d]: %q is not a date (YYYY-MM-DD)", i, s))
			continue
		}
		if cal.holidays[d] {
			errs = append(errs, fmt.Errorf("calendar.workdays[%d]: %q is also listed in calendar.holidays", i, s))
			continue
		}
		cal.workdays[d] = true
	}

	switch strings.TrimSpace(c.Official) {
	case "", config.OfficialCN:
		cal.official = chinaOfficial()
	case config.OfficialNone:
	default:
		errs = append(errs, fmt.Errorf("calendar.official: %q is not cn or none", c.Official))
	}

	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return cal, nil
}

// ScheduleWarning says, when the official calendar is on, which year's
// official schedule the calendar does not know yet although it is needed:
// the current year's always, the next year's from December on (deadlines
// of late December already reach into January). "" when all is known or the
// official calendar is off. heed serve logs it at start-up: upgrade heed
// (a newer github.com/6tail/lunar-go), or list that year's holidays and
// make-up workdays under calendar.holidays and calendar.workdays.
func (c *Calendar) ScheduleWarning(now time.Time) string {
	if c.official == nil {
		return ""
	}
	now = now.In(c.loc)
	y := now.Year()
	var missing []string
	if !c.official.years[y] {
		missing = append(missing, strconv.Itoa(y))
	}
	if now.Month() == time.December && !c.official.years[y+1] {
		missing = append(missing, strconv.Itoa(y+1))
	}
	if len(missing) == 0 {
		return ""
	}
	return fmt.Sprintf("the official holidays and make-up workdays (调休) of %s are not known to this build: "+
		"deadlines count those days as ordinary weekdays and weekends; upgrade heed (github.com/6tail/lunar-go), "+
		"or list them under calendar.holidays and calendar.workdays", strings.Join(missing, " and "))
}

// parseClock reads "HH:MM" (hour 0-23, or "24:00" when allow24) into
// minutes after midnight.
func parseClock(s string, allow24 bool) (int, error) {
	s = strings.TrimSpace(s)
	hh, mm, ok := strings.Cut(s, ":")
	digits := func(v string) bool { return strings.Trim(v, "0123456789") == "" }
	if !ok || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 || !digits(hh) || !digits(mm) {
		return 0, errors.New("not HH:MM")
	}
	h, _ := strconv.Atoi(hh)
	m, _ := strconv.Atoi(mm)
	switch {
	case m > 59:
		return 0, errors.New("minute out of range")
	case h == 24 && m == 0 && allow24:
		return 24 * 60, nil
	case h > 23:
		return 0, errors.New("hour out of range")
	}
	return h*60 + m, nil
}

func parseDate(s string) (civilDate, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return civilDate{}, err
	}
	return dateOf(t), nil
}

// Location is the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// workingDay is the length of one working day (day end minus day start, in
// wall-clock time).
func (c *Calendar) workingDay() time.Duration {
	return time.Duration(c.end-c.start) * time.Minute
}

func (c *Calendar) isWorkdate(d civilDate) bool {
	if c.workdays[d] {
		return true
	}
	if c.holidays[d] {
		return false
	}
	if c.official != nil {
		if holiday, listed := c.official.days[d]; listed {
			return !holiday
		}
	}
	return c.weekdays[d.weekday()]
}

// IsWorkday reports whether t's date, in the calendar's zone, is a working
// day: a working weekday that is not a holiday, or a listed make-up workday.
func (c *Calendar) IsWorkday(t time.Time) bool {
	return c.isWorkdate(dateOf(t.In(c.loc)))
}

// InWorkingTime reports whether t falls on a workday with DayStart <= local
// wall time < DayEnd.
func (c *Calendar) InWorkingTime(t time.Time) bool {
	t = t.In(c.loc)
	d := dateOf(t)
	if !c.isWorkdate(d) {
		return false
	}
	return !t.Before(d.at(c.start, c.loc)) && t.Before(d.at(c.end, c.loc))
}

// AddWorkingTime returns the instant at which d of working time has passed
// since t. Only working time counts: from outside working time counting
// starts at the next working start. A result falling exactly at a day's end
// stays at that day end (it does not move to the next morning). For d <= 0
// it returns t itself. The result is in the calendar's zone.
func (c *Calendar) AddWorkingTime(t time.Time, d time.Duration) time.Time {
	t = t.In(c.loc)
	if d <= 0 {
		return t
	}
	cur := t
	for day := dateOf(t); ; day = day.next() {
		if !c.isWorkdate(day) {
			continue
		}
		start, end := day.at(c.start, c.loc), day.at(c.end, c.loc)
		if cur.Before(start) {
			cur = start
		}
		if !cur.Before(end) {
			continue
		}
		avail := end.Sub(cur)
		if d <= avail {
			return cur.Add(d)
		}
		d -= avail
		cur = end
	}
}

// Add returns t moved on by s: elapsed time is plain t.Add, working hours
// count working time (AddWorkingTime), N working days are N working-day
// lengths of working time (a receipt in working time falls due at the same
// time of day N working days later, one outside working time at the end of
// the Nth working day), and months are AddDate(0, N, 0) in the calendar's
// zone (Go's normalisation: Jan 31 + 1mo is Mar 3, or Mar 2 in a leap year).
// The result is in the calendar's zone.
func (c *Calendar) Add(t time.Time, s Span) time.Time {
	t = t.In(c.loc)
	switch s.Unit {
	case SpanWorkingHours:
		return c.AddWorkingTime(t, s.D)
	case SpanWorkingDays:
		return c.AddWorkingTime(t, time.Duration(s.N)*c.workingDay())
	case SpanMonths:
		return t.AddDate(0, s.N, 0)
	default:
		return t.Add(s.D)
	}
}

// Sub returns the instant s before t, the mirror of Add: elapsed time is
// t.Add(-D), months AddDate(0, -N, 0) in the calendar's zone, working hours
// and working days are counted backwards through working time only
// (SubWorkingTime). "Answered at least 3 working days ago" is
// answeredAt <= cal.Sub(now, 3wd). The result is in the calendar's zone.
func (c *Calendar) Sub(t time.Time, s Span) time.Time {
	t = t.In(c.loc)
	switch s.Unit {
	case SpanWorkingHours:
		return c.SubWorkingTime(t, s.D)
	case SpanWorkingDays:
		return c.SubWorkingTime(t, time.Duration(s.N)*c.workingDay())
	case SpanMonths:
		return t.AddDate(0, -s.N, 0)
	default:
		return t.Add(-s.D)
	}
}

// SubWorkingTime returns the latest instant from which d of working time
// has passed by t (so AddWorkingTime of the result and d is not after t).
// From outside working time counting starts at the previous working end. A
// result falling exactly at a day's start stays there. For d <= 0 it
// returns t itself.
func (c *Calendar) SubWorkingTime(t time.Time, d time.Duration) time.Time {
	t = t.In(c.loc)
	if d <= 0 {
		return t
	}
	cur := t
	for day := dateOf(t); ; day = day.prev() {
		if !c.isWorkdate(day) {
			continue
		}
		start, end := day.at(c.start, c.loc), day.at(c.end, c.loc)
		if cur.After(end) {
			cur = end
		}
		if !cur.After(start) {
			continue
		}
		avail := cur.Sub(start)
		if d <= avail {
			return cur.Add(-d)
		}
		d -= avail
		cur = start
	}
}
