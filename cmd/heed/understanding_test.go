package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/telegram/telegramfake"
	"github.com/heedhq/heed/bots/wechat/wechatfake"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
)

// Written for these tests: black smoke is not named, so only the
// emergency model thinks it may be one.
const possibleFire = "邻居家门缝里一直往外冒黑的，味道很呛"

// The emergency model's one-tap question on Telegram (buttons) and WeChat
// (numbered replies): yes gives the emergency numbers and an emergency
// case.
func TestDangerQuestionOnTelegramAndWeChat(t *testing.T) {
	tg := telegramfake.New(t, tgToken)
	wx := wechatfake.New(t, wxAppID, wxSecret)
	h := startHeedOn(t, casestest.URL(t), map[string]string{"HEED_TELEGRAM_TOKEN": tgToken,
		"HEED_TELEGRAM_WEBHOOK_SECRET": tgSecret, "HEED_TELEGRAM_API_URL": tg.URL,
		"HEED_WECHAT_APP_ID": wxAppID, "HEED_WECHAT_APP_SECRET": wxSecret, "HEED_WECHAT_TOKEN": wxToken,
		"HEED_WECHAT_AES_KEY": wxAESKey, "HEED_WECHAT_API_URL": wx.URL})

	o := &tgOwner{h: h, fake: tg, id: 5200001, lang: "zh-hans"}
	got := o.says(t, possibleFire)
	q := got[len(got)-1]
	if b := buttons(q); !strings.Contains(q.Params["text"], "是否正在发生危险") || b["danger:yes"] == "" || b["danger:no"] == "" {
		t.Fatalf("Telegram: first answer %q with buttons %v", q.Params["text"], b)
	}
	before := len(tg.Sent("5200001"))
	o.press(t, "danger:yes")
	got = tg.WaitSent(t, "5200001", before+2)[before:] // the numbers, then the category question
	if !strings.Contains(got[0].Params["text"], "119") {
		t.Fatalf("Telegram: after yes %q", got[0].Params["text"])
	}
	o.finishIntake(t, got, "6栋1单元301", "陈先生 13700002222")
	if rows := h.ownerCases(t, "telegram:5200001"); len(rows) != 1 || rows[0].Urgency != "emergency" {
		t.Fatalf("Telegram: cases %+v", rows)
	}

	say := wxSayer(t, h, wx)
	if a := say(possibleFire); !strings.Contains(a, "是否正在发生危险") || !strings.Contains(a, "1") || !strings.Contains(a, "是，正在发生") {
		t.Fatalf("WeChat: first answer %q", a)
	}
	if a := say("1"); !strings.Contains(a, "119") || !strings.Contains(a, "类别") {
		t.Fatalf("WeChat: after 1 (yes) %q", a)
	}
	say("1") // the proposed category
	say("1") // the first community
	say("6栋1单元302")
	say("林女士 13700003333")
	say("跳过")
	say("确认")
	if rows := h.ownerCases(t, "wechat:"+wxOwner); len(rows) != 1 || rows[0].Urgency != "emergency" {
		t.Fatalf("WeChat: cases %+v", rows)
	}
}

// heed classify --corrections exports what owners and staff corrected in
// the corpus format.
func TestClassifyExportsCorrections(t *testing.T) {
	dsn := casestest.URL(t)
	db, err := cases.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO understanding_corrections (text, category, staff, actor, serial, created_at) VALUES
		('喷泉整天开着浪费水', 'facilities', false, 'web:x', '', '2026-12-01T10:00:00+08:00'),
		('会员卡不能用了'||chr(9)||'怎么办', 'fees', true, 'cs.zhoumin', 'TS-2026-000001', '2026-12-02T10:00:00+08:00')`); err != nil {
		t.Fatal(err)
	}
	cfg := casestest.Root(t) + "/examples/heed.yaml"
	var out, errb bytes.Buffer
	if code := Main(context.Background(), []string{"classify", "--config", cfg, "--corrections", "-"},
		func(k string) string { return map[string]string{"DATABASE_URL": dsn}[k] }, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	want := "facilities\tnormal\tcomplaint\tcorrection-owner-2026-12-01\t喷泉整天开着浪费水\n" +
		"fees\tnormal\tcomplaint\tcorrection-staff-2026-12-02\t会员卡不能用了 怎么办\n"
	if !strings.HasSuffix(out.String(), want) {
		t.Fatalf("exported %q, want it to end with %q", out.String(), want)
	}
}

// wxSayer returns a function that sends text as the WeChat owner (safe
// mode) and returns heed's answers to it.
func wxSayer(t *testing.T, h *heed, wx *wechatfake.Server) func(string) string {
	acct := wechatfake.Account{AppID: wxAppID, Token: wxToken, AESKey: wxAESKey, Original: wxOriginal}
	return func(text string) string {
		t.Helper()
		before := len(wx.Texts(wxOwner))
		res, err := http.DefaultClient.Do(acct.Safe(h.base+"/webhooks/wechat", wxOwner,
			wechatfake.Text(wxOriginal, wxOwner, time.Now().Unix(), wxMsgID.Add(1), text)))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("webhook answered %d", res.StatusCode)
		}
		waitFor(t, "heed's answer to "+text, func() bool { return len(wx.Texts(wxOwner)) > before })
		time.Sleep(50 * time.Millisecond) // a second message of the same answer
		return strings.Join(wx.Texts(wxOwner)[before:], "\n")
	}
}
