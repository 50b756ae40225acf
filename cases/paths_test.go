package cases_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
)

// TestDisputeGoesToHeadOffice: the owner's second 不满意 with the same case
// disputes the result; the case reopens as before and goes to head office,
// once, recorded as its own event.
func TestDisputeGoesToHeadOffice(t *testing.T) {
	svc, _ := casestest.Service(t, casestest.NewClock(wednesday))
	c := advance(t, svc, newCase(t, svc, leak()), cases.StatusReplied)
	c = apply(t, svc, owner, c.Serial, cases.Transition{Action: cases.ActFeedback, Satisfied: ptr(false), Text: "还在漏"})
	if c.Status != cases.StatusDispatched || c.HeadOfficeAt != nil {
		t.Fatalf("first 不满意 → %s, head office %v; want reopened only", c.Status, c.HeadOfficeAt)
	}
	c = advance(t, svc, c, cases.StatusReplied)
	c = apply(t, svc, owner, c.Serial, cases.Transition{Action: cases.ActFeedback, Satisfied: ptr(false), Text: "处理结果不能接受"})
	if c.Status != cases.StatusDispatched || c.HeadOfficeAt == nil || c.Dispute != "业主第 2 次对处理结果表示不满意：处理结果不能接受" {
		t.Fatalf("second 不满意 → %s, head office %v, dispute %q", c.Status, c.HeadOfficeAt, c.Dispute)
	}
	last := c.Events[len(c.Events)-1]
	if last.Action != string(cases.ActHeadOffice) || last.ActorID != "system" || c.Events[len(c.Events)-2].Action != "feedback" {
		t.Fatalf("events end with %s by %s after %s", last.Action, last.ActorID, c.Events[len(c.Events)-2].Action)
	}
	// A specialist escalating again is told it went already.
	_, err := svc.Apply(context.Background(), spec, c.Serial, cases.Transition{Action: cases.ActHeadOffice, Text: "再报"})
	if cases.ErrorCode(err) != cases.CodeConflict {
		t.Fatalf("second escalation: %v, want conflict", err)
	}
}

// TestSatisfiedCasesCloseOnTheirOwn: closing.after_verified after a
// satisfied revisit the sweep closes the case, as the system; not before.
func TestSatisfiedCasesCloseOnTheirOwn(t *testing.T) {
	clock := casestest.NewClock(wednesday)
	svc, _ := casestest.Service(t, clock)
	c := advance(t, svc, newCase(t, svc, leak()), cases.StatusVerified)
	ctx := context.Background()
	if n, _, err := svc.SweepPaths(ctx); err != nil || n != 0 {
		t.Fatalf("sweep at once: closed %d, %v", n, err)
	}
	clock.Advance(3*24*time.Hour + time.Minute) // the example's after_verified: 3d
	if n, _, err := svc.SweepPaths(ctx); err != nil || n != 1 {
		t.Fatalf("sweep after 3 days: closed %d, %v", n, err)
	}
	c, _ = svc.Get(ctx, c.Serial)
	last := c.Events[len(c.Events)-1]
	if c.Status != cases.StatusClosed || c.ClosedAt == nil || last.Action != "close" || last.ActorID != "system" || c.Result == "" {
		t.Fatalf("after the sweep: %s closed %v result %q, last event %s by %s", c.Status, c.ClosedAt, c.Result, last.Action, last.ActorID)
	}
}

// TestDeveloperReferral: a developer-caused case is invalid for the company
// but kept, reminded every follow_up until the developer answers, and not
// archived while it waits.
func TestDeveloperReferral(t *testing.T) {
	clock := casestest.NewClock(wednesday)
	svc, _ := casestest.Service(t, clock)
	ctx := context.Background()
	c := advance(t, svc, newCase(t, svc, leak()), cases.StatusDispatched)
	c = apply(t, svc, spec, c.Serial, cases.Transition{Action: cases.ActReferDeveloper, Text: "外墙渗水属开发商保修期内的问题"})
	if c.Status != cases.StatusInvalid || c.Validity != cases.ValidityInvalid || c.DeveloperReferredAt == nil {
		t.Fatalf("referred → %s %s %v", c.Status, c.Validity, c.DeveloperReferredAt)
	}
	clock.Advance(3*24*time.Hour + time.Minute)
	if _, n, err := svc.SweepPaths(ctx); err != nil || n != 1 {
		t.Fatalf("first follow-up: %d reminders, %v", n, err)
	}
	if _, n, _ := svc.SweepPaths(ctx); n != 0 {
		t.Fatalf("the same sweep again reminded %d", n)
	}
	if done, err := svc.ArchiveClosed(ctx, spec, clock.Now()); err != nil || len(done) != 0 {
		t.Fatalf("archived while waiting for the developer: %v %v", done, err)
	}
	c = apply(t, svc, spec, c.Serial, cases.Transition{Action: cases.ActDeveloperAnswer, Text: "开发商答复：本周内修补外墙"})
	if c.DeveloperAnswer == "" || c.DeveloperAnsweredAt == nil {
		t.Fatalf("answer not kept: %+v", c)
	}
	clock.Advance(7 * 24 * time.Hour)
	if _, n, _ := svc.SweepPaths(ctx); n != 0 {
		t.Fatalf("reminded %d after the answer", n)
	}
	done, err := svc.ArchiveClosed(ctx, spec, clock.Now())
	if err != nil || !slices.Contains(done, c.Serial) {
		t.Fatalf("archive after the answer: %v %v", done, err)
	}
}

// TestAssistingDepartmentsToggle: 协办 adds a department, pressing again
// removes it, the lead department cannot assist itself, and an assisting
// department's manager may note.
func TestAssistingDepartmentsToggle(t *testing.T) {
	svc, _ := casestest.Service(t, casestest.NewClock(wednesday))
	c := advance(t, svc, newCase(t, svc, leak()), cases.StatusDispatched)
	c = apply(t, svc, spec, c.Serial, cases.Transition{Action: cases.ActAssist, Department: "security"})
	if !slices.Equal(c.Assisting, []string{"security"}) {
		t.Fatalf("assisting = %v", c.Assisting)
	}
	apply(t, svc, otherMgr, c.Serial, cases.Transition{Action: cases.ActNote, Text: "秩序部已安排巡查"})
	c = apply(t, svc, spec, c.Serial, cases.Transition{Action: cases.ActAssist, Department: "security"})
	if len(c.Assisting) != 0 {
		t.Fatalf("pressed twice: assisting = %v", c.Assisting)
	}
	if _, err := svc.Apply(context.Background(), spec, c.Serial, cases.Transition{Action: cases.ActAssist, Department: "engineering"}); cases.ErrorCode(err) != cases.CodeInvalid {
		t.Fatalf("lead as assisting: %v", err)
	}
}
