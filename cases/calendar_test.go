package cases

import (
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the host's zoneinfo

	"github.com/heedhq/heed/config"
)

// testCalendarConfig is the calendar every test uses unless it says
// otherwise. It is chosen explicitly, not taken from any real year's
// official schedule:
//
//	Asia/Shanghai, 09:00-18:00, mon..fri (a working day is 9h)
//	holidays: 2026-01-01 Thu, 2026-01-02 Fri (New Year),
//	          2026-10-01 Thu .. 2026-10-07 Wed (National Day week)
//	make-up workdays (调休): 2026-09-26 Sat, 2026-10-11 Sun
func testCalendarConfig() config.Calendar {
	return config.Calendar{
		TimeZone: "Asia/Shanghai",
		DayStart: "09:00",
		DayEnd:   "18:00",
		Weekdays: []string{"mon", "tue", "wed", "thu", "fri"},
		Holidays: []string{
			"2026-01-01", "2026-01-02",
			"2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04",
			"2026-10-05", "2026-10-06", "2026-10-07",
		},
		Workdays: []string{"2026-09-26", "2026-10-11"},
		Official: config.OfficialNone,
	}
}

func testCalendar(t *testing.T) *Calendar {
	t.Helper()
	cal, err := NewCalendar(testCalendarConfig())
	if err != nil {
		t.Fatalf("NewCalendar: %v", err)
	}
	return cal
}

// newYorkCalendar is America/New_York, 09:00-18:00, mon..fri, no holidays.
// DST starts Sunday 2026-03-08 02:00 (EST -05:00 → EDT -04:00).
func newYorkCalendar(t *testing.T) *Calendar {
	t.Helper()
	cal, err := NewCalendar(config.Calendar{TimeZone: "America/New_York", Official: config.OfficialNone})
	if err != nil {
		t.Fatalf("NewCalendar: %v", err)
	}
	return cal
}

// at parses a literal RFC 3339 instant, e.g. "2026-03-10T10:00:00+08:00".
func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("bad literal time %q: %v", s, err)
	}
	return v
}

// checkInstant compares got with the literal want and checks got is in the
// calendar's location.
func checkInstant(t *testing.T, cal *Calendar, what string, got time.Time, want string) {
	t.Helper()
	w := at(t, want)
	if !got.Equal(w) {
		t.Errorf("%s = %s, want %s", what, got.Format(time.RFC3339), w.Format(time.RFC3339))
	}
	if got.Location() != cal.Location() {
		t.Errorf("%s: location %v, want the calendar's %v", what, got.Location(), cal.Location())
	}
}

func mustSpan(t *testing.T, s string) Span {
	t.Helper()
	sp, err := ParseSpan(s)
	if err != nil {
		t.Fatalf("ParseSpan(%q): %v", s, err)
	}
	return sp
}

