package cases_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// Wednesday 18 November 2026, 10:00 in Shanghai: an ordinary working morning.
var wednesday = time.Date(2026, 11, 18, 10, 0, 0, 0, shanghai)

func staff(id string) cases.Actor {
	return cases.Actor{Kind: cases.ActorStaff, ID: id, Channel: cases.ChannelAPI}
}

var (
	spec       = staff("cs.zhoumin")
	gm         = staff("gm.liu")
	mgr        = staff("eng.li")  // manager of 工程部 (engineering)
	mgr2       = staff("eng.gao") // the other manager of 工程部
	hdl        = staff("eng.zhang")
	otherMgr   = staff("sec.zhao") // manager of 秩序部, not the case's department
	front      = staff("front.xu")
	owner      = cases.Actor{Kind: cases.ActorOwner, ID: "telegram:42", Channel: cases.ChannelTelegram}
	otherOwner = cases.Actor{Kind: cases.ActorOwner, ID: "telegram:43", Channel: cases.ChannelTelegram}
)

func leak() cases.NewCase {
	return cases.NewCase{
		Channel: cases.ChannelTelegram, OwnerRef: owner.ID, CustomerName: "王女士",
		ContactPhone: "13812345678", Community: "xinghewan", Unit: "3栋2单元1102",
		Content: "楼上漏水很严重，天花板在滴水", Purpose: "尽快维修", Category: "repair",
	}
}

func newCase(t *testing.T, svc *cases.Service, n cases.NewCase) *cases.Case {
	t.Helper()
	c, err := svc.Create(context.Background(), owner, n)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	return c
}

func apply(t *testing.T, svc *cases.Service, a cases.Actor, serial string, tr cases.Transition) *cases.Case {
	t.Helper()
	c, err := svc.Apply(context.Background(), a, serial, tr)
	if err != nil {
		t.Fatalf("%s by %s: %v", tr.Action, a.ID, err)
	}
	return c
}

func ptr[T any](v T) *T { return &v }

// path walks a case along the ordinary procedure; advance stops at a status.
var path = []struct {
	who cases.Actor
	tr  cases.Transition
	to  cases.Status
}{
	{spec, cases.Transition{Action: cases.ActDispatch, Department: "engineering", Text: "属工程维修，请工程部处理"}, cases.StatusDispatched},
	{mgr, cases.Transition{Action: cases.ActAcknowledge}, cases.StatusAcknowledged},
	{hdl, cases.Transition{Action: cases.ActInvestigate}, cases.StatusInvestigating},
	{hdl, cases.Transition{Action: cases.ActProposeMeasures, Text: "更换楼上防水层，今日下午上门"}, cases.StatusMeasuresProposed},
	{spec, cases.Transition{Action: cases.ActReview, Text: "同意"}, cases.StatusReviewed},
	{spec, cases.Transition{Action: cases.ActReply, Text: "工程部今日下午上门维修防水层"}, cases.StatusReplied},
	{owner, cases.Transition{Action: cases.ActFeedback, Satisfied: ptr(true), Text: "谢谢"}, cases.StatusFeedback},
	{spec, cases.Transition{Action: cases.ActVerify, Timeliness: ptr(5), Satisfaction: ptr(5), Attitude: ptr(4), Suggestions: "师傅很专业"}, cases.StatusVerified},
	{spec, cases.Transition{Action: cases.ActClose, Result: "已修复"}, cases.StatusClosed},
}

func advance(t *testing.T, svc *cases.Service, c *cases.Case, to cases.Status) *cases.Case {
	t.Helper()
	start := 0
	for i, step := range path {
		if step.to == c.Status {
			start = i + 1
		}
	}
	for _, step := range path[start:] {
		if c.Status == to {
			return c
		}
		c = apply(t, svc, step.who, c.Serial, step.tr)
	}
	if c.Status != to {
		t.Fatalf("case never reached %s", to)
	}
	return c
}

