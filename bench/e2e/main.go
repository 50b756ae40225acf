// Command e2e measures heed end to end on the PostgreSQL it is given (meant
// for a durable one: fsync and synchronous_commit on, which it reports):
//
//  1. inbound: new owners' first messages through the signed Telegram
//     webhook, committed before the 200 (delivery not running);
//  2. end to end: owners holding conversations of several turns — each turn
//     an update in, and the next turn only once heed's reply reached the
//     (fake, in-process) Telegram — with the outbox worker delivering;
//  3. pgbench of the same writes: the inbound transaction alone, then the
//     inbound transaction plus delivery (claim the row with SKIP LOCKED and
//     commit, then mark it sent and commit) per message.
//
// It prints the ratios inbound / pgbench inbound and end to end / pgbench
// with delivery. scripts/bench e2e runs it.
//
//	go run ./bench/e2e -clients 8 -turns 5 -duration 5s -rounds 3
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heedhq/heed/bench/benchdb"
	"github.com/heedhq/heed/bench/benchfake"
	"github.com/heedhq/heed/bots/telegram"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify"
)

const secret = "bench-secret"

// turns are what each owner writes, one after the other.
var turns = []string{
	benchfake.FirstMessage,
	"是的",
	"3栋2单元1102",
	"今天早上开始的，越来越严重",
	"谢谢",
	"还有别的问题吗",
	"好的",
}

func main() {
	clients := flag.Int("clients", 8, "concurrent owners (and pgbench clients)")
	rounds := flag.Int("rounds", 3, "rounds of each measurement, heed and pgbench taking turns")
	nturns := flag.Int("turns", 5, "turns per owner")
	duration := flag.Duration("duration", 5*time.Second, "length of each run")
	cfgPath := flag.String("config", "examples/heed.yaml", "company configuration")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the end-to-end run")
	flag.Parse()
	if *nturns > len(turns) {
		fail(fmt.Sprintf("at most %d turns", len(turns)))
	}
	server := benchdb.Server()
	ctx := context.Background()
	dsn := benchdb.Fresh(server, "heed_e2e")
	db, err := cases.Open(dsn)
	must(err)
	var fsync, syncCommit string
	must(db.Get(&fsync, `SHOW fsync`))
	must(db.Get(&syncCommit, `SHOW synchronous_commit`))
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("PostgreSQL: fsync=%s synchronous_commit=%s; load average before: %s", fsync, syncCommit, load)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	must(cases.Migrate(ctx, db.DB, quiet))
	cfg, err := config.Load(*cfgPath, nil)
	must(err)
	svc, err := cases.NewService(db, cfg, time.Now)
	must(err)
	eng, err := conversation.New(svc)
	must(err)
	svc.OnChange(eng.CaseChanged) // as heed serve assembles it
	svc.OnChange(eng.StaffCorrected)
	const token = "1:bench"
	fake := benchfake.NewTelegram(token)
	defer fake.Stop()
	tg, err := telegram.New(token, secret, fake.URL, eng, svc, quiet)
	must(err)
	hook := httptest.NewServer(tg)
	defer hook.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *clients}}

	var delivered atomic.Int64
	w := &notify.Worker{DB: db, Senders: map[string]notify.Sender{"telegram": tg}, Log: quiet, NoLimits: true,
		Delivered: func(notify.Message, time.Duration) { delivered.Add(1) }}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		must(err)
		must(pprof.StartCPUProfile(f))
		defer pprof.StopCPUProfile()
	}
	// The machine is shared: the sides take turns, round after round, so
	// that each ratio compares runs made under about the same load.
	var inRatios, e2eRatios []float64
	for round := 1; round <= *rounds; round++ {
		// 1. Inbound alone.
		rate, p50, p99, n, err := benchfake.Inbound(client, hook.URL, secret, *clients, *duration, 1_000_000_000)
		must(err)
		// Its rows are not part of the end-to-end run.
		must(notify.SetAside(ctx, db, "telegram"))
		in := benchdb.Pgbench(dsn, *clients, *duration, benchdb.InboundScript)
		fmt.Printf("round %d inbound: heed %.0f msg/s (%d first messages, p50 %.1f ms, p99 %.1f ms), pgbench %.0f tx/s: %.2f\n",
			round, rate, n, ms(p50), ms(p99), in, rate/in)
		inRatios = append(inRatios, rate/in)

		// 2. End to end, the worker delivering.
		wctx, stop := context.WithCancel(ctx)
		ran := make(chan struct{})
		go func() { w.Run(wctx, dsn); close(ran) }()
		e := endToEnd(client, hook.URL, fake, *clients, *nturns, *duration)
		stop()
		<-ran
		both := benchdb.Pgbench(dsn, *clients, *duration, benchdb.InboundScript, benchdb.DeliveryScript)
		perS := float64(e.turns) / e.took.Seconds()
		fmt.Printf("round %d end to end: heed %.0f turns/s (%d owners × %d turns; update → reply p50 %.1f ms, p99 %.1f ms; "+
			"webhook p50 %.1f ms, commit → at the platform p50 %.1f ms; %d missing), pgbench inbound + delivery %.0f msg/s: %.2f\n",
			round, perS, e.owners, *nturns, ms(e.p50), ms(e.p99), ms(e.hookP50), ms(e.lagP50), e.missing, both, perS/both)
		e2eRatios = append(e2eRatios, perS/both)
	}
	load, _ = os.ReadFile("/proc/loadavg")
	fmt.Printf("median ratio inbound / pgbench inbound: %.2f\n", median(inRatios))
	fmt.Printf("median ratio end to end / pgbench inbound + delivery: %.2f\n", median(e2eRatios))
	fmt.Printf("rows delivered in all: %d; load average after: %s", delivered.Load(), load)
}

func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}

type e2eResult struct {
	turns, owners, missing    int
	took                      time.Duration
	p50, p99, hookP50, lagP50 time.Duration
}

var lastOwner atomic.Int64

// updateID is a random update id, as Telegram's are to heed.
func updateID() int64 { return rand.Int64N(1_000_000_000_000) + 1 }

// endToEnd: clients owners talk at once, new owners starting until d is
// over; each turn waits for heed's reply at the platform before the next.
func endToEnd(client *http.Client, base string, fake *benchfake.Telegram, clients, nturns int, d time.Duration) e2eResult {
	var mu sync.Mutex
	var total, hook, lag []time.Duration
	var missing, owners atomic.Int64
	start := time.Now()
	stop := start.Add(d)
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for time.Now().Before(stop) {
				owners.Add(1)
				user := 5_000_000_000 + lastOwner.Add(1)
				chat := strconv.FormatInt(user, 10)
				for t := range nturns {
					// The owner presses the first button heed offered, or
					// else writes their next line.
					before, button, msgID := fake.State(chat)
					t0 := time.Now()
					h, err := benchfake.Post(client, base, secret, benchfake.Update(user, updateID(), turns[t], button, msgID))
					must(err)
					at, ok := fake.WaitFor(chat, before, 10*time.Second)
					if !ok {
						missing.Add(1)
						continue
					}
					mu.Lock()
					total = append(total, at.Sub(t0))
					hook = append(hook, h)
					lag = append(lag, at.Sub(t0)-h)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	for _, s := range [][]time.Duration{total, hook, lag} {
		slices.Sort(s)
	}
	n := len(total)
	return e2eResult{turns: n, owners: int(owners.Load()), missing: int(missing.Load()), took: took,
		p50: total[n/2], p99: total[n*99/100], hookP50: hook[n/2], lagP50: lag[n/2]}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

var must, fail = benchdb.Must, benchdb.Fail