func TestCalendarAddWorkingTime(t *testing.T) {
	cal := testCalendar(t)
	tests := []struct {
		name string
		from string
		d    time.Duration
		want string
	}{
		{"ordinary weekday, within the day", "2026-03-10T10:00:00+08:00", 2 * time.Hour, "2026-03-10T12:00:00+08:00"},
		{"weekday, runs past 18:00 into the next morning", "2026-03-10T17:00:00+08:00", 2 * time.Hour, "2026-03-11T10:00:00+08:00"},
		{"Friday 17:30 to Monday", "2026-03-13T17:30:00+08:00", 2 * time.Hour, "2026-03-16T10:30:00+08:00"},
		{"Saturday receipt starts Monday 09:00", "2026-03-14T10:00:00+08:00", 2 * time.Hour, "2026-03-16T11:00:00+08:00"},
		{"Sunday 23:59 starts Monday 09:00", "2026-03-15T23:59:00+08:00", time.Hour, "2026-03-16T10:00:00+08:00"},
		{"midnight exactly", "2026-03-10T00:00:00+08:00", time.Hour, "2026-03-10T10:00:00+08:00"},
		{"exactly 09:00", "2026-03-10T09:00:00+08:00", time.Hour, "2026-03-10T10:00:00+08:00"},
		{"exactly 18:00 is outside working time", "2026-03-10T18:00:00+08:00", time.Hour, "2026-03-11T10:00:00+08:00"},
		{"weekday 23:59", "2026-03-10T23:59:00+08:00", 30 * time.Minute, "2026-03-11T09:30:00+08:00"},
		{"08:59 + 1m", "2026-03-10T08:59:00+08:00", time.Minute, "2026-03-10T09:01:00+08:00"},
		{"result exactly at day end stays at 18:00", "2026-03-10T17:00:00+08:00", time.Hour, "2026-03-10T18:00:00+08:00"},
		{"17:59 + 1m is 18:00 the same day", "2026-03-10T17:59:00+08:00", time.Minute, "2026-03-10T18:00:00+08:00"},
		{"a whole working day from before the start ends at 18:00", "2026-03-10T07:00:00+08:00", 9 * time.Hour, "2026-03-10T18:00:00+08:00"},
		{"five working days from Monday 09:00 end Friday 18:00", "2026-03-09T09:00:00+08:00", 45 * time.Hour, "2026-03-13T18:00:00+08:00"},
		{"zero duration returns the instant itself", "2026-03-14T10:00:00+08:00", 0, "2026-03-14T10:00:00+08:00"},
		{"input in UTC, result in Shanghai", "2026-03-10T02:00:00Z", 2 * time.Hour, "2026-03-10T12:00:00+08:00"},
		{"National Day: Wednesday before the holiday week to Thursday after", "2026-09-30T17:00:00+08:00", 2 * time.Hour, "2026-10-08T10:00:00+08:00"},
		{"receipt inside the National Day week", "2026-10-03T10:00:00+08:00", time.Hour, "2026-10-08T10:00:00+08:00"},
		{"make-up Saturday 2026-09-26 is worked", "2026-09-25T17:00:00+08:00", 2 * time.Hour, "2026-09-26T10:00:00+08:00"},
		{"make-up Sunday 2026-10-11 is worked", "2026-10-10T12:00:00+08:00", time.Hour, "2026-10-11T10:00:00+08:00"},
		{"New Year: Dec 31 over the Jan 1-2 holidays and the weekend", "2025-12-31T17:00:00+08:00", 2 * time.Hour, "2026-01-05T10:00:00+08:00"},
		{"New Year without a holiday configured (2027-01-01 is a Friday)", "2026-12-31T17:00:00+08:00", 2 * time.Hour, "2027-01-01T10:00:00+08:00"},
		{"leap year: Feb 28 to Feb 29 2028", "2028-02-28T17:00:00+08:00", 2 * time.Hour, "2028-02-29T10:00:00+08:00"},
		{"leap year: Feb 29 to Mar 1 2028", "2028-02-29T17:00:00+08:00", 2 * time.Hour, "2028-03-01T10:00:00+08:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := cal.AddWorkingTime(at(t, tc.from), tc.d)
			checkInstant(t, cal, "AddWorkingTime("+tc.from+", "+tc.d.String()+")", got, tc.want)
		})
	}
}

