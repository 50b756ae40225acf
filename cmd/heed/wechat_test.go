package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/wechat/wechatfake"
	"github.com/heedhq/heed/cases/casestest"
)

const (
	wxAppID    = "wx4f1a2b3c4d5e6f70"
	wxSecret   = "0123456789abcdef0123456789abcdef"
	wxToken    = "heedWebhookToken2026"
	wxAESKey   = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	wxOriginal = "gh_0123456789ab"
	wxOwner    = "oQ7Xz5NPhfE0ZkV7gD2s1aB3cD4e"
)

var wxMsgID atomic.Int64

func init() { wxMsgID.Store(7100000000000000000) }

// TestWeChatIntakeStatusPhotoAndTemplateFallback: an owner complains on a
// WeChat Official Account in safe mode — numbered replies for choices, a
// photo downloaded from WeChat — asks for the status, and after the 48-hour
// window has passed receives the department's acknowledgement as a
// template message.
func TestWeChatIntakeStatusPhotoAndTemplateFallback(t *testing.T) {
	fake := wechatfake.New(t, wxAppID, wxSecret)
	fake.AddMedia("media-ceiling", "image/png", pngBytes())
	example, err := os.ReadFile(filepath.Join(casestest.Root(t), "examples", "heed.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfgText := strings.Replace(string(example), "\nwechat:\n", `
wechat:
  templates:
    case_update:
      id: tpl-case-update-1
      fields:
        character_string1: "{{.Serial}}"
        thing2: "{{clip 20 .Text}}"
        time3: "{{.Time}}"
`, 1)
	cfgPath := filepath.Join(t.TempDir(), "heed.yaml")
	os.WriteFile(cfgPath, []byte(cfgText), 0o644)
	h := startHeedOnWith(t, casestest.URL(t), cfgPath, map[string]string{"HEED_WECHAT_APP_ID": wxAppID, "HEED_WECHAT_APP_SECRET": wxSecret,
		"HEED_WECHAT_TOKEN": wxToken, "HEED_WECHAT_AES_KEY": wxAESKey, "HEED_WECHAT_API_URL": fake.URL})
	acct := wechatfake.Account{AppID: wxAppID, Token: wxToken, AESKey: wxAESKey, Original: wxOriginal}
	endpoint := h.base + "/webhooks/wechat"
	post := func(xml string) {
		t.Helper()
		res, err := http.DefaultClient.Do(acct.Safe(endpoint, wxOwner, xml))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("webhook answered %d", res.StatusCode)
		}
	}
	say := func(text string) string {
		t.Helper()
		before := len(fake.Texts(wxOwner))
		post(wechatfake.Text(wxOriginal, wxOwner, time.Now().Unix(), wxMsgID.Add(1), text))
		waitFor(t, "heed's answer to "+text, func() bool { return len(fake.Texts(wxOwner)) > before })
		time.Sleep(50 * time.Millisecond) // a second message of the same answer
		got := fake.Texts(wxOwner)
		return strings.Join(got[before:], "\n")
	}
	if q := say("楼上漏水，天花板在滴水"); !strings.Contains(q, "1") || !strings.Contains(q, "工程维修") {
		t.Fatalf("category question %q", q)
	}
	if q := say("1"); !strings.Contains(q, "小区") {
		t.Fatalf("after confirming the category: %q", q)
	}
	say("1") // 星河湾, the first community
	say("3栋2单元1102")
	if q := say("王女士 13812345678"); !strings.Contains(q, "要求") {
		t.Fatalf("demands question %q", q)
	}
	if q := say("跳过"); !strings.Contains(q, "照片") {
		t.Fatalf("photo question %q", q)
	}
	before := len(fake.Texts(wxOwner))
	post(wechatfake.Image(wxOriginal, wxOwner, time.Now().Unix(), wxMsgID.Add(1), "media-ceiling"))
	waitFor(t, "the photo receipt", func() bool { return len(fake.Texts(wxOwner)) > before })
	say("完成")
	answer := say("确认")
	rows := h.ownerCases(t, "wechat:"+wxOwner)
	if len(rows) != 1 || rows[0].Photos != 1 || rows[0].Unit != "3栋2单元1102" || !strings.Contains(answer, rows[0].Serial) {
		t.Fatalf("cases %+v, answer %q", rows, answer)
	}
	if st := say("查询"); !strings.Contains(st, rows[0].Serial) {
		t.Fatalf("status %q", st)
	}
	// Two days later the window is closed: the acknowledgement goes as a template.
	fake.CloseWindow(wxOwner)
	h.db.Exec(`UPDATE wechat_followers SET last_interaction_at = now() - interval '49 hours'`)
	if r := h.api("POST", "/api/v1/cases/"+rows[0].Serial+"/transitions", map[string]any{"actor": "eng.li", "action": "acknowledge"}); r.status != 200 {
		t.Fatalf("acknowledge: %d %s", r.status, r.raw)
	}
	waitFor(t, "the template message", func() bool { return len(fake.Calls("message/template/send")) == 1 })
	body, _ := json.Marshal(fake.Calls("message/template/send")[0].Body)
	if !strings.Contains(string(body), rows[0].Serial) || !strings.Contains(string(body), "tpl-case-update-1") {
		t.Fatalf("template message %s", body)
	}
}
