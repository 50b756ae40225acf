package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
)

// options are the flags shared by serve and migrate.
type options struct {
	configPath  string
	noMigrate   bool
	eval        string // classify --eval FILE.tsv
	misses      bool   // classify --eval --misses
	corrections string // classify --corrections out.tsv
}

func parseFlags(name string, args []string, stderr io.Writer) (options, error) {
	o, rest, err := parseFlagsArgs(name, args, stderr)
	if err == nil && len(rest) > 0 {
		return o, fmt.Errorf("heed %s: unexpected argument %q", name, rest[0])
	}
	return o, err
}

// parseFlagsArgs parses the shared flags and returns the other arguments.
func parseFlagsArgs(name string, args []string, stderr io.Writer) (options, []string, error) {
	var o options
	fs := flag.NewFlagSet("heed "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.configPath, "config", "", "the company's configuration file (default: heed.yaml when present, else examples/heed.yaml in a checkout)")
	if name == "serve" {
		fs.BoolVar(&o.noMigrate, "no-migrate", false, "do not apply migrations; refuse to start on an old schema")
	}
	if name == "classify" {
		fs.StringVar(&o.eval, "eval", "", "measure heed on labelled messages: a TSV file (category id or name, urgent 0/1 or -, text), or dev for heed's own dev split")
		fs.BoolVar(&o.misses, "misses", false, "with --eval: also list the messages heed got wrong")
		fs.StringVar(&o.corrections, "corrections", "", "export the corrections owners and staff made (DATABASE_URL) to a TSV file in the corpus format, - for standard output")
	}
	if err := fs.Parse(args); err != nil {
		return o, nil, err
	}
	path, err := configPath(o.configPath, stderr)
	if err != nil && name == "migrate" {
		return o, fs.Args(), nil // DATABASE_URL is all migrate needs
	}
	o.configPath = path
	return o, fs.Args(), err
}

// exampleConfig is the demo company in a checkout of heed.
const exampleConfig = "examples/heed.yaml"

// configPath is the one rule every command finds its configuration by:
// --config FILE when given; else heed.yaml in the current directory; else,
// in a checkout of heed, the demo company examples/heed.yaml (said on
// stderr, so nobody mistakes it for their own).
func configPath(flagValue string, stderr io.Writer) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if _, err := os.Stat("heed.yaml"); err == nil {
		return "heed.yaml", nil
	}
	if _, err := os.Stat(exampleConfig); err == nil {
		fmt.Fprintf(stderr, "heed: no heed.yaml here: using %s, the demo company (pass --config FILE for your own)\n", exampleConfig)
		return exampleConfig, nil
	}
	return "", errors.New("no configuration: pass --config FILE or put heed.yaml in this directory (examples/heed.yaml in heed's repository is a complete example)")
}

// open connects to PostgreSQL, waiting up to 15 s for it to come up.
// Times read back are in tz, the company's time zone ("" leaves the
// server's).
func open(ctx context.Context, dsn, tz string) (*sqlx.DB, error) {
	if dsn == "" {
		return nil, errors.New("DATABASE_URL is not set: export the URL scripts/run printed (scripts/pg prints it too), or set database_url in the configuration")
	}
	db, err := cases.Open(cases.InTimeZone(dsn, tz))
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		err = db.PingContext(ctx)
		if err == nil {
			return db, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			db.Close()
			return nil, fmt.Errorf("database %s: %w", redact(dsn), err)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// redact hides the password of a database URL for logs.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return "(connection string)"
	}
	return u.Redacted()
}

func newLogger(w io.Writer, env func(string) string) *slog.Logger {
	level := slog.LevelInfo
	if env("HEED_LOG_LEVEL") == "debug" {
		level = slog.LevelDebug
	}
	// A repeated warning or error is written once per interval with a count.
	return slog.New(newStormHandler(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}), stormInterval, time.Now))
}

// stormInterval is how often one kind of error is written during a storm.
const stormInterval = 10 * time.Second

func migrate(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	o, err := parseFlags("migrate", args, stderr)
	if err != nil {
		return err
	}
	dsn := env("DATABASE_URL")
	if o.configPath != "" {
		cfg, err := config.Load(o.configPath, env)
		if err != nil {
			return err
		}
		dsn = cfg.DatabaseURL
	}
	db, err := open(ctx, dsn, "")
	if err != nil {
		return err
	}
	defer db.Close()
	log := newLogger(stderr, env)
	if err := cases.Migrate(ctx, db.DB, log); err != nil {
		return err
	}
	cur, _, err := cases.SchemaStatus(ctx, db.DB)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "heed: database schema at version %d\n", cur)
	return nil
}