func TestFullProcedureLeavesACompleteHistory(t *testing.T) {
	clock := casestest.NewClock(wednesday)
	svc, _ := casestest.Service(t, clock)
	c := newCase(t, svc, leak())
	if c.Serial != "TS-2026-000001" || c.Status != cases.StatusReceived {
		t.Fatalf("new case = %s %s, want TS-2026-000001 received", c.Serial, c.Status)
	}
	for _, step := range path {
		clock.Advance(30 * time.Minute)
		c = apply(t, svc, step.who, c.Serial, step.tr)
		if c.Status != step.to {
			t.Fatalf("%s: status %s, want %s", step.tr.Action, c.Status, step.to)
		}
	}
	var actions []string
	for _, e := range c.Events {
		actions = append(actions, e.Action)
	}
	want := "create dispatch acknowledge investigate propose_measures review reply feedback verify close"
	if got := strings.Join(actions, " "); got != want {
		t.Fatalf("events = %s\nwant     %s", got, want)
	}
	ack := c.Events[2]
	if ack.ActorID != "eng.li" || ack.ActorName != "李建华" || ack.FromStatus != cases.StatusDispatched || ack.ToStatus != cases.StatusAcknowledged {
		t.Errorf("acknowledge event = %+v", ack)
	}
	if c.Handler != "eng.li" || c.Measures != "更换楼上防水层，今日下午上门" || *c.VerifyAttitude != 4 || c.ClosedAt == nil {
		t.Errorf("record after close: handler %q measures %q attitude %v closed %v", c.Handler, c.Measures, *c.VerifyAttitude, c.ClosedAt)
	}
	// The current state can be explained from the events alone.
	replayed, err := cases.Replay(c.Events)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := cases.Snapshot(c)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(replayed) != fmt.Sprint(snap) {
		t.Errorf("history does not explain the record:\nreplayed %v\nrecord   %v", replayed, snap)
	}
	// Every step was done in time (30 minutes apart on a working day).
	for _, d := range c.Deadlines {
		if d.Step == cases.StepMajor {
			continue
		}
		if d.SupersededAt == nil && !d.Met() {
			t.Errorf("deadline %s due %s not met (met at %v)", d.Step, d.Due, d.MetAt)
		}
	}
}

func TestHistoryIsAppendOnly(t *testing.T) {
	svc, db := casestest.Service(t, casestest.NewClock(wednesday))
	newCase(t, svc, leak())
	if _, err := db.Exec(`UPDATE case_events SET note = 'x'`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("UPDATE case_events: %v, want refusal", err)
	}
	if _, err := db.Exec(`DELETE FROM case_events`); err == nil {
		t.Fatal("DELETE case_events succeeded")
	}
}

