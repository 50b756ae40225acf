package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/heedhq/heed/bots/telegram"
	"github.com/heedhq/heed/bots/wechat"
	"github.com/heedhq/heed/config"
)

// loadConfig reads the configuration named by --config (or heed.yaml).
func loadConfig(name string, args []string, env func(string) string, stderr io.Writer) (*config.Config, []string, error) {
	cfg, _, rest, err := loadConfigOptions(name, args, env, stderr)
	return cfg, rest, err
}

// configAt loads the configuration a command's own --config names (or the
// default one).
func configAt(flagValue string, env func(string) string, stderr io.Writer) (*config.Config, error) {
	path, err := configPath(flagValue, stderr)
	if err != nil {
		return nil, err
	}
	return config.Load(path, env)
}

// loadConfigOptions is loadConfig that also returns the options parsed.
func loadConfigOptions(name string, args []string, env func(string) string, stderr io.Writer) (*config.Config, options, []string, error) {
	o, rest, err := parseFlagsArgs(name, args, stderr)
	if err != nil {
		return nil, o, nil, err
	}
	cfg, err := config.Load(o.configPath, env)
	return cfg, o, rest, err
}

// telegramCmd is `heed telegram set-webhook URL`.
func telegramCmd(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "set-webhook" {
		return errors.New("usage: heed telegram set-webhook [--config FILE] https://example.com/webhooks/telegram")
	}
	cfg, rest, err := loadConfig("telegram set-webhook", args[1:], env, stderr)
	if err != nil {
		return err
	}
	if len(rest) != 1 || !strings.HasPrefix(rest[0], "https://") && !strings.HasPrefix(rest[0], "http://") {
		return errors.New("usage: heed telegram set-webhook [--config FILE] https://example.com/webhooks/telegram")
	}
	if !cfg.Telegram.Enabled() {
		return errors.New("telegram is off: set HEED_TELEGRAM_TOKEN and HEED_TELEGRAM_WEBHOOK_SECRET")
	}
	b, err := telegram.New(cfg.Telegram.Token, cfg.Telegram.WebhookSecret, cfg.Telegram.APIURL, nil, nil, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	if err := b.SetWebhook(ctx, rest[0]); err != nil {
		return fmt.Errorf("setWebhook: %w", err)
	}
	fmt.Fprintf(stdout, "heed: Telegram will deliver updates to %s (with the webhook secret)\n", rest[0])
	return nil
}

// wechatCmd is `heed wechat menu`: publish the Official Account's menu
// (投诉 / 查询进度 / 联系客服).
func wechatCmd(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "menu" {
		return errors.New("usage: heed wechat menu [--config FILE]")
	}
	cfg, _, err := loadConfig("wechat menu", args[1:], env, stderr)
	if err != nil {
		return err
	}
	if !cfg.WeChat.Enabled() {
		return errors.New("wechat is off: set HEED_WECHAT_APP_ID, HEED_WECHAT_APP_SECRET and HEED_WECHAT_TOKEN")
	}
	db, err := open(ctx, cfg.DatabaseURL, cfg.Calendar.TimeZone) // the access token is shared through the database
	if err != nil {
		return err
	}
	defer db.Close()
	b, err := wechat.New(cfg.WeChat, db, nil, nil, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	if err := b.PublishMenu(ctx); err != nil {
		return fmt.Errorf("menu: %w", err)
	}
	fmt.Fprintln(stdout, "heed: WeChat menu published (投诉 / 查询进度 / 联系客服)")
	return nil
}
