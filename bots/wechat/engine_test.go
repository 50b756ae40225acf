package wechat_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/wechat"
	"github.com/heedhq/heed/bots/wechat/wechatfake"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify"

	"github.com/heedhq/heed/bots/internal/fakeapi"
)

var choiceLine = regexp.MustCompile(`(?m)^(\d+)\. (.+)$`)

// An owner on WeChat registers a complaint with the real engine and outbox;
// WeChat posts the final confirmation 4 times within 15 s (it got no answer
// in 5 s): one case, one reply.
func TestRetriedConfirmationMakesOneCaseAndOneReply(t *testing.T) {
	clock := casestest.NewClock(time.Date(2026, 11, 18, 10, 0, 0, 0, shanghai))
	cfg := casestest.Config(t)
	cfg.Rules.Dispatch = "manual"
	svc, db := casestest.ServiceWith(t, clock, cfg)
	eng, err := conversation.New(svc)
	if err != nil {
		t.Fatal(err)
	}
	svc.OnChange(eng.CaseChanged) // as heed serve assembles it
	svc.OnChange(eng.StaffCorrected)
	fake := wechatfake.New(t, appID, secret)
	logs := &fakeapi.LogBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	bot, err := wechat.New(wechatConfig(fake, ""), db, eng, svc, log)
	if err != nil {
		t.Fatal(err)
	}
	bot.SetNow(clock.Now)
	worker := &notify.Worker{DB: db, Senders: map[string]notify.Sender{wechat.Channel: bot}, Log: log, NoLimits: true, Now: clock.Now}
	acct := wechatfake.Account{AppID: appID, Token: token, AESKey: aesKey, Original: original, Now: clock.Now}
	var msgID int64 = 7000000000000000001

	post := func(text string, id int64) {
		t.Helper()
		rec := httptest.NewRecorder()
		bot.ServeHTTP(rec, acct.Safe(endpoint, owner, wechatfake.Text(original, owner, clock.Now().Unix(), id, text)))
		if rec.Code != http.StatusOK || rec.Body.String() != "success" {
			t.Errorf("post %q: %d %q", text, rec.Code, rec.Body.String()) // Errorf: posts run in goroutines too
		}
	}
	deliver := func() []string {
		t.Helper()
		before := len(fake.Texts(owner))
		for {
			n, err := worker.DeliverDue(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
		return fake.Texts(owner)[before:]
	}
	say := func(text string) []string {
		t.Helper()
		msgID++
		clock.Advance(20 * time.Second)
		post(text, msgID)
		return deliver()
	}

	// The first message arrives 4 times at once (heed took longer than WeChat's
	// 5 s, and the retries overlap the first attempt): one answer.
	msgID++
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			post("星河湾3栋2单元1102 王女士 13812345678 楼上漏水，天花板在滴水", msgID)
		})
	}
	wg.Wait()
	replies := deliver()
	if len(replies) != 1 {
		t.Fatalf("answers to 4 overlapping posts: %q", replies)
	}
	for range 10 {
		if len(replies) == 0 {
			t.Fatal("no answer")
		}
		q := replies[len(replies)-1]
		if strings.Contains(q, "请核对") {
			break
		}
		answer := ""
		for _, m := range choiceLine.FindAllStringSubmatch(q, -1) {
			if strings.HasPrefix(m[2], "✔") || m[2] == "是" || m[2] == "正确" || m[2] == "跳过" {
				answer = m[1]
				break
			}
		}
		switch {
		case answer != "":
		case strings.Contains(q, "楼栋房号"):
			answer = "3栋2单元1102"
		case strings.Contains(q, "手机号码"):
			answer = "王女士 13812345678"
		default:
			t.Fatalf("unexpected question %q", q)
		}
		replies = say(answer)
	}
	readback := replies[len(replies)-1]
	confirm := ""
	for _, m := range choiceLine.FindAllStringSubmatch(readback, -1) {
		if m[2] == "确认提交" {
			confirm = m[1]
		}
	}
	if confirm == "" {
		t.Fatalf("no 确认提交 in the read-back %q", readback)
	}

	msgID++
	for range 4 {
		clock.Advance(5 * time.Second)
		post(confirm, msgID)
	}
	got := deliver()
	if len(got) != 1 || !strings.Contains(got[0], "TS-2026-") {
		t.Fatalf("answers to the 4 posts: %q", got)
	}
	var cases int
	if err := db.Get(&cases, `SELECT count(*) FROM cases WHERE owner_ref = $1`, "wechat:"+owner); err != nil || cases != 1 {
		t.Fatalf("%d cases (%v)", cases, err)
	}
	if l := logs.String(); strings.Contains(l, "漏水") || strings.Contains(l, "13812345678") {
		t.Fatalf("the owner's text reached the log:\n%s", l)
	}
}
