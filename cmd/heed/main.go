// Command heed runs a property company's complaint procedure over chat.
//
//	heed serve    [--config FILE] [--no-migrate]   the HTTP server: webhooks, JSON API, health, metrics
//	heed migrate  [--config FILE]                  apply database migrations
//	heed classify [--config FILE] "TEXT"           how heed understands an owner's message
//	heed telegram set-webhook URL                  register the Telegram webhook
//	heed token create|list|revoke                  per-person API tokens
//	heed version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Asia/Shanghai on machines without zoneinfo
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Main runs the command line; tests run the whole program through it.
func Main(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], env, stdout, stderr, nil)
	case "migrate":
		err = migrate(ctx, args[1:], env, stdout, stderr)
	case "classify":
		err = classify(args[1:], env, stdout, stderr)
	case "telegram":
		err = telegramCmd(ctx, args[1:], env, stdout, stderr)
	case "wechat":
		err = wechatCmd(ctx, args[1:], env, stdout, stderr)
	case "report":
		err = reportCmd(ctx, args[1:], env, stdout, stderr)
	case "token":
		err = tokenCmd(ctx, args[1:], env, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "heed", version)
	case "help", "--help", "-h":
		usage(stdout)
	default:
		fmt.Fprintf(stderr, "heed: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "heed:", err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: heed COMMAND [flags]

commands:
  serve     run the server: owner chat webhooks, team-chat cards, the JSON API (/api/v1/),
            /healthz, /readyz, /metrics. Applies pending migrations first unless --no-migrate.
  migrate   apply pending database migrations (safe to run concurrently)
  classify "TEXT"
            print how heed understands an owner's message (category, urgency, unit, phone) as JSON
  telegram set-webhook URL
            register URL (…/webhooks/telegram) with Telegram, with the webhook secret
  report [--period 2026-Q3] [--format json|html|csv|xlsx] [--out FILE]
            the complaint analysis (json, html with Pareto and trend charts) or the register
            (csv, xlsx) of a period; this quarter by default
  token create --person STAFF_ID --name LABEL [--expires 90d] [--read-only] | list | revoke NAME|ID
            per-person API tokens: a call with one acts as that staff member (printed once;
            only a hash is kept)
  wechat menu
            publish the WeChat Official Account's menu (投诉 / 查询进度 / 联系客服)
  version   print the version

flags (every command but version):
  --config FILE   the company's configuration (default: heed.yaml when present, else
                  examples/heed.yaml when run from heed's repository, said on stderr)

environment: DATABASE_URL, HEED_LISTEN, HEED_API_TOKEN, HEED_TELEGRAM_TOKEN, … (see README);
every secret may be given as NAME_FILE instead.
`)
}