// TestWhoMayDoWhat tries every action with every kind of person from a state
// where the action is possible. The allowed lists are the procedure's, written
// out here independently of the code's rule table.
func TestWhoMayDoWhat(t *testing.T) {
	actors := map[string]cases.Actor{"specialist": spec, "gm": gm, "manager": mgr, "handler": hdl,
		"other-dept-manager": otherMgr, "front-desk": front, "owner": owner, "other-owner": otherOwner, "system": cases.System}
	tests := []struct {
		from    cases.Status
		major   bool
		tr      cases.Transition
		allowed []string
	}{
		{cases.StatusReceived, false, cases.Transition{Action: cases.ActJudgeValid}, []string{"specialist"}},
		{cases.StatusReceived, false, cases.Transition{Action: cases.ActJudgeInvalid, Text: "属开发商责任，已转交开发商"}, []string{"specialist"}},
		{cases.StatusReceived, false, cases.Transition{Action: cases.ActDispatch, Department: "engineering"}, []string{"specialist", "gm", "system"}},
		{cases.StatusDispatched, false, cases.Transition{Action: cases.ActTransfer, Department: "security"}, []string{"specialist", "gm", "manager"}},
		{cases.StatusDispatched, false, cases.Transition{Action: cases.ActAcknowledge}, []string{"manager"}},
		{cases.StatusDispatched, false, cases.Transition{Action: cases.ActAssignHandler, Handler: "eng.wang"}, []string{"manager", "gm"}},
		{cases.StatusAcknowledged, false, cases.Transition{Action: cases.ActAssignHandler, Handler: "eng.wang"}, []string{"manager", "gm"}},
		{cases.StatusAcknowledged, false, cases.Transition{Action: cases.ActInvestigate}, []string{"manager", "handler"}},
		{cases.StatusInvestigating, false, cases.Transition{Action: cases.ActProposeMeasures, Text: "维修"}, []string{"manager", "handler"}},
		{cases.StatusMeasuresProposed, false, cases.Transition{Action: cases.ActReview, Text: "同意"}, []string{"specialist"}},
		{cases.StatusMeasuresProposed, false, cases.Transition{Action: cases.ActReturnMeasures, Text: "措施不具体"}, []string{"specialist", "gm"}},
		{cases.StatusAwaitingApproval, true, cases.Transition{Action: cases.ActApprove}, []string{"gm"}},
		{cases.StatusReviewed, false, cases.Transition{Action: cases.ActReply, Text: "答复"}, []string{"specialist", "system"}},
		{cases.StatusReplied, false, cases.Transition{Action: cases.ActFeedback, Satisfied: ptr(true)}, []string{"owner", "specialist"}},
		{cases.StatusFeedback, false, cases.Transition{Action: cases.ActVerify, Satisfaction: ptr(5)}, []string{"specialist", "owner"}},
		{cases.StatusVerified, false, cases.Transition{Action: cases.ActClose}, []string{"specialist", "system"}},
		{cases.StatusClosed, false, cases.Transition{Action: cases.ActArchive}, []string{"specialist", "system"}},
		{cases.StatusClosed, false, cases.Transition{Action: cases.ActReopen, Text: "业主再次来电"}, []string{"specialist", "gm"}},
		{cases.StatusDispatched, false, cases.Transition{Action: cases.ActFlagMajor, Text: "媒体曝光"}, []string{"specialist", "gm", "system"}},
		{cases.StatusDispatched, false, cases.Transition{Action: cases.ActAddInfo, Text: "又漏了"}, []string{"owner", "specialist", "gm", "manager", "handler", "other-dept-manager", "front-desk"}},
		{cases.StatusDispatched, false, cases.Transition{Action: cases.ActNote, Text: "已电话联系"}, []string{"specialist", "gm", "manager", "handler", "other-dept-manager", "front-desk"}},
		{cases.StatusClosed, false, cases.Transition{Action: cases.ActResponsibility, Responsibility: "quality_defect", CAPAReport: "CAPA-2026-007"}, []string{"specialist", "gm", "manager"}},
		{cases.StatusDispatched, false, cases.Transition{Action: cases.ActRequestPerson}, []string{"owner"}},
		{cases.StatusInvestigating, false, cases.Transition{Action: cases.ActResponsibility, Responsibility: "improper_use"}, []string{"specialist", "gm", "manager"}},
		{cases.StatusDispatched, false, cases.Transition{Action: cases.ActAssist, Department: "security"}, []string{"specialist", "gm"}},
		{cases.StatusDispatched, false, cases.Transition{Action: cases.ActReferDeveloper, Text: "外墙渗水属开发商保修范围"}, []string{"specialist"}},
		{cases.StatusDispatched, false, cases.Transition{Action: cases.ActDeveloperRemind}, []string{"system"}},
		{cases.StatusDispatched, false, cases.Transition{Action: cases.ActDeveloperAnswer, Text: "开发商下周派人维修"}, []string{"specialist"}},
		{cases.StatusReplied, false, cases.Transition{Action: cases.ActHeadOffice, Text: "业主不认可处理结果"}, []string{"specialist", "gm", "system"}},
		{cases.StatusInvestigating, false, cases.Transition{Action: cases.ActReclassify, Category: "house_quality"}, []string{"specialist", "gm", "manager"}},
	}
	// Actions on a case the developer's defect caused start from its referral.
	referred := map[cases.Action]bool{cases.ActDeveloperRemind: true, cases.ActDeveloperAnswer: true}
	svc, _ := casestest.Service(t, casestest.NewClock(wednesday))
	covered := map[cases.Action]bool{}
	for _, tc := range tests {
		covered[tc.tr.Action] = true
		for name, who := range actors {
			t.Run(string(tc.tr.Action)+"/"+name, func(t *testing.T) {
				n := leak()
				n.Lawsuit = tc.major
				n.Unit = t.Name() // a different unit each time: not a repeat complaint
				c := advance(t, svc, newCase(t, svc, n), tc.from)
				if referred[tc.tr.Action] {
					c = apply(t, svc, spec, c.Serial, cases.Transition{Action: cases.ActReferDeveloper, Text: "属开发商保修范围"})
				}
				ctx := context.Background()
				after, err := svc.Apply(ctx, who, c.Serial, tc.tr)
				if slices.Contains(tc.allowed, name) {
					if err != nil {
						t.Fatalf("%s should be allowed to %s: %v", name, tc.tr.Action, err)
					}
					if len(after.Events) != len(c.Events)+1 || after.Events[len(after.Events)-1].Action != string(tc.tr.Action) {
						t.Fatalf("no %s event recorded", tc.tr.Action)
					}
					return
				}
				if cases.ErrorCode(err) != cases.CodeForbidden {
					t.Fatalf("%s should be refused %s with forbidden, got %v", name, tc.tr.Action, err)
				}
				again, err := svc.Get(ctx, c.Serial)
				if err != nil {
					t.Fatal(err)
				}
				if again.Version != c.Version || len(again.Events) != len(c.Events) {
					t.Fatalf("a refused %s changed the case", tc.tr.Action)
				}
			})
		}
	}
	for _, a := range cases.Actions {
		if !covered[a] {
			t.Errorf("action %s has no permission test", a)
		}
	}
}