func TestCalendarAdd(t *testing.T) {
	cal := testCalendar(t)
	tests := []struct {
		name string
		from string
		span string
		want string
	}{
		// working days
		{"3wd mid-day: same time of day 3 working days later", "2026-03-10T10:00:00+08:00", "3wd", "2026-03-13T10:00:00+08:00"},
		{"3wd from Friday 17:30", "2026-03-13T17:30:00+08:00", "3wd", "2026-03-18T17:30:00+08:00"},
		{"3wd from a weekend: end of the 3rd working day", "2026-03-14T10:00:00+08:00", "3wd", "2026-03-18T18:00:00+08:00"},
		{"3wd from exactly 18:00", "2026-03-10T18:00:00+08:00", "3wd", "2026-03-13T18:00:00+08:00"},
		{"3wd from exactly 09:00", "2026-03-10T09:00:00+08:00", "3wd", "2026-03-12T18:00:00+08:00"},
		{"3wd across the National Day week", "2026-09-29T15:00:00+08:00", "3wd", "2026-10-09T15:00:00+08:00"},
		{"3wd from the eve of National Day lands on the make-up Sunday", "2026-09-30T17:00:00+08:00", "3wd", "2026-10-11T17:00:00+08:00"},
		{"1wd from Friday 12:00 over the weekend", "2026-03-13T12:00:00+08:00", "1wd", "2026-03-16T12:00:00+08:00"},
		// working hours
		{"2wh Friday 17:30 to Monday", "2026-03-13T17:30:00+08:00", "2wh", "2026-03-16T10:30:00+08:00"},
		{"1.5wh over the evening", "2026-03-10T17:00:00+08:00", "1.5wh", "2026-03-11T09:30:00+08:00"},
		{"2wh received on a holiday", "2026-10-05T20:00:00+08:00", "2wh", "2026-10-08T11:00:00+08:00"},
		// elapsed
		{"24h elapsed ignores the calendar", "2026-03-13T17:30:00+08:00", "24h", "2026-03-14T17:30:00+08:00"},
		{"1h30m elapsed across midnight", "2026-03-10T23:00:00+08:00", "1h30m", "2026-03-11T00:30:00+08:00"},
		{"elapsed across New Year", "2026-12-31T20:00:00+08:00", "5h", "2027-01-01T01:00:00+08:00"},
		{"90d elapsed", "2026-01-01T00:00:00+08:00", "90d", "2026-04-01T00:00:00+08:00"},
		{"72h elapsed through Feb 29 2028", "2028-02-27T10:00:00+08:00", "72h", "2028-03-01T10:00:00+08:00"},
		// months
		{"1mo ordinary", "2026-03-15T10:00:00+08:00", "1mo", "2026-04-15T10:00:00+08:00"},
		{"1mo from Jan 31 normalises past Feb 28 (AddDate)", "2026-01-31T10:00:00+08:00", "1mo", "2026-03-03T10:00:00+08:00"},
		{"1mo from Jan 31 in leap year 2028", "2028-01-31T10:00:00+08:00", "1mo", "2028-03-02T10:00:00+08:00"},
		{"1mo from Feb 29 2028", "2028-02-29T10:00:00+08:00", "1mo", "2028-03-29T10:00:00+08:00"},
		{"1mo across New Year", "2026-12-15T10:00:00+08:00", "1mo", "2027-01-15T10:00:00+08:00"},
		{"1mo counts in Shanghai, not in the input's UTC", "2026-01-31T20:00:00Z", "1mo", "2026-03-01T04:00:00+08:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := cal.Add(at(t, tc.from), mustSpan(t, tc.span))
			checkInstant(t, cal, "Add("+tc.from+", "+tc.span+")", got, tc.want)
		})
	}
}

// In a DST zone working hours are local wall time: 09:00-18:00 EST before
// the switch and 09:00-18:00 EDT after it.
func TestCalendarWorkingTimeDST(t *testing.T) {
	cal := newYorkCalendar(t)
	tests := []struct {
		name string
		from string
		span string
		want string
	}{
		{"2wh Friday 17:00 EST to Monday 10:00 EDT (64h elapsed, not 65h)", "2026-03-06T17:00:00-05:00", "2wh", "2026-03-09T10:00:00-04:00"},
		{"1wd Friday noon EST to Monday noon EDT", "2026-03-06T12:00:00-05:00", "1wd", "2026-03-09T12:00:00-04:00"},
		{"Sunday of the switch counts from Monday 09:00 EDT", "2026-03-08T01:30:00-05:00", "1wh", "2026-03-09T10:00:00-04:00"},
		{"24h elapsed over the switch is 23 wall hours later", "2026-03-07T12:00:00-05:00", "24h", "2026-03-08T13:00:00-04:00"},
		{"1mo keeps the wall time across the switch", "2026-02-20T10:00:00-05:00", "1mo", "2026-03-20T10:00:00-04:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := cal.Add(at(t, tc.from), mustSpan(t, tc.span))
			checkInstant(t, cal, "Add("+tc.from+", "+tc.span+")", got, tc.want)
		})
	}

	inWork := []struct {
		when string
		want bool
	}{
		{"2026-03-06T13:30:00Z", false}, // 08:30 EST, Friday before the switch
		{"2026-03-06T14:00:00Z", true},  // 09:00 EST
		{"2026-03-09T13:30:00Z", true},  // 09:30 EDT, Monday after: same UTC time of day, now working
		{"2026-03-09T22:00:00Z", false}, // 18:00 EDT
		{"2026-03-09T21:59:00Z", true},  // 17:59 EDT
	}
	for _, tc := range inWork {
		if got := cal.InWorkingTime(at(t, tc.when)); got != tc.want {
			t.Errorf("New York InWorkingTime(%s) = %v, want %v", tc.when, got, tc.want)
		}
	}
}

