package desk_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/bots/telegram"
	"github.com/heedhq/heed/bots/telegram/telegramfake"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify"
	"github.com/heedhq/heed/notify/desk"
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

// setup is a company's fresh database with a (fake) Telegram and an
// outbox worker delivering to it.
func setup(t testing.TB) (*notify.Worker, *telegramfake.Server, *casestest.Clock) {
	t.Helper()
	db := casestest.DB(t)
	const token = "42:desk-test"
	fake := telegramfake.New(t, token)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	bot, err := telegram.New(token, "secret", fake.URL, nil, nil, quiet)
	if err != nil {
		t.Fatal(err)
	}
	clock := casestest.NewClock(time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC))
	w, err := notify.NewWorker(db, map[string]notify.Sender{"telegram": bot}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	w.Now, w.MaxAttempts = clock.Now, 5
	return w, fake, clock
}

// bulDesks are desks on db for cfg, each with some platforms on, reaching
// owners through the conversation engine as heed serve does.
func bulDesks(t testing.TB, db *sqlx.DB, cfg *config.Config, now func() time.Time, on ...[]string) []*desk.Desk {
	t.Helper()
	svc, err := cases.NewService(db, cfg, now)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := conversation.New(svc)
	if err != nil {
		t.Fatal(err)
	}
	var out []*desk.Desk
	for _, platforms := range on {
		d, err := desk.New(svc, platforms...)
		if err != nil {
			t.Fatal(err)
		}
		d.SetOwners(eng)
		out = append(out, d)
	}
	return out
}

// bulDesk is bulDesks' one desk.
func bulDesk(t testing.TB, db *sqlx.DB, cfg *config.Config, now func() time.Time, platforms ...string) *desk.Desk {
	return bulDesks(t, db, cfg, now, platforms)[0]
}

// allOn are all platforms of bulletins.
var allOn = []string{"telegram", "slack", "wechat"}

