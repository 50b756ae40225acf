package wechat_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/bots/wechat"
	"github.com/heedhq/heed/bots/wechat/wechatfake"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify"

	"github.com/heedhq/heed/bots/internal/bottest"
	"github.com/heedhq/heed/bots/internal/fakeapi"
)

// The tests share the SDK's process-global URI modifier (each New points it
// at the test's fake), so none of them runs in parallel.

const (
	appID    = "wx4f1a2b3c4d5e6f70"
	secret   = "0123456789abcdef0123456789abcdef"
	token    = "heedWebhookToken2026"
	aesKey   = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	wrongKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	original = "gh_0123456789ab"
	endpoint = "http://heed.test/webhooks/wechat"
	owner    = "oQ7Xz5NPhfE0ZkV7gD2s1aB3cD4e"

	// What an owner writes, which must never show up in a log.
	secretText = "楼上漏水，天花板在滴水，我的电话13812345678"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

type env struct {
	t     *testing.T
	bot   *wechat.Bot
	fake  *wechatfake.Server
	eng   *bottest.Engine
	files *bottest.Files
	db    *sqlx.DB
	acct  wechatfake.Account
	clock *casestest.Clock
	logs  *fakeapi.LogBuffer
	msgID atomic.Int64
	safe  bool // post encrypted (safe mode)
}

func wechatConfig(fake *wechatfake.Server, mode string) config.WeChat {
	return config.WeChat{AppID: appID, AppSecret: secret, Token: token, AESKey: aesKey, APIURL: fake.URL, Mode: mode,
		Templates: map[string]config.WeChatTemplate{wechat.TemplateCaseUpdate: {ID: "tpl-case-update-1", Fields: map[string]string{
			"character_string1": "{{.Serial}}", "thing2": "{{clip 20 .Text}}", "time3": "{{.Time}}"}}}}
}

func setup(t *testing.T, mode string, edit ...func(*config.WeChat)) *env {
	t.Helper()
	e := &env{t: t, eng: &bottest.Engine{}, files: &bottest.Files{}, db: casestest.DB(t), logs: &fakeapi.LogBuffer{},
		clock: casestest.NewClock(time.Date(2026, 11, 18, 10, 0, 0, 0, shanghai))}
	e.msgID.Store(24680000000000000)
	e.fake = wechatfake.New(t, appID, secret)
	cfg := wechatConfig(e.fake, mode)
	for _, f := range edit {
		f(&cfg)
	}
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	bot, err := wechat.New(cfg, e.db, e.eng, e.files, log)
	if err != nil {
		t.Fatal(err)
	}
	bot.SetNow(e.clock.Now)
	e.bot = bot
	e.safe = cfg.Mode == "" || cfg.Mode == config.WeChatSafe
	e.acct = wechatfake.Account{AppID: appID, Token: token, AESKey: aesKey, Original: original, Now: e.clock.Now}
	return e
}

func (e *env) nextID() int64 { return e.msgID.Add(1) }

func (e *env) created() int64 { return e.clock.Now().Unix() }

// do serves one request and returns status and body.
func (e *env) do(r *http.Request) (int, string) {
	e.t.Helper()
	rec := httptest.NewRecorder()
	e.bot.ServeHTTP(rec, r)
	return rec.Code, rec.Body.String()
}

// post posts a message as WeChat does in the bot's mode.
func (e *env) post(xml string) (int, string) {
	e.t.Helper()
	if e.safe {
		return e.do(e.acct.Safe(endpoint, owner, xml))
	}
	return e.do(e.acct.Plain(endpoint, owner, xml))
}

func (e *env) mustPost(xml string) conversation.Inbound {
	e.t.Helper()
	before := len(e.eng.Inbounds())
	code, body := e.post(xml)
	if code != http.StatusOK || body != "success" {
		e.t.Fatalf("post answered %d %q", code, body)
	}
	ins := e.eng.Inbounds()
	if len(ins) != before+1 {
		e.t.Fatalf("engine got %d messages, want %d", len(ins), before+1)
	}
	return ins[len(ins)-1]
}

func (e *env) followers() int {
	var n int
	if err := e.db.Get(&n, `SELECT count(*) FROM wechat_followers`); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestHandshake(t *testing.T) {
	e := setup(t, "")
	if code, body := e.do(e.acct.Handshake(endpoint, "5837397167258292270")); code != 200 || body != "5837397167258292270" {
		t.Fatalf("handshake answered %d %q", code, body)
	}
	forged := e.acct
	forged.Token = "not-the-token"
	if code, body := e.do(forged.Handshake(endpoint, "123")); code != 401 || strings.Contains(body, "123") {
		t.Fatalf("forged handshake answered %d %q", code, body)
	}
	stale := e.acct
	stale.Now = func() time.Time { return e.clock.Now().Add(-6 * time.Minute) }
	if code, _ := e.do(stale.Handshake(endpoint, "123")); code != 401 {
		t.Fatalf("stale handshake answered %d", code)
	}
	// Four minutes off either way is a clock out of step, not a replay.
	skewed := e.acct
	skewed.Now = func() time.Time { return e.clock.Now().Add(4 * time.Minute) }
	if code, _ := e.do(skewed.Handshake(endpoint, "123")); code != 200 {
		t.Fatalf("handshake 4 minutes ahead answered %d", code)
	}
}

func TestPlaintextTextReachesTheEngine(t *testing.T) {
	e := setup(t, config.WeChatPlaintext)
	id := e.nextID()
	in := e.mustPost(wechatfake.Text(original, owner, e.created(), id, "楼上漏水"))
	want := conversation.Inbound{Channel: cases.ChannelWeChat, ChatID: owner, UserID: owner,
		MessageID: fmt.Sprint(id), Kind: conversation.KindText, Text: "楼上漏水"}
	if in.Channel != want.Channel || in.ChatID != want.ChatID || in.UserID != want.UserID || in.MessageID != want.MessageID ||
		in.Kind != want.Kind || in.Text != want.Text || !in.At.Equal(e.clock.Now()) {
		t.Fatalf("inbound %+v, want %+v", in, want)
	}
	var last time.Time
	if err := e.db.Get(&last, `SELECT last_interaction_at FROM wechat_followers WHERE openid = $1 AND subscribed`, owner); err != nil {
		t.Fatal(err)
	}
	if !last.Equal(e.clock.Now()) {
		t.Fatalf("last interaction %v", last)
	}
	// Safe-mode posts are refused when the console is set to plaintext.
	if code, _ := e.do(e.acct.Safe(endpoint, owner, wechatfake.Text(original, owner, e.created(), e.nextID(), "x"))); code != 400 {
		t.Fatalf("encrypted post in plaintext mode answered %d", code)
	}
}

func TestSafeModeTextReachesTheEngine(t *testing.T) {
	e := setup(t, "") // an AES key and no mode: safe
	id := e.nextID()
	code, body := e.do(e.acct.Safe(endpoint, owner, wechatfake.Text(original, owner, e.created(), id, "电梯坏了")))
	if code != 200 || body != "success" {
		t.Fatalf("safe post answered %d %q", code, body)
	}
	ins := e.eng.Inbounds()
	if len(ins) != 1 || ins[0].Text != "电梯坏了" || ins[0].MessageID != fmt.Sprint(id) || ins[0].ChatID != owner {
		t.Fatalf("inbounds %+v", ins)
	}
	// In safe mode a plaintext post is refused: WeChat never sends one.
	if code, _ := e.do(e.acct.Plain(endpoint, owner, wechatfake.Text(original, owner, e.created(), e.nextID(), "x"))); code != 400 {
		t.Fatalf("plaintext post in safe mode answered %d", code)
	}
}

func TestCompatibleModeTakesBoth(t *testing.T) {
	e := setup(t, config.WeChatCompatible)
	e.mustPost(wechatfake.Text(original, owner, e.created(), e.nextID(), "明文"))
	if code, _ := e.do(e.acct.Safe(endpoint, owner, wechatfake.Text(original, owner, e.created(), e.nextID(), "密文"))); code != 200 {
		t.Fatalf("encrypted post answered %d", code)
	}
	ins := e.eng.Inbounds()
	if len(ins) != 2 || ins[0].Text != "明文" || ins[1].Text != "密文" {
		t.Fatalf("inbounds %+v", ins)
	}
}

func TestRetriesKeepOneDedupeKey(t *testing.T) {
	e := setup(t, "")
	id := e.nextID()
	msg := wechatfake.Text(original, owner, e.created(), id, "楼上漏水")
	for i := range 4 { // WeChat's first post and its 3 retries, 5 s apart
		if code, body := e.do(e.acct.Safe(endpoint, owner, msg)); code != 200 || body != "success" {
			t.Fatalf("post %d answered %d %q", i, code, body)
		}
		e.clock.Advance(5 * time.Second)
	}
	sub := wechatfake.Event(original, owner, e.created(), "subscribe", "")
	for range 4 {
		e.mustPost(sub)
	}
	ins := e.eng.Inbounds()
	if len(ins) != 8 {
		t.Fatalf("%d inbounds", len(ins))
	}
	for i, in := range ins {
		want := fmt.Sprint(id)
		if i >= 4 {
			want = fmt.Sprintf("event:%s:%d:subscribe", owner, e.created())
		}
		if in.MessageID != want {
			t.Fatalf("post %d: message id %q, want %q", i, in.MessageID, want)
		}
	}
}

func TestImageIsDownloadedAndSaved(t *testing.T) {
	e := setup(t, "")
	jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{7}, 2000)...)
	e.fake.AddMedia("MEDIA_photo_1", "image/jpeg", jpeg)
	in := e.mustPost(wechatfake.Image(original, owner, e.created(), e.nextID(), "MEDIA_photo_1"))
	if in.Kind != conversation.KindPhoto || len(in.Attachments) != 1 || in.Attachments[0].Ref != "file:1" {
		t.Fatalf("inbound %+v", in)
	}
	if len(e.files.Saved()) != 1 || !bytes.Equal(e.files.Saved()[0].Data, jpeg) {
		t.Fatalf("saved %d files", len(e.files.Saved()))
	}
	if calls := e.fake.Calls("media/get"); len(calls) != 1 || calls[0].Query != "media_id=MEDIA_photo_1" {
		t.Fatalf("media/get calls %+v", calls)
	}
	// Media WeChat cannot give (40007) is kept by its id, and the message still goes through.
	in = e.mustPost(wechatfake.Image(original, owner, e.created(), e.nextID(), "MEDIA_gone"))
	if in.Kind != conversation.KindPhoto || len(in.Attachments) != 1 || in.Attachments[0].Ref != "wechat-media:MEDIA_gone" {
		t.Fatalf("inbound %+v", in)
	}
}

