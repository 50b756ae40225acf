package notify_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/slack/slackfake"
	"github.com/heedhq/heed/bots/telegram/telegramfake"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/notify"
	"github.com/slack-go/slack"
)

// onFirstSend runs a function just before the first send it carries goes
// out: the database fails while a send is on its way.
type onFirstSend struct {
	notify.Sender
	once sync.Once
	do   func()
}

func (s *onFirstSend) Send(ctx context.Context, m notify.Message) (string, error) {
	s.once.Do(s.do)
	return s.Sender.Send(ctx, m)
}

// databaseAway makes the test's database refuse connections and drops the
// ones it has; the function it returns lets it back.
func databaseAway(t *testing.T, db interface {
	Get(any, string, ...any) error
}) (away, back func()) {
	t.Helper()
	var name string
	if err := db.Get(&name, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("postgres", casestest.ServerURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	back = func() {
		if _, err := admin.Exec(`ALTER DATABASE ` + name + ` ALLOW_CONNECTIONS true`); err != nil {
			t.Error(err)
		}
	}
	away = func() {
		if _, err := admin.Exec(`ALTER DATABASE ` + name + ` ALLOW_CONNECTIONS false`); err != nil {
			t.Error(err)
		}
		if _, err := admin.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name); err != nil {
			t.Error(err)
		}
	}
	t.Cleanup(back)
	return away, back
}

// waitFor polls cond until it holds, failing the test after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10 s for %s", what)
		}
	}
}

// TestSentWhileTheDatabaseIsAwayIsRecordedNotResent: PostgreSQL goes away
// while three sends are out; the platform takes them; their outcomes wait
// in memory and are recorded once PostgreSQL is back, and no chat gets its
// message twice.
func TestSentWhileTheDatabaseIsAwayIsRecordedNotResent(t *testing.T) {
	w, fake, clock := setup(t)
	w.NoLimits = true
	away, back := databaseAway(t, w.DB)
	w.Senders["telegram"] = &onFirstSend{Sender: w.Senders["telegram"], do: away}
	chats := []string{"41", "42", "43"}
	for _, c := range chats {
		enqueue(t, w, clock.Now(), notify.Message{Channel: "telegram", ChatID: c, Payload: notify.Payload{Text: "已收到，正在安排"}})
	}
	done := make(chan error, 1)
	go func() { _, err := w.DeliverDue(context.Background()); done <- err }()
	waitFor(t, "three sends at the platform", func() bool { return len(fake.Calls("sendMessage")) == 3 })
	waitFor(t, "three outcomes held in memory", func() bool { return w.Unrecorded() == 3 })
	select {
	case err := <-done:
		t.Fatalf("delivery ended while the database was away: %v", err)
	default:
	}
	back()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var sent int
	if err := w.DB.Get(&sent, `SELECT count(*) FROM outbox WHERE state = 'sent' AND platform_message_id <> ''`); err != nil || sent != 3 {
		t.Fatalf("%d rows recorded as sent (%v), want 3", sent, err)
	}
	clock.Advance(time.Hour)
	deliverAll(t, w)
	for _, c := range chats {
		if n := len(fake.Sent(c)); n != 1 {
			t.Fatalf("chat %s got the message %d times", c, n)
		}
	}
}

