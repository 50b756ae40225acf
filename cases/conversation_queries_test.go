package cases_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
)

// TestWhatTheConversationReads: the owner's side reads cases only through
// these functions; each answers what the engine used to ask in its own SQL.
func TestWhatTheConversationReads(t *testing.T) {
	clock := casestest.NewClock(wednesday)
	svc, db := casestest.Service(t, clock)
	ctx := context.Background()
	at := func(unit string) cases.NewCase { n := leak(); n.Unit = unit; return n }

	open := newCase(t, svc, at("3栋2单元1102"))
	clock.Advance(time.Minute)
	replied := advance(t, svc, newCase(t, svc, at("5栋1单元101")), cases.StatusReplied)
	clock.Advance(time.Minute)
	closed := advance(t, svc, newCase(t, svc, at("7栋1单元701")), cases.StatusClosed)
	byPhone := cases.NewCase{Channel: cases.ChannelPhone, CustomerName: "李先生", ContactPhone: "13900001111",
		Community: "cuihuyuan", Unit: "1栋101", Content: "电梯异响", Category: "repair"}
	if _, err := svc.Create(ctx, front, byPhone); err != nil {
		t.Fatal(err)
	}

	// The owner's cases, newest first; the open ones; the next deadline.
	all, err := svc.OwnerCases(ctx, db, owner.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	var serials []string
	for _, c := range all {
		serials = append(serials, c.Serial)
	}
	if !slices.Equal(serials, []string{closed.Serial, replied.Serial, open.Serial}) {
		t.Fatalf("owner's cases %v, want newest first %v", serials, []string{closed.Serial, replied.Serial, open.Serial})
	}
	openOnly, err := svc.OwnerCases(ctx, db, owner.ID, true)
	if err != nil || len(openOnly) != 2 || openOnly[0].Serial != replied.Serial || openOnly[1].Serial != open.Serial {
		t.Fatalf("open cases: %+v %v", openOnly, err)
	}
	full, err := svc.Get(ctx, open.Serial)
	if err != nil {
		t.Fatal(err)
	}
	want := full.NextDeadline()
	if got := all[2].Next; want == nil || got == nil || !got.Equal(want.Due) || got.Location().String() != "Asia/Shanghai" {
		t.Errorf("next deadline %v, want %v in the calendar's zone", got, want)
	}
	if all[0].Next != nil {
		t.Errorf("a closed case has a next deadline: %v", all[0].Next)
	}
	if other, _ := svc.OwnerCases(ctx, db, otherOwner.ID, false); len(other) != 0 {
		t.Errorf("another owner sees %d cases", len(other))
	}

	if own, err := svc.IsOwnersCase(ctx, db, open.Serial, owner.ID); err != nil || !own {
		t.Errorf("own case: %v %v", own, err)
	}
	if own, _ := svc.IsOwnersCase(ctx, db, open.Serial, otherOwner.ID); own {
		t.Error("another owner's case counted as theirs")
	}

	// The reply deadline: open on a case not answered yet, none once met.
	due, ok, err := svc.OpenDeadline(ctx, db, open.ID, cases.StepReply)
	var reply time.Time
	for _, d := range full.Deadlines {
		if d.Step == cases.StepReply {
			reply = d.Due
		}
	}
	if err != nil || !ok || !due.Equal(reply) {
		t.Errorf("open reply deadline %v %v %v, want %v", due, ok, err, reply)
	}
	if _, ok, err := svc.OpenDeadline(ctx, db, replied.ID, cases.StepReply); ok || err != nil {
		t.Errorf("the reply deadline of an answered case is still open (%v)", err)
	}

	if c, err := svc.CaseIn(ctx, db, replied.Serial); err != nil || c.ID != replied.ID || c.Status != cases.StatusReplied {
		t.Errorf("case in: %+v %v", c, err)
	}
	if _, err := svc.CaseIn(ctx, db, "TS-2026-999999"); cases.ErrorCode(err) != cases.CodeNotFound {
		t.Errorf("a missing case: %v", err)
	}
	if cs, err := svc.CasesBySerial(ctx, db, []string{open.Serial, closed.Serial, "TS-2026-999999"}); err != nil || len(cs) != 2 {
		t.Errorf("cases by serial: %d %v", len(cs), err)
	}

	// Only chat owners belong to a community through their cases.
	if refs, err := svc.CommunityOwners(ctx, db, "xinghewan"); err != nil || !slices.Equal(refs, []string{owner.ID}) {
		t.Errorf("xinghewan's chat owners %v %v", refs, err)
	}
	if refs, _ := svc.CommunityOwners(ctx, db, "cuihuyuan"); len(refs) != 0 {
		t.Errorf("a case recorded by phone gives a chat owner: %v", refs)
	}

	// Replied at or before a time; locked once among concurrent sweepers.
	answered := clock.Now().Add(-time.Minute) // the reply went out a minute before the last case was closed
	if got, err := svc.RepliedBefore(ctx, db, answered); err != nil || !slices.Equal(got, []string{replied.Serial}) {
		t.Fatalf("replied before %v: %v %v", answered, got, err)
	}
	if got, _ := svc.RepliedBefore(ctx, db, answered.Add(-time.Second)); len(got) != 0 {
		t.Errorf("replied before the reply: %v", got)
	}
	first, err := db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback() //nolint:errcheck
	taken, err := svc.LockRepliedBefore(ctx, first, []string{replied.Serial, open.Serial}, answered)
	if err != nil || len(taken) != 1 || taken[0].Serial != replied.Serial {
		t.Fatalf("first sweeper takes %+v %v, want only the replied case", taken, err)
	}
	second, err := db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Rollback() //nolint:errcheck
	if again, err := svc.LockRepliedBefore(ctx, second, []string{replied.Serial}, answered); err != nil || len(again) != 0 {
		t.Errorf("second sweeper takes %d cases (%v): the first holds it", len(again), err)
	}
}
