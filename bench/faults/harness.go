package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/heedhq/heed/bots/slack/slackfake"
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

// lines are what each owner writes, in turn, when heed offers no button
// (otherwise they press the first): a complaint, their unit, their
// contact, then more words.
var lines = []string{
	"楼道的声控灯坏了一个星期，晚上回家很不方便",
	"5栋1单元802",
	"王女士 13912345678",
	"上周三开始就不亮了",
	"请尽快处理，谢谢",
}

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

// result is what a scenario counted.
type result struct {
	Name                  string
	Updates               int    // distinct updates the owners sent
	Posts                 int    // HTTP posts in all (duplicates, retries)
	Accepted, Recorded    int    // distinct updates answered 2xx / found in inbound_messages
	Refused               int    // posts answered non-2xx or not at all (retried)
	TurnsAnswered, Turns  int    // turns whose reply reached the fake
	Expected, Received    int    // replies queued (outbox rows) / delivered at the fake
	Missing, Doubled      int    // replies queued and not delivered / delivered more often than queued
	Uncertain             int    // sends whose outcome heed never learned (documented: may arrive twice)
	DoubledBeyond         int    // doubled beyond the uncertain ones
	CasesTwice            int    // cases beyond one per owner
	Cases, Confirmed      int    // cases created / complaints the owners confirmed
	Faults                string // what was done: kills, restarts, platform faults
	LongestWait           time.Duration
	LongestUnaffectedWait time.Duration // for chats no fault touched (platform scenario)
	LongestFaultedWait    time.Duration // for chats that got a 429 or 500, not held
	slowest               string        // the unaffected chat that waited longest
	killed                bool          // heed was killed: every chat waits for the takeover
	Took                  time.Duration
	LogErrors             int // ERROR lines heed logged
	// Slack, the other platform: its messages (dispatch cards) queued,
	// delivered, missing, doubled beyond uncertain, and the longest time
	// one took from queued to recorded sent.
	SlackQueued, SlackDelivered, SlackMissing, SlackDoubledBeyond int
	SlackLongest                                                  time.Duration
	SlackDuringDown                                               int           // queued while Telegram was down
	SlackLongestDuringDown                                        time.Duration // the longest of those
	Errors                                                        []string
}

// failed says what a result shows lost or doubled ("" none).
func (r result) failed() string {
	switch {
	case len(r.Errors) > 0:
		return r.Errors[0]
	case r.Accepted != r.Recorded:
		return fmt.Sprintf("%d updates answered 2xx but not recorded", r.Accepted-r.Recorded)
	case r.Accepted != r.Updates:
		return fmt.Sprintf("%d updates never accepted", r.Updates-r.Accepted)
	case r.Missing > 0 || r.TurnsAnswered != r.Turns:
		return fmt.Sprintf("%d replies missing, %d turns unanswered", r.Missing, r.Turns-r.TurnsAnswered)
	case r.DoubledBeyond > 0:
		return fmt.Sprintf("%d replies doubled beyond the %d uncertain", r.DoubledBeyond, r.Uncertain)
	case r.Cases-r.CasesTwice != r.Confirmed:
		return fmt.Sprintf("%d complaints confirmed, %d owners with a case", r.Confirmed, r.Cases-r.CasesTwice)
	case r.CasesTwice > 0:
		return fmt.Sprintf("%d owners with a case twice", r.CasesTwice)
	case r.SlackMissing > 0 || r.SlackDoubledBeyond > 0:
		return fmt.Sprintf("Slack: %d missing, %d doubled beyond the uncertain", r.SlackMissing, r.SlackDoubledBeyond)
	case r.SlackLongestDuringDown > sendTimeout:
		return fmt.Sprintf("with Telegram down a Slack message took %s (send timeout %s)", r.SlackLongestDuringDown, sendTimeout)
	case !r.killed && r.LongestUnaffectedWait > sendTimeout: // a kill stalls every chat until the takeover
		return fmt.Sprintf("chat %s, which no fault touched, waited %s for a reply (send timeout %s)", r.slowest, r.LongestUnaffectedWait, sendTimeout)
	}
	return ""
}

