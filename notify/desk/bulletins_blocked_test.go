package desk_test

import (
	"context"
	"testing"

	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/notify/desk"
)

// Owners who wrote 退订 or blocked the bot get no individual copy.
func TestBulletinSkipsOwnersWhoOptedOutOrBlocked(t *testing.T) {
	w, _, clock := setup(t)
	now := clock.Now()
	bulAddCase(t, w.DB, "TS-2026-000011", "telegram:611", "611", now)
	bulAddCase(t, w.DB, "TS-2026-000012", "telegram:612", "612", now)
	bulAddCase(t, w.DB, "TS-2026-000013", "telegram:613", "613", now)
	w.DB.MustExec(`INSERT INTO owner_profiles (owner_ref, opted_out, updated_at) VALUES ('telegram:612', true, $1)`, now)
	w.DB.MustExec(`INSERT INTO owner_profiles (owner_ref, blocked_at, blocked_reason, updated_at) VALUES ('telegram:613', $1, 'blocked the bot', $1)`, now)
	b := desk.Bulletin{Key: "k-blocked", Title: "停水通知", Body: "明天上午停水。", CreatedBy: "s1",
		Communities: []string{"xinghewan"}, Cases: []string{"TS-2026-000011", "TS-2026-000012", "TS-2026-000013"}}
	d := bulDesk(t, w.DB, casestest.Config(t), clock.Now, "telegram")
	if _, err := d.PostBulletin(context.Background(), b, now); err != nil {
		t.Fatal(err)
	}
	for chat, want := range map[string]int{"611": 1, "612": 0, "613": 0} {
		if n := bulCount(t, w.DB, `SELECT count(*) FROM outbox WHERE channel = 'telegram' AND chat_id = $1`, chat); n != want {
			t.Errorf("chat %s: %d queued, want %d", chat, n, want)
		}
	}
}
