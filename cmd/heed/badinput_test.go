package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/slack/slackfake"
	"github.com/heedhq/heed/bots/telegram/telegramfake"
	"github.com/heedhq/heed/bots/wechat/wechatfake"
	"github.com/heedhq/heed/cases/casestest"
)

// Bad input from the chat platforms: answered, nothing lost, never a 5xx
// the platform would deliver again and again (issue 12).

// pressData presses a button with any data on a message in the owner's
// private chat, as Telegram delivers it, and returns the webhook's status.
func (o *tgOwner) pressData(t testing.TB, cbID, data string) int {
	t.Helper()
	return o.h.postUpdate(t, tgSecret, map[string]any{"update_id": updateSeq.Add(1), "callback_query": map[string]any{
		"id": cbID, "from": o.from(), "chat_instance": "ci", "data": data,
		"message": map[string]any{"message_id": 1, "date": 1764000000, "chat": o.chat(), "text": "一条旧消息"}}})
}

// callAnswer waits for heed's answerCallbackQuery to the press cbID.
func callAnswer(t testing.TB, fake *telegramfake.Server, cbID string) telegramfake.Call {
	t.Helper()
	var got telegramfake.Call
	waitFor(t, "the answer to press "+cbID, func() bool {
		for _, c := range fake.Calls("answerCallbackQuery") {
			if c.Params["callback_query_id"] == cbID {
				got = c
				return true
			}
		}
		return false
	})
	return got
}

func TestTelegramButtonsHeedDoesNotKnowAreAnswered(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	o := &tgOwner{h: h, fake: fake, id: 5901, lang: "zh-hans"}
	o.says(t, "你好")
	stale := []string{"cmd:unknown", "cmd:", "garbage", "\x01\xff", "lang:xx", "cat:nosuch", "fb:yes:TS-1999-999999",
		"fb:no:TS-1999-999999", "rv:t:3:TS-1999-999999", "sv:abc:q:1", "act:acknowledge:TS-1999-000001", "confirm"}
	for i, data := range stale {
		id := fmt.Sprint("stale", i)
		if code := o.pressData(t, id, data); code != 200 {
			t.Fatalf("press %q: webhook answered %d", data, code)
		}
		if a := callAnswer(t, fake, id); !strings.Contains(a.Params["text"], "此按钮已失效") {
			t.Errorf("press %q answered %q", data, a.Params["text"])
		}
	}
	// The stale presses showed no choice as made and sent no message (counted below): the
	// toast on the button was the answer.
	for _, c := range fake.Calls("editMessageText") {
		if c.Params["chat_id"] == "5901" {
			t.Errorf("a stale press edited the question: %q", c.Params["text"])
		}
	}
	// A known command from an old message still works.
	before := len(fake.Sent("5901"))
	if code := o.pressData(t, "old-help", "cmd:help"); code != 200 {
		t.Fatalf("cmd:help: %d", code)
	}
	if got := fake.WaitSent(t, "5901", before+1)[before:]; len(got) != 1 {
		t.Fatalf("cmd:help from an old message answered %d messages", len(got))
	}
	if n := len(fake.Sent("5901")); n != 2 {
		t.Errorf("%d messages to the owner, want the welcome and the help", n)
	}
	// Every press is in the transcript.
	var lines int
	h.db.Get(&lines, `SELECT count(*) FROM transcript WHERE channel = 'telegram' AND chat_id = '5901' AND sender = 'owner'`)
	if want := 1 + len(stale) + 1; lines != want {
		t.Errorf("%d owner lines in the transcript, want %d", lines, want)
	}

	// In English for an English-speaking owner.
	en := &tgOwner{h: h, fake: fake, id: 5902, lang: "en"}
	en.says(t, "hello")
	en.pressData(t, "stale-en", "cmd:unknown")
	if a := callAnswer(t, fake, "stale-en"); !strings.Contains(a.Params["text"], "no longer") {
		t.Errorf("the English owner was told %q", a.Params["text"])
	}

	// In a staff group: data of no card, an action no card has, a case
	// that does not exist.
	chat := int64(-1001234500001)
	for i, data := range []string{"cmd:unknown", "garbage", "act:nosuch:TS-1999-000001", "act:acknowledge:TS-1999-000001"} {
		id := fmt.Sprint("group", i)
		code := h.postUpdate(t, tgSecret, map[string]any{"update_id": updateSeq.Add(1), "callback_query": map[string]any{
			"id": id, "from": map[string]any{"id": engManager, "is_bot": false, "first_name": "staff"}, "chat_instance": "g", "data": data,
			"message": map[string]any{"message_id": 1, "date": 1764000000, "chat": map[string]any{"id": chat, "type": "supergroup"}, "text": "旧卡片"}}})
		if code != 200 {
			t.Fatalf("group press %q: %d", data, code)
		}
		if a := callAnswer(t, fake, id); !strings.Contains(a.Params["text"], "此按钮已失效") {
			t.Errorf("group press %q answered %q", data, a.Params["text"])
		}
	}
}

