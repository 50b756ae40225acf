package wechat_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/wechat"
	"github.com/heedhq/heed/bots/wechat/wechatfake"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/notify"

	"github.com/heedhq/heed/bots/internal/bottest"
)

func question() notify.Message {
	return notify.Message{ID: 41, Channel: "wechat", ChatID: owner, Kind: notify.KindMessage, CaseSerial: "TS-2026-000007",
		Payload: notify.Payload{Text: "已收到。根据您的描述，问题类别是“工程维修”。是否正确？",
			Choices: []notify.Choice{{Label: "✔ 工程维修", Data: "cat:repair"}, {Label: "选择其他类别", Data: "cat:?"}}}}
}

func TestSendInsideTheWindowIsACustomerServiceMessage(t *testing.T) {
	e := setup(t, "")
	e.mustPost(wechatfake.Text(original, owner, e.created(), e.nextID(), "楼上漏水"))
	e.clock.Advance(47 * time.Hour)
	id, err := e.bot.Send(context.Background(), question())
	if err != nil || id != "" {
		t.Fatalf("send: %q %v", id, err)
	}
	calls := e.fake.Calls("message/custom/send")
	if len(calls) != 1 || len(e.fake.Calls("message/template/send")) != 0 {
		t.Fatalf("calls %+v", e.fake.Calls(""))
	}
	want := "已收到。根据您的描述，问题类别是“工程维修”。是否正确？\n\n回复数字即可选择：\n1. ✔ 工程维修\n2. 选择其他类别"
	if got := e.fake.Texts(owner); len(got) != 1 || got[0] != want {
		t.Fatalf("sent %q, want %q", got, want)
	}
	if calls[0].Body["touser"] != owner || calls[0].Body["msgtype"] != "text" {
		t.Fatalf("body %v", calls[0].Body)
	}
}

func TestChoicesInTheOwnersLanguage(t *testing.T) {
	cs := []notify.Choice{{Label: "Yes"}, {Label: "No"}}
	if got := wechat.RenderText("Is this right?", cs); got != "Is this right?\n\nReply with a number:\n1. Yes\n2. No" {
		t.Errorf("English: %q", got)
	}
	if got := wechat.RenderText("請問您所在的社區是？", cs); !strings.Contains(got, "回覆數字即可選擇") {
		t.Errorf("Traditional: %q", got)
	}
	// Simplified text that a character-by-character conversion changes
	// (full-width digits, 著 which both scripts write) stays Simplified.
	for _, simplified := range []string{"请核对：３栋２单元1102", "上次维修后效果显著，这次还是这里吗？"} {
		if got := wechat.RenderText(simplified, cs); !strings.Contains(got, "回复数字即可选择") {
			t.Errorf("Simplified %q got the hint %q", simplified, got)
		}
	}
	long := wechat.RenderText(strings.Repeat("漏", 2000), cs)
	if len(long) > 2048 || !strings.HasSuffix(long, "\n1. Yes\n2. No") {
		t.Errorf("long text: %d bytes, ends %q", len(long), long[len(long)-20:])
	}
}

func TestSendOutsideTheWindowIsATemplateMessage(t *testing.T) {
	e := setup(t, "")
	e.mustPost(wechatfake.Text(original, owner, e.created(), e.nextID(), "楼上漏水"))
	e.clock.Advance(49 * time.Hour)
	id, err := e.bot.Send(context.Background(), question())
	if err != nil || !strings.HasPrefix(id, "tpl:") {
		t.Fatalf("send: %q %v", id, err)
	}
	if n := len(e.fake.Calls("message/custom/send")); n != 0 {
		t.Fatalf("%d customer-service messages outside the window", n)
	}
	calls := e.fake.Calls("message/template/send")
	if len(calls) != 1 {
		t.Fatalf("template calls %+v", calls)
	}
	b := calls[0].Body
	data := b["data"].(map[string]any)
	value := func(f string) string { return data[f].(map[string]any)["value"].(string) }
	if b["touser"] != owner || b["template_id"] != "tpl-case-update-1" || b["client_msg_id"] != "heed-outbox-41" ||
		value("character_string1") != "TS-2026-000007" || value("thing2") != "已收到。根据您的描述，问题类别是“工程…" ||
		value("time3") != "2026-11-20 11:00" {
		t.Fatalf("template body %v", b)
	}
}

func TestSendFallsBackToTheTemplateOn45015(t *testing.T) {
	e := setup(t, "")
	// An owner heed has no record of: WeChat's answer decides.
	e.fake.CloseWindow(owner)
	if _, err := e.bot.Send(context.Background(), question()); err != nil {
		t.Fatal(err)
	}
	if n := len(e.fake.Calls("message/template/send")); n != 1 {
		t.Fatalf("%d template messages", n)
	}
}

