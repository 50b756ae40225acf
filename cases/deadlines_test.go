package cases

import (
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/config"
)

func TestPolicyDefaults(t *testing.T) {
	p, err := NewPolicy(config.Clock{})
	if err != nil {
		t.Fatalf("NewPolicy(empty): %v", err)
	}
	want := map[string]string{
		"acknowledge":           "24h",
		"dispatch":              "5h",
		"investigate_working":   "8h",
		"investigate_off_hours": "24h",
		"measures":              "72h",
		"reply":                 "3wd",
		"urgent_reply":          "2h",
		"major":                 "1mo",
	}
	got := map[string]string{
		"acknowledge":           p.Acknowledge.String(),
		"dispatch":              p.Dispatch.String(),
		"investigate_working":   p.InvestigateWorking.String(),
		"investigate_off_hours": p.InvestigateOffHours.String(),
		"measures":              p.Measures.String(),
		"reply":                 p.Reply.String(),
		"urgent_reply":          p.UrgentReply.String(),
		"major":                 p.Major.String(),
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("default %s = %q, want %q", k, got[k], w)
		}
	}

	custom, err := NewPolicy(config.Clock{Dispatch: "2wh", Reply: "2wd"})
	if err != nil {
		t.Fatalf("NewPolicy(custom): %v", err)
	}
	if custom.Dispatch != (Span{Unit: SpanWorkingHours, D: 2 * time.Hour}) || custom.Reply != (Span{Unit: SpanWorkingDays, N: 2}) {
		t.Errorf("custom policy = %+v", custom)
	}
	if custom.Acknowledge != (Span{Unit: SpanElapsed, D: 24 * time.Hour}) {
		t.Errorf("custom policy acknowledge = %+v, want the 24h default", custom.Acknowledge)
	}
}

func TestPolicyErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  config.Clock
		want []string
	}{
		{"measures", config.Clock{Measures: "3x"}, []string{`clock.measures: "3x" is not a duration spec`}},
		{"reply", config.Clock{Reply: "-3h"}, []string{`clock.reply: "-3h": the duration must be positive`}},
		{"urgent_reply", config.Clock{UrgentReply: "0h"}, []string{`clock.urgent_reply:`}},
		{"investigate_off_hours", config.Clock{InvestigateOffHours: "1.5wd"}, []string{`clock.investigate_off_hours:`}},
		{"several keys", config.Clock{Acknowledge: "soon", Major: "1 month"}, []string{`clock.acknowledge:`, `clock.major:`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewPolicy(tc.cfg)
			if err == nil {
				t.Fatalf("NewPolicy(%+v): no error", tc.cfg)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// dl is an expected deadline: step and literal instant.
type dl struct {
	step Step
	due  string
}

func checkDeadlines(t *testing.T, cal *Calendar, got []Deadline, want []dl) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d deadlines %v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i].Step != want[i].step {
			t.Errorf("deadline %d step %q, want %q", i, got[i].Step, want[i].step)
		}
		checkInstant(t, cal, string(want[i].step), got[i].Due, want[i].due)
	}
}

func TestPolicyReceiptDeadlines(t *testing.T) {
	cal := testCalendar(t)
	def, err := NewPolicy(config.Clock{})
	if err != nil {
		t.Fatal(err)
	}
	quickDispatch, err := NewPolicy(config.Clock{Dispatch: "1h"})
	if err != nil {
		t.Fatal(err)
	}
	workingDispatch, err := NewPolicy(config.Clock{Dispatch: "2wh"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		policy   Policy
		received string
		urgent   bool
		want     []dl
	}{
		{"ordinary Tuesday morning", def, "2026-03-10T10:00:00+08:00", false, []dl{
			{StepAcknowledge, "2026-03-11T10:00:00+08:00"},
			{StepDispatch, "2026-03-10T15:00:00+08:00"},
			{StepReply, "2026-03-13T10:00:00+08:00"},
			{StepMajor, "2026-04-10T10:00:00+08:00"},
		}},
		{"urgent: reply in 2h, dispatch pulled in to the reply", def, "2026-03-10T10:00:00+08:00", true, []dl{
			{StepAcknowledge, "2026-03-11T10:00:00+08:00"},
			{StepDispatch, "2026-03-10T12:00:00+08:00"},
			{StepReply, "2026-03-10T12:00:00+08:00"},
			{StepMajor, "2026-04-10T10:00:00+08:00"},
		}},
		{"urgent keeps a dispatch deadline that is already earlier", quickDispatch, "2026-03-10T10:00:00+08:00", true, []dl{
			{StepAcknowledge, "2026-03-11T10:00:00+08:00"},
			{StepDispatch, "2026-03-10T11:00:00+08:00"},
			{StepReply, "2026-03-10T12:00:00+08:00"},
			{StepMajor, "2026-04-10T10:00:00+08:00"},
		}},
		{"Friday 17:30", def, "2026-03-13T17:30:00+08:00", false, []dl{
			{StepAcknowledge, "2026-03-14T17:30:00+08:00"},
			{StepDispatch, "2026-03-13T22:30:00+08:00"},
			{StepReply, "2026-03-18T17:30:00+08:00"},
			{StepMajor, "2026-04-13T17:30:00+08:00"},
		}},
		{"Saturday night: elapsed deadlines run, 3wd ends Wednesday 18:00", def, "2026-03-14T22:00:00+08:00", false, []dl{
			{StepAcknowledge, "2026-03-15T22:00:00+08:00"},
			{StepDispatch, "2026-03-15T03:00:00+08:00"},
			{StepReply, "2026-03-18T18:00:00+08:00"},
			{StepMajor, "2026-04-14T22:00:00+08:00"},
		}},
		{"urgent Saturday night: reply at midnight, dispatch too", def, "2026-03-14T22:00:00+08:00", true, []dl{
			{StepAcknowledge, "2026-03-15T22:00:00+08:00"},
			{StepDispatch, "2026-03-15T00:00:00+08:00"},
			{StepReply, "2026-03-15T00:00:00+08:00"},
			{StepMajor, "2026-04-14T22:00:00+08:00"},
		}},
		{"eve of National Day: 3wd reply on the make-up Sunday", def, "2026-09-30T17:00:00+08:00", false, []dl{
			{StepAcknowledge, "2026-10-01T17:00:00+08:00"},
			{StepDispatch, "2026-09-30T22:00:00+08:00"},
			{StepReply, "2026-10-11T17:00:00+08:00"},
			{StepMajor, "2026-10-30T17:00:00+08:00"},
		}},
		{"dispatch in working hours (2wh) over the weekend", workingDispatch, "2026-03-13T17:30:00+08:00", false, []dl{
			{StepAcknowledge, "2026-03-14T17:30:00+08:00"},
			{StepDispatch, "2026-03-16T10:30:00+08:00"},
			{StepReply, "2026-03-18T17:30:00+08:00"},
			{StepMajor, "2026-04-13T17:30:00+08:00"},
		}},
		{"received Jan 30: 1mo is Feb 30, normalised to Mar 2", def, "2026-01-30T16:00:00+08:00", false, []dl{
			{StepAcknowledge, "2026-01-31T16:00:00+08:00"},
			{StepDispatch, "2026-01-30T21:00:00+08:00"},
			{StepReply, "2026-02-04T16:00:00+08:00"},
			{StepMajor, "2026-03-02T16:00:00+08:00"},
		}},
		{"received exactly at midnight on New Year's Eve", def, "2026-12-31T00:00:00+08:00", false, []dl{
			{StepAcknowledge, "2027-01-01T00:00:00+08:00"},
			{StepDispatch, "2026-12-31T05:00:00+08:00"},
			{StepReply, "2027-01-04T18:00:00+08:00"},
			{StepMajor, "2027-01-31T00:00:00+08:00"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.policy.ReceiptDeadlines(cal, at(t, tc.received), tc.urgent)
			checkDeadlines(t, cal, got, tc.want)
		})
	}
}

func TestPolicyDispatchDeadlines(t *testing.T) {
	cal := testCalendar(t)
	def, err := NewPolicy(config.Clock{})
	if err != nil {
		t.Fatal(err)
	}
	fastMeasures, err := NewPolicy(config.Clock{Measures: "1h"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		policy     Policy
		dispatched string
		urgent     bool
		want       []dl
	}{
		{"in working time: investigate within 8h", def, "2026-03-10T10:00:00+08:00", false, []dl{
			{StepInvestigate, "2026-03-10T18:00:00+08:00"},
			{StepMeasures, "2026-03-13T10:00:00+08:00"},
		}},
		{"outside working time: investigate within 24h", def, "2026-03-10T20:00:00+08:00", false, []dl{
			{StepInvestigate, "2026-03-11T20:00:00+08:00"},
			{StepMeasures, "2026-03-13T20:00:00+08:00"},
		}},
		{"exactly 09:00 is working time", def, "2026-03-10T09:00:00+08:00", false, []dl{
			{StepInvestigate, "2026-03-10T17:00:00+08:00"},
			{StepMeasures, "2026-03-13T09:00:00+08:00"},
		}},
		{"exactly 18:00 is outside working time", def, "2026-03-10T18:00:00+08:00", false, []dl{
			{StepInvestigate, "2026-03-11T18:00:00+08:00"},
			{StepMeasures, "2026-03-13T18:00:00+08:00"},
		}},
		{"23:59 is outside working time", def, "2026-03-10T23:59:00+08:00", false, []dl{
			{StepInvestigate, "2026-03-11T23:59:00+08:00"},
			{StepMeasures, "2026-03-13T23:59:00+08:00"},
		}},
		{"Saturday daytime is outside working time", def, "2026-03-14T10:00:00+08:00", false, []dl{
			{StepInvestigate, "2026-03-15T10:00:00+08:00"},
			{StepMeasures, "2026-03-17T10:00:00+08:00"},
		}},
		{"National Day holiday daytime is outside working time", def, "2026-10-02T10:00:00+08:00", false, []dl{
			{StepInvestigate, "2026-10-03T10:00:00+08:00"},
			{StepMeasures, "2026-10-05T10:00:00+08:00"},
		}},
		{"make-up Sunday daytime is working time", def, "2026-10-11T10:00:00+08:00", false, []dl{
			{StepInvestigate, "2026-10-11T18:00:00+08:00"},
			{StepMeasures, "2026-10-14T10:00:00+08:00"},
		}},
		{"urgent: measures within 2h", def, "2026-03-10T10:00:00+08:00", true, []dl{
			{StepInvestigate, "2026-03-10T18:00:00+08:00"},
			{StepMeasures, "2026-03-10T12:00:00+08:00"},
		}},
		{"urgent keeps measures that are already earlier", fastMeasures, "2026-03-10T20:00:00+08:00", true, []dl{
			{StepInvestigate, "2026-03-11T20:00:00+08:00"},
			{StepMeasures, "2026-03-10T21:00:00+08:00"},
		}},
		{"leap day 2028, dispatched in working time", def, "2028-02-28T11:00:00+08:00", false, []dl{
			{StepInvestigate, "2028-02-28T19:00:00+08:00"},
			{StepMeasures, "2028-03-02T11:00:00+08:00"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.policy.DispatchDeadlines(cal, at(t, tc.dispatched), tc.urgent)
			checkDeadlines(t, cal, got, tc.want)
		})
	}
}