func TestVoiceUsesWeChatsRecognition(t *testing.T) {
	e := setup(t, "")
	amr := append([]byte("#!AMR\n"), bytes.Repeat([]byte{3}, 500)...)
	e.fake.AddMedia("MEDIA_voice_1", "audio/amr", amr)
	in := e.mustPost(wechatfake.Voice(original, owner, e.created(), e.nextID(), "MEDIA_voice_1", "amr", "查询"))
	if in.Kind != conversation.KindText || in.Text != "查询" || len(in.Attachments) != 1 || in.Attachments[0].Kind != "voice" {
		t.Fatalf("inbound %+v", in)
	}
	if len(e.files.Saved()) != 1 || e.files.Saved()[0].MIME != "audio/amr" || e.files.Saved()[0].Name != "voice.amr" {
		t.Fatalf("saved %+v", e.files.Saved())
	}
	// Without recognition the voice note is an attachment with no words.
	in = e.mustPost(wechatfake.Voice(original, owner, e.created(), e.nextID(), "MEDIA_voice_1", "amr", ""))
	if in.Kind != conversation.KindPhoto || in.Text != "" || len(in.Attachments) != 1 {
		t.Fatalf("inbound %+v", in)
	}
}

func TestLocationPassesItsLabel(t *testing.T) {
	e := setup(t, "")
	in := e.mustPost(wechatfake.Location(original, owner, e.created(), e.nextID(), 30.5928, 114.3055, "湖北省武汉市江汉区星河湾小区"))
	if in.Kind != conversation.KindLocation || in.Text != "湖北省武汉市江汉区星河湾小区" {
		t.Fatalf("inbound %+v", in)
	}
}

