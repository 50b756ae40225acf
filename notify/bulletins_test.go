package notify_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/bots/telegram/telegramfake"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/notify"
)

// bulRecorder is a Sender that remembers what it was given (Slack, WeChat).
type bulRecorder struct {
	mu   sync.Mutex
	sent []notify.Message
}

func (r *bulRecorder) Send(_ context.Context, m notify.Message) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, m)
	return fmt.Sprint(len(r.sent)), nil
}

func (r *bulRecorder) to(chat string) []notify.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []notify.Message
	for _, m := range r.sent {
		if m.ChatID == chat {
			out = append(out, m)
		}
	}
	return out
}

// bulAddCase stores a closed case of owner ("channel:user", "" for none) and,
// for an owner, their conversation in chat.
func bulAddCase(t testing.TB, db *sqlx.DB, serial, owner, chat string, at time.Time) {
	t.Helper()
	ch, user, _ := strings.Cut(owner, ":")
	if ch == "" {
		ch = "phone"
	}
	db.MustExec(`INSERT INTO cases (serial, status, channel, owner_ref, content, category, received_at, recorded_by, created_at, updated_at)
		VALUES ($1, 'closed', $2, $3, '电梯停运', 'facility', $4, 'test', $4, $4)`, serial, ch, owner, at)
	if owner != "" {
		db.MustExec(`INSERT INTO conversations (channel, user_id, chat_id, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING`, ch, user, chat, at)
	}
}

func bulDeliverAll(t testing.TB, w *notify.Worker) {
	t.Helper()
	for deliver(t, w) > 0 {
	}
}

