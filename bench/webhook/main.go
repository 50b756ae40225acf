// Command webhook measures how many owner messages per second heed takes in
// through the signed Telegram webhook path — each one committed (inbound row,
// conversation state, transcript, outbox) before the 200 — with p50/p99
// latency, and runs pgbench doing the same writes on the same database for
// comparison. scripts/bench runs it.
//
//	go run ./bench/webhook -clients 8 -duration 10s
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/heedhq/heed/bench/benchdb"
	"github.com/heedhq/heed/bench/benchfake"
	"github.com/heedhq/heed/bots/telegram"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
)

const secret = "bench-secret"

func main() {
	clients := flag.Int("clients", 8, "concurrent senders (and pgbench clients)")
	duration := flag.Duration("duration", 10*time.Second, "how long each side runs")
	cfgPath := flag.String("config", "examples/heed.yaml", "company configuration")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the webhook run")
	flag.Parse()
	server := benchdb.Server()
	ctx := context.Background()
	dsn := benchdb.Fresh(server, "heed_bench")
	db, err := cases.Open(dsn)
	must(err)
	db.SetMaxOpenConns(*clients + 4)
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
	tg, err := telegram.New("1:bench", secret, "http://127.0.0.1:9", eng, svc, quiet)
	must(err)
	var serverMu sync.Mutex
	var serverLat []time.Duration
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		tg.ServeHTTP(w, r)
		d := time.Since(t0)
		serverMu.Lock()
		serverLat = append(serverLat, d)
		serverMu.Unlock()
	}))
	defer srv.Close()

	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		must(err)
		must(pprof.StartCPUProfile(f))
	}
	cpu0 := cpuTime()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *clients}}
	rate, p50, p99, n, err := benchfake.Inbound(client, srv.URL, secret, *clients, *duration, 0)
	must(err)
	heedCPU := (cpuTime() - cpu0).Seconds() / duration.Seconds()
	pprof.StopCPUProfile()
	slices.Sort(serverLat)
	fmt.Printf("  inside the handler (without the HTTP hop): p50 %.1f ms, p99 %.1f ms\n",
		ms(serverLat[len(serverLat)/2]), ms(serverLat[len(serverLat)*99/100]))

	inbound, err := conversation.CountInbound(context.Background(), db, "telegram", nil)
	must(err)
	if inbound != n {
		fail(fmt.Sprintf("%d messages answered 200 but %d stored", n, inbound))
	}
	tps := benchdb.Pgbench(dsn, *clients, *duration, benchdb.InboundScript)
	fmt.Printf("heed webhook: %d messages in %s with %d clients: %.0f msg/s, p50 %.1f ms, p99 %.1f ms (heed + load generator CPU %.2f cores)\n",
		n, *duration, *clients, rate, ms(p50), ms(p99), heedCPU)
	fmt.Printf("pgbench, same writes: %.0f tx/s\n", tps)
	fmt.Printf("ratio heed/pgbench: %.2f\n", rate/tps)
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

var must, fail = benchdb.Must, benchdb.Fail