func TestConcurrentCreatesGetGapFreeSerials(t *testing.T) {
	svc, _ := casestest.Service(t, casestest.NewClock(wednesday))
	ctx := context.Background()
	// A create that rolls back gives its number back.
	boom := errors.New("rolled back on purpose")
	err := svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		c, err := svc.CreateTx(ctx, tx, now, owner, leak())
		if err != nil || c.Serial != "TS-2026-000001" {
			t.Errorf("create in tx = %v, %v", c, err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Within = %v", err)
	}
	const n = 50
	serials := make(chan string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := leak()
			c.OwnerRef = fmt.Sprintf("telegram:%d", 1000+i)
			c.ContactPhone = ""
			got, err := svc.Create(ctx, owner, c)
			if err != nil {
				t.Error(err)
				return
			}
			serials <- got.Serial
		}()
	}
	wg.Wait()
	close(serials)
	var all []string
	for s := range serials {
		all = append(all, s)
	}
	slices.Sort(all)
	if len(all) != n {
		t.Fatalf("%d cases created, want %d", len(all), n)
	}
	for i, s := range all {
		if want := fmt.Sprintf("TS-2026-%06d", i+1); s != want {
			t.Fatalf("serial #%d = %s, want %s (gap or duplicate)", i+1, s, want)
		}
	}
}

func TestSerialsRestartEachYear(t *testing.T) {
	clock := casestest.NewClock(time.Date(2026, 12, 31, 23, 59, 0, 0, shanghai))
	svc, _ := casestest.Service(t, clock)
	a := newCase(t, svc, leak())
	clock.Set(time.Date(2027, 1, 1, 0, 1, 0, 0, shanghai))
	n := leak()
	n.Category = "noise"
	b := newCase(t, svc, n)
	if a.Serial != "TS-2026-000001" || b.Serial != "TS-2027-000001" {
		t.Fatalf("serials %s, %s; want TS-2026-000001, TS-2027-000001", a.Serial, b.Serial)
	}
}

func TestTwoManagersAcknowledgeAtOnce(t *testing.T) {
	svc, _ := casestest.Service(t, casestest.NewClock(wednesday))
	ctx := context.Background()
	c := advance(t, svc, newCase(t, svc, leak()), cases.StatusDispatched)
	errs := make(chan error, 2)
	var start sync.WaitGroup
	start.Add(1)
	for _, who := range []cases.Actor{mgr, mgr2} {
		go func() {
			start.Wait()
			_, err := svc.Apply(ctx, who, c.Serial, cases.Transition{Action: cases.ActAcknowledge})
			errs <- err
		}()
	}
	start.Done()
	e1, e2 := <-errs, <-errs
	if (e1 == nil) == (e2 == nil) {
		t.Fatalf("want exactly one winner, got %v and %v", e1, e2)
	}
	lost := e1
	if lost == nil {
		lost = e2
	}
	got, _ := svc.Get(ctx, c.Serial)
	winner, _ := svc.Config().StaffByID(got.Events[len(got.Events)-1].ActorID)
	if cases.ErrorCode(lost) != cases.CodeConflict || !strings.Contains(lost.Error(), "already acknowledged by "+winner.Staff.Name) {
		t.Fatalf("loser told %q, want conflict naming %s", lost, winner.Staff.Name)
	}
	acks := 0
	for _, e := range got.Events {
		if e.Action == "acknowledge" {
			acks++
		}
	}
	if acks != 1 || got.Status != cases.StatusAcknowledged {
		t.Fatalf("%d acknowledge events, status %s", acks, got.Status)
	}
}

func TestStaleVersionLoses(t *testing.T) {
	svc, _ := casestest.Service(t, casestest.NewClock(wednesday))
	c := advance(t, svc, newCase(t, svc, leak()), cases.StatusDispatched)
	apply(t, svc, spec, c.Serial, cases.Transition{Action: cases.ActNote, Text: "已电话联系业主"})
	_, err := svc.Apply(context.Background(), mgr, c.Serial, cases.Transition{Action: cases.ActAcknowledge, ExpectedVersion: c.Version})
	if cases.ErrorCode(err) != cases.CodeConflict || !strings.Contains(err.Error(), "changed since you loaded it") {
		t.Fatalf("stale acknowledge: %v", err)
	}
}

func TestRefusedFromTheWrongState(t *testing.T) {
	svc, _ := casestest.Service(t, casestest.NewClock(wednesday))
	c := newCase(t, svc, leak())
	_, err := svc.Apply(context.Background(), mgr, c.Serial, cases.Transition{Action: cases.ActProposeMeasures, Text: "x"})
	// The manager is not yet the department's: the case is not dispatched.
	if cases.ErrorCode(err) != cases.CodeForbidden {
		t.Fatalf("measures before dispatch: %v", err)
	}
	_, err = svc.Apply(context.Background(), spec, c.Serial, cases.Transition{Action: cases.ActReply, Text: "x"})
	if cases.ErrorCode(err) != cases.CodeConflict || !strings.Contains(err.Error(), "while it is received") {
		t.Fatalf("reply before measures: %v", err)
	}
}

