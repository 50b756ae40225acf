package notify_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/telegram"
	"github.com/heedhq/heed/bots/telegram/telegramfake"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/notify"
)

const token = "42:outbox-test"

func setup(t testing.TB) (*notify.Worker, *telegramfake.Server, *casestest.Clock) {
	t.Helper()
	db := casestest.DB(t)
	fake := telegramfake.New(t, token)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	bot, err := telegram.New(token, "secret", fake.URL, nil, nil, quiet)
	if err != nil {
		t.Fatal(err)
	}
	clock := casestest.NewClock(time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC))
	w := &notify.Worker{DB: db, Senders: map[string]notify.Sender{"telegram": bot}, Log: quiet, Now: clock.Now, MaxAttempts: 5}
	return w, fake, clock
}

func enqueue(t testing.TB, w *notify.Worker, now time.Time, msgs ...notify.Message) {
	t.Helper()
	tx := w.DB.MustBegin()
	if err := notify.Enqueue(context.Background(), tx, now, msgs...); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// deliverAll delivers until nothing is due.
func deliverAll(t testing.TB, w *notify.Worker) {
	t.Helper()
	for deliver(t, w) > 0 {
	}
}

func deliver(t testing.TB, w *notify.Worker) int {
	t.Helper()
	n, err := w.DeliverDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRateLimitThenServerErrorsThenDeliveredOnce(t *testing.T) {
	w, fake, clock := setup(t)
	fake.Fail("sendMessage", telegramfake.Failure{Status: 429, RetryAfter: 7},
		telegramfake.Failure{Status: 500, Desc: "Internal Server Error"}, telegramfake.Failure{Status: 502, Desc: "Bad Gateway"})
	enqueue(t, w, clock.Now(), notify.Message{Channel: "telegram", ChatID: "77", Payload: notify.Payload{Text: "您的投诉已登记"}})

	deliver(t, w) // 429: wait 7 s
	clock.Advance(6900 * time.Millisecond)
	if deliver(t, w) != 0 {
		t.Fatal("retried before retry_after had passed")
	}
	clock.Advance(200 * time.Millisecond)
	if deliver(t, w) != 1 { // 500
		t.Fatal("not retried after retry_after")
	}
	for range 3 { // 502, then OK — backoff is at most a few seconds this early
		clock.Advance(10 * time.Second)
		deliver(t, w)
	}
	calls := fake.Sent("77")
	if len(calls) != 4 {
		t.Fatalf("%d sendMessage calls, want 4 (429, 500, 502, OK)", len(calls))
	}
	var state, pid string
	var attempts int
	w.DB.QueryRow(`SELECT state, platform_message_id, attempts FROM outbox`).Scan(&state, &pid, &attempts)
	if state != "sent" || pid == "" || attempts != 4 {
		t.Fatalf("outbox row: %s %q after %d attempts", state, pid, attempts)
	}
	clock.Advance(time.Hour)
	deliver(t, w)
	if n := len(fake.Sent("77")); n != 4 {
		t.Fatalf("a delivered message was sent again (%d calls)", n)
	}
}

func TestMessagesOfOneChatKeepTheirOrder(t *testing.T) {
	w, fake, clock := setup(t)
	fake.FailChat("sendMessage", "88", telegramfake.Failure{Status: 500})
	enqueue(t, w, clock.Now(),
		notify.Message{Channel: "telegram", ChatID: "88", Payload: notify.Payload{Text: "first"}},
		notify.Message{Channel: "telegram", ChatID: "88", Payload: notify.Payload{Text: "second"}})
	deliver(t, w) // 88/first fails; 88/second waits behind it
	enqueue(t, w, clock.Now(), notify.Message{Channel: "telegram", ChatID: "99", Payload: notify.Payload{Text: "other chat"}})
	deliver(t, w) // 99 goes at once
	if got := fake.Sent("88"); len(got) != 1 {
		t.Fatalf("chat 88 got %d sends while its first message was failing", len(got))
	}
	for range 4 {
		clock.Advance(time.Minute)
		deliver(t, w)
	}
	got := fake.Sent("88")
	if len(got) != 3 || got[1].Params["text"] != "first" || got[2].Params["text"] != "second" {
		t.Fatalf("chat 88 order: %v", got)
	}
	if len(fake.Sent("99")) != 1 {
		t.Fatal("the other chat waited for chat 88")
	}
}

func TestHopelessMessagesGoToTheDeadLetters(t *testing.T) {
	w, fake, clock := setup(t)
	fake.FailChat("sendMessage", "1", telegramfake.Failure{Status: 403, Desc: "Forbidden: bot was blocked by the user"})
	for range 6 {
		fake.FailChat("sendMessage", "2", telegramfake.Failure{Status: 500})
	}
	enqueue(t, w, clock.Now(),
		notify.Message{Channel: "telegram", ChatID: "1", Payload: notify.Payload{Text: "blocked"}},
		notify.Message{Channel: "telegram", ChatID: "2", Payload: notify.Payload{Text: "flaky"}},
		notify.Message{Channel: "pigeon", ChatID: "3", Payload: notify.Payload{Text: "no sender"}})
	for range 8 {
		deliver(t, w)
		clock.Advance(15 * time.Minute)
	}
	rows, err := w.DB.Query(`SELECT chat_id, state, attempts, last_error FROM outbox ORDER BY chat_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want := map[string]int{"1": 1, "2": 5, "3": 1}
	for rows.Next() {
		var chat, state, lastErr string
		var attempts int
		rows.Scan(&chat, &state, &attempts, &lastErr)
		if state != "dead" || attempts != want[chat] || lastErr == "" {
			t.Errorf("chat %s: %s after %d attempts (%q), want dead after %d", chat, state, attempts, lastErr, want[chat])
		}
	}
}

func TestTelegramLimitsSpaceTheSends(t *testing.T) {
	w, fake, clock := setup(t)
	var msgs []notify.Message
	for range 25 {
		msgs = append(msgs, notify.Message{Channel: "telegram", ChatID: "-100200", Payload: notify.Payload{Text: "公告"}})
	}
	enqueue(t, w, clock.Now(), msgs...)
	start := clock.Now()
	deliver(t, w)
	clock.Advance(500 * time.Millisecond)
	deliver(t, w)
	if n := len(fake.Sent("-100200")); n != 1 {
		t.Fatalf("%d sends to one group within a second, want 1", n)
	}
	// One a second until the group's 20 a minute are used up.
	for range 90 {
		clock.Advance(time.Second)
		deliver(t, w)
		if n := len(fake.Sent("-100200")); n > 20 && clock.Now().Sub(start) < time.Minute {
			t.Fatalf("%d sends to one group within %s", n, clock.Now().Sub(start))
		}
	}
	if n := len(fake.Sent("-100200")); n != 25 {
		t.Fatalf("%d of 25 sent after a minute and a half", n)
	}
	// Switched off, everything goes at once.
	w2, fake2, clock2 := setup(t)
	w2.NoLimits = true
	enqueue(t, w2, clock2.Now(), notify.Message{Channel: "telegram", ChatID: "-1", Payload: notify.Payload{Text: "a"}},
		notify.Message{Channel: "telegram", ChatID: "-1", Payload: notify.Payload{Text: "b"}})
	deliver(t, w2)
	deliver(t, w2)
	if n := len(fake2.Sent("-1")); n != 2 {
		t.Fatalf("without limits %d of 2 sent at once", n)
	}
}

// TestShutdownRecordsTheSendsAlreadyOut: heed stops (its context ends) while
// a send is out; the platform delivers it; the worker records it rather than
// leave it pending, so the next heed does not send it again.
func TestShutdownRecordsTheSendsAlreadyOut(t *testing.T) {
	w, fake, clock := setup(t)
	w.NoLimits = true
	fake.Fail("sendMessage", telegramfake.Failure{Slow: 600 * time.Millisecond})
	enqueue(t, w, clock.Now(),
		notify.Message{Channel: "telegram", ChatID: "31", Payload: notify.Payload{Text: "您的投诉已登记"}},
		notify.Message{Channel: "telegram", ChatID: "31", Payload: notify.Payload{Text: "请问您所在的小区是？"}})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { n, _ := w.DeliverDue(ctx); done <- n }()
	for deadline := time.Now().Add(10 * time.Second); len(fake.Calls("sendMessage")) == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first send never went out")
		}
	}
	stop() // while Telegram takes its time to answer
	if n := <-done; n != 1 {
		t.Fatalf("handled %d rows after the shutdown began, want the 1 that was out", n)
	}
	var state string
	w.DB.Get(&state, `SELECT state FROM outbox ORDER BY id LIMIT 1`)
	if state != "sent" {
		t.Fatalf("the send that went out during shutdown is %q", state)
	}
	// The next heed sends only what was left.
	deliverAll(t, w)
	if got := fake.Sent("31"); len(got) != 2 || got[0].Params["text"] == got[1].Params["text"] {
		t.Fatalf("after the restart chat 31 got %d messages: %v", len(got), got)
	}
}
