package desk_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/notify"
	"github.com/heedhq/heed/notify/desk"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// manualCase is a phone complaint of the example company with manual
// dispatch, received an ordinary Wednesday morning, and the desk for
// platform.
func manualCase(t *testing.T, platform, content string) (*cases.Service, *desk.Desk, *cases.Case) {
	t.Helper()
	cfg := casestest.Config(t)
	cfg.Rules.Dispatch = "manual"
	svc, _ := casestest.ServiceWith(t, casestest.NewClock(time.Date(2026, 11, 18, 10, 0, 0, 0, shanghai)), cfg)
	d := newDesk(t, svc, platform)
	c, err := svc.Create(context.Background(), cases.Actor{Kind: cases.ActorStaff, ID: "front.xu", Channel: cases.ChannelPhone},
		cases.NewCase{Channel: cases.ChannelPhone, CustomerName: "王女士", Content: content, Category: "repair"})
	if err != nil {
		t.Fatal(err)
	}
	return svc, d, c
}

// newDesk is the desk of svc for platforms with its hooks registered, as
// heed serve registers them.
func newDesk(t testing.TB, svc *cases.Service, platforms ...string) *desk.Desk {
	t.Helper()
	d, err := desk.New(svc, platforms...)
	if err != nil {
		t.Fatal(err)
	}
	svc.OnChange(d.Cards)
	svc.OnChange(d.PathCards)
	svc.OnChange(d.MajorFromTheStart)
	return d
}

type queued struct {
	Chat  string
	Title string
	Kind  string
}

