package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/wechat"
	"github.com/heedhq/heed/bots/wechat/wechatfake"
	"github.com/heedhq/heed/cases/casestest"
)

// wxChat is an owner writing to the Official Account through heed serve,
// with the messages WeChat posts (wechatfake's XML, safe mode).
type wxChat struct {
	h      *heed
	fake   *wechatfake.Server
	acct   wechatfake.Account
	openID string
}

func startWeChatHeed(t *testing.T) (*heed, *wechatfake.Server) {
	t.Helper()
	fake := wechatfake.New(t, wxAppID, wxSecret)
	h := startHeedOn(t, casestest.URL(t), map[string]string{"HEED_WECHAT_APP_ID": wxAppID, "HEED_WECHAT_APP_SECRET": wxSecret,
		"HEED_WECHAT_TOKEN": wxToken, "HEED_WECHAT_AES_KEY": wxAESKey, "HEED_WECHAT_API_URL": fake.URL})
	return h, fake
}

func newWxChat(h *heed, fake *wechatfake.Server, openID string) *wxChat {
	return &wxChat{h: h, fake: fake, openID: openID,
		acct: wechatfake.Account{AppID: wxAppID, Token: wxToken, AESKey: wxAESKey, Original: wxOriginal}}
}

func (c *wxChat) post(t *testing.T, xml string) {
	t.Helper()
	res, err := http.DefaultClient.Do(c.acct.Safe(c.h.base+"/webhooks/wechat", c.openID, xml))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("webhook answered %d", res.StatusCode)
	}
}

// send posts xml and returns heed's answers to it (n of them at least).
func (c *wxChat) send(t *testing.T, xml string, n int) string {
	t.Helper()
	before := len(c.fake.Texts(c.openID))
	c.post(t, xml)
	waitFor(t, "heed's answer", func() bool { return len(c.fake.Texts(c.openID)) >= before+n })
	return strings.Join(c.fake.Texts(c.openID)[before:], "\n")
}

func (c *wxChat) say(t *testing.T, text string, n int) string {
	t.Helper()
	return c.send(t, wechatfake.Text(wxOriginal, c.openID, time.Now().Unix(), wxMsgID.Add(1), text), n)
}

func (c *wxChat) location(lat, lng float64, label string) string {
	return wechatfake.Location(wxOriginal, c.openID, time.Now().Unix(), wxMsgID.Add(1), lat, lng, label)
}

func TestWeChatLocationFindsTheCommunity(t *testing.T) {
	h, fake := startWeChatHeed(t)
	o := newWxChat(h, fake, "oWxLoc0000000000000000000001")
	o.say(t, "楼上漏水，天花板在滴水", 1)
	if q := o.say(t, "1", 1); !strings.Contains(q, "小区") {
		t.Fatalf("expected the community question: %q", q)
	}
	// A few hundred metres from 星河湾's configured point (examples/heed.yaml).
	got := o.send(t, o.location(22.5421, 113.9360, "深圳市南山区科技园南区"), 2)
	if !strings.Contains(got, "星河湾") || !strings.Contains(got, "楼栋房号") {
		t.Fatalf("after the location heed said %q", got)
	}
	o.say(t, "3栋2单元1102", 1)
	o.say(t, "王女士 13812345678", 1)
	o.say(t, "跳过", 1) // demands
	o.say(t, "跳过", 1) // photos
	o.say(t, "确认", 1)
	rows := h.ownerCases(t, "wechat:"+o.openID)
	if len(rows) != 1 || rows[0].Community != "xinghewan" || strings.Contains(rows[0].Content, "科技园") || strings.Contains(rows[0].Content, "位置") {
		t.Fatalf("cases %+v", rows)
	}

	// A place first, far from every community: never the complaint's words;
	// the community is asked for.
	o2 := newWxChat(h, fake, "oWxLoc0000000000000000000002")
	if got := o2.send(t, o2.location(39.9087, 116.3975, "位置信息"), 1); !strings.Contains(got, "没能对应") {
		t.Fatalf("far location answered %q", got)
	}
	o2.say(t, "电梯经常停在半路", 1)
	if q := o2.say(t, "1", 1); !strings.Contains(q, "小区") {
		t.Fatalf("the community was not asked: %q", q)
	}
	var draft string
	h.db.Get(&draft, `SELECT data->'draft'->>'content' FROM conversations WHERE user_id = $1`, o2.openID)
	if draft != "电梯经常停在半路" {
		t.Fatalf("draft description %q", draft)
	}
}

func TestWeChatStatusMenuDuringAnUnfinishedComplaint(t *testing.T) {
	h, fake := startWeChatHeed(t)
	o := newWxChat(h, fake, "oWxMenu000000000000000000001")
	o.say(t, "小区游泳池的水很脏", 1)
	// The menu's 查询进度 (a CLICK event) while the category is being asked.
	got := o.send(t, wechatfake.Event(wxOriginal, o.openID, time.Now().Unix(), "CLICK", wechat.MenuStatus), 1)
	if strings.Contains(got, "没有登记过投诉") || !strings.Contains(got, "游泳池") || !strings.Contains(got, "取消") {
		t.Fatalf("查询进度 answered %q", got)
	}
	// The question is still open: "1" confirms the proposed category.
	if q := o.say(t, "1", 1); !strings.Contains(q, "小区") {
		t.Fatalf("after the status the intake did not go on: %q", q)
	}
}

func TestWeChatUnfollowStopsMessages(t *testing.T) {
	h, fake := startWeChatHeed(t)
	o := newWxChat(h, fake, "oWxGone000000000000000000001")
	// Voice with WeChat's recognition is still the complaint's text.
	fake.AddMedia("voice-1", "audio/amr", []byte("#!AMR\n voice"))
	o.send(t, wechatfake.Voice(wxOriginal, o.openID, time.Now().Unix(), wxMsgID.Add(1), "voice-1", "amr", "楼上漏水，天花板在滴水"), 1)
	o.say(t, "1", 1)
	o.say(t, "1", 1)
	o.say(t, "3栋2单元1102", 1)
	o.say(t, "王女士 13812345678", 1)
	o.say(t, "跳过", 1) // demands
	o.say(t, "跳过", 1) // photos
	o.say(t, "确认", 1)
	rows := h.ownerCases(t, "wechat:"+o.openID)
	if len(rows) != 1 || rows[0].Content != "楼上漏水，天花板在滴水" {
		t.Fatalf("cases %+v", rows)
	}
	o.post(t, wechatfake.Event(wxOriginal, o.openID, time.Now().Unix(), "unsubscribe", ""))
	if !h.blocked(t, "wechat:"+o.openID) {
		t.Fatal("the unfollow was not recorded")
	}
	queued := h.queuedTo(t, "wechat", o.openID)
	if r := h.api("POST", "/api/v1/cases/"+rows[0].Serial+"/transitions", map[string]any{"actor": "eng.li", "action": "acknowledge"}); r.status != 200 {
		t.Fatalf("acknowledge: %d %s", r.status, r.raw)
	}
	if n := h.queuedTo(t, "wechat", o.openID); n != queued {
		t.Fatalf("%d messages queued to an owner who unfollowed", n-queued)
	}
	// Following again: heed writes to them again.
	o.send(t, wechatfake.Event(wxOriginal, o.openID, time.Now().Unix()+1, "subscribe", ""), 1)
	if h.blocked(t, "wechat:"+o.openID) {
		t.Fatal("following again did not clear the mark")
	}
}
