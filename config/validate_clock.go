package config

import (
	"fmt"
	"regexp"
	"time"
)

// The checks of the business calendar, the clock's deadlines and the
// rules (repeat window, reminders, revisit, owner rate).

var reHHMM = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`)

var weekdayNames = map[string]bool{"mon": true, "tue": true, "wed": true, "thu": true, "fri": true, "sat": true, "sun": true}

func (c *Config) validateCalendar(p *problems) {
	cal := c.Calendar
	if cal.TimeZone != "" {
		if _, err := time.LoadLocation(cal.TimeZone); err != nil {
			p.add("calendar.time_zone", "unknown time zone %q (an IANA name such as Asia/Shanghai)", cal.TimeZone)
		}
	}
	startOK := cal.DayStart == "" || reHHMM.MatchString(cal.DayStart)
	endOK := cal.DayEnd == "" || reHHMM.MatchString(cal.DayEnd) || cal.DayEnd == "24:00"
	if !startOK {
		p.add("calendar.day_start", "%q is not a time HH:MM", cal.DayStart)
	}
	if !endOK {
		p.add("calendar.day_end", "%q is not a time HH:MM", cal.DayEnd)
	}
	if startOK && endOK && cal.DayStart != "" && cal.DayEnd != "" && cal.DayStart >= cal.DayEnd {
		p.add("calendar.day_end", "%s is not after day_start %s", cal.DayEnd, cal.DayStart)
	}
	switch cal.Official {
	case "", OfficialCN, OfficialNone:
	default:
		p.add("calendar.official", "%q: use cn (mainland China's public holidays and 调休, the default) or none (only the days configured here)", cal.Official)
	}
	seen := map[string]bool{}
	for i, d := range cal.Weekdays {
		key := fmt.Sprintf("calendar.weekdays[%d]", i)
		switch {
		case !weekdayNames[d]:
			p.add(key, "%q is not a weekday (mon tue wed thu fri sat sun)", d)
		case seen[d]:
			p.add(key, "%s listed twice", d)
		}
		seen[d] = true
	}
	holidays := map[string]bool{}
	for i, d := range cal.Holidays {
		key := fmt.Sprintf("calendar.holidays[%d]", i)
		switch {
		case !validDate(d):
			p.add(key, "%q is not a date YYYY-MM-DD", d)
		case holidays[d]:
			p.add(key, "%s listed twice", d)
		}
		holidays[d] = true
	}
	workdays := map[string]bool{}
	for i, d := range cal.Workdays {
		key := fmt.Sprintf("calendar.workdays[%d]", i)
		switch {
		case !validDate(d):
			p.add(key, "%q is not a date YYYY-MM-DD", d)
		case workdays[d]:
			p.add(key, "%s listed twice", d)
		case holidays[d]:
			p.add(key, "%s is also listed as a holiday", d)
		}
		workdays[d] = true
	}
}

func validDate(s string) bool {
	if len(s) != len("2006-01-02") {
		return false
	}
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

func (c *Config) validateClock(p *problems) {
	for _, f := range []struct{ key, v string }{
		{"clock.acknowledge", c.Clock.Acknowledge},
		{"clock.dispatch", c.Clock.Dispatch},
		{"clock.investigate_working", c.Clock.InvestigateWorking},
		{"clock.investigate_off_hours", c.Clock.InvestigateOffHours},
		{"clock.measures", c.Clock.Measures},
		{"clock.reply", c.Clock.Reply},
		{"clock.urgent_reply", c.Clock.UrgentReply},
		{"clock.major", c.Clock.Major},
	} {
		checkSpan(p, f.key, f.v)
	}
}

func (c *Config) validateRules(p *problems) {
	r := c.Rules
	if r.CollectiveMajorAt < 0 || r.CollectiveMajorAt == 1 {
		p.add("rules.collective_major_at", "%d: a collective complaint needs at least 2 complainants", r.CollectiveMajorAt)
	}
	checkSpan(p, "rules.repeat_window", r.RepeatWindow)
	if r.Dispatch != "" && r.Dispatch != "auto" && r.Dispatch != "manual" {
		p.add("rules.dispatch", "%q: use auto (new cases go to their category's department) or manual (the specialist dispatches)", r.Dispatch)
	}
	if r.RemindAt < 0 || r.RemindAt >= 1 {
		p.add("rules.remind_at", "%v: a share of the deadline's time between 0 (no reminders) and 1, e.g. 0.8", r.RemindAt)
	}
	if v := c.Revisit; v.Ratio <= 0 || v.Ratio > 1 {
		p.add("revisit.ratio", "%v: the share of valid cases revisited, above 0 and at most 1", v.Ratio)
	}
	checkSpan(p, "revisit.feedback_wait", c.Revisit.FeedbackWait)
	checkSpan(p, "revisit.reminder_after", c.Revisit.ReminderAfter)
	checkSpan(p, "revisit.no_response_after", c.Revisit.NoResponseAfter)
	if c.Revisit.LowScore < 1 || c.Revisit.LowScore > 4 {
		p.add("revisit.low_score", "%d: a score from 1 to 4", c.Revisit.LowScore)
	}
	if r.MaxTextBytes < 0 {
		p.add("rules.max_text_bytes", "%d must be positive", r.MaxTextBytes)
	}
	if _, _, ok := r.OwnerLimit(); !ok && r.OwnerRate != "off" && r.OwnerRate != "" {
		p.add("rules.owner_rate", "%q: messages per interval, e.g. 20/1m, or off", r.OwnerRate)
	}
}