// TestRunKeepsOutcomesWhileTheDatabaseIsAway: the same with the
// long-running worker: its recorder keeps the outcomes and writes them once
// the database is back, and nothing goes out twice.
func TestRunKeepsOutcomesWhileTheDatabaseIsAway(t *testing.T) {
	w, fake, _ := setup(t)
	w.NoLimits = true
	w.Now = time.Now
	away, back := databaseAway(t, w.DB)
	w.Senders["telegram"] = &onFirstSend{Sender: w.Senders["telegram"], do: away}
	chats := []string{"44", "45", "46"}
	for _, c := range chats {
		enqueue(t, w, time.Now(), notify.Message{Channel: "telegram", ChatID: c, Payload: notify.Payload{Text: "维修单已派"}})
	}
	ctx, stop := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { w.Run(ctx, ""); close(ran) }()
	waitFor(t, "three outcomes held in memory", func() bool { return w.Unrecorded() == 3 })
	back()
	waitFor(t, "the outcomes recorded", func() bool {
		var n int
		w.DB.Get(&n, `SELECT count(*) FROM outbox WHERE state = 'sent'`)
		return n == 3
	})
	stop()
	<-ran
	for _, c := range chats {
		if n := len(fake.Sent(c)); n != 1 {
			t.Fatalf("chat %s got the message %d times", c, n)
		}
	}
}

