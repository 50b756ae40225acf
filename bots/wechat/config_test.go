package wechat_test

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/heedhq/heed/bots/wechat"
	"github.com/heedhq/heed/bots/wechat/wechatfake"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/config"

	"github.com/heedhq/heed/bots/internal/bottest"
)

// The wechat: settings are checked at start, each problem naming its key.
func TestConfigProblemsNameTheirKey(t *testing.T) {
	cfg := casestest.Config(t)
	cfg.WeChat = config.WeChat{AppID: appID, AppSecret: secret, Token: token, Mode: "encrypted",
		Templates: map[string]config.WeChatTemplate{
			"case_update": {Fields: map[string]string{"keyword1": "{{.Serial", "key word": "x"}},
			"revisit":     {ID: "t2", URL: "ftp://x"},
		}}
	err := cfg.Validate()
	if err == nil {
		t.Fatal("no problems found")
	}
	for _, want := range []string{
		`wechat.mode: "encrypted" is not a WeChat message mode`,
		`wechat.templates.case_update.id: required`,
		`wechat.templates.case_update.fields.keyword1: not a valid template`,
		`wechat.templates.case_update.fields.key word: "key word" is not a template field name`,
		`wechat.templates.revisit.url: "ftp://x" is not an http(s) URL`,
		`wechat.templates.revisit.fields: at least one field is required`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
	cfg.WeChat = config.WeChat{AppID: appID, AppSecret: secret, Token: token, Mode: config.WeChatSafe}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "HEED_WECHAT_AES_KEY: required when wechat.mode is safe") {
		t.Errorf("safe mode without a key: %v", err)
	}
	cfg.WeChat = wechatConfig(&wechatfake.Server{URL: "http://127.0.0.1:1"}, config.WeChatSafe)
	if err := cfg.Validate(); err != nil {
		t.Errorf("a good configuration: %v", err)
	}
}

func TestNewRefusesIncompleteSettings(t *testing.T) {
	db := casestest.DB(t)
	log := slog.New(slog.DiscardHandler)
	for name, c := range map[string]config.WeChat{
		"no token":              {AppID: appID, AppSecret: secret},
		"safe mode, no key":     {AppID: appID, AppSecret: secret, Token: token, Mode: config.WeChatSafe},
		"a key of 42":           {AppID: appID, AppSecret: secret, Token: token, AESKey: aesKey[:42]},
		"a template without id": {AppID: appID, AppSecret: secret, Token: token, Templates: map[string]config.WeChatTemplate{"case_update": {}}},
	} {
		if _, err := wechat.New(c, db, &bottest.Engine{}, &bottest.Files{}, log); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
}
