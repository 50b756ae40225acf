package conversation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/conversation/conversationtest"
)

// An owner who blocked heed is like one who wrote 退订: no questionnaire,
// no survey, to be called instead; writing again makes them reachable.
func TestBlockedOwnerGetsNoRevisitOrSurvey(t *testing.T) {
	clock, svc, db, eng := surveySetup(t)
	ctx := context.Background()
	serial := conversationtest.Replied(t, svc, eng, "blk1")
	if err := eng.SetBlocked(ctx, cases.ChannelWeb, "blk1", true, conversation.BlockedBot); err != nil {
		t.Fatal(err)
	}
	clock.Advance(73 * time.Hour)
	if err := eng.SweepRevisits(ctx); err != nil {
		t.Fatal(err)
	}
	var reason string
	db.Get(&reason, `SELECT skipped_reason FROM revisits WHERE serial = $1 AND NOT selected`, serial)
	if !strings.Contains(reason, "blocked") {
		t.Fatalf("revisit of a blocked owner: skipped %q", reason)
	}
	var lines int
	db.Get(&lines, `SELECT count(*) FROM transcript WHERE chat_id = 'blk1' AND text LIKE '%1/4%'`)
	if lines != 0 {
		t.Fatalf("%d questionnaires to a blocked owner", lines)
	}

	tg := &owner{t: t, eng: eng, channel: cases.ChannelTelegram, user: "7301"}
	tg.say("你好") // the welcome is still waiting to be sent when they block heed
	lives(t, db, tg, "xinghewan")
	if err := eng.SetBlocked(ctx, cases.ChannelTelegram, "7301", true, conversation.BlockedBot); err != nil {
		t.Fatal(err)
	}
	var pending int
	db.Get(&pending, `SELECT count(*) FROM outbox WHERE chat_id = '7301' AND state = 'pending'`)
	if pending != 0 {
		t.Fatalf("%d messages still to be sent to an owner who blocked heed", pending)
	}
	before := len(outbox(t, db, "telegram", "7301"))
	res, err := eng.StartSurvey(ctx, conversation.SurveyStart{Survey: "test-2026", Community: "xinghewan", Actor: "quality.wu", ClosesIn: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 0 || res.SkippedOptedOut != 1 || len(outbox(t, db, "telegram", "7301")) != before {
		t.Fatalf("survey to a blocked owner: %+v", res)
	}
	// They write again: reachable, and their answer is sent.
	if got := tg.say("查询"); got == "" {
		t.Fatal("no answer")
	}
	var blocked bool
	db.Get(&blocked, `SELECT blocked_at IS NOT NULL FROM owner_profiles WHERE owner_ref = 'telegram:7301'`)
	if blocked || len(outbox(t, db, "telegram", "7301")) != before+1 {
		t.Fatalf("after writing again: blocked %v, %d queued", blocked, len(outbox(t, db, "telegram", "7301"))-before)
	}
}