func TestInvalidComplaintIsExplainedAndStaysOnTheRegister(t *testing.T) {
	svc, _ := casestest.Service(t, casestest.NewClock(wednesday))
	c := newCase(t, svc, leak())
	_, err := svc.Apply(context.Background(), spec, c.Serial, cases.Transition{Action: cases.ActJudgeInvalid})
	if cases.ErrorCode(err) != cases.CodeInvalid {
		t.Fatalf("invalid without a reason: %v", err)
	}
	c = apply(t, svc, spec, c.Serial, cases.Transition{Action: cases.ActJudgeInvalid, Text: "市政道路问题，非物业管辖，已告知业主拨打12345"})
	if c.Status != cases.StatusInvalid || c.Validity != cases.ValidityInvalid || c.ClosedAt == nil {
		t.Fatalf("after invalid: %s %s %v", c.Status, c.Validity, c.ClosedAt)
	}
	page, err := svc.List(context.Background(), cases.Filter{Statuses: []cases.Status{cases.StatusInvalid}})
	if err != nil || page.Total != 1 {
		t.Fatalf("register of invalid cases: %v %v", page, err)
	}
	c = apply(t, svc, spec, c.Serial, cases.Transition{Action: cases.ActReopen, Text: "复查后属物业责任"})
	if c.Status != cases.StatusReceived || c.ReopenCount != 1 {
		t.Fatalf("reopened invalid case: %s %d", c.Status, c.ReopenCount)
	}
}

func TestUnsatisfiedOwnerReopensTheCase(t *testing.T) {
	clock := casestest.NewClock(wednesday)
	svc, _ := casestest.Service(t, clock)
	c := advance(t, svc, newCase(t, svc, leak()), cases.StatusReplied)
	clock.Advance(time.Hour)
	c = apply(t, svc, owner, c.Serial, cases.Transition{Action: cases.ActFeedback, Satisfied: ptr(false), Text: "还在漏"})
	if c.Status != cases.StatusDispatched || c.ReopenCount != 1 || c.Department != "engineering" {
		t.Fatalf("after unsatisfied feedback: %s reopen=%d dept=%s", c.Status, c.ReopenCount, c.Department)
	}
	// The department's clock starts again from the reopening.
	var fresh int
	for _, d := range c.Deadlines {
		if d.Step == cases.StepMeasures && d.MetAt == nil && d.SupersededAt == nil {
			fresh++
			if want := clock.Now().Add(72 * time.Hour); !d.Due.Equal(want) {
				t.Errorf("new measures deadline %s, want %s", d.Due, want)
			}
		}
	}
	if fresh != 1 {
		t.Fatalf("%d open measures deadlines after reopen, want 1", fresh)
	}
	// A revisit with a low score also reopens.
	c = advance(t, svc, c, cases.StatusFeedback)
	c = apply(t, svc, spec, c.Serial, cases.Transition{Action: cases.ActVerify, Satisfaction: ptr(2), Suggestions: "处理太慢"})
	if c.Status != cases.StatusDispatched || c.ReopenCount != 2 {
		t.Fatalf("after unsatisfied revisit: %s reopen=%d", c.Status, c.ReopenCount)
	}
}

func TestLeadAndAssistingDepartmentsAndTransfer(t *testing.T) {
	svc, _ := casestest.Service(t, casestest.NewClock(wednesday))
	c := newCase(t, svc, leak())
	c = apply(t, svc, spec, c.Serial, cases.Transition{Action: cases.ActDispatch, Department: "engineering", Assisting: []string{"security", "environment"}})
	if c.Department != "engineering" || strings.Join(c.Assisting, ",") != "security,environment" {
		t.Fatalf("dispatch: %s %v", c.Department, c.Assisting)
	}
	// An assisting manager may add information but not acknowledge for the lead.
	if _, err := svc.Apply(context.Background(), otherMgr, c.Serial, cases.Transition{Action: cases.ActAcknowledge}); cases.ErrorCode(err) != cases.CodeForbidden {
		t.Fatalf("assisting acknowledges: %v", err)
	}
	apply(t, svc, otherMgr, c.Serial, cases.Transition{Action: cases.ActAddInfo, Text: "监控显示昨晚22点开始漏水"})
	c = apply(t, svc, mgr, c.Serial, cases.Transition{Action: cases.ActTransfer, Department: "security", Text: "属楼上住户私自改造"})
	if c.Department != "security" || c.Status != cases.StatusDispatched || strings.Join(c.Assisting, ",") != "environment" {
		t.Fatalf("transfer: %s %s %v", c.Department, c.Status, c.Assisting)
	}
	c = apply(t, svc, otherMgr, c.Serial, cases.Transition{Action: cases.ActAcknowledge, Handler: "sec.sun"})
	if c.Handler != "sec.sun" {
		t.Fatalf("handler %q", c.Handler)
	}
	if _, err := svc.Apply(context.Background(), otherMgr, c.Serial, cases.Transition{Action: cases.ActAssignHandler, Handler: "eng.zhang"}); cases.ErrorCode(err) != cases.CodeInvalid {
		t.Fatalf("handler from another department: %v", err)
	}
}

