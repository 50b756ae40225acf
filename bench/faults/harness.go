package main

// A scenario run: heed and the fakes started, the owners' load run while
// the faults are done, then everything counted (measure.go).

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/bench/benchfake"
	"github.com/heedhq/heed/bots/slack/slackfake"
	"github.com/heedhq/heed/notify"
)

const (
	tgToken     = "424242:faults"
	tgSecret    = "faults-secret"
	slackToken  = "xoxb-faults"
	slackSecret = "faults-slack-secret"
	apiToken    = "faults-api-token-0123456789abcdef"
	// sendTimeout bounds one Telegram call in heed (HEED_SEND_TIMEOUT): a
	// hung chat holds one slot this long, and no unaffected chat should
	// wait longer for its reply.
	sendTimeout = 5 * time.Second
)

// scenario is one fault run.
type scenario struct {
	Name       string
	Owners     int
	Turns      int
	Clients    int           // owners talking at once
	Kills      int           // SIGKILL and restart heed this often during the load
	PGRestarts int           // pg_ctl restart -m fast this often during the load
	Platform   bool          // 429s, 500s and one chat's calls held
	Hold       time.Duration // how long that chat's calls are held (default twice the send timeout and 1 s)
	Down       time.Duration // Telegram holds every call this long, from 2/5 of the updates
	PGDown     time.Duration // PostgreSQL stopped this long, from 2/5 of the updates
	Replicas   int           // heed processes on the one database (default 1); kills hit the first
	Bound      time.Duration // the whole scenario stops after this
}

// harness runs scenarios against one built heed and one PostgreSQL.
type harness struct {
	root   string // the checkout (examples/heed.yaml)
	bin    string // heed built
	dir    string // logs
	pg     *postgres
	logOut io.Writer
}

