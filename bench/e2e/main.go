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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heedhq/heed/bench/benchdb"
	"github.com/heedhq/heed/bots/telegram"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify"
)

const secret = "bench-secret"

// inboundScript is what one webhook message writes, in one transaction (as
// bench/webhook's).
const inboundScript = `\set m random(1, 1000000000000)
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

// deliveryScript is one row's delivery as the trust issue measured it: one
// durable transaction that claims the oldest pending row with SKIP LOCKED
// and marks it sent. (heed needs two — the claim is committed before the
// send, the outcome after — but batches the outcomes and lets a claim that
// is not a bulletin's skip the fsync; this is the simplest durable delivery
// a hand-written worker could do.)
const deliveryScript = `BEGIN;
SELECT coalesce(max(id), 0) AS claimed FROM (SELECT id FROM outbox WHERE state = 'pending' AND channel = 'pgbench'
  ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) c \gset
UPDATE outbox SET state = 'sent', sent_at = now(), attempts = attempts + 1, platform_message_id = '1' WHERE id = :claimed;
COMMIT;
`

// turns are what each owner writes, one after the other.
var turns = []string{
	"楼上漏水很严重，天花板在滴水，3栋2单元1102",
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
	fake := newFakeTelegram()
	defer fake.Close()
	tg, err := telegram.New("1:bench", secret, fake.URL, eng, svc, quiet)
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
		rate, p50, p99, n := inbound(client, hook.URL, *clients, *duration)
		// Its rows are not part of the end-to-end run.
		db.MustExec(`UPDATE outbox SET state = 'sent' WHERE state = 'pending' AND channel = 'telegram'`)
		in := pgbench(dsn, *clients, *duration, inboundScript)
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
		both := pgbench(dsn, *clients, *duration, inboundScript, deliveryScript)
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

// fakeTelegram answers every Bot API call at once and notes, per chat, when
// each sendMessage arrived.
type fakeTelegram struct {
	*httptest.Server
	mu     sync.Mutex
	next   int
	got    map[string][]time.Time
	button map[string]string // chat → the first button of heed's last message ("" none)
	notify map[string]chan struct{}
}

func newFakeTelegram() *fakeTelegram {
	f := &fakeTelegram{got: map[string][]time.Time{}, button: map[string]string{}, notify: map[string]chan struct{}{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

func (f *fakeTelegram) serve(w http.ResponseWriter, r *http.Request) {
	chat, markup := "", ""
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if r.ParseMultipartForm(1<<20) == nil {
			if v := r.MultipartForm.Value["chat_id"]; len(v) > 0 {
				chat = v[0]
			}
			if v := r.MultipartForm.Value["reply_markup"]; len(v) > 0 {
				markup = v[0]
			}
		}
	} else {
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m) //nolint:errcheck
		if v, ok := m["chat_id"]; ok {
			chat = fmt.Sprint(v)
		}
		if v, ok := m["reply_markup"]; ok {
			b, _ := json.Marshal(v)
			markup = string(b)
		}
	}
	var kb struct {
		Rows [][]struct {
			Data string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	json.Unmarshal([]byte(markup), &kb) //nolint:errcheck
	first := ""
	if len(kb.Rows) > 0 && len(kb.Rows[0]) > 0 {
		first = kb.Rows[0][0].Data
	}
	now := time.Now()
	f.mu.Lock()
	f.next++
	id := f.next
	if strings.HasSuffix(r.URL.Path, "/sendMessage") {
		f.got[chat] = append(f.got[chat], now)
		f.button[chat] = first
		if c, ok := f.notify[chat]; ok {
			close(c)
			delete(f.notify, chat)
		}
	}
	f.mu.Unlock()
	cid, _ := strconv.ParseInt(chat, 10, 64)
	w.Header().Set("Content-Type", "application/json")
	if strings.HasSuffix(r.URL.Path, "/answerCallbackQuery") {
		fmt.Fprint(w, `{"ok":true,"result":true}`)
		return
	}
	fmt.Fprintf(w, `{"ok":true,"result":{"message_id":%d,"date":%d,"chat":{"id":%d,"type":"private"},"text":"ok"}}`, id, now.Unix(), cid)
}

// waitFor waits until chat has more than n messages, up to 10 s, and
// returns when the (n+1)th arrived.
func (f *fakeTelegram) waitFor(chat string, n int) (time.Time, bool) {
	deadline := time.After(10 * time.Second)
	for {
		f.mu.Lock()
		if len(f.got[chat]) > n {
			at := f.got[chat][n]
			f.mu.Unlock()
			return at, true
		}
		c, ok := f.notify[chat]
		if !ok {
			c = make(chan struct{})
			f.notify[chat] = c
		}
		f.mu.Unlock()
		select {
		case <-c:
		case <-deadline:
			return time.Time{}, false
		}
	}
}

// last is how many messages chat got and the first button of the last.
func (f *fakeTelegram) last(chat string) (int, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.got[chat]), f.button[chat]
}

// update posts an owner's message, or with button set their press of it.
func update(base string, client *http.Client, user int64, text, button string) time.Duration {
	id := rand.Int64N(1_000_000_000_000) + 1
	from := map[string]any{"id": user, "is_bot": false, "first_name": "业主"}
	chat := map[string]any{"id": user, "type": "private"}
	u := map[string]any{"update_id": id, "message": map[string]any{
		"message_id": id, "date": time.Now().Unix(), "text": text, "chat": chat, "from": from}}
	if button != "" {
		u = map[string]any{"update_id": id, "callback_query": map[string]any{"id": strconv.FormatInt(id, 10), "from": from,
			"data": button, "message": map[string]any{"message_id": 1, "date": time.Now().Unix(), "chat": chat, "text": "?"}}}
	}
	body, _ := json.Marshal(u)
	req, _ := http.NewRequest("POST", base, bytes.NewReader(body))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	t0 := time.Now()
	res, err := client.Do(req)
	if err != nil {
		fail(err.Error())
	}
	io.Copy(io.Discard, res.Body) //nolint:errcheck
	res.Body.Close()
	if res.StatusCode != 200 {
		fail(fmt.Sprintf("webhook answered %d", res.StatusCode))
	}
	return time.Since(t0)
}

func inbound(client *http.Client, base string, clients int, d time.Duration) (rate float64, p50, p99 time.Duration, n int) {
	var mu sync.Mutex
	var lat []time.Duration
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			var mine []time.Duration
			for time.Now().Before(stop) {
				mine = append(mine, update(base, client, rand.Int64N(1_000_000_000)+int64(c)+1_000_000_000, turns[0], ""))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.Sort(lat)
	n = len(lat)
	return float64(n) / d.Seconds(), lat[n*50/100], lat[n*99/100], n
}

type e2eResult struct {
	turns, owners, missing    int
	took                      time.Duration
	p50, p99, hookP50, lagP50 time.Duration
}

var lastOwner atomic.Int64

// endToEnd: clients owners talk at once, new owners starting until d is
// over; each turn waits for heed's reply at the platform before the next.
func endToEnd(client *http.Client, base string, fake *fakeTelegram, clients, nturns int, d time.Duration) e2eResult {
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
					before, button := fake.last(chat)
					t0 := time.Now()
					h := update(base, client, user, turns[t], button)
					at, ok := fake.waitFor(chat, before)
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

// pgbench runs scripts (one transaction set per message) and returns
// messages a second.
func pgbench(dsn string, clients int, d time.Duration, scripts ...string) float64 {
	dir, err := os.MkdirTemp("", "heed-pgbench")
	must(err)
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "message.sql")
	must(os.WriteFile(script, []byte(strings.Join(scripts, "")), 0o644))
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
	fmt.Sscan(string(m[1]), &tps) //nolint:errcheck
	return tps
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

var must, fail = benchdb.Must, benchdb.Fail
