package conversation_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/conversation/conversationtest"
)

func TestRevisitSamplingIsExact(t *testing.T) {
	clock, svc, db, eng := revisitSetup(t, func(c *config.Config) { c.Revisit.Ratio = 0.3 })
	for i := range 100 {
		conversationtest.Replied(t, svc, eng, fmt.Sprintf("s%03d", i))
	}
	clock.Advance(73 * time.Hour) // no feedback for longer than revisit.feedback_wait
	if err := eng.SweepRevisits(context.Background()); err != nil {
		t.Fatal(err)
	}
	var selected, skipped, reasons int
	db.Get(&selected, `SELECT count(*) FROM revisits WHERE selected`)
	db.Get(&skipped, `SELECT count(*) FROM revisits WHERE NOT selected`)
	db.Get(&reasons, `SELECT count(*) FROM revisits WHERE NOT selected AND skipped_reason LIKE 'not drawn: revisit ratio 30%%'`)
	if selected != 30 || skipped != 70 || reasons != 70 {
		t.Fatalf("30%% of 100: %d revisited, %d skipped (%d with the reason)", selected, skipped, reasons)
	}
	var questions int
	db.Get(&questions, `SELECT count(*) FROM transcript WHERE sender = 'heed' AND text LIKE '%1/4%'`)
	if questions != 30 {
		t.Fatalf("%d questionnaires sent, want 30", questions)
	}
}

func TestUnansweredRevisitRemindsOnceThenCallList(t *testing.T) {
	clock, svc, db, eng := revisitSetup(t, nil)
	serial := conversationtest.Replied(t, svc, eng, "quiet")
	ctx := context.Background()
	sweep := func(d time.Duration) {
		clock.Advance(d)
		if err := eng.SweepRevisits(ctx); err != nil {
			t.Fatal(err)
		}
	}
	count := func(like string) int {
		var n int
		db.Get(&n, `SELECT count(*) FROM transcript WHERE chat_id = 'quiet' AND sender = 'heed' AND text LIKE $1`, like)
		return n
	}
	sweep(73 * time.Hour) // questionnaire
	sweep(23 * time.Hour)
	if count("%回访还没有完成%") != 0 {
		t.Fatal("reminded too early")
	}
	sweep(2 * time.Hour) // reminder
	sweep(2 * time.Hour)
	if n := count("%回访还没有完成%"); n != 1 {
		t.Fatalf("%d reminders, want 1", n)
	}
	if list, _ := eng.CallList(ctx); len(list) != 0 {
		t.Fatal("on the call list too early")
	}
	sweep(47 * time.Hour)
	list, err := eng.CallList(ctx)
	if err != nil || len(list) != 1 || list[0].Serial != serial {
		t.Fatalf("call list %v %v", list, err)
	}
	sweep(72 * time.Hour)
	if n := count("%回访还没有完成%"); n != 1 {
		t.Fatalf("%d reminders after the call list, want still 1", n)
	}
}