// ready is told the listening address once serve accepts connections (tests
// start heed on :0).
type ready func(addr string)

func serve(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer, onReady ready) error {
	o, err := parseFlags("serve", args, stderr)
	if err != nil {
		return err
	}
	cfg, err := config.Load(o.configPath, env)
	if err != nil {
		return err
	}
	log := newLogger(stderr, env)
	if sh, ok := log.Handler().(*stormHandler); ok {
		go sh.run(ctx)
	}
	db, err := open(ctx, cfg.DatabaseURL, cfg.Calendar.TimeZone)
	if err != nil {
		return err
	}
	defer db.Close()
	if !o.noMigrate {
		if err := cases.Migrate(ctx, db.DB, log); err != nil {
			return err
		}
	}
	cur, want, err := cases.SchemaStatus(ctx, db.DB)
	if err != nil {
		return err
	}
	if cur < want {
		return fmt.Errorf("database schema is at version %d, this heed needs %d: run `heed migrate`", cur, want)
	}
	svc, err := cases.NewService(db, cfg, time.Now)
	if err != nil {
		return err
	}
	svc.SetLogger(log)
	if w := svc.Calendar().ScheduleWarning(svc.Now()); w != "" {
		log.Warn("calendar: " + w)
	}
	parts, err := assemble(ctx, cfg, svc, log, env)
	if err != nil {
		return err
	}
	srv, err := newServer(cfg, db, svc, parts, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.Listen, err)
	}
	addr := ln.Addr().String()
	printBanner(stdout, cfg, o.configPath, addr, cur)
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 2)
	go func() { errc <- hs.Serve(ln) }()
	go srv.runClock(ctx, 30*time.Second)
	// Corrections owners and staff made teach every heed the same model.
	go parts.engine.RetrainEvery(ctx, 10*time.Minute, log)
	workerDone := make(chan struct{})
	go func() { parts.worker.Run(ctx, cfg.DatabaseURL); close(workerDone) }()
	// The desk's live pages: when ctx ends the feed ends their streams, so
	// that the shutdown below does not wait on open pages.
	go parts.feed.Run(ctx)
	if onReady != nil {
		onReady(addr)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	// Sends already out end within their timeout and are recorded before
	// the database closes (the worker keeps trying for 10 s if PostgreSQL
	// is away), so that a restart does not take them for uncertain.
	select {
	case <-workerDone:
	case <-time.After(30 * time.Second):
		log.Warn("outbox: sends still out at shutdown; after a restart they count as uncertain")
	}
	return nil
}

// printBanner says what heed serves — without any secret.
func printBanner(w io.Writer, cfg *config.Config, configPath, addr string, schema int64) {
	onOff := func(b bool) string {
		if b {
			return "on"
		}
		return "off"
	}
	fmt.Fprintf(w, "heed %s — %s\n", version, cfg.Company.Name)
	fmt.Fprintf(w, "  config     %s (%d departments, %d categories, %d communities)\n",
		configPath, len(cfg.Departments), len(cfg.Categories), len(cfg.Communities))
	fmt.Fprintf(w, "  database   %s (schema %d)\n", redact(cfg.DatabaseURL), schema)
	fmt.Fprintf(w, "  listening  http://%s\n", addr)
	api := "person tokens (heed token create); no integration token (HEED_API_TOKEN)"
	if cfg.APIToken != "" {
		api = "person tokens (heed token create) and the integration token"
	}
	fmt.Fprintf(w, "  api        http://%s/api/v1/cases — %s\n", addr, api)
	fmt.Fprintf(w, "  health     http://%s/healthz  /readyz  /metrics\n", addr)
	fmt.Fprintf(w, "  web chat   http://%s/\n", addr)
	fmt.Fprintf(w, "  desk       http://%s/desk/ (sign-in links by Slack or Telegram)\n", addr)
	fmt.Fprintf(w, "  telegram   %s   slack %s   wechat %s   (webhooks under /webhooks/)\n",
		onOff(cfg.Telegram.Enabled()), onOff(cfg.Slack.Enabled()), onOff(cfg.WeChat.Enabled()))
}