// cardsQueued lists the cards waiting in the outbox.
func cardsQueued(t *testing.T, svc *cases.Service) []queued {
	t.Helper()
	var rows []struct {
		Chat    string `db:"chat_id"`
		Payload []byte `db:"payload"`
	}
	if err := svc.DB().Select(&rows, `SELECT chat_id, payload FROM outbox WHERE kind = 'card' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	var out []queued
	for _, r := range rows {
		var p notify.Payload
		json.Unmarshal(r.Payload, &p)
		out = append(out, queued{Chat: r.Chat, Title: p.Card.Title, Kind: p.Card.Kind})
	}
	return out
}

func escalations(t *testing.T, svc *cases.Service, step string) []queued {
	var out []queued
	for _, q := range cardsQueued(t, svc) {
		if strings.HasPrefix(q.Kind, "escalation:"+step+":") {
			out = append(out, q)
		}
	}
	return out
}

// TestEscalationAtTheWorkingTimeInstant: a complaint received on Friday at
// 17:30 before a Monday holiday must be answered within 3 working days, so
// the reply deadline falls on Thursday 17:30 and the escalation to the
// general manager goes out then, not a minute before.
func TestEscalationAtTheWorkingTimeInstant(t *testing.T) {
	cfg := casestest.Config(t)
	cfg.Calendar.Holidays = []string{"2026-11-23"} // Monday
	cfg.Calendar.Workdays = nil
	friday := time.Date(2026, 11, 20, 17, 30, 0, 0, shanghai)
	clock := casestest.NewClock(friday)
	svc, _ := casestest.ServiceWith(t, clock, cfg)
	newDesk(t, svc, "telegram")
	ctx := context.Background()
	c, err := svc.Create(ctx, cases.Actor{Kind: cases.ActorStaff, ID: "front.xu", Channel: cases.ChannelPhone},
		cases.NewCase{Channel: cases.ChannelPhone, CustomerName: "王女士", ContactPhone: "13812345678", Content: "楼上漏水", Category: "repair"})
	if err != nil {
		t.Fatal(err)
	}
	var reply time.Time
	for _, d := range c.Deadlines {
		if d.Step == cases.StepReply {
			reply = d.Due
		}
	}
	if want := time.Date(2026, 11, 26, 17, 30, 0, 0, shanghai); !reply.Equal(want) {
		t.Fatalf("reply due %s, want %s", reply, want)
	}
	clock.Set(time.Date(2026, 11, 26, 17, 29, 0, 0, shanghai))
	if _, err := svc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if e := escalations(t, svc, "reply"); len(e) != 0 {
		t.Fatalf("escalated a minute early: %v", e)
	}
	clock.Set(time.Date(2026, 11, 26, 17, 31, 0, 0, shanghai))
	if _, err := svc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	e := escalations(t, svc, "reply")
	if len(e) != 1 || e[0].Chat != "-1001234500011" || !strings.Contains(e[0].Title, "答复业主 已于 11-26 17:30 超时") {
		t.Fatalf("escalations = %+v, want one to the general manager's group", e)
	}
	// The department's missed measures deadline went to its own manager.
	m := escalations(t, svc, "measures")
	if len(m) != 1 || m[0].Chat != "-1001234500001" {
		t.Fatalf("measures escalation = %+v", m)
	}
}

// severalServers stands for n heed serve on one fresh database of the
// example company: each with its own connection pool and team desk.
func severalServers(t *testing.T, n int, clock *casestest.Clock) ([]*cases.Service, []*desk.Desk) {
	t.Helper()
	cfg := casestest.Config(t)
	url := casestest.URL(t)
	var svcs []*cases.Service
	var desks []*desk.Desk
	for range n {
		db, err := cases.Open(url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		svc, err := cases.NewService(db, cfg, clock.Now)
		if err != nil {
			t.Fatal(err)
		}
		svcs = append(svcs, svc)
		desks = append(desks, newDesk(t, svc, "telegram"))
	}
	return svcs, desks
}

// TestSeveralSweepersEscalateOnce stands for several heed serve on one
// database: each has its own connections and they sweep at the same moment.
func TestSeveralSweepersEscalateOnce(t *testing.T) {
	clock := casestest.NewClock(time.Date(2026, 11, 18, 10, 0, 0, 0, shanghai))
	svcs, _ := severalServers(t, 3, clock)
	ctx := context.Background()
	for range 5 {
		if _, err := svcs[0].Create(ctx, cases.Actor{Kind: cases.ActorStaff, ID: "front.xu", Channel: cases.ChannelPhone},
			cases.NewCase{Channel: cases.ChannelPhone, CustomerName: "业主", Content: "电梯坏了", Category: "facilities"}); err != nil {
			t.Fatal(err)
		}
	}
	sweepAll := func() {
		var wg sync.WaitGroup
		for _, svc := range svcs {
			for range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := svc.Sweep(ctx); err != nil {
						t.Error(err)
					}
				}()
			}
		}
		wg.Wait()
	}
	clock.Advance(7 * time.Hour) // past 80 % of the department's 8 h: reminders
	sweepAll()
	clock.Advance(90 * time.Minute) // past the 8 h: escalations
	sweepAll()
	counts := map[string]int{}
	for _, q := range cardsQueued(t, svcs[0]) {
		counts[strings.SplitN(q.Kind, ":", 2)[0]]++
	}
	if counts["escalation"] != 5 {
		t.Fatalf("%d escalation cards for 5 cases that each missed one deadline (%v)", counts["escalation"], counts)
	}
	if counts["reminder"] != 5 {
		t.Fatalf("%d reminders for 5 cases (%v)", counts["reminder"], counts)
	}
	var events int
	svcs[0].DB().Get(&events, `SELECT count(*) FROM case_events WHERE action = 'deadline_missed'`)
	if events != 5 {
		t.Fatalf("%d misses recorded, want 5", events)
	}
}

func TestQuarterlyReportIsPostedOnceAtTheQuarterStart(t *testing.T) {
	clock := casestest.NewClock(time.Date(2026, 9, 10, 10, 0, 0, 0, shanghai))
	svcs, desks := severalServers(t, 2, clock)
	ctx := context.Background()
	for _, cat := range []string{"repair", "repair", "noise"} {
		if _, err := svcs[0].Create(ctx, cases.Actor{Kind: cases.ActorStaff, ID: "front.xu"},
			cases.NewCase{Channel: cases.ChannelPhone, CustomerName: "业主", Content: "问题", Category: cat}); err != nil {
			t.Fatal(err)
		}
	}
	// Mid-quarter: nothing. On 1 October, the two servers post Q3 once.
	if posted, err := desks[0].PostQuarterlyReport(ctx); err != nil || posted {
		t.Fatalf("mid-quarter: posted=%v %v", posted, err)
	}
	clock.Set(time.Date(2026, 10, 1, 0, 5, 0, 0, shanghai))
	var wg sync.WaitGroup
	results := make([]bool, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			posted, err := desks[i%2].PostQuarterlyReport(ctx)
			if err != nil {
				t.Error(err)
			}
			results[i] = posted
		}()
	}
	wg.Wait()
	var texts []string
	if err := svcs[0].DB().Select(&texts, `SELECT payload->>'text' FROM outbox WHERE chat_id = '-1001234500010' AND kind = 'message'`); err != nil {
		t.Fatal(err)
	}
	if len(texts) != 1 || !strings.Contains(texts[0], "2026-Q3") || !strings.Contains(texts[0], "投诉 3 件") || !strings.Contains(texts[0], "工程维修 2") {
		t.Fatalf("quarterly posts %q (results %v)", texts, results)
	}
}

// cardsOf decodes the queued cards whose kind starts with prefix.
func cardsOf(t *testing.T, svc *cases.Service, prefix string) []notify.Card {
	t.Helper()
	var rows [][]byte
	if err := svc.DB().Select(&rows, `SELECT payload FROM outbox WHERE kind = 'card' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	var out []notify.Card
	for _, r := range rows {
		var p notify.Payload
		json.Unmarshal(r, &p)
		if strings.HasPrefix(p.Card.Kind, prefix) {
			out = append(out, *p.Card)
		}
	}
	return out
}

// TestReminderAndEscalationCardsCanBeActedOn: reminders and escalations
// carry the buttons of the step they are about, never show a passed
// deadline as the next one, and the clock's major complaint names the
// configured span.
func TestReminderAndEscalationCardsCanBeActedOn(t *testing.T) {
	cfg := casestest.Config(t)
	cfg.Clock.Major = "45d"
	start := time.Date(2026, 11, 18, 10, 0, 0, 0, shanghai) // a Wednesday
	clock := casestest.NewClock(start)
	svc, _ := casestest.ServiceWith(t, clock, cfg)
	newDesk(t, svc, "telegram")
	ctx := context.Background()
	c, err := svc.Create(ctx, cases.Actor{Kind: cases.ActorStaff, ID: "front.xu", Channel: cases.ChannelPhone},
		cases.NewCase{Channel: cases.ChannelPhone, CustomerName: "王女士", ContactPhone: "13812345678", Content: "楼道灯不亮", Category: "repair"})
	if err != nil {
		t.Fatal(err)
	}
	has := func(card notify.Card, data string) bool {
		for _, b := range card.Buttons {
			if b.Data == data {
				return true
			}
		}
		return false
	}
	clock.Advance(7 * time.Hour) // past 80 % of the department's 8 h
	if _, err := svc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	rem := cardsOf(t, svc, "reminder:")
	if len(rem) == 0 || !has(rem[0], desk.ActData("acknowledge", c.Serial)) {
		t.Fatalf("reminders %+v, want one the department can accept the case from", rem)
	}

	clock.Set(start.AddDate(0, 0, 46))
	if _, err := svc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	esc := cardsOf(t, svc, "escalation:")
	if len(esc) < 3 {
		t.Fatalf("%d escalation cards", len(esc))
	}
	var major bool
	for _, card := range esc {
		if len(card.Buttons) == 0 {
			t.Errorf("escalation %q has no buttons", card.Title)
		}
		if strings.Contains(card.Title, "【重大投诉】") {
			major = true
			if !strings.Contains(card.Title, "45天") || strings.Contains(card.Title, "一个月") {
				t.Errorf("major by the clock titled %q, want the configured 45 days", card.Title)
			}
		}
		for _, f := range card.Fields {
			if f.Label != "下一时限" {
				continue
			}
			v := f.Value[strings.LastIndex(f.Value, " ")-5:]
			due, err := time.ParseInLocation("2006-01-02 15:04", "2026-"+v, shanghai)
			if err != nil || due.Before(clock.Now()) {
				t.Errorf("%q shows a next deadline %q that has passed", card.Title, f.Value)
			}
		}
	}
	if !major {
		t.Fatalf("no major escalation among %d cards", len(esc))
	}
}
