// Package wechat connects owners on a WeChat Official Account (公众号) to the
// conversation engine.
//
// Inbound: GET and POST /webhooks/wechat. The handler is our own, built from
// the SDK's parts (signature, AES decryption, the message type): the SDK's
// server.Serve answers "success" by itself when its handler returns no
// reply — before we could know whether the engine committed — and has no
// timestamp freshness check and no body limit. Ours verifies the signature
// (and in safe mode msg_signature) in constant time, refuses a timestamp more
// than five minutes off, reads at most 1 MB, and answers "success" only
// after the engine committed the message; otherwise a 5xx, and WeChat (which
// waits 5 s and tries 3 times) delivers it again, deduplicated by the
// engine on the message id (MsgId; events: FromUserName + CreateTime + Event).
//
// The passive reply (被动回复, XML in the response body) is never used: the
// engine has already queued its answers in the outbox in the same
// transaction, and the outbox delivers them as customer-service messages
// (Send). Answering passively as well would send an answer twice, and a
// passive reply is lost if WeChat gave up waiting.
//
// Outbound: Send delivers outbox rows of channel "wechat". Inside WeChat's
// 48-hour window after the owner's last interaction (kept in the
// wechat_followers table) as a customer-service message; outside it, or when
// WeChat answers 45015, as the configured template message; to an owner who
// unfollowed, never (a permanent error).
//
// Only github.com/silenceper/wechat/v2/officialaccount (and its
// sub-packages), .../cache and .../util are imported, never the SDK's root
// package: its init sets logrus to debug on stdout, and the SDK then logs
// raw inbound XML — owners' complaints and OpenIDs. Nothing here logs a
// message body, a phone number, a token or raw XML.
//
// API calls go through the SDK's util HTTP functions with a context, our
// shared access token (token.go) and typed errcodes (api.go); the SDK's own
// methods take no context and report errcodes only as text. heed calls
// cgi-bin/token, message/custom/send, message/template/send, media/get,
// menu/create and tags/members/batch(un)tagging.
//
// Setting up the account (公众平台 → 设置与开发 → 基本配置):
//   - AppID and AppSecret: HEED_WECHAT_APP_ID, HEED_WECHAT_APP_SECRET.
//   - IP whitelist (IP白名单): the outbound address(es) of every heed serve;
//     without it cgi-bin/token answers 40164 and nothing is sent.
//   - Server configuration (服务器配置): URL https://your.host/webhooks/wechat,
//     Token = HEED_WECHAT_TOKEN, EncodingAESKey = HEED_WECHAT_AES_KEY, and the
//     message mode (wechat.mode: safe is recommended — in plaintext mode the
//     signature does not cover the body). Saving it sends the GET handshake,
//     so heed must already be serving.
//   - Template messages (模板消息): choose a template and put its id and
//     field mapping in wechat.templates.case_update.
//   - Run `heed wechat menu` to publish the menu 投诉 / 查询进度 / 联系客服.
package wechat

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"text/template"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/silenceper/wechat/v2/officialaccount"
	offconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/util"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
)

// Engine is the conversation engine as the webhook uses it.
type Engine interface {
	Handle(ctx context.Context, in conversation.Inbound) (conversation.Result, error)
}

// Files keeps the photos and voice notes owners send.
type Files interface {
	SaveFile(ctx context.Context, name, mime string, data []byte) (cases.Attachment, error)
}

// Channel is the outbox channel Send serves.
const Channel = string(cases.ChannelWeChat)

// Bot is heed's WeChat Official Account.
type Bot struct {
	appID, secret, token, aesKey string
	mode                         string // config.WeChatPlaintext, WeChatCompatible or WeChatSafe
	choiceMenu                   bool
	templates                    map[string]*msgTemplate

	db     *sqlx.DB
	eng    Engine
	files  Files
	log    *slog.Logger
	cache  *Cache
	tokens *tokenSource
	oa     *officialaccount.OfficialAccount
	now    func() time.Time
}