// run runs one scenario on a fresh database.
func (h *harness) run(ctx context.Context, sc scenario) (res result) {
	res.Name, res.killed = sc.Name, sc.Kills > 0
	fail := func(err error) result { res.Errors = append(res.Errors, err.Error()); return res }
	dsn, err := h.pg.fresh("heed_faults")
	if err != nil {
		return fail(err)
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return fail(err)
	}
	defer db.Close()
	if sc.Kills > 0 {
		// heed takes over a dead worker's sends only once PostgreSQL has
		// been up 30 s (right after its restart every worker's lock is
		// gone, dead or not): a fresh cluster would show that wait, not
		// the kill's.
		var up float64
		if db.QueryRowContext(ctx, `SELECT extract(epoch FROM now() - pg_postmaster_start_time())`).Scan(&up) == nil && up < 31 {
			select {
			case <-ctx.Done():
			case <-time.After(time.Duration((31 - up) * float64(time.Second))):
			}
		}
	}
	t0 := time.Now()
	defer func() { res.Took = time.Since(t0) }()
	ctx, cancel := context.WithTimeout(ctx, sc.Bound)
	defer cancel()
	fake := benchfake.NewTelegram(tgToken)
	defer fake.Stop()
	tb := &cleanups{}
	defer tb.run()
	sl := slackfake.New(tb, slackToken)
	// heed: one process, or several replicas on the one database (each
	// update's two copies go to different ones; a retry to the next).
	var hrs []*heedRun
	var urls, logs []string
	for i := range max(1, sc.Replicas) {
		port, err := freePort()
		if err != nil {
			return fail(err)
		}
		name := sc.Name + ".log"
		if sc.Replicas > 1 {
			name = fmt.Sprintf("%s-%d.log", sc.Name, i+1)
		}
		logf, err := os.Create(filepath.Join(h.dir, name))
		if err != nil {
			return fail(err)
		}
		defer logf.Close()
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		hr := &heedRun{h: h, addr: addr, log: logf, env: append(os.Environ(), "DATABASE_URL="+dsn, "HEED_LISTEN="+addr,
			"HEED_RATE_LIMITS=off", "HEED_QUARTERLY_REPORT=off", "HEED_API_TOKEN="+apiToken, "HEED_SEND_TIMEOUT=telegram="+sendTimeout.String(),
			"HEED_TELEGRAM_TOKEN="+tgToken, "HEED_TELEGRAM_WEBHOOK_SECRET="+tgSecret, "HEED_TELEGRAM_API_URL="+fake.URL,
			"HEED_SLACK_BOT_TOKEN="+slackToken, "HEED_SLACK_SIGNING_SECRET="+slackSecret, "HEED_SLACK_API_URL="+sl.APIURL())}
		if err := hr.start(ctx); err != nil {
			return fail(err)
		}
		defer hr.kill()
		hrs, urls, logs = append(hrs, hr), append(urls, "http://"+addr+"/webhooks/telegram"), append(logs, logf.Name())
	}
	hr, addr := hrs[0], hrs[0].addr // the one killed, the one the front desk uses
	var pf benchfake.Faults
	if sc.Kills > 0 {
		// Each call takes a while, so that a kill finds sends out.
		pf.Latency = 30 * time.Millisecond
	}
	// Owners 1…n; with platform faults the first one's chat is held.
	base := int64(7_000_000_000)
	victim := ""
	if sc.Platform {
		victim = strconv.FormatInt(base+1, 10)
		hold := sc.Hold
		if hold == 0 {
			hold = 2*sendTimeout + time.Second
		}
		pf.Every429, pf.Every500, pf.HangChat, pf.HangUntil = 41, 29, victim, time.Now().Add(hold)
		res.Faults = fmt.Sprintf("429 every 41st call, 500 every 29th, chat %s held %s", victim, hold)
	}
	fake.SetFaults(pf)
	load := &owners{urls: urls, fake: fake, turns: sc.Turns,
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: sc.Clients * 2}},
		waits:  map[string]time.Duration{}}
	done := make(chan struct{})
	var faultErr error
	var downFrom time.Time
	var faults sync.WaitGroup
	faults.Go(func() {
		// The faults are spread over the load: the ith of n once i/(n+1)
		// of the updates were accepted.
		var did []string
		if sc.Down > 0 && load.reach(done, sc.Owners*sc.Turns*2/5) {
			downFrom = time.Now()
			fake.SetFaults(benchfake.Faults{HangChat: "*", HangUntil: downFrom.Add(sc.Down)})
			did = append(did, fmt.Sprintf("Telegram holds every call for %s", sc.Down))
			// Owners wait for Telegram; the front desk records phone
			// complaints meanwhile, whose cards go to Slack too.
			for time.Since(downFrom) < sc.Down-sendTimeout {
				if err := phoneComplaint(ctx, "http://"+addr); err != nil {
					res.Errors = append(res.Errors, err.Error())
					break
				}
				time.Sleep(250 * time.Millisecond)
			}
		}
		if sc.PGDown > 0 && load.reach(done, sc.Owners*sc.Turns*2/5) {
			if err := h.pg.down(sc.PGDown); err != nil {
				faultErr = err
				return
			}
			did = append(did, fmt.Sprintf("PostgreSQL stopped for %s", sc.PGDown))
		}
		n := max(sc.Kills, sc.PGRestarts)
		for i := 0; i < n; i++ {
			if !load.reach(done, sc.Owners*sc.Turns*(i+1)/(n+1)) {
				break
			}
			if i < sc.Kills {
				hr.kill()
				if err := hr.start(ctx); err != nil {
					faultErr = err
					return
				}
				did = append(did, "kill -9")
			}
			if i < sc.PGRestarts {
				away, err := h.pg.restart()
				if err != nil {
					faultErr = err
					return
				}
				did = append(did, fmt.Sprintf("pg restart (%.1f s)", away.Seconds()))
			}
		}
		if len(did) > 0 {
			res.Faults = strings.TrimPrefix(res.Faults+"; "+fmt.Sprint(did), "; ")
		}
	})
	var next atomic.Int64
	var wg sync.WaitGroup
	for range sc.Clients {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(sc.Owners) || ctx.Err() != nil {
					return
				}
				load.owner(ctx, base+i)
			}
		})
	}
	wg.Wait()
	close(done)
	faults.Wait()
	if faultErr != nil {
		return fail(faultErr)
	}
	// Every queued reply goes out, or the bound ends.
	for ctx.Err() == nil {
		if counts, err := notify.OutboxCounts(ctx, sqlx.NewDb(db, "postgres")); err == nil && !waiting(counts) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(time.Second) // a send made twice would arrive by now
	if ctx.Err() != nil {
		res.Errors = append(res.Errors, "the scenario's time bound ended before every reply went out")
	}
	h.count(context.Background(), db, load, fake, victim, base, sc.Owners, &res)
	h.countSlack(context.Background(), db, sl, downFrom, sc.Down, &res)
	for _, l := range logs {
		if b, err := os.ReadFile(l); err == nil {
			res.LogErrors += bytes.Count(b, []byte("level=ERROR"))
		}
	}
	return res
}

// cleanups lets the project's Slack fake, made for tests, run in this
// program: it only asks to be closed at the end.
type cleanups struct {
	testing.TB
	fns []func()
}

func (c *cleanups) Cleanup(f func()) { c.fns = append(c.fns, f) }

func (c *cleanups) run() {
	for i := len(c.fns) - 1; i >= 0; i-- {
		c.fns[i]()
	}
}

// waiting tells whether rows are still to be sent (pending or sending).
func waiting(counts []notify.OutboxCount) bool {
	for _, c := range counts {
		if c.State == "pending" || c.State == "sending" {
			return true
		}
	}
	return false
}