// TestSendsOfADeadWorkerAreUncertain: a worker dies after its sends went
// out and before it recorded them. The next worker sends the owner's reply
// again (at least once) but not the rows to be sent once (a bulletin's, to
// a group and to an owner): they show as uncertain until a person resends
// them.
func TestSendsOfADeadWorkerAreUncertain(t *testing.T) {
	w, fake, clock := setup(t)
	w.NoLimits = true
	now := clock.Now()
	const group = "-1001234500100"
	tx := w.DB.MustBegin()
	once, err := notify.EnqueueIDs(context.Background(), tx, now,
		notify.Message{Channel: "telegram", ChatID: group, Once: true, Payload: notify.Payload{Text: "【公告】停水\n\n周三上午停水。"}},
		notify.Message{Channel: "telegram", ChatID: "501", Once: true, Payload: notify.Payload{Text: "关于您的投诉 TS-2026-000001：停水"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	enqueue(t, w, now, notify.Message{Channel: "telegram", ChatID: "502", Payload: notify.Payload{Text: "师傅下午两点到"}})
	if n := w.SendAndDie(context.Background()); n != 3 {
		t.Fatalf("the dying worker sent %d, want 3", n)
	}
	w2 := &notify.Worker{DB: w.DB, Senders: w.Senders, Log: w.Log, Now: clock.Now, NoLimits: true}
	deliverAll(t, w2)
	if n := len(fake.Sent("502")); n != 2 {
		t.Fatalf("the owner's reply went out %d times, want 2 (sent again: at least once)", n)
	}
	var state string
	var uncertain int
	if err := w.DB.QueryRow(`SELECT state, uncertain FROM outbox WHERE chat_id = '502'`).Scan(&state, &uncertain); err != nil ||
		state != "sent" || uncertain != 1 {
		t.Fatalf("the owner's reply: %s, uncertain %d (%v)", state, uncertain, err)
	}
	if a, b := len(fake.Sent(group)), len(fake.Sent("501")); a != 1 || b != 1 {
		t.Fatalf("the rows sent once were sent again by themselves: group %d, owner %d", a, b)
	}
	states := func() map[string]int {
		t.Helper()
		rows, err := notify.States(context.Background(), w.DB, once)
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, r := range rows {
			n[r.State]++
		}
		return n
	}
	if n := states(); n["uncertain"] != 2 || n["sent"] != 0 || n["pending"] != 0 {
		t.Fatalf("states %v, want 2 uncertain", n)
	}
	if n, err := notify.ResendUncertain(context.Background(), w.DB, once, clock.Now()); err != nil || n != 2 {
		t.Fatalf("resend: %d, %v", n, err)
	}
	deliverAll(t, w2)
	if a, b := len(fake.Sent(group)), len(fake.Sent("501")); a != 2 || b != 2 {
		t.Fatalf("after the resend: group %d, owner %d sends, want 2 each", a, b)
	}
	if n := states(); n["sent"] != 2 || n["uncertain"] != 0 {
		t.Fatalf("states after the resend %v", n)
	}
	if _, err := notify.ResendUncertain(context.Background(), w.DB, once, clock.Now()); err != notify.ErrNothingUncertain {
		t.Fatalf("second resend: %v", err)
	}
}

// TestALiveWorkersSendsAreNotReclaimed: a running worker keeps its sends —
// another worker does not take them for uncertain — while it holds its lock,
// and also when its lock's connection was cut but it still writes its
// heartbeat.
func TestALiveWorkersSendsAreNotReclaimed(t *testing.T) {
	w, fake, clock := setup(t)
	w.NoLimits = true
	w.Now = time.Now
	fake.FailChat("sendMessage", "61", telegramfake.Failure{Slow: 2 * time.Second})
	enqueue(t, w, time.Now(), notify.Message{Channel: "telegram", ChatID: "61", Payload: notify.Payload{Text: "稍后回电"}})
	ctx, stop := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { w.Run(ctx, ""); close(ran) }()
	waitFor(t, "the row being sent", func() bool {
		var n int
		w.DB.Get(&n, `SELECT count(*) FROM outbox WHERE state = 'sending'`)
		return n == 1
	})
	w2 := &notify.Worker{DB: w.DB, Senders: w.Senders, Log: w.Log, Now: clock.Now, NoLimits: true}
	deliver(t, w2)
	// Its lock's connection is cut: it still says it lives, and keeps its send.
	w.DB.MustExec(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND pid <> pg_backend_pid()
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)
	deliver(t, w2)
	waitFor(t, "the send recorded", func() bool {
		var s string
		w.DB.Get(&s, `SELECT state FROM outbox`)
		return s == "sent"
	})
	stop()
	<-ran
	if n := len(fake.Sent("61")); n != 1 {
		t.Fatalf("chat 61 got %d messages", n)
	}
}

// TestAHungSendHoldsOnlyItsChat: Telegram holds one chat's sendMessage;
// other Telegram chats and Slack are delivered meanwhile, the held chat's
// second message waits behind its first, and the hung call ends at its
// platform's timeout.
func TestAHungSendHoldsOnlyItsChat(t *testing.T) {
	w, fake, _ := setup(t)
	w.NoLimits = true
	w.Now = time.Now
	sf := slackfake.New(t, "xoxb-test")
	w.Senders["slack"] = slackPoster{slack.New("xoxb-test", slack.OptionAPIURL(sf.APIURL()+"/"))}
	w.Timeouts = map[string]time.Duration{"telegram": 3 * time.Second}
	fake.FailChat("sendMessage", "70", telegramfake.Failure{Hang: true})
	now := time.Now()
	enqueue(t, w, now, notify.Message{Channel: "telegram", ChatID: "70", Payload: notify.Payload{Text: "first to 70"}},
		notify.Message{Channel: "telegram", ChatID: "70", Payload: notify.Payload{Text: "second to 70"}})
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	ran := make(chan struct{})
	go func() { w.Run(ctx, ""); close(ran) }()
	waitFor(t, "the held call", func() bool { return fake.Hanging() == 1 })
	var others []notify.Message
	for i := range 30 {
		others = append(others, notify.Message{Channel: "telegram", ChatID: fmt.Sprint(800 + i), Payload: notify.Payload{Text: "其他住户"}})
	}
	others = append(others, notify.Message{Channel: "slack", ChatID: "C0TEAM", Payload: notify.Payload{Text: "desk"}})
	enqueue(t, w, time.Now(), others...)
	waitFor(t, "the other chats' messages", func() bool {
		return len(fake.Calls("sendMessage")) >= 30 && len(sf.Posted("C0TEAM")) == 1
	})
	if fake.Hanging() != 1 {
		t.Fatal("the held call ended before the others were delivered: nothing shows they did not wait for it")
	}
	if n := len(fake.Sent("70")); n != 0 {
		t.Fatalf("chat 70 got %d messages while its first was held", n)
	}
	// The hung call times out; both of chat 70's messages then go, in order.
	waitFor(t, "chat 70's messages after the timeout", func() bool { return len(fake.Sent("70")) == 2 })
	got := fake.Sent("70")
	if got[0].Params["text"] != "first to 70" || got[1].Params["text"] != "second to 70" {
		t.Fatalf("chat 70 order: %v", got)
	}
	stop()
	<-ran
}

// TestADownPlatformDoesNotSlowTheOthers: Telegram answers nothing at all;
// its calls fill its own slots, and Slack's messages go out meanwhile.
func TestADownPlatformDoesNotSlowTheOthers(t *testing.T) {
	w, fake, _ := setup(t)
	w.NoLimits = true
	w.Now = time.Now
	w.Slots = 4
	sf := slackfake.New(t, "xoxb-test")
	w.Senders["slack"] = slackPoster{slack.New("xoxb-test", slack.OptionAPIURL(sf.APIURL()+"/"))}
	fake.HangAfter("sendMessage", 0)
	var msgs []notify.Message
	for i := range 20 {
		msgs = append(msgs, notify.Message{Channel: "telegram", ChatID: fmt.Sprint(900 + i), Payload: notify.Payload{Text: "通知"}})
	}
	enqueue(t, w, time.Now(), msgs...)
	ctx, stop := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { w.Run(ctx, ""); close(ran) }()
	waitFor(t, "Telegram's slots full of held calls", func() bool { return fake.Hanging() == w.Slots })
	for i := range 5 {
		enqueue(t, w, time.Now(), notify.Message{Channel: "slack", ChatID: fmt.Sprintf("C0ROOM%d", i), Payload: notify.Payload{Text: "desk"}})
	}
	waitFor(t, "Slack's messages", func() bool { return len(sf.Calls("chat.postMessage")) == 5 })
	if fake.Hanging() != w.Slots {
		t.Fatal("Telegram's calls ended before Slack's went out: nothing shows Slack did not wait")
	}
	fake.StopHanging()
	stop()
	<-ran
}

// slackPoster posts plain texts to Slack (the bot proper needs a whole
// company around it).
type slackPoster struct{ api *slack.Client }

func (p slackPoster) Send(ctx context.Context, m notify.Message) (string, error) {
	_, ts, err := p.api.PostMessageContext(ctx, m.ChatID, slack.MsgOptionText(m.Payload.Text, false))
	return ts, err
}

// TestTheLimiterForgetsIdleChats: after thousands of chats, the limiter
// remembers only those whose limits still matter.
func TestTheLimiterForgetsIdleChats(t *testing.T) {
	w := &notify.Worker{}
	t0 := time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)
	for i := range 5000 {
		w.Reserve("telegram", fmt.Sprint(i), t0)
		w.Reserve("telegram", fmt.Sprint(-1000-i), t0)
	}
	if n := w.LimiterChats(); n < 5000 {
		t.Fatalf("limiter remembers %d chats right after sending to 10,000", n)
	}
	t1 := t0.Add(2 * time.Minute)
	if d := w.Reserve("telegram", "1", t1); d != 0 {
		t.Fatalf("an idle chat waits %s", d)
	}
	if n := w.LimiterChats(); n != 1 {
		t.Fatalf("limiter remembers %d chats two minutes later, want 1", n)
	}
	if d := w.Reserve("telegram", "1", t1.Add(100*time.Millisecond)); d <= 0 {
		t.Fatal("a chat just sent to is not held back any more")
	}
}

func TestSendTimeoutSetting(t *testing.T) {
	got, err := notify.ParseTimeouts("20s, telegram=5s,wechat=1m")
	if err != nil || got[""] != 20*time.Second || got["telegram"] != 5*time.Second || got["wechat"] != time.Minute {
		t.Fatalf("%v %v", got, err)
	}
	for _, bad := range []string{"soon", "telegram=", "slack=-1s"} {
		if _, err := notify.ParseTimeouts(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