// harness runs scenarios against one built heed and one PostgreSQL.
type harness struct {
	root   string // the checkout (examples/heed.yaml)
	bin    string // heed built
	dir    string // logs
	pg     *postgres
	logOut io.Writer
}

// build compiles heed.
func build(root, dir string) (string, error) {
	bin := filepath.Join(dir, "heed")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/heed")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

// proc is one running heed serve.
type proc struct {
	cmd  *exec.Cmd
	addr string
}

type heedRun struct {
	h    *harness
	env  []string
	addr string
	log  *os.File
	mu   sync.Mutex
	cur  *proc
}

func (r *heedRun) start(ctx context.Context) error {
	cmd := exec.Command(r.h.bin, "serve", "--config", filepath.Join(r.h.root, "examples", "heed.yaml"))
	cmd.Env = r.env
	cmd.Stdout, cmd.Stderr = r.log, r.log
	if err := cmd.Start(); err != nil {
		return err
	}
	r.mu.Lock()
	r.cur = &proc{cmd: cmd, addr: r.addr}
	r.mu.Unlock()
	for {
		res, err := http.Get("http://" + r.addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("heed not ready: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (r *heedRun) kill() {
	r.mu.Lock()
	p := r.cur
	r.cur = nil
	r.mu.Unlock()
	if p != nil {
		p.cmd.Process.Signal(syscall.SIGKILL) //nolint:errcheck
		p.cmd.Wait()                          //nolint:errcheck
	}
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
	fake := newFakeTelegram(tgToken)
	defer fake.stop()
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
	var pf platformFaults
	if sc.Kills > 0 {
		// Each call takes a while, so that a kill finds sends out.
		pf.latency = 30 * time.Millisecond
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
		pf.every429, pf.every500, pf.hangChat, pf.hangUntil = 41, 29, victim, time.Now().Add(hold)
		res.Faults = fmt.Sprintf("429 every 41st call, 500 every 29th, chat %s held %s", victim, hold)
	}
	fake.setFaults(pf)
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
			fake.setFaults(platformFaults{hangChat: "*", hangUntil: downFrom.Add(sc.Down)})
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
		var open int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')`).Scan(&open); err == nil && open == 0 {
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

// count compares what the owners sent and the fake received with what
// heed recorded.
func (h *harness) count(ctx context.Context, db *sql.DB, load *owners, fake *fakeTelegram, victim string, base int64, n int, res *result) {
	load.mu.Lock()
	defer load.mu.Unlock()
	res.Updates, res.Posts, res.Refused = load.updates, int(load.posts.Load()), int(load.refused.Load())
	res.Accepted, res.Turns, res.TurnsAnswered = len(load.accepted), load.turnsTried, load.turnsAnswered
	for chat, w := range load.waits {
		res.LongestWait = max(res.LongestWait, w)
		switch {
		case victim == "" || chat == victim:
		case fake.wasFaulted(chat):
			res.LongestFaultedWait = max(res.LongestFaultedWait, w)
		default:
			if w > res.LongestUnaffectedWait {
				res.LongestUnaffectedWait, res.slowest = w, chat
			}
		}
	}
	ids := make([]string, 0, len(load.accepted))
	for id := range load.accepted {
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	must := func(err error) {
		if err != nil {
			res.Errors = append(res.Errors, err.Error())
		}
	}
	must(db.QueryRowContext(ctx, `SELECT count(*) FROM inbound_messages WHERE channel = 'telegram' AND message_id = ANY($1)`,
		pq.Array(ids)).Scan(&res.Recorded))
	res.Confirmed = load.confirmed
	must(db.QueryRowContext(ctx, `SELECT count(*), count(*) - count(DISTINCT owner_ref) FROM cases WHERE channel = 'telegram'`).Scan(&res.Cases, &res.CasesTwice))
	// Per owner chat: the messages heed queued (one sendMessage each),
	// those it recorded as sent, the uncertain sends among them.
	rows, err := db.QueryContext(ctx, `SELECT chat_id, count(*), count(*) FILTER (WHERE state = 'sent'), coalesce(sum(uncertain), 0)
		FROM outbox WHERE channel = 'telegram' AND kind = 'message' GROUP BY chat_id`)
	if err != nil {
		must(err)
		return
	}
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() {
		var chat string
		var queued, sent, uncertain int
		must(rows.Scan(&chat, &queued, &sent, &uncertain))
		id, _ := strconv.ParseInt(chat, 10, 64)
		if id <= base || id > base+int64(n) {
			continue // not an owner's chat
		}
		seen[chat] = true
		got := fake.received(chat)
		res.Expected += queued
		res.Received += got
		res.Uncertain += uncertain
		res.Missing += max(0, queued-got)
		res.Doubled += max(0, got-queued)
		res.DoubledBeyond += max(0, got-queued-uncertain)
	}
	must(rows.Err())
	for i := 1; i <= n; i++ { // messages to a chat heed queued nothing for
		chat := strconv.FormatInt(base+int64(i), 10)
		if got := fake.received(chat); !seen[chat] && got > 0 {
			res.Received += got
			res.Doubled += got
			res.DoubledBeyond += got
		}
	}
}

// countSlack compares Slack's outbox rows with the calls the fake answered:
// each row is one post or one edit of a card already posted.
func (h *harness) countSlack(ctx context.Context, db *sql.DB, sl *slackfake.Server, downFrom time.Time, down time.Duration, res *result) {
	got := map[string]int{}
	for _, c := range sl.Calls("") {
		if c.Result["ts"] != "" && c.Method != "auth.test" {
			got[c.Params["channel"]]++
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT chat_id, count(*), coalesce(sum(uncertain), 0),
		coalesce(extract(epoch FROM max(sent_at - created_at)), 0) FROM outbox WHERE channel = 'slack' GROUP BY chat_id`)
	if err != nil {
		res.Errors = append(res.Errors, err.Error())
		return
	}
	defer rows.Close()
	for rows.Next() {
		var chat string
		var queued, uncertain int
		var longest float64
		if err := rows.Scan(&chat, &queued, &uncertain, &longest); err != nil {
			res.Errors = append(res.Errors, err.Error())
			return
		}
		res.SlackQueued += queued
		res.SlackDelivered += got[chat]
		res.SlackMissing += max(0, queued-got[chat])
		res.SlackDoubledBeyond += max(0, got[chat]-queued-uncertain)
		res.SlackLongest = max(res.SlackLongest, time.Duration(longest*float64(time.Second)))
		delete(got, chat)
	}
	for _, n := range got { // calls to a channel heed queued nothing for
		res.SlackDelivered += n
		res.SlackDoubledBeyond += n
	}
	if !downFrom.IsZero() {
		var longest float64
		if err := db.QueryRowContext(ctx, `SELECT count(*), coalesce(extract(epoch FROM max(sent_at - created_at)), 0) FROM outbox
			WHERE channel = 'slack' AND created_at BETWEEN $1 AND $2`, downFrom, downFrom.Add(down)).Scan(&res.SlackDuringDown, &longest); err != nil {
			res.Errors = append(res.Errors, err.Error())
		}
		res.SlackLongestDuringDown = time.Duration(longest * float64(time.Second))
	}
}

// phoneComplaint records a complaint taken on the phone through the API.
func phoneComplaint(ctx context.Context, base string) error {
	body, _ := json.Marshal(map[string]any{"actor": "front.xu", "channel": "phone", "customer_name": "李先生",
		"contact_phone": "139 0000 1234", "community": "星河湾", "unit": "6栋3单元501", "content": "小区东门的道闸坏了，车辆进出排长队",
		"category": "repair"})
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/cases", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+apiToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("phone complaint: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(res.Body)
		return fmt.Errorf("phone complaint: %d %s", res.StatusCode, b)
	}
	return nil
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

// owners is the load: owners holding conversations, each update posted
// twice at once, every post retried until heed answers 2xx.
type owners struct {
	urls   []string // heed's webhook, on each replica
	fake   *fakeTelegram
	turns  int
	client *http.Client
	seq    atomic.Int64

	posts, refused atomic.Int64

	mu                        sync.Mutex
	updates                   int
	accepted                  map[int64]bool
	confirmed                 int // complaints confirmed: each makes one case
	turnsTried, turnsAnswered int
	waits                     map[string]time.Duration // chat → longest wait for a reply
}

// reach waits until n updates were accepted, or done.
func (o *owners) reach(done <-chan struct{}, n int) bool {
	for {
		o.mu.Lock()
		got := len(o.accepted)
		o.mu.Unlock()
		if got >= n {
			return true
		}
		select {
		case <-done:
			return false
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// replyWait bounds how long an owner waits for heed's reply to one turn.
const replyWait = 60 * time.Second

func (o *owners) owner(ctx context.Context, id int64) {
	chat := strconv.FormatInt(id, 10)
	said, confirmed := 0, false
	// Its turns; an owner whose complaint is not confirmed by then (a
	// message sent twice put them a step behind) goes on, up to twice as
	// many.
	for t := 0; t < o.turns || (!confirmed && t < 2*o.turns); t++ {
		before, button, msgID := o.fake.state(chat)
		upd := o.seq.Add(1) + 1_000_000
		body := update(id, upd, lines[said%len(lines)], button, msgID)
		if button == "" {
			said++
		} else {
			o.fake.pressed(strconv.FormatInt(upd, 10), chat)
		}

		o.mu.Lock()
		o.updates++
		o.turnsTried++
		o.mu.Unlock()
		// Telegram may deliver an update twice at once (two webhooks in
		// flight), and again after a 5xx or a timeout.
		var first atomic.Int64
		var wg sync.WaitGroup
		for k := range 2 {
			wg.Go(func() {
				if at, ok := o.post(ctx, body, k); ok {
					first.CompareAndSwap(0, at.UnixNano())
				}
			})
		}
		wg.Wait()
		if first.Load() == 0 {
			return // the bound ended
		}
		o.mu.Lock()
		if o.accepted == nil {
			o.accepted = map[int64]bool{}
		}
		o.accepted[upd] = true
		if button == "confirm" {
			o.confirmed++
			confirmed = true
		}
		o.mu.Unlock()
		// Now and then a third delivery later, as when the 2xx was lost.
		if rand.IntN(10) == 0 {
			go o.post(ctx, body, rand.IntN(2))
		}
		at, ok := o.fake.waitFor(chat, before, replyWait)
		if !ok {
			continue
		}
		wait := at.Sub(time.Unix(0, first.Load()))
		o.mu.Lock()
		o.turnsAnswered++
		o.waits[chat] = max(o.waits[chat], wait)
		o.mu.Unlock()
	}
}

// post sends body until heed answers 2xx; it returns when that was. The
// kth copy goes to the kth replica first, each retry to the next.
func (o *owners) post(ctx context.Context, body []byte, k int) (time.Time, bool) {
	for try := k; ctx.Err() == nil; try++ {
		o.posts.Add(1)
		req, _ := http.NewRequestWithContext(ctx, "POST", o.urls[try%len(o.urls)], bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", tgSecret)
		res, err := o.client.Do(req)
		if err == nil {
			io.Copy(io.Discard, res.Body) //nolint:errcheck
			res.Body.Close()
			if res.StatusCode/100 == 2 {
				return time.Now(), true
			}
		}
		o.refused.Add(1)
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(100+rand.IntN(200)) * time.Millisecond):
		}
	}
	return time.Time{}, false
}

// update is an owner's message, or with button set their press of it on
// message msgID.
func update(user, id int64, text, button string, msgID int) []byte {
	from := map[string]any{"id": user, "is_bot": false, "first_name": "业主"}
	chat := map[string]any{"id": user, "type": "private"}
	u := map[string]any{"update_id": id, "message": map[string]any{
		"message_id": id, "date": time.Now().Unix(), "text": text, "chat": chat, "from": from}}
	if button != "" {
		u = map[string]any{"update_id": id, "callback_query": map[string]any{"id": strconv.FormatInt(id, 10), "from": from,
			"data": button, "message": map[string]any{"message_id": msgID, "date": time.Now().Unix(), "chat": chat, "text": "?"}}}
	}
	b, _ := json.Marshal(u)
	return b
}