func TestRepeatComplaintGoesToTheGeneralManager(t *testing.T) {
	clock := casestest.NewClock(wednesday)
	svc, _ := casestest.Service(t, clock)
	first := newCase(t, svc, leak())
	clock.Advance(10 * 24 * time.Hour)
	again := leak()
	again.OwnerRef = "" // recorded by phone: the same person by phone number
	again.Channel = cases.ChannelPhone
	again.ContactPhone = "138 1234 5678"
	second, err := svc.Create(context.Background(), front, again)
	if err != nil {
		t.Fatal(err)
	}
	if !second.Repeat || len(second.Links) != 1 || second.Links[0].Serial != first.Serial || second.Links[0].Kind != cases.LinkRepeatOf {
		t.Fatalf("repeat = %v links = %+v", second.Repeat, second.Links)
	}
	if last := second.Events[len(second.Events)-1]; last.Action != "flag_repeat" || !strings.Contains(last.Note, "刘建国") {
		t.Fatalf("repeat event = %+v", last)
	}
	// The refusal names the rule, not the roles: the GM names who handles it.
	if _, err := svc.Apply(context.Background(), spec, second.Serial, cases.Transition{Action: cases.ActDispatch, Department: "engineering"}); cases.ErrorCode(err) != cases.CodeForbidden ||
		!strings.Contains(err.Error(), "is a repeat complaint: only the general manager (刘建国)") {
		t.Fatalf("specialist dispatches a repeat: %v", err)
	}
	second = apply(t, svc, gm, second.Serial, cases.Transition{Action: cases.ActDispatch, Department: "engineering", Handler: "eng.wang"})
	if second.Handler != "eng.wang" {
		t.Fatalf("GM named handler %q", second.Handler)
	}
	// Another unit, another category, or outside the window: not a repeat.
	other := leak()
	other.Unit = "5栋1单元201"
	noise := leak()
	noise.Category = "noise"
	for _, n := range []cases.NewCase{other, noise} {
		if c := newCase(t, svc, n); c.Repeat {
			t.Errorf("%s/%s flagged repeat", n.Category, n.Unit)
		}
	}
	clock.Advance(91 * 24 * time.Hour)
	if c := newCase(t, svc, leak()); c.Repeat {
		t.Error("complaint 101 days later flagged repeat (window 90d)")
	}
}