func TestCalendarIsWorkdayAndInWorkingTime(t *testing.T) {
	cal := testCalendar(t)
	tests := []struct {
		when          string
		workday, work bool
	}{
		{"2026-03-10T10:00:00+08:00", true, true},   // Tuesday
		{"2026-03-10T09:00:00+08:00", true, true},   // exactly 09:00 is in
		{"2026-03-10T08:59:59+08:00", true, false},  // just before
		{"2026-03-10T17:59:59+08:00", true, true},   // just before the end
		{"2026-03-10T18:00:00+08:00", true, false},  // exactly 18:00 is out
		{"2026-03-10T00:00:00+08:00", true, false},  // midnight
		{"2026-03-14T10:00:00+08:00", false, false}, // Saturday
		{"2026-10-01T10:00:00+08:00", false, false}, // National Day (a Thursday)
		{"2026-09-26T10:00:00+08:00", true, true},   // make-up Saturday
		{"2026-10-11T10:00:00+08:00", true, true},   // make-up Sunday
		{"2026-01-01T10:00:00+08:00", false, false}, // New Year's Day
		{"2026-03-13T20:00:00Z", false, false},      // Fri 20:00 UTC = Sat 04:00 Shanghai
		{"2026-03-15T17:00:00Z", true, false},       // Sun 17:00 UTC = Mon 01:00 Shanghai
	}
	for _, tc := range tests {
		when := at(t, tc.when)
		if got := cal.IsWorkday(when); got != tc.workday {
			t.Errorf("IsWorkday(%s) = %v, want %v", tc.when, got, tc.workday)
		}
		if got := cal.InWorkingTime(when); got != tc.work {
			t.Errorf("InWorkingTime(%s) = %v, want %v", tc.when, got, tc.work)
		}
	}
}

func TestCalendarDefaults(t *testing.T) {
	cal, err := NewCalendar(config.Calendar{})
	if err != nil {
		t.Fatalf("NewCalendar(empty): %v", err)
	}
	if got := cal.Location().String(); got != "Asia/Shanghai" {
		t.Errorf("default zone %q, want Asia/Shanghai", got)
	}
	// Defaults: 09:00-18:00 mon..fri and mainland China's official
	// holidays: the National Day week 2026-10-01..07 is not worked.
	checkInstant(t, cal, "default AddWorkingTime", cal.AddWorkingTime(at(t, "2026-09-30T17:00:00+08:00"), 2*time.Hour), "2026-10-08T10:00:00+08:00")
	checkInstant(t, cal, "default 1wd", cal.Add(at(t, "2026-03-14T10:00:00+08:00"), mustSpan(t, "1wd")), "2026-03-16T18:00:00+08:00")

	// A non-default day and working week: 08:30-24:00, Monday to Saturday.
	long, err := NewCalendar(config.Calendar{DayStart: "08:30", DayEnd: "24:00", Weekdays: []string{"Mon", "tue", "wed", "thu", "fri", "saturday"}, Official: config.OfficialNone})
	if err != nil {
		t.Fatalf("NewCalendar(08:30-24:00): %v", err)
	}
	checkInstant(t, long, "08:30-24:00 Saturday 23:00 + 2h", long.AddWorkingTime(at(t, "2026-03-14T23:00:00+08:00"), 2*time.Hour), "2026-03-16T09:30:00+08:00")
	checkInstant(t, long, "08:30-24:00 ends at midnight", long.AddWorkingTime(at(t, "2026-03-14T23:00:00+08:00"), time.Hour), "2026-03-15T00:00:00+08:00")
}

func TestCalendarErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  config.Calendar
		want []string
	}{
		{"day_start", config.Calendar{DayStart: "9h"}, []string{`calendar.day_start: "9h" is not HH:MM`}},
		{"day_end hour out of range", config.Calendar{DayEnd: "25:00"}, []string{`calendar.day_end: "25:00" is not HH:MM`}},
		{"day_start 24:00", config.Calendar{DayStart: "24:00"}, []string{`calendar.day_start: "24:00" is not HH:MM`}},
		{"day_end minutes", config.Calendar{DayEnd: "18:60"}, []string{`calendar.day_end: "18:60" is not HH:MM`}},
		{"day_end before day_start", config.Calendar{DayStart: "09:00", DayEnd: "08:00"}, []string{`calendar.day_end: "08:00" must be after calendar.day_start "09:00"`}},
		{"day_end equal to day_start", config.Calendar{DayStart: "09:00", DayEnd: "09:00"}, []string{`calendar.day_end: "09:00" must be after`}},
		{"time zone", config.Calendar{TimeZone: "Mars/Base"}, []string{`calendar.time_zone: unknown time zone "Mars/Base"`}},
		{"weekday", config.Calendar{Weekdays: []string{"mon", "funday"}}, []string{`calendar.weekdays[1]: "funday" is not a weekday`}},
		{"holiday", config.Calendar{Holidays: []string{"2026-10-01", "2026-10-02", "2026-10-03", "2026-13-01"}}, []string{`calendar.holidays[3]: "2026-13-01" is not a date (YYYY-MM-DD)`}},
		{"workday", config.Calendar{Workdays: []string{"26/09/2026"}}, []string{`calendar.workdays[0]: "26/09/2026" is not a date (YYYY-MM-DD)`}},
		{"workday that is also a holiday", config.Calendar{Holidays: []string{"2026-10-01"}, Workdays: []string{"2026-10-01"}}, []string{`calendar.workdays[0]: "2026-10-01" is also listed in calendar.holidays`}},
		{"all problems are reported", config.Calendar{TimeZone: "Mars/Base", DayStart: "9h", Holidays: []string{"x"}}, []string{`calendar.time_zone:`, `calendar.day_start:`, `calendar.holidays[0]:`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cal, err := NewCalendar(tc.cfg)
			if err == nil {
				t.Fatalf("NewCalendar(%+v) = %v, nil; want an error", tc.cfg, cal)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// With no configuration the official calendar of mainland China counts:
// its public holidays are not worked and its make-up workdays (调休) are,
// also for a year nobody typed into the configuration.
func TestOfficialCalendarIsTheDefault(t *testing.T) {
	cal, err := NewCalendar(config.Calendar{})
	if err != nil {
		t.Fatal(err)
	}
	days := []struct {
		date string
		work bool
		why  string
	}{
		{"2027-01-01", false, "New Year's Day (a Friday)"},
		{"2027-02-08", false, "Spring Festival week (a Monday)"},
		{"2027-01-31", true, "make-up workday for the Spring Festival (a Sunday)"},
		{"2027-10-09", true, "make-up workday for National Day (a Saturday)"},
		{"2027-01-04", true, "an ordinary Monday"},
		{"2027-01-09", false, "an ordinary Saturday"},
	}
	for _, d := range days {
		if got := cal.IsWorkday(at(t, d.date+"T12:00:00+08:00")); got != d.work {
			t.Errorf("IsWorkday(%s) = %v, want %v: %s", d.date, got, d.work, d.why)
		}
	}
	// A deadline across New Year: Thursday 2026-12-31 17:00 + 2 working
	// hours is Monday 2027-01-04 10:00 (Friday to Sunday are the holiday).
	checkInstant(t, cal, "New Year 2027", cal.Add(at(t, "2026-12-31T17:00:00+08:00"), mustSpan(t, "2wh")), "2027-01-04T10:00:00+08:00")
	// One working day from Saturday 2027-01-30 ends on the make-up Sunday.
	checkInstant(t, cal, "调休 Sunday", cal.Add(at(t, "2027-01-30T10:00:00+08:00"), mustSpan(t, "1wd")), "2027-01-31T18:00:00+08:00")
}

// The company's own days win over the official calendar, and
// calendar.official: none leaves only them.
func TestConfiguredDaysOverrideTheOfficialCalendar(t *testing.T) {
	cal, err := NewCalendar(config.Calendar{
		Holidays: []string{"2027-01-31", "2027-03-15"}, // off on the make-up Sunday; a founding day
		Workdays: []string{"2027-01-02"},               // the office opens on the holiday Saturday
	})
	if err != nil {
		t.Fatal(err)
	}
	for date, work := range map[string]bool{
		"2027-01-31": false, "2027-03-15": false, "2027-01-02": true,
		"2027-01-01": false, // still the official holiday
	} {
		if got := cal.IsWorkday(at(t, date+"T12:00:00+08:00")); got != work {
			t.Errorf("IsWorkday(%s) = %v, want %v", date, got, work)
		}
	}

	none, err := NewCalendar(config.Calendar{Official: config.OfficialNone})
	if err != nil {
		t.Fatal(err)
	}
	if !none.IsWorkday(at(t, "2027-01-01T12:00:00+08:00")) || none.IsWorkday(at(t, "2027-01-31T12:00:00+08:00")) {
		t.Error("calendar.official: none still counts the official holidays or make-up workdays")
	}
	if _, err := NewCalendar(config.Calendar{Official: "hk"}); err == nil || !strings.Contains(err.Error(), "calendar.official") {
		t.Errorf("official hk: %v, want an error naming calendar.official", err)
	}
}

// heed serve warns when the official schedule it needs is not known yet.
func TestScheduleWarning(t *testing.T) {
	cal, err := NewCalendar(config.Calendar{})
	if err != nil {
		t.Fatal(err)
	}
	known := cal.official.years
	first := 2026
	for known[first+1] {
		first++
	}
	last := first // the last year the library has
	tests := []struct {
		now     time.Time
		missing string
	}{
		{time.Date(last, 6, 1, 12, 0, 0, 0, cal.Location()), ""},
		{time.Date(last, 11, 30, 12, 0, 0, 0, cal.Location()), ""},
		{time.Date(last, 12, 1, 12, 0, 0, 0, cal.Location()), fmt.Sprint(last + 1)},
		{time.Date(last+1, 3, 1, 12, 0, 0, 0, cal.Location()), fmt.Sprint(last + 1)},
		{time.Date(last+1, 12, 1, 12, 0, 0, 0, cal.Location()), fmt.Sprintf("%d and %d", last+1, last+2)},
	}
	for _, tc := range tests {
		got := cal.ScheduleWarning(tc.now)
		switch {
		case tc.missing == "" && got != "":
			t.Errorf("%s: warning %q, want none", tc.now.Format(time.DateOnly), got)
		case tc.missing != "" && !strings.Contains(got, "of "+tc.missing+" are not known"):
			t.Errorf("%s: warning %q, want one naming %s", tc.now.Format(time.DateOnly), got, tc.missing)
		}
	}
	off, _ := NewCalendar(config.Calendar{Official: config.OfficialNone})
	if w := off.ScheduleWarning(time.Date(last+1, 12, 1, 12, 0, 0, 0, cal.Location())); w != "" {
		t.Errorf("official calendar off: warning %q", w)
	}
}

// Sub is the mirror of Add: from the result, the span reaches exactly t.
func TestSubMirrorsAdd(t *testing.T) {
	cal := testCalendar(t)
	tests := []struct{ from, span, want string }{
		{"2026-03-16T10:00:00+08:00", "3wd", "2026-03-11T10:00:00+08:00"}, // Mon → the Wednesday before
		{"2026-03-14T11:00:00+08:00", "2wh", "2026-03-13T16:00:00+08:00"}, // Saturday: from Friday's end
		{"2026-03-16T09:30:00+08:00", "1wh", "2026-03-13T17:30:00+08:00"}, // over the weekend
		{"2026-03-16T10:00:00+08:00", "1wh", "2026-03-16T09:00:00+08:00"}, // lands on a day start: stays
		{"2026-10-08T10:00:00+08:00", "2wh", "2026-09-30T17:00:00+08:00"}, // over the National Day holidays
		{"2026-03-31T10:00:00+08:00", "1mo", ""},                          // months: AddDate(0, -1, 0), see below
		{"2026-03-16T10:00:00+08:00", "90m", "2026-03-16T08:30:00+08:00"}, // elapsed
		{"2026-03-16T10:00:00+08:00", "2d", "2026-03-14T10:00:00+08:00"},  // elapsed days
	}
	for _, tc := range tests {
		sp := mustSpan(t, tc.span)
		got := cal.Sub(at(t, tc.from), sp)
		if sp.Unit == SpanMonths {
			// Go normalises Feb 31 to Mar 3; what matters is the mirror.
			tc.want = at(t, tc.from).AddDate(0, -sp.N, 0).Format(time.RFC3339)
		}
		checkInstant(t, cal, "Sub "+tc.from+" "+tc.span, got, tc.want)
		// Back again lands on t itself when t is in working time (from
		// outside it, on the last working instant before t).
		if sp.Working() && cal.InWorkingTime(at(t, tc.from)) {
			checkInstant(t, cal, "Add back "+tc.span, cal.Add(got, sp), tc.from)
		}
	}
}