func TestMenuClicksAreCommands(t *testing.T) {
	e := setup(t, "")
	for key, want := range map[string]string{wechat.MenuComplaint: "帮助", wechat.MenuStatus: "查询", wechat.MenuHuman: "人工"} {
		in := e.mustPost(wechatfake.Event(original, owner, e.created(), "CLICK", key))
		if in.Kind != conversation.KindText || in.Text != want || !strings.HasPrefix(in.MessageID, "event:"+owner+":") {
			t.Fatalf("click %s: inbound %+v", key, in)
		}
		e.clock.Advance(time.Second)
	}
	// A key heed does not know, a link click, a location report: "success", engine untouched.
	before := len(e.eng.Inbounds())
	for _, xml := range []string{
		wechatfake.Event(original, owner, e.created(), "CLICK", "something_else"),
		wechatfake.Event(original, owner, e.created(), "VIEW", "https://example.com/"),
		wechatfake.Event(original, owner, e.created(), "LOCATION", ""),
	} {
		if code, body := e.post(xml); code != 200 || body != "success" {
			t.Fatalf("event answered %d %q", code, body)
		}
	}
	if len(e.eng.Inbounds()) != before {
		t.Fatal("the engine was called for an event that is not the owner talking")
	}
}

func TestSubscribeWelcomesAndUnsubscribeSilences(t *testing.T) {
	e := setup(t, "")
	in := e.mustPost(wechatfake.Event(original, owner, e.created(), "subscribe", ""))
	if in.Text != "你好" || in.Kind != conversation.KindText {
		t.Fatalf("subscribe inbound %+v", in)
	}
	if code, _ := e.post(wechatfake.Event(original, owner, e.created()+1, "unsubscribe", "")); code != 200 {
		t.Fatalf("unsubscribe answered %d", code)
	}
	if len(e.eng.Inbounds()) != 1 {
		t.Fatal("unsubscribe reached the engine")
	}
	var subscribed bool
	if err := e.db.Get(&subscribed, `SELECT subscribed FROM wechat_followers WHERE openid = $1`, owner); err != nil || subscribed {
		t.Fatalf("subscribed %v (%v)", subscribed, err)
	}
	_, err := e.bot.Send(context.Background(), notify.Message{ID: 1, Channel: "wechat", ChatID: owner, Kind: notify.KindMessage,
		Payload: notify.Payload{Text: "您的投诉已受理"}})
	var perm *notify.PermanentError
	if !errors.As(err, &perm) || !errors.Is(err, wechat.ErrUnsubscribed) {
		t.Fatalf("send to an owner who unfollowed: %v", err)
	}
	if n := len(e.fake.Calls("")); n != 0 {
		t.Fatalf("%d API calls for an owner who unfollowed", n)
	}
	// Following again opens the conversation again.
	e.clock.Advance(time.Minute)
	e.mustPost(wechatfake.Event(original, owner, e.created(), "subscribe", ""))
	if _, err := e.bot.Send(context.Background(), notify.Message{ID: 2, Channel: "wechat", ChatID: owner,
		Payload: notify.Payload{Text: "欢迎回来"}}); err != nil {
		t.Fatal(err)
	}
}