func TestSendOutsideTheWindowWithoutATemplateIsPermanent(t *testing.T) {
	e := setup(t, "", func(c *config.WeChat) { c.Templates = nil })
	e.mustPost(wechatfake.Text(original, owner, e.created(), e.nextID(), "楼上漏水"))
	e.clock.Advance(72 * time.Hour)
	_, err := e.bot.Send(context.Background(), question())
	var perm *notify.PermanentError
	if !errors.As(err, &perm) || !strings.Contains(err.Error(), "48-hour") || !strings.Contains(err.Error(), "wechat.templates.case_update") {
		t.Fatalf("send: %v", err)
	}
	if n := len(e.fake.Calls("")); n != 0 {
		t.Fatalf("%d API calls", n)
	}
}

func TestSendErrorsMapToTheOutboxRules(t *testing.T) {
	e := setup(t, "")
	e.mustPost(wechatfake.Text(original, owner, e.created(), e.nextID(), "楼上漏水"))
	var ra *notify.RetryAfterError
	e.fake.FailNext("message/custom/send", 45009, "reach max api daily quota limit")
	if _, err := e.bot.Send(context.Background(), question()); !errors.As(err, &ra) || ra.Wait != time.Hour {
		t.Fatalf("daily quota: %v", err)
	}
	var perm *notify.PermanentError
	e.fake.FailNext("message/custom/send", 40003, "invalid openid")
	if _, err := e.bot.Send(context.Background(), question()); !errors.As(err, &perm) {
		t.Fatalf("invalid openid: %v", err)
	}
	e.fake.FailNext("message/custom/send", -1, "system error")
	if _, err := e.bot.Send(context.Background(), question()); err == nil || errors.As(err, &perm) || errors.As(err, &ra) {
		t.Fatalf("system busy must be retried: %v", err)
	}
	e.fake.Unfollow(owner)
	if _, err := e.bot.Send(context.Background(), question()); !errors.Is(err, wechat.ErrUnsubscribed) {
		t.Fatalf("43004: %v", err)
	}
	// Telegram's chores are nothing on WeChat; cards are not for owners.
	if _, err := e.bot.Send(context.Background(), notify.Message{Kind: notify.KindAnswerCallback, ChatID: owner}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.bot.Send(context.Background(), notify.Message{Kind: notify.KindCard, ChatID: owner}); !errors.As(err, &perm) {
		t.Fatalf("card: %v", err)
	}
}

func TestChoiceMenu(t *testing.T) {
	e := setup(t, "", func(c *config.WeChat) { c.ChoiceMenu = true })
	e.mustPost(wechatfake.Text(original, owner, e.created(), e.nextID(), "楼上漏水"))
	if _, err := e.bot.Send(context.Background(), question()); err != nil {
		t.Fatal(err)
	}
	calls := e.fake.Calls("message/custom/send")
	mm := calls[0].Body["msgmenu"].(map[string]any)
	list := mm["list"].([]any)
	if calls[0].Body["msgtype"] != "msgmenu" || len(list) != 2 || list[1].(map[string]any)["id"] != "2" ||
		list[1].(map[string]any)["content"] != "选择其他类别" {
		t.Fatalf("msgmenu %v", calls[0].Body)
	}
	// A click on an item comes back as its text with the item id: the choice's number.
	in := e.mustPost(wechatfake.MenuChoice(original, owner, e.created(), e.nextID(), "选择其他类别", 2))
	if in.Text != "2" {
		t.Fatalf("menu choice inbound %+v", in)
	}
}

func TestPublishMenuAndTagCommunity(t *testing.T) {
	e := setup(t, "")
	if err := e.bot.PublishMenu(context.Background()); err != nil {
		t.Fatal(err)
	}
	calls := e.fake.Calls("menu/create")
	if len(calls) != 1 {
		t.Fatalf("menu/create calls %+v", calls)
	}
	buttons := calls[0].Body["button"].([]any)
	var got []string
	for _, b := range buttons {
		m := b.(map[string]any)
		got = append(got, m["type"].(string)+":"+m["name"].(string)+":"+m["key"].(string))
	}
	if strings.Join(got, " ") != "click:投诉:complaint click:查询进度:status click:联系客服:human" {
		t.Fatalf("menu %v", got)
	}

	if err := e.bot.TagCommunity(context.Background(), owner, 101); err != nil {
		t.Fatal(err)
	}
	if err := e.bot.TagCommunity(context.Background(), owner, 101); err != nil { // already tagged: no call
		t.Fatal(err)
	}
	if err := e.bot.TagCommunity(context.Background(), owner, 102); err != nil { // moved: the old tag comes off
		t.Fatal(err)
	}
	tagged, untagged := e.fake.Calls("tags/members/batchtagging"), e.fake.Calls("tags/members/batchuntagging")
	if len(tagged) != 2 || len(untagged) != 1 || tagged[1].Body["tagid"] != float64(102) || untagged[0].Body["tagid"] != float64(101) ||
		tagged[0].Body["openid_list"].([]any)[0] != owner {
		t.Fatalf("tagging %+v, untagging %+v", tagged, untagged)
	}
	var tag int64
	if err := e.db.Get(&tag, `SELECT community_tag FROM wechat_followers WHERE openid = $1`, owner); err != nil || tag != 102 {
		t.Fatalf("community tag %d (%v)", tag, err)
	}
}

// Two heed serve on one database: one access-token fetch per expiry, not
// one each, and one refresh when WeChat refuses the token.
func TestTwoBotsShareOneAccessToken(t *testing.T) {
	dsn := casestest.URL(t)
	fake := wechatfake.New(t, appID, secret)
	fake.SetTokenDelay(100 * time.Millisecond) // a slow fetch: the others pile up behind it
	clock := casestest.NewClock(time.Date(2026, 11, 18, 10, 0, 0, 0, shanghai))
	var bots []*wechat.Bot
	for range 2 {
		db, err := cases.Open(dsn) // a pool of its own, as a second process has
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		bot, err := wechat.New(wechatConfig(fake, ""), db, &bottest.Engine{}, &bottest.Files{}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		bot.SetNow(clock.Now)
		bots = append(bots, bot)
	}
	burst := func() {
		t.Helper()
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for i := range 20 {
			wg.Go(func() {
				_, err := bots[i%2].Send(context.Background(), question())
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	burst()
	if n := fake.TokenFetches(); n != 1 {
		t.Fatalf("%d token fetches for two bots, want 1", n)
	}
	// The token expires (7200 s, dropped 5 minutes early): one fetch again.
	clock.Advance(2 * time.Hour)
	burst()
	if n := fake.TokenFetches(); n != 2 {
		t.Fatalf("%d token fetches after expiry, want 2", n)
	}
	// WeChat stops accepting it (40001): every send still succeeds, after one refresh.
	fake.RevokeTokens()
	burst()
	if n := fake.TokenFetches(); n != 3 {
		t.Fatalf("%d token fetches after 40001, want 3", n)
	}
	if n := len(fake.Calls("message/custom/send")); n != 60 {
		t.Fatalf("%d messages sent, want 60", n)
	}
}

func TestAccessTokenRefreshedOn40001And42001(t *testing.T) {
	e := setup(t, "")
	if err := e.bot.PublishMenu(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.fake.RevokeTokens()
	if err := e.bot.PublishMenu(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := e.fake.TokenFetches(); n != 2 {
		t.Fatalf("%d fetches, want 2", n)
	}
	e.fake.FailNext("menu/create", 42001, "access_token expired")
	if err := e.bot.PublishMenu(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := e.fake.TokenFetches(); n != 3 {
		t.Fatalf("%d fetches, want 3", n)
	}
	// Refused twice in a row: an error, not a loop.
	e.fake.FailNext("menu/create", 40001, "invalid credential")
	e.fake.FailNext("menu/create", 40001, "invalid credential")
	if err := e.bot.PublishMenu(context.Background()); err == nil {
		t.Fatal("PublishMenu succeeded through two 40001")
	}
	// The cache is the SDK's cache.Cache: what it stores, the SDK reads back.
	c := e.bot.Cache()
	if err := c.Set("jsapi_ticket", "TICKET", time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, ok := c.Get("jsapi_ticket").(string); !ok || v != "TICKET" || !c.IsExist("jsapi_ticket") {
		t.Fatalf("cache get %v", c.Get("jsapi_ticket"))
	}
	e.clock.Advance(2 * time.Minute)
	if c.Get("jsapi_ticket") != nil || c.IsExist("jsapi_ticket") {
		t.Fatal("an expired value is still there")
	}
	if tok, err := e.bot.OfficialAccount().GetAccessToken(); err != nil || !strings.HasPrefix(tok, "ACCESS_TOKEN_") {
		t.Fatalf("the SDK's client has no shared token: %q %v", tok, err)
	}
}

func TestBulletinMassSendByCommunityTag(t *testing.T) {
	e := setup(t, "")
	m := notify.Message{ID: 5, Channel: wechat.Channel, ChatID: "101", Kind: notify.KindMassByTag, Payload: notify.Payload{Text: "【公告】停水通知"}}
	id, err := e.bot.Send(context.Background(), m)
	if err != nil || id == "" {
		t.Fatalf("mass send: %q %v", id, err)
	}
	calls := e.fake.Calls("message/mass/sendall")
	filter, _ := calls[0].Body["filter"].(map[string]any)
	if len(calls) != 1 || filter["tag_id"] != float64(101) || filter["is_to_all"] != false || calls[0].Body["clientmsgid"] != "heed-outbox-5" {
		t.Fatalf("calls %+v", calls)
	}
	// The monthly quota used up: a dead letter that says so.
	e.fake.FailNext("message/mass/sendall", 45028, "has no masssend quota")
	_, err = e.bot.Send(context.Background(), m)
	var perm *notify.PermanentError
	if !errors.As(err, &perm) || !strings.Contains(err.Error(), "quota") {
		t.Fatalf("quota: %v", err)
	}
}