// New makes the Official Account. cfg must carry the AppID, AppSecret and
// Token (and the AES key in compatible or safe mode). eng and files may be
// nil for a Bot that only sends or publishes the menu; its webhook then
// answers 503. New fails when a statement of queries.sql is missing.
func New(cfg config.WeChat, db *sqlx.DB, eng Engine, files Files, log *slog.Logger) (*Bot, error) {
	if cfg.AppID == "" || cfg.AppSecret == "" || cfg.Token == "" {
		return nil, errors.New("wechat: app id, app secret and token are all required")
	}
	if db == nil {
		return nil, errors.New("wechat: a database is required (access token cache, followers)")
	}
	if err := loadQueries(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	mode := cfg.Mode
	if mode == "" {
		mode = config.WeChatPlaintext
		if cfg.AESKey != "" {
			mode = config.WeChatSafe
		}
	}
	switch mode {
	case config.WeChatPlaintext:
	case config.WeChatCompatible, config.WeChatSafe:
		if cfg.AESKey == "" {
			return nil, fmt.Errorf("wechat: mode %s needs the EncodingAESKey (HEED_WECHAT_AES_KEY)", mode)
		}
	default:
		return nil, fmt.Errorf("wechat: unknown mode %q (plaintext, compatible or safe)", mode)
	}
	if cfg.AESKey != "" {
		// Fails on a key of the wrong shape, before the first post does.
		if _, err := util.EncryptMsg(make([]byte, 16), []byte("<xml/>"), cfg.AppID, cfg.AESKey); err != nil {
			return nil, errors.New("wechat: HEED_WECHAT_AES_KEY is not an EncodingAESKey (43 characters)")
		}
	}
	tpls, err := parseTemplates(cfg.Templates)
	if err != nil {
		return nil, err
	}
	routeAPI(cfg.APIURL)
	b := &Bot{
		appID: cfg.AppID, secret: cfg.AppSecret, token: cfg.Token, aesKey: cfg.AESKey,
		mode: mode, choiceMenu: cfg.ChoiceMenu, templates: tpls,
		db: db, eng: eng, files: files, log: log, now: time.Now,
	}
	b.cache = &Cache{db: db, now: b.clock}
	b.tokens = &tokenSource{db: db, cache: b.cache, appID: cfg.AppID, secret: cfg.AppSecret, now: b.clock, log: log}
	// The SDK's own client, for APIs heed does not wrap (mass sends by tag
	// for bulletins): it shares the cache and the access token.
	b.oa = officialaccount.NewOfficialAccount(&offconfig.Config{AppID: cfg.AppID, AppSecret: cfg.AppSecret,
		Token: cfg.Token, EncodingAESKey: cfg.AESKey, Cache: b.cache})
	b.oa.SetAccessTokenHandle(b.tokens)
	return b, nil
}

func (b *Bot) clock() time.Time { return b.now() }

// OfficialAccount is the SDK's client for the account, sharing heed's
// access token and cache. Its methods take no context and report errcodes
// only as text: heed's own calls do not use it.
func (b *Bot) OfficialAccount() *officialaccount.OfficialAccount { return b.oa }

// Cache is the Postgres-backed cache.Cache every heed serve shares.
func (b *Bot) Cache() *Cache { return b.cache }

// ServeHTTP is GET (server verification) and POST (messages and events)
// /webhooks/wechat.
func (b *Bot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		b.handshake(w, r)
	case http.MethodPost:
		b.receive(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "GET or POST", http.StatusMethodNotAllowed)
	}
}

// The SDK builds every URL on this host. util.SetURIModifier is a
// process-global hook (a plain variable the SDK reads on every call): it is
// installed once, and rewrites to the base URL of the Bot made last, kept in
// an atomic. A process serves one Official Account, so one base is enough;
// tests that use different fakes must not run in parallel.
const wechatHost = "https://api.weixin.qq.com"

var (
	apiBase      atomic.Pointer[string]
	modifierOnce sync.Once
)

func routeAPI(base string) {
	base = strings.TrimRight(base, "/")
	apiBase.Store(&base)
	modifierOnce.Do(func() { util.SetURIModifier(rewriteURI) })
}

func rewriteURI(uri string) string {
	base := apiBase.Load()
	if base == nil || *base == "" || *base == wechatHost {
		return uri
	}
	if rest, ok := strings.CutPrefix(uri, wechatHost); ok {
		return *base + rest
	}
	return uri
}

// msgTemplate is a parsed config.WeChatTemplate.
type msgTemplate struct {
	id, url string
	fields  map[string]*template.Template
}

var templateFuncs = template.FuncMap{"clip": clipRunes}

func parseTemplates(in map[string]config.WeChatTemplate) (map[string]*msgTemplate, error) {
	out := map[string]*msgTemplate{}
	for name, t := range in {
		if t.ID == "" {
			return nil, fmt.Errorf("wechat.templates.%s.id: required", name)
		}
		mt := &msgTemplate{id: t.ID, url: t.URL, fields: map[string]*template.Template{}}
		for f, v := range t.Fields {
			tt, err := template.New(f).Funcs(templateFuncs).Option("missingkey=error").Parse(v)
			if err != nil {
				return nil, fmt.Errorf("wechat.templates.%s.fields.%s: %w", name, f, err)
			}
			mt.fields[f] = tt
		}
		out[name] = mt
	}
	return out, nil
}

// clipRunes keeps at most n characters of s, ending with "…" when cut.
func clipRunes(n int, s string) string {
	r := []rune(s)
	if n <= 0 || len(r) <= n {
		return s
	}
	if n == 1 {
		return "…"
	}
	return string(r[:n-1]) + "…"
}
