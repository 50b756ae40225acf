package conversation

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The reply time an owner may ask for: a pressed choice ("by:3": within
// three days), a date (2026-12-10, 12月10日, 12/10) or a number of days
// (3天内, 3 days). It is the end of that day in the company's time zone.
var (
	isoDate  = regexp.MustCompile(`(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})`)
	monthDay = regexp.MustCompile(`(\d{1,2})\s*(?:月|/)\s*(\d{1,2})`)
	inDays   = regexp.MustCompile(`(\d{1,3})\s*(?:天|日|个工作日|個工作日|days?)`)
)

// replyBy reads the reply time; false when the text names none, or a day
// already past.
func (t *turn) replyBy(button, text string) (time.Time, bool) {
	if n, ok := strings.CutPrefix(button, "by:"); ok {
		text = n + "天"
	}
	return parseReplyBy(t.norm(text), t.now, t.e.svc.Calendar().Location())
}

// parseReplyBy reads a reply time written in s at now.
func parseReplyBy(s string, now time.Time, loc *time.Location) (time.Time, bool) {
	now = now.In(loc)
	endOf := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 23, 59, 0, 0, loc) }
	today := endOf(now.Year(), now.Month(), now.Day())
	s = strings.ToLower(strings.TrimSpace(s))
	var at time.Time
	switch {
	case isoDate.MatchString(s):
		m := isoDate.FindStringSubmatch(s)
		at = endOf(atoi(m[1]), time.Month(atoi(m[2])), atoi(m[3]))
		if at.Month() != time.Month(atoi(m[2])) {
			return time.Time{}, false // 2月30日
		}
	case monthDay.MatchString(s):
		m := monthDay.FindStringSubmatch(s)
		mon, day := atoi(m[1]), atoi(m[2])
		if mon < 1 || mon > 12 {
			return time.Time{}, false
		}
		at = endOf(now.Year(), time.Month(mon), day)
		if at.Month() != time.Month(mon) {
			return time.Time{}, false
		}
		if at.Before(today) { // December's owner asking for 1月5日 means next year
			at = endOf(now.Year()+1, time.Month(mon), day)
		}
	case inDays.MatchString(s):
		n := atoi(inDays.FindStringSubmatch(s)[1])
		if n > 366 {
			return time.Time{}, false
		}
		at = today.AddDate(0, 0, n)
	case strings.Contains(s, "今天") || s == "today":
		at = today
	case strings.Contains(s, "明天") || s == "tomorrow":
		at = today.AddDate(0, 0, 1)
	default:
		return time.Time{}, false
	}
	if at.Before(today) || at.After(today.AddDate(1, 0, 0)) {
		return time.Time{}, false
	}
	return at, true
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// day is a reply time as the owner reads it; "" for none.
func (t *turn) day(at *time.Time) string {
	if at == nil {
		return ""
	}
	return at.In(t.e.svc.Calendar().Location()).Format(t.t("date_format"))
}

// wishMarks start the demands or the reply time in a line staff type.
var wishMarks = regexp.MustCompile(`(?:要求|目的|诉求|答复|回复时间|答覆)\s*[:：]`)

// cutWishes splits "… 要求：尽快维修 答复：12月10日前" into the complaint and
// the marked part.
func cutWishes(s string) (content, wishes string) {
	loc := wishMarks.FindStringIndex(s)
	if loc == nil {
		return s, ""
	}
	return strings.TrimSpace(s[:loc[0]]), s[loc[0]:]
}

// readWishes reads the marked part: the demands, and the reply time asked.
func (e *Engine) readWishes(s string) (purpose string, by *time.Time) {
	marks := wishMarks.FindAllStringIndex(s, -1)
	for i, m := range marks {
		end := len(s)
		if i+1 < len(marks) {
			end = marks[i+1][0]
		}
		label, value := s[m[0]:m[1]], strings.TrimSpace(s[m[1]:end])
		if strings.HasPrefix(label, "答") || strings.HasPrefix(label, "回") {
			if at, ok := parseReplyBy(value, e.svc.Now(), e.svc.Calendar().Location()); ok {
				by = &at
			}
			continue
		}
		purpose = strings.TrimRight(value, "，,；; ")
	}
	return purpose, by
}