func TestMajorComplaints(t *testing.T) {
	clock := casestest.NewClock(wednesday)
	svc, _ := casestest.Service(t, clock)
	ctx := context.Background()
	unit := 0
	make := func(mut func(*cases.NewCase)) *cases.Case {
		n := leak()
		unit++
		n.Unit = fmt.Sprintf("%d栋", unit)
		mut(&n)
		return newCase(t, svc, n)
	}
	for name, tc := range map[string]struct {
		mut   func(*cases.NewCase)
		major bool
	}{
		"lawsuit":       {func(n *cases.NewCase) { n.Lawsuit = true }, true},
		"media":         {func(n *cases.NewCase) { n.Media = true }, true},
		"10 people":     {func(n *cases.NewCase) { n.Complainants = 10 }, true},
		"9 people":      {func(n *cases.NewCase) { n.Complainants = 9 }, false},
		"ordinary leak": {func(n *cases.NewCase) {}, false},
	} {
		if c := make(tc.mut); c.Major != tc.major {
			t.Errorf("%s: major = %v, want %v (%s)", name, c.Major, tc.major, c.MajorReason)
		}
	}

	// Measures of a major case wait for the general manager.
	c := advance(t, svc, make(func(n *cases.NewCase) { n.Media = true }), cases.StatusMeasuresProposed)
	c = apply(t, svc, spec, c.Serial, cases.Transition{Action: cases.ActReview, Text: "同意，报总经理"})
	if c.Status != cases.StatusAwaitingApproval {
		t.Fatalf("major reviewed → %s", c.Status)
	}
	if _, err := svc.Apply(ctx, spec, c.Serial, cases.Transition{Action: cases.ActReply, Text: "x"}); cases.ErrorCode(err) != cases.CodeConflict {
		t.Fatalf("reply before approval: %v", err)
	}
	c = apply(t, svc, gm, c.Serial, cases.Transition{Action: cases.ActApprove, Text: "同意"})
	if c.Status != cases.StatusReviewed || c.ApprovedBy != "gm.liu" {
		t.Fatalf("approved → %s by %q", c.Status, c.ApprovedBy)
	}
	// Reviewed with the answer to the owner: the approval sends it.
	c = advance(t, svc, make(func(n *cases.NewCase) { n.Lawsuit = true }), cases.StatusMeasuresProposed)
	c = apply(t, svc, spec, c.Serial, cases.Transition{Action: cases.ActReview, Text: "同意", Reply: "下周修复"})
	c = apply(t, svc, gm, c.Serial, cases.Transition{Action: cases.ActReturnMeasures, Text: "时间太晚"})
	if c.ReplyDraft != "" {
		t.Fatalf("returned measures keep the answer written for them: %q", c.ReplyDraft)
	}
	c = apply(t, svc, hdl, c.Serial, cases.Transition{Action: cases.ActProposeMeasures, Text: "本周五前修复"})
	c = apply(t, svc, spec, c.Serial, cases.Transition{Action: cases.ActReview, Text: "同意", Reply: "本周五前修复并书面说明"})
	if c.Status != cases.StatusAwaitingApproval || c.Reply != "" {
		t.Fatalf("reviewed with a reply → %s, reply %q before the approval", c.Status, c.Reply)
	}
	c = apply(t, svc, gm, c.Serial, cases.Transition{Action: cases.ActApprove})
	if c.Status != cases.StatusReplied || c.Reply != "本周五前修复并书面说明" || c.ReplyDraft != "" {
		t.Fatalf("approved with a reply → %s, reply %q, draft %q", c.Status, c.Reply, c.ReplyDraft)
	}
	if last := c.Events[len(c.Events)-1]; last.Action != "reply" || last.ActorID != "system" {
		t.Fatalf("the reply after approval is %s by %s", last.Action, last.ActorID)
	}

	// A collective case becomes major when its households reach 10: the
	// lead case's owner and the owners of the linked cases.
	coll := make(func(n *cases.NewCase) { n.Content = "多户业主反映地下车库积水" })
	var members []string
	for range 9 {
		members = append(members, make(func(n *cases.NewCase) { n.Category = "parking" }).Serial)
	}
	coll, err := svc.Link(ctx, spec, coll.Serial, cases.LinkCollective, members[:8])
	if err != nil || coll.Major || coll.Complainants != 9 {
		t.Fatalf("lead + 8 linked: major=%v complainants=%d err=%v", coll.Major, coll.Complainants, err)
	}
	coll, err = svc.Link(ctx, spec, coll.Serial, cases.LinkCollective, members[7:]) // one linked again, one new
	if err != nil || !coll.Major || coll.Complainants != 10 || len(coll.Links) != 9 {
		t.Fatalf("lead + 9 linked: major=%v complainants=%d links=%d err=%v", coll.Major, coll.Complainants, len(coll.Links), err)
	}
	if !strings.Contains(coll.MajorReason, "collective complaint by 10 people") {
		t.Fatalf("major reason %q", coll.MajorReason)
	}
	// A lead recorded by staff for 4 households, plus 6 linked cases, is 10.
	four := make(func(n *cases.NewCase) { n.Complainants = 4 })
	var six []string
	for range 6 {
		six = append(six, make(func(n *cases.NewCase) { n.Category = "parking" }).Serial)
	}
	if four, err = svc.Link(ctx, spec, four.Serial, cases.LinkCollective, six); err != nil || !four.Major || four.Complainants != 10 {
		t.Fatalf("4 recorded + 6 linked: major=%v complainants=%d err=%v", four.Major, four.Complainants, err)
	}

	// Unresolved one month after receipt: major, by the clock, once.
	old := make(func(n *cases.NewCase) {})
	clock.Set(wednesday.AddDate(0, 1, 0).Add(time.Minute))
	misses, err := svc.Sweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := svc.Get(ctx, old.Serial)
	if !got.Major || got.MajorReason != "unresolved one month after receipt" {
		t.Fatalf("after a month: major=%v %q", got.Major, got.MajorReason)
	}
	steps := map[cases.Step]bool{}
	for _, m := range misses {
		if m.Serial == old.Serial {
			steps[m.Step] = true
		}
	}
	if !steps[cases.StepDispatch] || !steps[cases.StepReply] || !steps[cases.StepMajor] {
		t.Fatalf("misses for the old case: %v", steps)
	}
	again, err := svc.Sweep(ctx)
	if err != nil || len(again) != 0 {
		t.Fatalf("second sweep found %d misses (%v)", len(again), err)
	}
	page, err := svc.List(ctx, cases.Filter{Overdue: true})
	if err != nil || page.Total == 0 {
		t.Fatalf("overdue filter: %v %v", page, err)
	}
}