func TestSlackButtonsHeedDoesNotKnowAreAnswered(t *testing.T) {
	h, _, sl := startSlackAndTelegramHeed(t)
	o := &slackDM{h: h, sl: sl, channel: "D0OWNERDM91", user: "U0OWNER0091"}
	o.says(t, "你好")
	// A card button of no kind heed sends, and a malformed card action.
	for i, id := range []string{"mystery:button", "act:", "act:acknowledge"} {
		press := slackfake.BlockActions{User: "U0ENGMGR01", Channel: "C0ENGINEER", MessageTS: "1764000000.000100",
			ActionID: id, Value: "x", Label: "旧按钮", ResponseURL: sl.ResponseURL(fmt.Sprint("stale", i))}
		if code := slackPost(t, h, "/webhooks/slack/interactions", press.Body()); code != 200 {
			t.Fatalf("press %q: %d", id, code)
		}
		got := sl.WaitResponses(t, i+1)[i]
		if !strings.Contains(got.Text(), "此按钮已失效") {
			t.Errorf("press %q: told %q", id, got.Text())
		}
	}
	// An owner's choice heed does not know: answered in the DM.
	before := len(sl.Posted(o.channel))
	press := slackfake.BlockActions{User: o.user, Channel: o.channel, MessageTS: "1764000000.000200",
		ActionID: "owner:cmd:unknown:0", Value: "cmd:unknown", Label: "旧按钮"}
	if code := slackPost(t, h, "/webhooks/slack/interactions", press.Body()); code != 200 {
		t.Fatalf("owner press: %d", code)
	}
	waitFor(t, "the answer in the DM", func() bool { return len(sl.Posted(o.channel)) > before })
	if got := sl.Posted(o.channel)[before].Params["text"]; !strings.Contains(got, "此按钮已失效") {
		t.Errorf("the owner was told %q", got)
	}
}

// transcriptOf is what the transcript holds from the owner of chat.
func (h *heed) transcriptOf(t testing.TB, channel, chat string) []string {
	t.Helper()
	var lines []string
	if err := h.db.Select(&lines, `SELECT text FROM transcript WHERE channel = $1 AND chat_id = $2 AND sender = 'owner' ORDER BY id`,
		channel, chat); err != nil {
		t.Fatal(err)
	}
	return lines
}

