// Package conversationtest helps tests drive the owner's side: an owner
// who talked to heed and got an answer to a complaint.
package conversationtest

import (
	"context"
	"testing"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
	"github.com/jmoiron/sqlx"
)

// Replied makes a case of owner web:<user>, who talked to heed on the web
// chat first (so heed can reach them), and walks it to the reply; it
// returns the serial.
func Replied(t testing.TB, svc *cases.Service, eng *conversation.Engine, user string) string {
	t.Helper()
	ctx := context.Background()
	if _, err := eng.Handle(ctx, conversation.Inbound{Channel: cases.ChannelWeb, ChatID: user, UserID: user, MessageID: user + "-hello",
		Kind: conversation.KindText, Text: "你好"}); err != nil {
		t.Fatal(err)
	}
	c, err := svc.Create(ctx, cases.Actor{Kind: cases.ActorOwner, ID: "web:" + user, Channel: cases.ChannelWeb},
		cases.NewCase{Channel: cases.ChannelWeb, OwnerRef: "web:" + user, Content: "楼道灯坏了", Category: "facilities", Unit: user})
	if err != nil {
		t.Fatal(err)
	}
	casestest.ReplyTo(t, svc, c.Serial)
	return c.Serial
}

// Manual is the engine of a fresh database of the example company with
// manual dispatch (the tests drive each step), edited by edit (nil: as it
// is), the clock at an ordinary Wednesday morning and the engine's hooks
// registered as heed serve registers them.
func Manual(t testing.TB, edit func(*config.Config)) (*casestest.Clock, *cases.Service, *sqlx.DB, *conversation.Engine) {
	t.Helper()
	cfg := casestest.Config(t)
	cfg.Rules.Dispatch = "manual"
	if edit != nil {
		edit(cfg)
	}
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	clock := casestest.NewClock(time.Date(2026, 11, 18, 10, 0, 0, 0, shanghai))
	svc, db := casestest.ServiceWith(t, clock, cfg)
	eng, err := conversation.New(svc)
	if err != nil {
		t.Fatal(err)
	}
	svc.OnChange(eng.CaseChanged)
	svc.OnChange(eng.StaffCorrected)
	return clock, svc, db, eng
}
