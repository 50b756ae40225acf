package config

import (
	"encoding/base64"
	"maps"
	"regexp"
	"slices"
	"strings"
	"text/template"
)

// The checks of the chat platforms' credentials and settings: Telegram,
// Slack, WeChat (modes, template messages).

var (
	reTelegramTok = regexp.MustCompile(`^\d+:[A-Za-z0-9_-]+$`)
	reTGSecret    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
)

// validatePlatforms checks the credentials that are present. A platform
// whose secrets are all absent is off; one with only some of them is an
// error, because it would run with its signature check missing or fail at
// the first message.
func (c *Config) validatePlatforms(p *problems) {
	t := c.Telegram
	if t.Token != "" && !reTelegramTok.MatchString(t.Token) {
		p.add("HEED_TELEGRAM_TOKEN", "not a Telegram bot token (digits:letters, as BotFather gives it)")
	}
	if t.Token != "" && t.WebhookSecret == "" {
		p.add("HEED_TELEGRAM_WEBHOOK_SECRET", "required when HEED_TELEGRAM_TOKEN is set: it authenticates webhook calls")
	}
	if t.Token == "" && t.WebhookSecret != "" {
		p.add("HEED_TELEGRAM_TOKEN", "required when HEED_TELEGRAM_WEBHOOK_SECRET is set")
	}
	if t.WebhookSecret != "" && !reTGSecret.MatchString(t.WebhookSecret) {
		p.add("HEED_TELEGRAM_WEBHOOK_SECRET", "Telegram allows 1–256 characters A-Z a-z 0-9 _ -")
	}
	checkURL(p, "telegram.api_url", t.APIURL)

	s := c.Slack
	if s.BotToken != "" && s.SigningSecret == "" {
		p.add("HEED_SLACK_SIGNING_SECRET", "required when HEED_SLACK_BOT_TOKEN is set: it authenticates Slack's requests")
	}
	if s.BotToken == "" && s.SigningSecret != "" {
		p.add("HEED_SLACK_BOT_TOKEN", "required when HEED_SLACK_SIGNING_SECRET is set")
	}
	checkURL(p, "slack.api_url", s.APIURL)

	w := c.WeChat
	if w.AppSecret != "" || w.Token != "" || w.AESKey != "" {
		if w.AppID == "" {
			p.add("wechat.app_id", "required when WeChat secrets are set (or HEED_WECHAT_APP_ID)")
		}
		if w.AppSecret == "" {
			p.add("HEED_WECHAT_APP_SECRET", "required when other WeChat credentials are set")
		}
		if w.Token == "" {
			p.add("HEED_WECHAT_TOKEN", "required when other WeChat credentials are set: it authenticates WeChat's requests")
		}
	}
	if w.AESKey != "" {
		if k, err := base64.StdEncoding.DecodeString(w.AESKey + "="); len(w.AESKey) != 43 || err != nil || len(k) != 32 {
			p.add("HEED_WECHAT_AES_KEY", "not an EncodingAESKey (43 characters, as the WeChat console gives it)")
		}
	}
	checkURL(p, "wechat.api_url", w.APIURL)
	switch w.Mode {
	case "", WeChatPlaintext:
	case WeChatCompatible, WeChatSafe:
		if w.AESKey == "" && (w.AppSecret != "" || w.Token != "") {
			p.add("HEED_WECHAT_AES_KEY", "required when wechat.mode is %s: WeChat encrypts its posts with it", w.Mode)
		}
	default:
		p.add("wechat.mode", "%q is not a WeChat message mode: plaintext, compatible or safe", w.Mode)
	}
	for _, name := range slices.Sorted(maps.Keys(w.Templates)) {
		tpl, key := w.Templates[name], "wechat.templates."+name
		if !reID.MatchString(name) {
			p.add(key, "%q is not a template name (letters, digits, _ . -)", name)
		}
		if strings.TrimSpace(tpl.ID) == "" {
			p.add(key+".id", "required: the template id from the WeChat console (模板消息 → 我的模板)")
		}
		checkURL(p, key+".url", tpl.URL)
		if len(tpl.Fields) == 0 {
			p.add(key+".fields", "at least one field is required, e.g. keyword1: \"{{.Serial}}\"")
		}
		for _, f := range slices.Sorted(maps.Keys(tpl.Fields)) {
			fkey := key + ".fields." + f
			if !reTemplateField.MatchString(f) {
				p.add(fkey, "%q is not a template field name (letters, digits, _)", f)
			}
			if _, err := template.New(f).Funcs(wechatTemplateFuncs).Option("missingkey=error").Parse(tpl.Fields[f]); err != nil {
				p.add(fkey, "not a valid template: %v", err)
			}
		}
	}
}

// WeChat message modes (wechat.mode).
const (
	WeChatPlaintext  = "plaintext"
	WeChatCompatible = "compatible"
	WeChatSafe       = "safe"
)

// reTemplateField is a template message field name: first, keyword1,
// thing2, character_string3, remark.
var reTemplateField = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,31}$`)

// wechatTemplateFuncs are the functions a template field may use; only
// their names matter here (bots/wechat has the real ones).
var wechatTemplateFuncs = template.FuncMap{"clip": func(n int, s string) string { return s }}