func bulProgress(t testing.TB, db *sqlx.DB, id int64) *notify.Progress {
	t.Helper()
	p, err := notify.BulletinProgress(context.Background(), db, id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func bulWantProgress(t testing.TB, p *notify.Progress, total, sent, failed, pending int) {
	t.Helper()
	if p.Total != total || p.Sent != sent || p.Failed != failed || p.Pending != pending || len(p.Targets) != total {
		t.Fatalf("bulProgress %d/%d/%d/%d (total/sent/failed/pending, %d targets), want %d/%d/%d/%d",
			p.Total, p.Sent, p.Failed, p.Pending, len(p.Targets), total, sent, failed, pending)
	}
}

func bulCount(t testing.TB, db *sqlx.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Get(&n, q, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBulletinReachesGroupsAndOwnersOnce(t *testing.T) {
	w, fake, clock := setup(t)
	w.NoLimits = true
	slack, wechat := &bulRecorder{}, &bulRecorder{}
	w.Senders["slack"], w.Senders["wechat"] = slack, wechat
	cfg := casestest.Config(t)
	var xhw config.Community
	for _, c := range cfg.Communities {
		if c.ID == "xinghewan" {
			xhw = c
		}
	}
	group := fmt.Sprint(xhw.TelegramChatID)
	now := clock.Now()
	bulAddCase(t, w.DB, "TS-2026-000001", "telegram:501", "501", now)
	bulAddCase(t, w.DB, "TS-2026-000002", "telegram:502", "502", now)
	bulAddCase(t, w.DB, "TS-2026-000003", "telegram:501", "501", now) // same owner again: once
	bulAddCase(t, w.DB, "TS-2026-000004", "web:w-77", "w-77", now)
	bulAddCase(t, w.DB, "TS-2026-000005", "", "", now) // a phone case: nobody to write to
	bulAddCase(t, w.DB, "TS-2026-000006", "slack:U9", "D9", now)
	w.DB.MustExec(`UPDATE cases SET language = 'en' WHERE serial = 'TS-2026-000002'`) // owner 502 writes in English

	b := notify.Bulletin{Key: "k-1", Title: "电梯恢复运行", Body: "3栋电梯已于今日修复。", CreatedBy: "s1",
		Communities: []string{"xinghewan", "xinghewan"},
		Cases:       []string{"TS-2026-000001", "TS-2026-000002", "TS-2026-000003", "TS-2026-000004", "TS-2026-000005", "TS-2026-000006"}}
	on := map[string]bool{"telegram": true, "wechat": true} // Slack off: neither its channel nor its owner
	id, err := notify.PostBulletin(context.Background(), w.DB, cfg, on, b, now)
	if err != nil {
		t.Fatal(err)
	}
	// group, wechat tag, owners 501 and 502, the web owner.
	bulWantProgress(t, bulProgress(t, w.DB, id), 5, 1, 0, 4)
	if n := bulCount(t, w.DB, `SELECT count(*) FROM transcript WHERE channel = 'web' AND chat_id = 'w-77' AND text LIKE '%电梯已于今日修复%'`); n != 1 {
		t.Fatalf("%d transcript lines for the web owner", n)
	}

	// The same key again: the first bulletin, nothing new.
	id2, err := notify.PostBulletin(context.Background(), w.DB, cfg, on, b, now.Add(time.Minute))
	if err != nil || id2 != id {
		t.Fatalf("repost: id %d, %v; want %d", id2, err, id)
	}
	if n := bulCount(t, w.DB, `SELECT count(*) FROM outbox`); n != 4 {
		t.Fatalf("%d outbox rows after the repost, want 4", n)
	}
	if n := bulCount(t, w.DB, `SELECT count(*) FROM bulletins`); n != 1 {
		t.Fatalf("%d bulletins after the repost", n)
	}

	bulDeliverAll(t, w)
	clock.Advance(time.Hour)
	bulDeliverAll(t, w)
	for _, chat := range []string{group, "501", "502"} {
		if got := fake.Sent(chat); len(got) != 1 {
			t.Fatalf("chat %s got %d messages, want 1", chat, len(got))
		}
	}
	if got := fake.Sent(group)[0].Params["text"]; !strings.Contains(got, "【公告】电梯恢复运行") || !strings.Contains(got, "3栋电梯已于今日修复") {
		t.Fatalf("group text %q", got)
	}
	if got := fake.Sent("501")[0].Params["text"]; !strings.HasPrefix(got, "关于您的投诉 TS-2026-000001：") {
		t.Fatalf("owner text %q names no case", got)
	}
	if got := fake.Sent("502")[0].Params["text"]; !strings.HasPrefix(got, "About your complaint TS-2026-000002:") || !strings.Contains(got, "3栋电梯已于今日修复") {
		t.Fatalf("the English-speaking owner read %q", got)
	}
	if n := len(fake.Calls("sendMessage")); n != 3 {
		t.Fatalf("%d telegram sends, want 3", n)
	}
	tag := wechat.to(fmt.Sprint(xhw.WeChatTagID))
	if len(tag) != 1 || tag[0].Kind != notify.KindMassByTag || !strings.Contains(tag[0].Payload.Text, "电梯恢复运行") || len(wechat.sent) != 1 {
		t.Fatalf("wechat: %+v", wechat.sent)
	}
	if len(slack.sent) != 0 {
		t.Fatalf("slack is off but got %+v", slack.sent)
	}
	p := bulProgress(t, w.DB, id)
	bulWantProgress(t, p, 5, 5, 0, 0)
	for _, ts := range p.Targets {
		if ts.SentAt == nil {
			t.Fatalf("sent target without a time: %+v", ts)
		}
	}

	// Every platform on: Slack's channel too.
	b2 := b
	b2.Key, b2.Cases = "k-2", nil
	if _, err := notify.PostBulletin(context.Background(), w.DB, cfg, nil, b2, now); err != nil {
		t.Fatal(err)
	}
	bulDeliverAll(t, w)
	if len(slack.to(xhw.SlackChannel)) != 1 || len(fake.Sent(group)) != 2 || len(wechat.sent) != 2 {
		t.Fatalf("all platforms: slack %d, group %d, wechat %d", len(slack.to(xhw.SlackChannel)), len(fake.Sent(group)), len(wechat.sent))
	}
}

func TestBulletinValidation(t *testing.T) {
	db := casestest.DB(t)
	cfg := casestest.Config(t)
	now := time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)
	ok := notify.Bulletin{Title: "停水通知", Body: "明日停水。", Communities: []string{"xinghewan"}}
	for name, mod := range map[string]func(*notify.Bulletin){
		"no community":      func(b *notify.Bulletin) { b.Communities = nil },
		"unknown community": func(b *notify.Bulletin) { b.Communities = []string{"xinghewan", "atlantis"} },
		"empty body":        func(b *notify.Bulletin) { b.Body = "  \n" },
		"long body":         func(b *notify.Bulletin) { b.Body = strings.Repeat("水", 4001) },
		"long title":        func(b *notify.Bulletin) { b.Title = strings.Repeat("水", 101) },
		"unknown case":      func(b *notify.Bulletin) { b.Cases = []string{"TS-2026-999999"} },
	} {
		b := ok
		mod(&b)
		if _, err := notify.PostBulletin(context.Background(), db, cfg, nil, b, now); !errors.Is(err, notify.ErrBulletinInvalid) {
			t.Errorf("%s: %v, want ErrBulletinInvalid", name, err)
		}
	}
	if n := bulCount(t, db, `SELECT count(*) FROM bulletins`) + bulCount(t, db, `SELECT count(*) FROM outbox`); n != 0 {
		t.Fatalf("refused bulletins left %d rows", n)
	}
	b := ok
	b.Body, b.Title = strings.Repeat("水", 4000), strings.Repeat("水", 100)
	if _, err := notify.PostBulletin(context.Background(), db, cfg, nil, b, now); err != nil {
		t.Fatalf("bulletin at the limits: %v", err)
	}
	if _, err := notify.BulletinProgress(context.Background(), db, 999); !errors.Is(err, notify.ErrBulletinNotFound) {
		t.Fatalf("bulProgress of no bulletin: %v", err)
	}
}

func TestBulletinSurvivesAWorkerCrash(t *testing.T) {
	w, fake, clock := setup(t)
	w.NoLimits = true
	w.Batch = 1
	cfg := casestest.Config(t)
	now := clock.Now()
	var serials []string
	for i := range 10 {
		s := fmt.Sprintf("TS-2026-%06d", i+1)
		bulAddCase(t, w.DB, s, fmt.Sprintf("telegram:%d", 600+i), fmt.Sprint(600+i), now)
		serials = append(serials, s)
	}
	fake.FailChat("sendMessage", "603", telegramfake.Failure{Status: 403, Desc: "Forbidden: bot was blocked by the user"})
	id, err := notify.PostBulletin(context.Background(), w.DB, cfg, map[string]bool{"telegram": true},
		notify.Bulletin{Key: "crash", Title: "供暖", Body: "今晚起恢复供暖。", Communities: []string{"xinghewan"}, Cases: serials}, now)
	if err != nil {
		t.Fatal(err)
	}
	bulWantProgress(t, bulProgress(t, w.DB, id), 11, 0, 0, 11)
	// The first worker gets through a few rows, then "crashes".
	for range 5 {
		deliver(t, w)
	}
	bulWantProgress(t, bulProgress(t, w.DB, id), 11, 4, 1, 6) // the group and 600…603 tried; 603 blocked the bot
	// A new worker (another heed serve, or the same after a restart) finishes.
	w2 := &notify.Worker{DB: w.DB, Senders: w.Senders, Log: w.Log, Now: clock.Now, NoLimits: true, Batch: 3}
	deliver(t, w2)
	bulWantProgress(t, bulProgress(t, w.DB, id), 11, 7, 1, 3)
	bulDeliverAll(t, w2)
	clock.Advance(time.Hour)
	bulDeliverAll(t, w2)
	p := bulProgress(t, w.DB, id)
	bulWantProgress(t, p, 11, 10, 1, 0)
	for i := range 10 {
		if n := len(fake.Sent(fmt.Sprint(600 + i))); n != 1 {
			t.Fatalf("owner %d: %d sends, want 1", 600+i, n)
		}
	}
	for _, ts := range p.Targets {
		if (ts.State == "dead") != (ts.ChatID == "603") || ts.OutboxID == nil {
			t.Fatalf("target %+v", ts)
		}
	}
	if n := len(fake.Calls("sendMessage")); n != 11 {
		t.Fatalf("%d sends for 11 targets", n)
	}
}

// bulManyCommunities is a company of n communities, each with a Telegram group.
func bulManyCommunities(n int) (*config.Config, []string) {
	cfg := &config.Config{}
	var ids []string
	for i := range n {
		id := fmt.Sprintf("c%04d", i)
		cfg.Communities = append(cfg.Communities, config.Community{ID: id, Name: id, TelegramChatID: -1000000 - int64(i)})
		ids = append(ids, id)
	}
	return cfg, ids
}

func TestBulletinFanoutTo2000(t *testing.T) {
	w, fake, clock := setup(t)
	w.NoLimits = true
	w.Batch = 100
	cfg, comms := bulManyCommunities(1000)
	now := clock.Now()
	// 1,000 owners' cases, one statement.
	w.DB.MustExec(`INSERT INTO cases (serial, status, channel, owner_ref, content, category, received_at, recorded_by, created_at, updated_at)
		SELECT 'TS-2026-' || lpad(i::text, 6, '0'), 'closed', 'telegram', 'telegram:' || (7000 + i), '停电', 'facility', $1, 'test', $1, $1
		FROM generate_series(1, 1000) i`, now)
	w.DB.MustExec(`INSERT INTO conversations (channel, user_id, chat_id, updated_at)
		SELECT 'telegram', (7000 + i)::text, (7000 + i)::text, $1 FROM generate_series(1, 1000) i`, now)
	var serials []string
	for i := 1; i <= 1000; i++ {
		serials = append(serials, fmt.Sprintf("TS-2026-%06d", i))
	}
	start := time.Now()
	id, err := notify.PostBulletin(context.Background(), w.DB, cfg, map[string]bool{"telegram": true},
		notify.Bulletin{Key: "big", Title: "停电通知", Body: "周六 9:00–12:00 停电检修。", Communities: comms, Cases: serials}, now)
	if err != nil {
		t.Fatal(err)
	}
	posted := time.Since(start)
	bulWantProgress(t, bulProgress(t, w.DB, id), 2000, 0, 0, 2000)
	start = time.Now()
	bulDeliverAll(t, w)
	t.Logf("2000 targets: posted in %s, delivered in %s", posted, time.Since(start))
	bulWantProgress(t, bulProgress(t, w.DB, id), 2000, 2000, 0, 0)
	calls := fake.Calls("sendMessage")
	chats := map[string]int{}
	for _, c := range calls {
		chats[c.Params["chat_id"]]++
	}
	if len(calls) != 2000 || len(chats) != 2000 {
		t.Fatalf("%d sends to %d chats, want 2000 to 2000", len(calls), len(chats))
	}
}

// BenchmarkBulletinFanout: targets per second from PostBulletin to delivered
// on a (fake) Telegram, limits off; each bulletin goes to 1,000 groups.
func BenchmarkBulletinFanout(b *testing.B) {
	w, fake, _ := setup(b)
	w.NoLimits = true
	w.Batch = 100
	w.Now = time.Now
	const per = 1000
	cfg, comms := bulManyCommunities(per)
	var post time.Duration
	start := time.Now()
	for i := range b.N {
		t0 := time.Now()
		if _, err := notify.PostBulletin(context.Background(), w.DB, cfg, map[string]bool{"telegram": true},
			notify.Bulletin{Key: fmt.Sprint("bench-", i), Body: "公告正文", Communities: comms}, time.Now()); err != nil {
			b.Fatal(err)
		}
		post += time.Since(t0)
		bulDeliverAll(b, w)
	}
	total := float64(b.N * per)
	b.ReportMetric(total/time.Since(start).Seconds(), "targets/s")
	b.ReportMetric(total/post.Seconds(), "queued/s")
	if n := len(fake.Calls("sendMessage")); n != b.N*per {
		b.Fatalf("%d sent, want %d", n, b.N*per)
	}
}

func TestBulletinPostedTwiceAtOnceIsQueuedOnce(t *testing.T) {
	db := casestest.DB(t)
	cfg := casestest.Config(t)
	now := time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)
	b := notify.Bulletin{Key: "double-click", Body: "明日停水。", Communities: []string{"xinghewan"}}
	ids := make([]int64, 8)
	errs := make([]error, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() { ids[i], errs[i] = notify.PostBulletin(context.Background(), db, cfg, nil, b, now) })
	}
	wg.Wait()
	for i := range ids {
		if errs[i] != nil || ids[i] != ids[0] {
			t.Fatalf("post %d: id %d, %v; first %d", i, ids[i], errs[i], ids[0])
		}
	}
	if n := bulCount(t, db, `SELECT count(*) FROM bulletin_targets`); n != 3 { // group, Slack channel, WeChat tag
		t.Fatalf("%d targets, want 3", n)
	}
	if n := bulCount(t, db, `SELECT count(*) FROM outbox`); n != 3 {
		t.Fatalf("%d outbox rows, want 3", n)
	}
}