func TestRefusedRequestsStoreNothing(t *testing.T) {
	e := setup(t, config.WeChatCompatible)
	msg := func() string { return wechatfake.Text(original, owner, e.created(), e.nextID(), secretText) }

	forged := e.acct
	forged.Token = "forged-token"
	stale := e.acct
	stale.Now = func() time.Time { return e.clock.Now().Add(-5*time.Minute - time.Second) }
	badMsgSig := e.acct.Safe(endpoint, owner, msg())
	q := badMsgSig.URL.Query()
	q.Set("msg_signature", strings.Repeat("0", 40))
	badMsgSig.URL.RawQuery = q.Encode()
	noSig := e.acct.Plain(endpoint, owner, msg())
	q = noSig.URL.Query()
	q.Del("signature")
	noSig.URL.RawQuery = q.Encode()
	huge := e.acct.Plain(endpoint, owner, "<xml><Content><![CDATA["+strings.Repeat(secretText, 1<<20/len(secretText)+1)+"]]></Content></xml>")

	for _, c := range []struct {
		name string
		req  *http.Request
		code int
	}{
		{"forged signature", forged.Plain(endpoint, owner, msg()), 401},
		{"no signature", noSig, 401},
		{"stale timestamp", stale.Plain(endpoint, owner, msg()), 401},
		{"forged safe mode", forged.Safe(endpoint, owner, msg()), 401},
		{"wrong msg_signature", badMsgSig, 401},
		{"wrong AES key", e.acct.SafeWithKey(endpoint, owner, msg(), wrongKey), 400},
		{"malformed XML", e.acct.Plain(endpoint, owner, "<xml><FromUserName>"+secretText), 400},
		{"not WeChat's XML", e.acct.Plain(endpoint, owner, "<note><to>"+secretText+"</to></note>"), 400},
		{"empty body", e.acct.Plain(endpoint, owner, ""), 400},
		{"1 MB body", huge, 413},
	} {
		code, body := e.do(c.req)
		if code != c.code {
			t.Errorf("%s: %d %q, want %d", c.name, code, body, c.code)
		}
		if strings.Contains(body, "漏水") {
			t.Errorf("%s: the answer repeats the owner's text", c.name)
		}
	}
	if n := len(e.eng.Inbounds()); n != 0 {
		t.Fatalf("the engine got %d refused messages", n)
	}
	if n := e.followers(); n != 0 {
		t.Fatalf("%d followers recorded from refused requests", n)
	}
	if logs := e.logs.String(); strings.Contains(logs, "漏水") || strings.Contains(logs, "13812345678") {
		t.Fatalf("the owner's text reached the log:\n%s", logs)
	}
}

