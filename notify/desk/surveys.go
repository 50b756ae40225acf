package desk

import (
	"strings"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify"
)

// ToSpecialists makes the messages that post text to the complaint
// specialists' team chats (a survey's summary, 004 §5.5), one per chat on
// the platforms that are on.
func (d *Desk) ToSpecialists(text string) []notify.Message {
	var msgs []notify.Message
	for _, t := range d.teamTargets(d.cfg.Team.Specialists) {
		msgs = append(msgs, notify.Message{Channel: t.platform, ChatID: t.chat, Payload: notify.Payload{Text: text}})
	}
	return msgs
}

// DefaultSurveyOpen is how long a survey stays open when its starter does
// not say.
const DefaultSurveyOpen = 7 * 24 * time.Hour

// SurveyRule is who runs satisfaction surveys (004 §5.4): the quality
// representative, the specialists or the general manager (Oversees).
const SurveyRule = "surveys are run by the quality representative, complaint specialists or the general manager"

// SurveyStart is the start of a survey as a person asks for it, on any
// surface (the API's JSON, the console's form): which survey, for which
// community, and until when — closesAt, an RFC 3339 time or a date (open
// through that day), or closesIn, a span such as 7d, 48h, 5wd or 1mo;
// neither is DefaultSurveyOpen. A person who may not run surveys, or an
// input it cannot read, is a *cases.Error naming the rule or the field.
func (d *Desk) SurveyStart(p Person, survey, community, closesAt, closesIn string) (conversation.SurveyStart, error) {
	if !p.Oversees() {
		return conversation.SurveyStart{}, &cases.Error{Code: cases.CodeForbidden, Message: SurveyRule}
	}
	start := conversation.SurveyStart{Survey: survey, Community: community, Actor: p.Staff.ID, Platforms: d.cfg.PlatformsOn()}
	closesAt, closesIn = strings.TrimSpace(closesAt), strings.TrimSpace(closesIn)
	switch {
	case closesAt != "" && closesIn != "":
		return start, &cases.Error{Code: cases.CodeInvalid, Field: "closes_in", Message: "closes_in: give closes_at or closes_in, not both"}
	case closesAt != "":
		at, err := parseCloses(closesAt, d.svc.Calendar().Location())
		if err != nil {
			return start, err
		}
		start.ClosesAt = at
	case closesIn != "":
		sp, err := config.ParseSpan(closesIn)
		switch {
		case err != nil:
			return start, &cases.Error{Code: cases.CodeInvalid, Field: "closes_in", Message: "closes_in: a duration such as 7d, 48h, 5wd (working days) or 1mo"}
		case sp.Unit == config.SpanElapsed:
			start.ClosesIn = sp.D
		default: // working time and months count through the calendar
			start.ClosesAt = d.svc.Calendar().Add(d.svc.Now(), sp)
		}
	default:
		start.ClosesIn = DefaultSurveyOpen
	}
	return start, nil
}

// parseCloses reads closes_at: an RFC 3339 time, or a date (the survey is
// open through that day in the calendar's time zone).
func parseCloses(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return d.AddDate(0, 0, 1), nil
	}
	return time.Time{}, &cases.Error{Code: cases.CodeInvalid, Field: "closes_at",
		Message: "closes_at: a time such as 2026-12-01T18:00:00+08:00, or a date 2026-12-01 (open through that day)"}
}