func TestWeChatTextsHeedCannotTakeAsTheyAreAreKeptAndAnswered(t *testing.T) {
	h, fake := startWeChatHeed(t)
	c := newWxChat(h, fake, "oBADINPUT0000000000000000001")
	// Not UTF-8: a byte cut from a character, and a stray control byte.
	got := c.say(t, "楼上漏水\xe6\xbc，天花板\x01在滴水", 1)
	if !strings.Contains(got, "工程维修") {
		t.Fatalf("the text with bad bytes answered %q", got)
	}
	if lines := h.transcriptOf(t, "wechat", c.openID); len(lines) != 1 || lines[0] != "楼上漏水\uFFFD，天花板\uFFFD在滴水" {
		t.Fatalf("transcript %q", lines)
	}
	// 20,000 characters, more than rules.max_text_bytes: kept whole, and
	// the owner asked to sum it up; the question before stays open.
	long := strings.Repeat("水💧", 10000)
	if got := c.say(t, long, 1); !strings.Contains(got, "太长") {
		t.Fatalf("the long text answered %q", got)
	}
	if lines := h.transcriptOf(t, "wechat", c.openID); len(lines) != 2 || lines[1] != long {
		t.Fatalf("the long text is not in the transcript whole (%d lines)", len(lines))
	}
	if got := c.say(t, "1", 1); !strings.Contains(got, "小区") {
		t.Fatalf("the category question did not stay open: %q", got)
	}
	// 20,000 Chinese characters (60 KB, 80 KB encrypted) are no 413.
	if got := c.say(t, strings.Repeat("漏", 20000), 1); got == "" {
		t.Fatal("no answer to 20,000 characters")
	}
	// An absurd body is still refused, with a reason.
	res, err := http.DefaultClient.Do(c.acct.Plain(h.base+"/webhooks/wechat", c.openID, strings.Repeat("x", 2<<20)))
	if err != nil {
		t.Fatal(err)
	}
	reason, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 413 || !strings.Contains(string(reason), "1 MB") {
		t.Fatalf("a 2 MB body: %d %q", res.StatusCode, reason)
	}
}

func TestTelegramLongTextIsKeptAndAnswered(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	o := &tgOwner{h: h, fake: fake, id: 5911, lang: "zh-hans"}
	long := strings.Repeat("天💧", 10000) // 20,000 characters, 70,000 bytes
	if got := textsOf(o.says(t, long)); !strings.Contains(got, "太长") {
		t.Fatalf("the long text answered %q", got)
	}
	// Beyond the transcript's cap the rest is cut, and the cut said.
	huge := strings.Repeat("a", 300<<10)
	if got := textsOf(o.says(t, huge)); !strings.Contains(got, "太长") {
		t.Fatalf("the huge text answered %q", got)
	}
	lines := h.transcriptOf(t, "telegram", "5911")
	if len(lines) != 2 || lines[0] != long {
		t.Fatalf("the long text is not in the transcript whole (%d lines)", len(lines))
	}
	if !strings.HasPrefix(lines[1], strings.Repeat("a", 256<<10)) || !strings.Contains(lines[1], fmt.Sprint(44<<10)) {
		t.Fatalf("the huge text kept as %d bytes ending %q", len(lines[1]), lines[1][len(lines[1])-40:])
	}
	if n := len(h.ownerCases(t, "telegram:5911")); n != 0 {
		t.Fatalf("%d cases from texts heed asked to sum up", n)
	}
	if code := h.postUpdate(t, tgSecret, o.message(map[string]any{"text": strings.Repeat("b", 2<<20)})); code != 413 {
		t.Fatalf("a 2 MB update: %d", code)
	}
}

// outboxCount is how many messages heed has queued for chat.
func (h *heed) outboxCount(t testing.TB, channel, chat string) int {
	t.Helper()
	var n int
	if err := h.db.Get(&n, `SELECT count(*) FROM outbox WHERE channel = $1 AND chat_id = $2`, channel, chat); err != nil {
		t.Fatal(err)
	}
	return n
}

