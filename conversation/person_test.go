package conversation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"
)

// 人工 while a survey question is open: the owner hears that a specialist
// was told, and the survey's question comes once, not twice.
func TestAskingForAPersonDuringASurveyAsksTheQuestionOnce(t *testing.T) {
	_, _, db, eng := surveySetup(t)
	o := &owner{t: t, eng: eng, channel: cases.ChannelWeChat, user: "oWX-person-sv"}
	o.say("你好")
	lives(t, db, o, "xinghewan")
	if _, err := eng.StartSurvey(context.Background(), conversation.SurveyStart{Survey: "test-2026", Community: "xinghewan", ClosesIn: time.Hour}); err != nil {
		t.Fatal(err)
	}
	got := o.say("人工")
	if n := strings.Count(got, "1/3"); n != 1 {
		t.Fatalf("人工 during the survey answered with its question %d times:\n%s", n, got)
	}
	var withChoices int
	for _, r := range o.last.Replies {
		if len(r.Choices) > 0 {
			withChoices++
		}
	}
	if withChoices != 1 {
		t.Fatalf("%d answers offer the survey's choices, want 1: %+v", withChoices, o.last.Replies)
	}
}