func deliver(t testing.TB, w *notify.Worker) int {
	t.Helper()
	n, err := w.DeliverDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func bulDeliverAll(t testing.TB, w *notify.Worker) {
	t.Helper()
	for deliver(t, w) > 0 {
	}
}

func bulProgress(t testing.TB, d *desk.Desk, id int64) *desk.Progress {
	t.Helper()
	p, err := d.BulletinProgress(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func bulWantProgress(t testing.TB, p *desk.Progress, total, sent, failed, pending int) {
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

	b := desk.Bulletin{Key: "k-1", Title: "电梯恢复运行", Body: "3栋电梯已于今日修复。", CreatedBy: "s1",
		Communities: []string{"xinghewan", "xinghewan"},
		Cases:       []string{"TS-2026-000001", "TS-2026-000002", "TS-2026-000003", "TS-2026-000004", "TS-2026-000005", "TS-2026-000006"}}
	ds := bulDesks(t, w.DB, cfg, clock.Now, []string{"telegram", "wechat"}, allOn) // Slack off: neither its channel nor its owner
	d, all := ds[0], ds[1]
	id, err := d.PostBulletin(context.Background(), b, now)
	if err != nil {
		t.Fatal(err)
	}
	// group, wechat tag, owners 501 and 502, the web owner.
	bulWantProgress(t, bulProgress(t, d, id), 5, 1, 0, 4)
	if n := bulCount(t, w.DB, `SELECT count(*) FROM transcript WHERE channel = 'web' AND chat_id = 'w-77' AND text LIKE '%电梯已于今日修复%'`); n != 1 {
		t.Fatalf("%d transcript lines for the web owner", n)
	}

	// The same key again: the first bulletin, nothing new.
	id2, err := d.PostBulletin(context.Background(), b, now.Add(time.Minute))
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
	p := bulProgress(t, d, id)
	bulWantProgress(t, p, 5, 5, 0, 0)
	for _, ts := range p.Targets {
		if ts.SentAt == nil {
			t.Fatalf("sent target without a time: %+v", ts)
		}
	}

	// Every platform on: Slack's channel too.
	b2 := b
	b2.Key, b2.Cases = "k-2", nil
	if _, err := all.PostBulletin(context.Background(), b2, now); err != nil {
		t.Fatal(err)
	}
	bulDeliverAll(t, w)
	if len(slack.to(xhw.SlackChannel)) != 1 || len(fake.Sent(group)) != 2 || len(wechat.sent) != 2 {
		t.Fatalf("all platforms: slack %d, group %d, wechat %d", len(slack.to(xhw.SlackChannel)), len(fake.Sent(group)), len(wechat.sent))
	}
}

func TestBulletinValidation(t *testing.T) {
	db := casestest.DB(t)
	d := bulDesk(t, db, casestest.Config(t), time.Now, allOn...)
	now := time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)
	ok := desk.Bulletin{Title: "停水通知", Body: "明日停水。", Communities: []string{"xinghewan"}}
	for name, mod := range map[string]func(*desk.Bulletin){
		"no community":      func(b *desk.Bulletin) { b.Communities = nil },
		"unknown community": func(b *desk.Bulletin) { b.Communities = []string{"xinghewan", "atlantis"} },
		"empty body":        func(b *desk.Bulletin) { b.Body = "  \n" },
		"long body":         func(b *desk.Bulletin) { b.Body = strings.Repeat("水", 4001) },
		"long title":        func(b *desk.Bulletin) { b.Title = strings.Repeat("水", 101) },
		"unknown case":      func(b *desk.Bulletin) { b.Cases = []string{"TS-2026-999999"} },
	} {
		b := ok
		mod(&b)
		if _, err := d.PostBulletin(context.Background(), b, now); !errors.Is(err, desk.ErrBulletinInvalid) {
			t.Errorf("%s: %v, want ErrBulletinInvalid", name, err)
		}
	}
	if n := bulCount(t, db, `SELECT count(*) FROM bulletins`) + bulCount(t, db, `SELECT count(*) FROM outbox`); n != 0 {
		t.Fatalf("refused bulletins left %d rows", n)
	}
	b := ok
	b.Body, b.Title = strings.Repeat("水", 4000), strings.Repeat("水", 100)
	if _, err := d.PostBulletin(context.Background(), b, now); err != nil {
		t.Fatalf("bulletin at the limits: %v", err)
	}
	if _, err := d.BulletinProgress(context.Background(), 999); !errors.Is(err, desk.ErrBulletinNotFound) {
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
	d := bulDesk(t, w.DB, cfg, clock.Now, "telegram")
	id, err := d.PostBulletin(context.Background(),
		desk.Bulletin{Key: "crash", Title: "供暖", Body: "今晚起恢复供暖。", Communities: []string{"xinghewan"}, Cases: serials}, now)
	if err != nil {
		t.Fatal(err)
	}
	bulWantProgress(t, bulProgress(t, d, id), 11, 0, 0, 11)
	// The first worker gets through a few rows, then "crashes".
	for range 5 {
		deliver(t, w)
	}
	bulWantProgress(t, bulProgress(t, d, id), 11, 4, 1, 6) // the group and 600…603 tried; 603 blocked the bot
	// A new worker (another heed serve, or the same after a restart) finishes.
	w2 := &notify.Worker{DB: w.DB, Senders: w.Senders, Log: w.Log, Now: clock.Now, NoLimits: true, Batch: 3}
	deliver(t, w2)
	bulWantProgress(t, bulProgress(t, d, id), 11, 7, 1, 3)
	bulDeliverAll(t, w2)
	clock.Advance(time.Hour)
	bulDeliverAll(t, w2)
	p := bulProgress(t, d, id)
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

// bulManyCommunities is the example company with n communities instead of
// its own, each with a Telegram group.
func bulManyCommunities(t testing.TB, n int) (*config.Config, []string) {
	cfg := casestest.Config(t)
	cfg.Communities = nil
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
	cfg, comms := bulManyCommunities(t, 1000)
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
	d := bulDesk(t, w.DB, cfg, clock.Now, "telegram")
	id, err := d.PostBulletin(context.Background(),
		desk.Bulletin{Key: "big", Title: "停电通知", Body: "周六 9:00–12:00 停电检修。", Communities: comms, Cases: serials}, now)
	if err != nil {
		t.Fatal(err)
	}
	posted := time.Since(start)
	bulWantProgress(t, bulProgress(t, d, id), 2000, 0, 0, 2000)
	start = time.Now()
	bulDeliverAll(t, w)
	t.Logf("2000 targets: posted in %s, delivered in %s", posted, time.Since(start))
	bulWantProgress(t, bulProgress(t, d, id), 2000, 2000, 0, 0)
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
	cfg, comms := bulManyCommunities(b, per)
	d := bulDesk(b, w.DB, cfg, time.Now, "telegram")
	var post time.Duration
	start := time.Now()
	for i := range b.N {
		t0 := time.Now()
		if _, err := d.PostBulletin(context.Background(),
			desk.Bulletin{Key: fmt.Sprint("bench-", i), Body: "公告正文", Communities: comms}, time.Now()); err != nil {
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
	d := bulDesk(t, db, casestest.Config(t), time.Now, allOn...)
	now := time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)
	b := desk.Bulletin{Key: "double-click", Body: "明日停水。", Communities: []string{"xinghewan"}}
	ids := make([]int64, 8)
	errs := make([]error, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() { ids[i], errs[i] = d.PostBulletin(context.Background(), b, now) })
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

// TestBulletinStatusTellsOfUncertainSends: targets whose send was out when
// heed stopped are left uncertain by the outbox (notify's
// TestSendsOfADeadWorkerAreUncertain); /bulletin status says so and how
// to resend, and /bulletin resend queues them again, once.
func TestBulletinStatusTellsOfUncertainSends(t *testing.T) {
	w, fake, clock := setup(t)
	w.NoLimits = true
	ctx := context.Background()
	now := clock.Now()
	bulAddCase(t, w.DB, "TS-2026-000001", "telegram:501", "501", now)
	d := bulDesk(t, w.DB, casestest.Config(t), clock.Now, "telegram")
	id, err := d.PostBulletin(ctx, desk.Bulletin{Title: "停水", Body: "周三上午停水。", Communities: []string{"xinghewan"},
		Cases: []string{"TS-2026-000001"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	w.DB.MustExec(`UPDATE outbox SET state = 'uncertain', last_error = 'outcome unknown: heed stopped during the send'`)
	p := bulProgress(t, d, id)
	if p.Uncertain != 2 || p.Sent != 0 || p.Pending != 0 {
		t.Fatalf("progress %+v, want 2 uncertain", p)
	}
	group := p.Targets[0].ChatID
	spec, ok := d.PersonOf("telegram", "6100000701") // 周敏, a specialist
	if !ok {
		t.Fatal("no specialist")
	}
	status, err := d.CommandAs(ctx, spec, desk.StaffCommand{Name: "bulletin", Args: fmt.Sprint("status ", id)})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"结果不明 2", fmt.Sprintf("/bulletin resend %d", id), fmt.Sprintf("/api/v1/bulletins/%d/resend-uncertain", id)} {
		if !strings.Contains(status, want) {
			t.Fatalf("status text lacks %q:\n%s", want, status)
		}
	}
	resent, err := d.CommandAs(ctx, spec, desk.StaffCommand{Name: "bulletin", Args: fmt.Sprint("resend ", id)})
	if err != nil || !strings.Contains(resent, "2 处结果不明的已重新排队发送") {
		t.Fatalf("resend: %q, %v", resent, err)
	}
	bulDeliverAll(t, w)
	if a, b := len(fake.Sent(group)), len(fake.Sent("501")); a != 1 || b != 1 {
		t.Fatalf("after the resend: group %d, owner %d sends, want 1 each", a, b)
	}
	if p := bulProgress(t, d, id); p.Sent != 2 || p.Uncertain != 0 {
		t.Fatalf("progress after the resend %+v", p)
	}
	if _, err := d.ResendUncertain(ctx, id, clock.Now()); !errors.Is(err, notify.ErrNothingUncertain) {
		t.Fatalf("second resend: %v", err)
	}
}
