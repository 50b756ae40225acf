package cases

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/heedhq/heed/config"
)

// This file holds the procedure's deadlines (docs/procedure.md, "Clock"):
// which steps are timed, how long each may take, and when each falls due,
// counted in the business calendar (calendar.go). Like the calendar it is
// pure: no database, and the current time is always passed in.

// The span grammar lives with the configuration (config.ParseSpan); these
// names keep the clock's callers reading naturally.
type (
	SpanUnit = config.SpanUnit
	Span     = config.Span
)

const (
	SpanElapsed      = config.SpanElapsed
	SpanWorkingHours = config.SpanWorkingHours
	SpanWorkingDays  = config.SpanWorkingDays
	SpanMonths       = config.SpanMonths
)

// ParseSpan is config.ParseSpan, kept for notify's callers (deskcards.go,
// deskclose.go) until they call config.ParseSpan themselves.
func ParseSpan(s string) (Span, error) { return config.ParseSpan(s) }

// Step is one deadline of the procedure.
type Step string

const (
	// StepAcknowledge is the receipt: telling the owner "we have your
	// complaint" (确认收到), met at registration in a chat or on the phone.
	// It is not the department's 受理 (ActAcknowledge), which meets
	// StepInvestigate.
	StepAcknowledge Step = "receipt"
	StepDispatch    Step = "dispatch"    // specialist → handling department
	StepInvestigate Step = "investigate" // department starts investigating
	StepMeasures    Step = "measures"    // department decides measures
	StepReply       Step = "reply"       // reply to the owner
	StepMajor       Step = "major"       // still unresolved: becomes major
)

// Deadline is when a step falls due.
type Deadline struct {
	Step Step
	Due  time.Time
}

// Policy is the procedure's deadlines, parsed from config.Clock.
type Policy struct {
	Acknowledge, Dispatch, InvestigateWorking, InvestigateOffHours, Measures, Reply, UrgentReply, Major Span
}

// NewPolicy parses c. An empty field takes its default: acknowledge 24h,
// dispatch 5h, investigate_working 8h, investigate_off_hours 24h, measures
// 72h, reply 3wd, urgent_reply 2h, major 1mo. Every problem found is
// reported (joined), each naming its key, e.g. `clock.measures: ...`.
func NewPolicy(c config.Clock) (Policy, error) {
	var p Policy
	var errs []error
	fields := []struct {
		key, spec, def string
		dst            *Span
	}{
		{"acknowledge", c.Acknowledge, "24h", &p.Acknowledge},
		{"dispatch", c.Dispatch, "5h", &p.Dispatch},
		{"investigate_working", c.InvestigateWorking, "8h", &p.InvestigateWorking},
		{"investigate_off_hours", c.InvestigateOffHours, "24h", &p.InvestigateOffHours},
		{"measures", c.Measures, "72h", &p.Measures},
		{"reply", c.Reply, "3wd", &p.Reply},
		{"urgent_reply", c.UrgentReply, "2h", &p.UrgentReply},
		{"major", c.Major, "1mo", &p.Major},
	}
	for _, f := range fields {
		spec := f.spec
		if strings.TrimSpace(spec) == "" {
			spec = f.def
		}
		sp, err := config.ParseSpan(spec)
		if err != nil {
			errs = append(errs, fmt.Errorf("clock.%s: %w", f.key, err))
			continue
		}
		*f.dst = sp
	}
	if len(errs) > 0 {
		return Policy{}, errors.Join(errs...)
	}
	return p, nil
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// ReceiptDeadlines are the deadlines that run from receipt: acknowledge,
// dispatch, reply and major, in that order. For an urgent complaint the
// reply is due at received+UrgentReply and dispatch at the earlier of its
// own deadline and the reply.
func (p Policy) ReceiptDeadlines(cal *Calendar, received time.Time, urgent bool) []Deadline {
	dispatch := cal.Add(received, p.Dispatch)
	var reply time.Time
	if urgent {
		reply = cal.Add(received, p.UrgentReply)
		dispatch = earlier(dispatch, reply)
	} else {
		reply = cal.Add(received, p.Reply)
	}
	return []Deadline{
		{StepAcknowledge, cal.Add(received, p.Acknowledge)},
		{StepDispatch, dispatch},
		{StepReply, reply},
		{StepMajor, cal.Add(received, p.Major)},
	}
}

// DispatchDeadlines are the deadlines that run from a dispatch (also a
// re-dispatch after reopen or transfer): investigate (InvestigateWorking if
// dispatched in working time, else InvestigateOffHours) and measures
// (dispatched+Measures; if urgent, the earlier of that and
// dispatched+UrgentReply), in that order.
func (p Policy) DispatchDeadlines(cal *Calendar, dispatched time.Time, urgent bool) []Deadline {
	investigate := p.InvestigateOffHours
	if cal.InWorkingTime(dispatched) {
		investigate = p.InvestigateWorking
	}
	measures := cal.Add(dispatched, p.Measures)
	if urgent {
		measures = earlier(measures, cal.Add(dispatched, p.UrgentReply))
	}
	return []Deadline{
		{StepInvestigate, cal.Add(dispatched, investigate)},
		{StepMeasures, measures},
	}
}

// NextDeadline is the earliest deadline still open, if any.
func (c *Case) NextDeadline() *DeadlineRecord {
	var next *DeadlineRecord
	for i, d := range c.Deadlines {
		if d.MetAt != nil || d.SupersededAt != nil || d.Step == StepMajor {
			continue
		}
		if next == nil || d.Due.Before(next.Due) {
			next = &c.Deadlines[i]
		}
	}
	return next
}
