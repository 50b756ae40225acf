package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"

	"github.com/heedhq/heed/bots/slack"
	"github.com/heedhq/heed/bots/telegram"
	"github.com/heedhq/heed/bots/web"
	"github.com/heedhq/heed/bots/wechat"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify"
	"github.com/heedhq/heed/notify/desk"
)

// parts are the pieces serve wires together.
type parts struct {
	engine   *conversation.Engine
	desk     *desk.Desk
	telegram *telegram.Bot // nil when Telegram is off
	slack    *slack.Bot    // nil when Slack is off
	wechat   *wechat.Bot   // nil when WeChat is off
	// quarterly report to the specialists' chats at each quarter's start
	quarterly bool
	web       *web.Handler
	worker    *notify.Worker
	// feed: the cases changed, as the database announces them (one LISTEN
	// for this heed), which the desk's open pages follow.
	feed *cases.Feed
}

func assemble(ctx context.Context, cfg *config.Config, svc *cases.Service, log *slog.Logger, env func(string) string) (*parts, error) {
	eng, err := conversation.New(svc)
	if err != nil {
		return nil, err
	}
	if n, per, ok := cfg.Rules.OwnerLimit(); ok {
		eng.LimitOwners(n, per) // rules.owner_rate: one owner's flood does not slow the others
	}
	p := &parts{engine: eng, quarterly: env("HEED_QUARTERLY_REPORT") != "off", feed: cases.NewFeed(cfg.DatabaseURL, log)}
	if p.worker, err = notify.NewWorker(svc.DB(), nil, log); err != nil {
		return nil, err
	}
	// HEED_RATE_LIMITS=off lifts the platform limits (benchmarks against fakes).
	p.worker.NoLimits = env("HEED_RATE_LIMITS") == "off"
	// HEED_SEND_TIMEOUT bounds one platform call: "20s", or "telegram=10s,wechat=30s".
	if p.worker.Timeouts, err = notify.ParseTimeouts(env("HEED_SEND_TIMEOUT")); err != nil {
		return nil, err
	}
	var platforms []string
	for name, on := range cfg.PlatformsOn() {
		if on {
			platforms = append(platforms, name)
		}
	}
	if p.desk, err = desk.New(svc, platforms...); err != nil {
		return nil, err
	}
	p.desk.SetOwners(eng) // bulletins reach owners in their chats; /revisit sends questionnaires
	eng.SetAlerts(p.desk) // 人工 and emergencies become cards in team chat
	// Every change of a case runs these hooks inside its transaction, in
	// this order, which is the order of the outbox rows they queue: the
	// owner's notice first, then what the understanding learns from a
	// staff correction, then the team's cards, then the side paths' cards,
	// then the general manager's card of a case major from the start.
	svc.OnChange(eng.CaseChanged)
	svc.OnChange(eng.StaffCorrected)
	svc.OnChange(p.desk.Cards)
	svc.OnChange(p.desk.PathCards)
	svc.OnChange(p.desk.MajorFromTheStart)
	if cfg.Telegram.Enabled() {
		p.telegram, err = telegram.New(cfg.Telegram.Token, cfg.Telegram.WebhookSecret, cfg.Telegram.APIURL, eng, svc, log)
		if err != nil {
			return nil, err
		}
		p.telegram.SetDesk(p.desk, eng)
		p.telegram.SetCommands(p.desk)
		p.worker.Senders[string(cases.ChannelTelegram)] = p.telegram
	}
	if cfg.Slack.Enabled() {
		p.slack, err = slack.New(cfg.Slack.BotToken, cfg.Slack.SigningSecret, cfg.Slack.APIURL, eng, p.desk, p.desk, cfg, log)
		if err != nil {
			return nil, err
		}
		p.slack.SetCommands(p.desk)
		p.slack.SetFiles(svc)
		p.worker.Senders[string(cases.ChannelSlack)] = p.slack
	}
	if cfg.WeChat.Enabled() {
		p.wechat, err = wechat.New(cfg.WeChat, svc.DB(), eng, svc, log)
		if err != nil {
			return nil, err
		}
		p.worker.Senders[wechat.Channel] = p.wechat
	}
	// The web chat's cookie key is shared by every heed serve on the database.
	secret, err := svc.Setting(ctx, "web_chat_cookie_key", func() string {
		var b [32]byte
		rand.Read(b[:])
		return hex.EncodeToString(b[:])
	})
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(secret)
	if err != nil {
		return nil, fmt.Errorf("web chat key: %w", err)
	}
	p.web = web.New(eng, svc, key, log)
	p.web.Configure(web.LimitsFrom(cfg), web.DBUploads{DB: svc.DB()})
	return p, nil
}