func TestEngineFailureIsNotAcknowledged(t *testing.T) {
	e := setup(t, "")
	e.eng.Fail(errors.New("database is down"))
	if code, body := e.post(wechatfake.Text(original, owner, e.created(), e.nextID(), secretText)); code != 500 || body == "success" {
		t.Fatalf("engine failure answered %d %q", code, body)
	}
	if logs := e.logs.String(); !strings.Contains(logs, "database is down") || strings.Contains(logs, "漏水") {
		t.Fatalf("log:\n%s", logs)
	}
}

func TestNoOwnerTextTokenOrXMLInLogs(t *testing.T) {
	e := setup(t, config.WeChatCompatible)
	e.fake.AddMedia("M1", "image/jpeg", []byte{0xFF, 0xD8, 0xFF, 1, 2, 3})
	e.fake.FailNext("message/custom/send", 45015, "response out of time limit")
	e.fake.FailHTTP("message/template/send", http.StatusBadGateway)
	e.mustPost(wechatfake.Text(original, owner, e.created(), e.nextID(), secretText))
	e.do(e.acct.Safe(endpoint, owner, wechatfake.Text(original, owner, e.created(), e.nextID(), secretText)))
	e.mustPost(wechatfake.Image(original, owner, e.created(), e.nextID(), "M1"))
	e.mustPost(wechatfake.Image(original, owner, e.created(), e.nextID(), "missing"))
	e.mustPost(wechatfake.Voice(original, owner, e.created(), e.nextID(), "missing", "amr", secretText))
	e.mustPost(wechatfake.Location(original, owner, e.created(), e.nextID(), 1, 2, secretText))
	e.post("<xml>" + secretText)
	e.eng.Fail(errors.New("boom"))
	e.post(wechatfake.Text(original, owner, e.created(), e.nextID(), secretText))
	_, err := e.bot.Send(context.Background(), notify.Message{ID: 7, Channel: "wechat", ChatID: owner, Payload: notify.Payload{Text: secretText}})
	if err == nil {
		t.Fatal("send through a failing template API succeeded")
	}
	logs := e.logs.String()
	for _, bad := range []string{"漏水", "13812345678", "ACCESS_TOKEN_", secret, "<xml", "CDATA"} {
		if strings.Contains(logs, bad) || strings.Contains(err.Error(), bad) {
			t.Errorf("%q in the log or error:\nlog: %s\nerr: %v", bad, logs, err)
		}
	}
	if !strings.Contains(err.Error(), "access_token=REDACTED") {
		t.Errorf("send error %q: the SDK's text should name the URL with the token redacted", err)
	}
}