func TestOddTextIsStoredVerbatimAndBadInputRefused(t *testing.T) {
	svc, db := casestest.Service(t, casestest.NewClock(wednesday))
	ctx := context.Background()
	for _, text := range []string{
		"'; drop table cases; --",
		"😡😡 电梯又坏了 🛗",
		"樓上漏水很嚴重，天花板在滴水",
		strings.Repeat("漏", 10000),
	} {
		n := leak()
		n.Content = text
		n.Unit = fmt.Sprint(len(text))
		c, err := svc.Create(ctx, owner, n)
		if err != nil {
			t.Fatalf("create with %.20q: %v", text, err)
		}
		if c.Content != text {
			t.Fatalf("content changed: %.40q", c.Content)
		}
	}
	bad := []struct {
		mut   func(*cases.NewCase)
		field string
	}{
		{func(n *cases.NewCase) { n.Category = "weather" }, "category"},
		{func(n *cases.NewCase) { n.Community = "月球基地" }, "community"},
		{func(n *cases.NewCase) { n.ContactPhone = "12345" }, "contact_phone"},
		{func(n *cases.NewCase) { n.Content = strings.Repeat("x", 100<<10) }, "content"},
		{func(n *cases.NewCase) { n.Content = "  " }, "content"},
		{func(n *cases.NewCase) { n.Content = "\xff\xfe" }, "content"},
		{func(n *cases.NewCase) { n.Content = "漏水\x00" }, "content"}, // PostgreSQL refuses NUL: a 400, not a 500
		{func(n *cases.NewCase) { n.CustomerName = "王\x00" }, "customer_name"},
		{func(n *cases.NewCase) { n.Urgency = "asap" }, "urgency"},
		{func(n *cases.NewCase) { n.Channel = "pigeon" }, "channel"},
		{func(n *cases.NewCase) { future := wednesday.Add(time.Hour); n.ReceivedAt = &future }, "received_at"},
	}
	var before int
	db.Get(&before, `SELECT count(*) FROM cases`)
	for _, b := range bad {
		n := leak()
		b.mut(&n)
		_, err := svc.Create(ctx, owner, n)
		var e *cases.Error
		if !errors.As(err, &e) || e.Code != cases.CodeInvalid || e.Field != b.field {
			t.Errorf("bad %s: got %v", b.field, err)
		}
	}
	var after int
	db.Get(&after, `SELECT count(*) FROM cases`)
	if after != before {
		t.Fatalf("refused creates wrote %d cases", after-before)
	}
	// The refused creates took no serial number either.
	c := newCase(t, svc, leak())
	if c.Serial != fmt.Sprintf("TS-2026-%06d", before+1) {
		t.Fatalf("serial after refusals = %s, want #%d", c.Serial, before+1)
	}
}

func TestPhoneNumbers(t *testing.T) {
	for in, want := range map[string]string{
		"13812345678": "13812345678", "+86 138 1234 5678": "13812345678", "138-1234-5678": "13812345678",
		"027-88880000": "027-88880000", "+85291234567": "+85291234567", "0085291234567": "+85291234567",
		"+86 10 8888 0000": "010-88880000", "010 8888 0000": "010-88880000", "(021) 6888 1234": "021-68881234",
	} {
		if got, ok := cases.NormalizePhone(in); !ok || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"12345", "23812345678", "1381234567", "phone", "+1", "+999 1234567", "+852 123"} {
		if got, ok := cases.NormalizePhone(in); ok {
			t.Errorf("NormalizePhone(%q) accepted as %q", in, got)
		}
	}
	if got := cases.MaskPhone("13812345678"); got != "138****5678" {
		t.Errorf("MaskPhone = %q", got)
	}
}

func TestMigrationsTwiceAndConcurrently(t *testing.T) {
	u, _ := url.Parse(casestest.EmptyURL(t))
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := sql.Open("postgres", u.String())
			if err != nil {
				errs <- err
				return
			}
			defer db.Close()
			errs <- cases.Migrate(context.Background(), db, quiet)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent migrate: %v", err)
		}
	}
	db, _ := sql.Open("postgres", u.String())
	defer db.Close()
	if err := cases.Migrate(context.Background(), db, quiet); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	cur, want, err := cases.SchemaStatus(context.Background(), db)
	if err != nil || cur != want || cur == 0 {
		t.Fatalf("schema %d, want %d (%v)", cur, want, err)
	}
	var applied int
	db.QueryRow(`SELECT count(*) FROM heed_schema_migrations WHERE version_id > 0`).Scan(&applied)
	if applied != len(cases.MigrationNames()) {
		t.Fatalf("%d migrations recorded, want %d", applied, len(cases.MigrationNames()))
	}
}
