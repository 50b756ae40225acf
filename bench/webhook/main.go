// Command webhook measures how many owner messages per second heed takes in
// through the signed Telegram webhook path — each one committed (inbound row,
// conversation state, transcript, outbox) before the 200 — with p50/p99
// latency, and runs pgbench doing the same writes on the same database for
// comparison. scripts/bench runs it.
//
//	go run ./bench/webhook -clients 8 -duration 10s
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/heedhq/heed/bench/benchdb"
	"github.com/heedhq/heed/bots/telegram"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
)

const secret = "bench-secret"

// pgbenchScript does what one webhook message writes, in one transaction.
const pgbenchScript = `\set m random(1, 1000000000000)
\set u random(1, 1000000000)
BEGIN;
WITH fresh AS (
  INSERT INTO inbound_messages (channel, message_id, chat_id, user_id, kind, received_at)
  VALUES ('pgbench', :m, :u, :u, 'text', now()) ON CONFLICT (channel, message_id) DO NOTHING RETURNING id
), conv AS (
  INSERT INTO conversations (channel, user_id, chat_id, updated_at) SELECT 'pgbench', :u, :u, now() FROM fresh
  ON CONFLICT (channel, user_id) DO UPDATE SET chat_id = EXCLUDED.chat_id RETURNING step, data, language
)
SELECT conv.step, conv.data, conv.language, coalesce(p.name, '') FROM conv
  LEFT JOIN owner_profiles p ON p.owner_ref = 'pgbench::u';
WITH saved AS (UPDATE conversations SET step = 'category', data = '{"step":"category"}', language = 'zh-CN', updated_at = now()
  WHERE channel = 'pgbench' AND user_id = ':u' RETURNING 1)
INSERT INTO transcript (channel, chat_id, sender, text, choices, at) VALUES
  ('pgbench', :u, 'owner', '楼上漏水很严重，天花板在滴水', '[]', now()),
  ('pgbench', :u, 'heed', '已收到。根据您的描述，问题类别是“工程维修”。是否正确？', '[{"label":"工程维修","data":"cat:repair"}]', now());
WITH rows AS (INSERT INTO outbox (channel, chat_id, kind, payload, case_serial, next_attempt_at, created_at)
  VALUES ('pgbench', :u, 'message', '{"text":"已收到"}', '', now(), now()) RETURNING 1)
  SELECT pg_notify('heed_outbox', '') FROM (SELECT count(*) FROM rows) c;
COMMIT;
`

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
	rate, p50, p99, n := runWebhook(srv.URL, *clients, *duration)
	heedCPU := (cpuTime() - cpu0).Seconds() / duration.Seconds()
	pprof.StopCPUProfile()
	slices.Sort(serverLat)
	fmt.Printf("  inside the handler (without the HTTP hop): p50 %.1f ms, p99 %.1f ms\n",
		ms(serverLat[len(serverLat)/2]), ms(serverLat[len(serverLat)*99/100]))

	var inbound int
	must(db.Get(&inbound, `SELECT count(*) FROM inbound_messages WHERE channel = 'telegram'`))
	if inbound != n {
		fail(fmt.Sprintf("%d messages answered 200 but %d stored", n, inbound))
	}
	tps := runPgbench(dsn, *clients, *duration)
	fmt.Printf("heed webhook: %d messages in %s with %d clients: %.0f msg/s, p50 %.1f ms, p99 %.1f ms (heed + load generator CPU %.2f cores)\n",
		n, *duration, *clients, rate, ms(p50), ms(p99), heedCPU)
	fmt.Printf("pgbench, same writes: %.0f tx/s\n", tps)
	fmt.Printf("ratio heed/pgbench: %.2f\n", rate/tps)
}

func runWebhook(base string, clients int, d time.Duration) (rate float64, p50, p99 time.Duration, n int) {
	var mu sync.Mutex
	var lat []time.Duration
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(stop) {
				// Random ids, as in the pgbench script: a new owner each message
				// (a full first turn every time), keys spread over the indexes.
				id := rand.Int64N(1_000_000_000_000) + 1
				user := rand.Int64N(1_000_000_000) + int64(c)
				body, _ := json.Marshal(map[string]any{"update_id": id, "message": map[string]any{
					"message_id": id, "date": time.Now().Unix(), "text": "楼上漏水很严重，天花板在滴水，3栋2单元1102",
					"chat": map[string]any{"id": user, "type": "private"},
					"from": map[string]any{"id": user, "is_bot": false, "first_name": "业主"}}})
				req, _ := http.NewRequest("POST", base, bytes.NewReader(body))
				req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					fail(err.Error())
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					fail(fmt.Sprintf("webhook answered %d", res.StatusCode))
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	slices.Sort(lat)
	n = len(lat)
	return float64(n) / d.Seconds(), lat[n*50/100], lat[n*99/100], n
}

func runPgbench(dsn string, clients int, d time.Duration) float64 {
	dir, err := os.MkdirTemp("", "heed-pgbench")
	must(err)
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "webhook.sql")
	must(os.WriteFile(script, []byte(pgbenchScript), 0o644))
	out, err := exec.Command("pgbench", "-n", "-c", fmt.Sprint(clients), "-j", fmt.Sprint(min(clients, 4)),
		"-T", fmt.Sprint(int(d.Seconds())), "-f", script, dsn).CombinedOutput()
	if err != nil {
		fail(fmt.Sprintf("pgbench: %v\n%s", err, out))
	}
	m := regexp.MustCompile(`tps = ([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		fail("pgbench printed no tps:\n" + string(out))
	}
	var tps float64
	fmt.Sscan(string(m[1]), &tps)
	return tps
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

var must, fail = benchdb.Must, benchdb.Fail