func TestFeedbackAndRevisitThroughTheConversation(t *testing.T) {
	_, svc, _, eng := revisitSetup(t, nil)
	serial := conversationtest.Replied(t, svc, eng, "fb1")
	c := &chat{t: t, eng: eng, user: "fb1"}
	// "Not satisfied" asks why, and the case goes back to the department.
	if got := c.press("fb:no:" + serial); !strings.Contains(got, "哪里还不满意") {
		t.Fatalf("not satisfied answered %q", got)
	}
	c.say("灯还是不亮")
	cs, _ := svc.Get(context.Background(), serial)
	if cs.Status != cases.StatusDispatched || cs.Feedback != "灯还是不亮" || cs.ReopenCount != 1 {
		t.Fatalf("after unsatisfied feedback: %s %q %d", cs.Status, cs.Feedback, cs.ReopenCount)
	}
	// Handled again and answered again: satisfied, then the questionnaire.
	mgr := cases.Actor{Kind: cases.ActorStaff, ID: "eng.li"}
	spec := cases.Actor{Kind: cases.ActorStaff, ID: "cs.zhoumin"}
	for _, s := range []struct {
		a  cases.Actor
		tr cases.Transition
	}{
		{mgr, cases.Transition{Action: cases.ActAcknowledge}},
		{mgr, cases.Transition{Action: cases.ActProposeMeasures, Text: "更换整个灯具"}},
		{spec, cases.Transition{Action: cases.ActReview}},
		{spec, cases.Transition{Action: cases.ActReply, Text: "已更换灯具"}},
	} {
		if _, err := svc.Apply(context.Background(), s.a, serial, s.tr); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.press("fb:yes:" + serial); !strings.Contains(got, "1/4") {
		t.Fatalf("satisfied answered %q, want the first revisit question", got)
	}
	c.press("rv:t:4:" + serial)
	c.press("rv:s:5:" + serial)
	c.say("4") // a numbered reply is the score itself: 4
	if got := c.say("希望以后能更快"); !strings.Contains(got, "回访完成") {
		t.Fatalf("last answer %q", got)
	}
	cs, _ = svc.Get(context.Background(), serial)
	if cs.Status != cases.StatusVerified || *cs.VerifyTimeliness != 4 || *cs.VerifySatisfaction != 5 || *cs.VerifyAttitude != 4 ||
		cs.VerifySuggestions != "希望以后能更快" {
		t.Fatalf("verification block: %s %v %v %v %q", cs.Status, *cs.VerifyTimeliness, *cs.VerifySatisfaction, *cs.VerifyAttitude, cs.VerifySuggestions)
	}
}

func TestOptedOutOwnerGetsNoQuestionnaire(t *testing.T) {
	clock, svc, db, eng := revisitSetup(t, nil)
	serial := conversationtest.Replied(t, svc, eng, "out1")
	c := &chat{t: t, eng: eng, user: "out1"}
	if got := c.say("退订"); !strings.Contains(got, "已退订") {
		t.Fatalf("退订 answered %q", got)
	}
	clock.Advance(73 * time.Hour)
	if err := eng.SweepRevisits(context.Background()); err != nil {
		t.Fatal(err)
	}
	var reason string
	db.Get(&reason, `SELECT skipped_reason FROM revisits WHERE serial = $1 AND NOT selected`, serial)
	var questions int
	db.Get(&questions, `SELECT count(*) FROM transcript WHERE chat_id = 'out1' AND text LIKE '%1/4%'`)
	if !strings.Contains(reason, "opted out") || questions != 0 {
		t.Fatalf("opted-out owner: reason %q, %d questionnaires", reason, questions)
	}
	if got := c.say("订阅"); !strings.Contains(got, "已恢复") {
		t.Fatalf("订阅 answered %q", got)
	}
}

// revisitSetup is an engine on a fresh database with manual dispatch (the
// tests drive each step) and the clock at an ordinary Wednesday morning.
func revisitSetup(t *testing.T, edit func(*config.Config)) (*casestest.Clock, *cases.Service, *sqlx.DB, *conversation.Engine) {
	return conversationtest.Manual(t, edit)
}

// A feedback wait in working days counts working days through the calendar,
// as the clock's deadlines do: it used to pass validation and be read as the
// 72-hour default.
func TestFeedbackWaitInWorkingDays(t *testing.T) {
	clock, svc, db, eng := revisitSetup(t, func(c *config.Config) { c.Revisit.FeedbackWait = "3wd" })
	conversationtest.Replied(t, svc, eng, "wd") // answered Wednesday 10:00
	sent := func() int {
		var n int
		db.Get(&n, `SELECT count(*) FROM revisits WHERE sent_at IS NOT NULL`)
		return n
	}
	clock.Advance(73 * time.Hour) // Saturday 11:00: 72 h passed, 2 working days
	if err := eng.SweepRevisits(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := sent(); n != 0 {
		t.Fatalf("questionnaire sent after 2 working days with feedback_wait 3wd (%d)", n)
	}
	clock.Set(time.Date(2026, 11, 23, 9, 59, 0, 0, shanghai)) // Monday, a minute short of 3 working days
	if err := eng.SweepRevisits(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := sent(); n != 0 {
		t.Fatalf("questionnaire sent a minute early (%d)", n)
	}
	clock.Set(time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai))
	if err := eng.SweepRevisits(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := sent(); n != 1 {
		t.Fatalf("%d questionnaires after 3 working days, want 1", n)
	}
}