// configWith is the example company's configuration with one line of the
// rules section replaced.
func configWith(t testing.TB, old, new string) string {
	t.Helper()
	example, err := os.ReadFile(filepath.Join(casestest.Root(t), "examples", "heed.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(example), old) {
		t.Fatalf("examples/heed.yaml has no %q", old)
	}
	path := filepath.Join(t.TempDir(), "heed.yaml")
	if err := os.WriteFile(path, []byte(strings.Replace(string(example), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAnOwnerSendingTooFastIsRecordedNotAnswered(t *testing.T) {
	h, fake, sl, wx := startAllPlatformsHeedWith(t, configWith(t, "owner_rate: 20/1m", "owner_rate: 5/1h"))
	flood := &tgOwner{h: h, fake: fake, id: 5921, lang: "zh-hans"}
	for range 5 {
		flood.says(t, "你好")
	}
	queued := h.outboxCount(t, "telegram", "5921")
	// Ten more at once, one of them a complete complaint.
	for i := range 10 {
		text := fmt.Sprintf("第%d条：楼上漏水，天花板在滴水", i)
		if code := h.postUpdate(t, tgSecret, flood.message(map[string]any{"text": text})); code != 200 {
			t.Fatalf("message %d: %d", i, code)
		}
	}
	// Another owner is not slowed.
	other := &tgOwner{h: h, fake: fake, id: 5922, lang: "zh-hans"}
	if got := textsOf(other.says(t, "楼上漏水，天花板在滴水")); !strings.Contains(got, "工程维修") {
		t.Fatalf("the other owner was answered %q", got)
	}
	// The flood: told once, nothing else queued, every message recorded.
	if n := h.outboxCount(t, "telegram", "5921"); n != queued+1 {
		t.Fatalf("%d messages queued for the fast owner, want %d", n, queued+1)
	}
	sent := fake.WaitSent(t, "5921", 6)
	if got := sent[5].Params["text"]; !strings.Contains(got, "太快") {
		t.Fatalf("the fast owner was told %q", got)
	}
	if lines := h.transcriptOf(t, "telegram", "5921"); len(lines) != 15 || !strings.HasPrefix(lines[14], "第9条") {
		t.Fatalf("%d lines in the transcript, want all 15", len(lines))
	}
	if n := len(h.ownerCases(t, "telegram:5921")); n != 0 {
		t.Fatalf("%d cases from messages over the limit", n)
	}
	var step string
	h.db.Get(&step, `SELECT step FROM conversations WHERE channel = 'telegram' AND user_id = '5921'`)
	if step != "" && step != "idle" {
		t.Fatalf("messages over the limit moved the conversation to %q", step)
	}

	// The same on WeChat and in a Slack DM: the sixth message within the
	// hour is told to wait, the seventh gets nothing.
	wxc := newWxChat(h, wx, "oTOOFAST000000000000000000001")
	dm := &slackDM{h: h, sl: sl, channel: "D0TOOFAST1", user: "U0TOOFAST1"}
	for i := range 5 {
		wxc.say(t, "你好", 1)
		dm.says(t, fmt.Sprint("你好", i))
	}
	if got := wxc.say(t, "楼上漏水", 1); !strings.Contains(got, "太快") {
		t.Errorf("WeChat: the sixth message answered %q", got)
	}
	if got := dm.says(t, "楼上漏水"); !strings.Contains(got, "太快") {
		t.Errorf("Slack: the sixth message answered %q", got)
	}
	wxc.post(t, wechatfake.Text(wxOriginal, wxc.openID, time.Now().Unix(), wxMsgID.Add(1), "还是漏水"))
	dm.event(t, slackfake.DMEvent("EvTooFast7", dm.channel, dm.user, "还是漏水"))
	for _, ch := range []struct{ channel, chat string }{{"wechat", wxc.openID}, {"slack", dm.channel}} {
		if n := h.outboxCount(t, ch.channel, ch.chat); n != 6 {
			t.Errorf("%s: %d messages queued, want 5 answers and the notice", ch.channel, n)
		}
		if n := len(h.transcriptOf(t, ch.channel, ch.chat)); n != 7 {
			t.Errorf("%s: %d owner lines in the transcript, want 7", ch.channel, n)
		}
	}
}

// startAllPlatformsHeed runs heed serve with Telegram, Slack and WeChat
// (safe mode), each against its fake.
func startAllPlatformsHeed(t *testing.T) (*heed, *telegramfake.Server, *slackfake.Server, *wechatfake.Server) {
	t.Helper()
	return startAllPlatformsHeedWith(t, filepath.Join(casestest.Root(t), "examples", "heed.yaml"))
}

// startAllPlatformsHeedWith is startAllPlatformsHeed with a configuration
// file of the test's own.
func startAllPlatformsHeedWith(t *testing.T, cfg string) (*heed, *telegramfake.Server, *slackfake.Server, *wechatfake.Server) {
	t.Helper()
	tg := telegramfake.New(t, tgToken)
	sl := slackfake.New(t, slackToken)
	wx := wechatfake.New(t, wxAppID, wxSecret)
	h := startHeedOnWith(t, casestest.URL(t), cfg, map[string]string{
		"HEED_TELEGRAM_TOKEN": tgToken, "HEED_TELEGRAM_WEBHOOK_SECRET": tgSecret, "HEED_TELEGRAM_API_URL": tg.URL,
		"HEED_SLACK_BOT_TOKEN": slackToken, "HEED_SLACK_SIGNING_SECRET": slackSecret, "HEED_SLACK_API_URL": sl.APIURL(),
		"HEED_WECHAT_APP_ID": wxAppID, "HEED_WECHAT_APP_SECRET": wxSecret, "HEED_WECHAT_TOKEN": wxToken,
		"HEED_WECHAT_AES_KEY": wxAESKey, "HEED_WECHAT_API_URL": wx.URL})
	return h, tg, sl, wx
}

// TestNoClientInputAnswers5xx sends each webhook what a client can send —
// broken bodies, unknown kinds, odd characters, forgeries — through heed
// serve: never a 5xx (a platform retries those for ever), a 4xx with its
// reason, a 200 where the platform must not retry, and nothing stored from
// a request whose signature does not hold.
func TestNoClientInputAnswers5xx(t *testing.T) {
	h, tg, _, _ := startAllPlatformsHeed(t)
	stored := func() int {
		var n int
		h.db.Get(&n, `SELECT (SELECT count(*) FROM inbound_messages) + (SELECT count(*) FROM transcript) +
			(SELECT count(*) FROM staff_actions) + (SELECT count(*) FROM wechat_followers)`)
		return n
	}
	tgReq := func(secret string, body []byte) *http.Request {
		r, _ := http.NewRequest("POST", h.base+"/webhooks/telegram", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		return r
	}
	tgJSON := func(v any) []byte { b, _ := json.Marshal(v); return b }
	o := &tgOwner{h: h, fake: tg, id: 5931, lang: "zh-hans"}
	slReq := func(path string, body []byte) *http.Request {
		return slackfake.NewRequest(slackSecret, h.base+path, body, time.Now())
	}
	acct := wechatfake.Account{AppID: wxAppID, Token: wxToken, AESKey: wxAESKey, Original: wxOriginal}
	forgedAcct := acct
	forgedAcct.Token = "forged-token"
	wxURL := h.base + "/webhooks/wechat"
	const wxFrom = "oNO5XX00000000000000000000001"
	wxText := func(text string) string {
		return wechatfake.Text(wxOriginal, wxFrom, time.Now().Unix(), wxMsgID.Add(1), text)
	}
	bomb := `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">` +
		`<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><xml><ToUserName>gh</ToUserName><FromUserName>` + wxFrom +
		`</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&c;</Content><MsgId>1</MsgId></xml>`

	defer func() {
		// Buttons are answered, on inaccessible messages too.
		for _, id := range []string{"empty-data", "gone"} {
			if a := callAnswer(t, tg, id); !strings.Contains(a.Params["text"], "此按钮已失效") {
				t.Errorf("press %s answered %q", id, a.Params["text"])
			}
		}
	}()
	for _, c := range []struct {
		name   string
		req    *http.Request
		status int // 0: any status below 500
		stores bool
	}{
		// Telegram
		{"telegram wrong secret", tgReq("wrong", tgJSON(o.message(map[string]any{"text": "楼上漏水"}))), 401, false},
		{"telegram not JSON", tgReq(tgSecret, []byte(`{"update_id": 1, "message": `)), 400, false},
		{"telegram JSON of another shape", tgReq(tgSecret, []byte(`[1, 2, 3]`)), 400, false},
		{"telegram no update_id", tgReq(tgSecret, []byte(`{"message": {"text": "hi"}}`)), 400, false},
		{"telegram id beyond int64", tgReq(tgSecret, []byte(`{"update_id": 99999999999999999999}`)), 400, false},
		{"telegram unknown update type", tgReq(tgSecret, []byte(`{"update_id": 77001, "business_connection": {"id": "x"}}`)), 200, false},
		{"telegram channel post", tgReq(tgSecret, tgJSON(map[string]any{"update_id": updateSeq.Add(1), "channel_post": map[string]any{
			"message_id": 1, "date": 1, "chat": map[string]any{"id": -100777, "type": "channel"}, "text": "公告"}})), 200, false},
		{"telegram NUL and bad bytes", tgReq(tgSecret, []byte(fmt.Sprintf(`{"update_id": %d, "message": {"message_id": 5, "date": 1,
			"chat": {"id": 5931, "type": "private"}, "from": {"id": 5931, "is_bot": false, "first_name": "\u0000"},
			"text": "楼上漏水\u0000\ud800 `+"\xff"+`"}}`, updateSeq.Add(1)))), 200, true},
		{"telegram empty button", tgReq(tgSecret, tgJSON(map[string]any{"update_id": updateSeq.Add(1), "callback_query": map[string]any{
			"id": "empty-data", "from": o.from(), "chat_instance": "ci",
			"message": map[string]any{"message_id": 1, "date": 1, "chat": o.chat(), "text": "旧"}}})), 200, true},
		{"telegram button on an inaccessible message", tgReq(tgSecret, tgJSON(map[string]any{"update_id": updateSeq.Add(1), "callback_query": map[string]any{
			"id": "gone", "from": o.from(), "chat_instance": "ci", "data": "cmd:nosuch",
			"message": map[string]any{"message_id": 1, "date": 0, "chat": o.chat()}}})), 200, true},
		{"telegram huge update", tgReq(tgSecret, tgJSON(o.message(map[string]any{"text": strings.Repeat("x", 1<<20)}))), 413, false},

		// Slack
		{"slack forged", slackfake.NewRequest("forged", h.base+"/webhooks/slack/events",
			slackfake.DMEvent("EvForged1", "D0NO5XX", "U0NO5XX", "楼上漏水"), time.Now()), 401, false},
		{"slack event not JSON", slReq("/webhooks/slack/events", []byte(`{"type": "event_callback", `)), 400, false},
		{"slack unknown event type", slReq("/webhooks/slack/events", []byte(`{"type": "event_callback", "event_id": "EvX1",
			"event": {"type": "reaction_added", "user": "U1"}}`)), 200, false},
		{"slack unknown outer type", slReq("/webhooks/slack/events", []byte(`{"type": "app_rate_limited", "event_id": "EvX2"}`)), 0, false},
		{"slack DM with NUL", slReq("/webhooks/slack/events", slackfake.DMEvent("EvNul1", "D0NO5XX", "U0NO5XX", "漏水\x00了")), 200, true},
		{"slack bad form", slReq("/webhooks/slack/interactions", []byte("%zz=%")), 400, false},
		{"slack payload not JSON", slReq("/webhooks/slack/interactions", []byte("payload=%7Bnot+json")), 400, false},
		{"slack unknown interaction type", slReq("/webhooks/slack/interactions", []byte(`payload=`+url.QueryEscape(
			`{"type": "message_action", "user": {"id": "U1"}, "callback_id": "whatever"}`))), 200, false},
		{"slack command bad form", slReq("/webhooks/slack/commands", []byte("%zz")), 400, false},

		// WeChat (safe mode)
		{"wechat forged", forgedAcct.Safe(wxURL, wxFrom, wxText("楼上漏水")), 401, false},
		{"wechat bad XML", acct.Safe(wxURL, wxFrom, "<xml><FromUserName>"), 400, false},
		{"wechat XML bomb", acct.Safe(wxURL, wxFrom, bomb), 400, false},
		{"wechat no MsgType", acct.Safe(wxURL, wxFrom, `<xml><FromUserName>`+wxFrom+`</FromUserName><Content>x</Content></xml>`), 400, false},
		{"wechat no sender", acct.Safe(wxURL, wxFrom, `<xml><MsgType>text</MsgType><Content>x</Content></xml>`), 400, false},
		{"wechat envelope not XML", func() *http.Request {
			r := acct.Safe(wxURL, wxFrom, wxText("x"))
			r.Body = io.NopCloser(strings.NewReader("not xml"))
			r.ContentLength = 7
			return r
		}(), 400, false},
		{"wechat unknown message type", acct.Safe(wxURL, wxFrom, wechatfake.Event(wxOriginal, wxFrom, time.Now().Unix(), "", "")[:0]+
			strings.Replace(wxText("x"), "<![CDATA[text]]>", "<![CDATA[hologram]]>", 1)), 200, true},
		{"wechat unknown event", acct.Safe(wxURL, wxFrom, wechatfake.Event(wxOriginal, wxFrom, time.Now().Unix(), "teleport", "")), 200, false},
		{"wechat bad bytes", acct.Safe(wxURL, wxFrom, wxText("漏水\xff\x00")), 200, true},
		{"wechat huge body", acct.Safe(wxURL, wxFrom, wxText(strings.Repeat("x", 1<<20))), 413, false},
	} {
		before := stored()
		res, err := http.DefaultClient.Do(c.req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		reason, _ := io.ReadAll(res.Body)
		res.Body.Close()
		switch {
		case res.StatusCode >= 500:
			t.Errorf("%s: %d %q", c.name, res.StatusCode, reason)
		case c.status != 0 && res.StatusCode != c.status:
			t.Errorf("%s: %d %q, want %d", c.name, res.StatusCode, reason, c.status)
		case res.StatusCode >= 400 && strings.TrimSpace(string(reason)) == "":
			t.Errorf("%s: %d without a reason", c.name, res.StatusCode)
		}
		if after := stored(); c.stores != (after > before) {
			t.Errorf("%s: stored %d rows (want some: %v)", c.name, after-before, c.stores)
		}
	}
}

// TestStaffTextsWithNULAreNo5xx: a NUL in what staff type — a complaint
// taken by phone, a team command — was a 500 (PostgreSQL refuses NUL in
// text) that Telegram delivered again for ever.
func TestStaffTextsWithNULAreNo5xx(t *testing.T) {
	h, _, _, _ := startAllPlatformsHeed(t)
	for _, text := range []string{"/complaint 王女士 13812345678 星河湾3栋2单元1102 楼上漏水\x00", "/revisit \x00", "/bulletin \x00", "/report \x00"} {
		code := h.postUpdate(t, tgSecret, map[string]any{"update_id": updateSeq.Add(1), "message": map[string]any{
			"message_id": updateSeq.Add(1), "date": 1764000000, "text": text,
			"chat": map[string]any{"id": int64(-1001234500010), "type": "supergroup"},
			"from": map[string]any{"id": specialist, "is_bot": false, "first_name": "staff"}}})
		if code != 200 {
			t.Errorf("Telegram %q: %d", text, code)
		}
	}
	var kept int
	h.db.Get(&kept, `SELECT count(*) FROM cases WHERE content LIKE '%楼上漏水' || chr(65533)`)
	if kept != 1 {
		t.Errorf("%d complaints taken with the NUL as U+FFFD, want 1", kept)
	}
	for _, cmd := range []string{"/revisit", "/report", "/bulletin"} {
		body := slackfake.SlashCommand{Command: cmd, Text: "\x00", User: "U01CS00SP1", Channel: "C01CSDESK0", TriggerID: "t1"}.Body()
		if code := slackPost(t, h, "/webhooks/slack/commands", body); code >= 500 {
			t.Errorf("Slack %s with a NUL: %d", cmd, code)
		}
	}
}
