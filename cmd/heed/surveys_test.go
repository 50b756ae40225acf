package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/telegram/telegramfake"
	"github.com/heedhq/heed/bots/wechat/wechatfake"
	"github.com/heedhq/heed/cases/casestest"
)

// TestSurveyThroughServeOnTelegramAndWeChat runs the example's annual
// survey for 星河湾 through heed serve: one owner answers with Telegram
// buttons, one with numbered WeChat replies and free text; an opted-out
// owner and an owner of 翠湖苑 get nothing; a retried start sends nothing
// again; closing posts the summary to the specialists' group once.
func TestSurveyThroughServeOnTelegramAndWeChat(t *testing.T) {
	tg := telegramfake.New(t, tgToken)
	wx := wechatfake.New(t, wxAppID, wxSecret)
	h := startHeedOn(t, casestest.URL(t), map[string]string{"HEED_TELEGRAM_TOKEN": tgToken,
		"HEED_TELEGRAM_WEBHOOK_SECRET": tgSecret, "HEED_TELEGRAM_API_URL": tg.URL,
		"HEED_WECHAT_APP_ID": wxAppID, "HEED_WECHAT_APP_SECRET": wxSecret, "HEED_WECHAT_TOKEN": wxToken,
		"HEED_WECHAT_AES_KEY": wxAESKey, "HEED_WECHAT_API_URL": wx.URL})
	lives := func(ref, community string) {
		t.Helper()
		if _, err := h.db.Exec(`INSERT INTO owner_profiles (owner_ref, community, updated_at) VALUES ($1, $2, now())
			ON CONFLICT (owner_ref) DO UPDATE SET community = EXCLUDED.community`, ref, community); err != nil {
			t.Fatal(err)
		}
	}
	// Four owners who have talked to heed.
	alice := &tgOwner{h: h, fake: tg, id: 5100001, lang: "zh-hans"}
	optedOut := &tgOwner{h: h, fake: tg, id: 5100002, lang: "zh-hans"}
	elsewhere := &tgOwner{h: h, fake: tg, id: 5100003, lang: "zh-hans"}
	for _, o := range []*tgOwner{alice, optedOut, elsewhere} {
		o.says(t, "你好")
	}
	optedOut.says(t, "退订")
	wxSay := wxSayer(t, h, wx)
	wxSay("你好")
	for _, o := range []*tgOwner{alice, optedOut} {
		lives(fmt.Sprintf("telegram:%d", o.id), "xinghewan")
	}
	lives("wechat:"+wxOwner, "xinghewan")
	lives(fmt.Sprintf("telegram:%d", elsewhere.id), "cuihuyuan")
	quiet := map[string]int{}
	for _, o := range []*tgOwner{optedOut, elsewhere} {
		quiet[fmt.Sprint(o.id)] = len(tg.Sent(fmt.Sprint(o.id)))
	}

	start := map[string]any{"actor": "qa.ma", "survey": "annual-2026", "community": "xinghewan", "closes_in": "7d"}
	if r := h.api("POST", "/api/v1/surveys", map[string]any{"actor": "eng.li", "survey": "annual-2026", "community": "xinghewan"}); r.status != 403 {
		t.Fatalf("a department manager started a survey: %d %s", r.status, r.raw)
	}
	if r := h.api("POST", "/api/v1/surveys", map[string]any{"actor": "qa.ma", "survey": "annual-2026", "community": "xinghewan", "closes_in": "soon"}); r.status != 400 || r.errField() != "closes_in" {
		t.Fatalf("bad closes_in: %d %s", r.status, r.raw)
	}
	r := h.api("POST", "/api/v1/surveys", start)
	if r.status != 201 || r.body["sent"] != float64(2) || r.body["skipped_opted_out"] != float64(1) || r.body["waiting"] != float64(0) {
		t.Fatalf("start: %d %s", r.status, r.raw)
	}
	id := int64(r.body["id"].(float64))
	if again := h.api("POST", "/api/v1/surveys", start); again.status != 200 || again.body["existing"] != true || again.body["id"] != r.body["id"] {
		t.Fatalf("retried start: %d %s", again.status, again.raw)
	}

	// Telegram: the first question arrives with 1–5 buttons; answer all by buttons, the suggestion as text.
	aliceChat := fmt.Sprint(alice.id)
	waitFor(t, "the survey on Telegram", func() bool {
		s := tg.Sent(aliceChat)
		return strings.Contains(s[len(s)-1].Params["text"], "1/7")
	})
	sv := func(q, v string) string { return fmt.Sprintf("sv:%d:%s:%s", id, q, v) }
	for i, a := range [][2]string{{"overall", "5"}, {"repair", "4"}, {"security", "4"}, {"cleaning", "3"}, {"service", "5"}, {"priority", "1"}} {
		got := alice.press(t, sv(a[0], a[1]))
		if want := fmt.Sprintf("%d/7", i+2); !strings.Contains(got[len(got)-1].Params["text"], want) {
			t.Fatalf("after %v heed said %q, want question %s", a, got[len(got)-1].Params["text"], want)
		}
	}
	if got := alice.says(t, "希望小区增加电动车充电桩"); !strings.Contains(got[len(got)-1].Params["text"], "问卷完成") {
		t.Fatalf("after the last answer %q", got[len(got)-1].Params["text"])
	}
	// WeChat: numbered replies ("回复 1 …") and free text.
	waitFor(t, "the survey on WeChat", func() bool {
		texts := wx.Texts(wxOwner)
		return strings.Contains(texts[len(texts)-1], "1/7")
	})
	for _, n := range []string{"4", "3", "5", "4", "4"} {
		wxSay(n)
	}
	if got := wxSay("2"); !strings.Contains(got, "7/7") {
		t.Fatalf("after the choice %q", got)
	}
	if got := wxSay("物业费太贵，电梯维修太慢"); !strings.Contains(got, "问卷完成") {
		t.Fatalf("WeChat last answer %q", got)
	}
	for chat, n := range quiet {
		if got := len(tg.Sent(chat)); got != n {
			t.Fatalf("owner %s got %d messages after the survey started", chat, got-n)
		}
	}

	sum := h.api("GET", fmt.Sprintf("/api/v1/surveys/%d", id), nil)
	if sum.status != 200 || sum.body["recipients"] != float64(2) || sum.body["responses"] != float64(2) || sum.body["response_rate"] != float64(100) {
		t.Fatalf("summary: %d %s", sum.status, sum.raw)
	}
	qs := sum.body["questions"].([]any)
	overall := qs[0].(map[string]any)
	texts := qs[6].(map[string]any)["texts"].([]any)
	if overall["average"] != 4.5 || len(texts) != 2 {
		t.Fatalf("questions %s", sum.raw)
	}

	publish := fmt.Sprintf("/api/v1/surveys/%d/publish", id)
	if r := h.api("POST", publish, map[string]any{"actor": "qa.ma"}); r.status != 409 {
		t.Fatalf("publishing an open survey: %d %s", r.status, r.raw)
	}
	before := len(tg.Sent(specGroup))
	cl := h.api("POST", fmt.Sprintf("/api/v1/surveys/%d/close", id), map[string]any{"actor": "qa.ma"})
	if cl.status != 200 || cl.body["closed_now"] != true {
		t.Fatalf("close: %d %s", cl.status, cl.raw)
	}
	posted := tg.WaitSent(t, specGroup, before+1)[before].Params["text"]
	for _, want := range []string{"【问卷结果】2026 年度业主满意度调查 · 星河湾", "发出 2 份，回收 2 份（回收率 100.0%，按已发出计）",
		"均分 4.50", "工程维修 1，秩序维护 1", "· 希望小区增加电动车充电桩", "· 物业费太贵，电梯维修太慢"} {
		if !strings.Contains(posted, want) {
			t.Errorf("summary lacks %q:\n%s", want, posted)
		}
	}
	if again := h.api("POST", fmt.Sprintf("/api/v1/surveys/%d/close", id), map[string]any{"actor": "qa.ma"}); again.body["closed_now"] != false {
		t.Fatalf("second close: %s", again.raw)
	}
	// The first question's button, pressed again after the close.
	update := map[string]any{"update_id": updateSeq.Add(1), "callback_query": map[string]any{
		"id": fmt.Sprint(updateSeq.Add(1)), "from": alice.from(), "chat_instance": "ci", "data": sv("overall", "5"),
		"message": map[string]any{"message_id": 1, "date": 1764000000, "chat": alice.chat(), "text": "1/7"}}}
	if got := alice.send(t, update); !strings.Contains(got[len(got)-1].Params["text"], "问卷已经结束") {
		t.Fatalf("answer after close %q", got[len(got)-1].Params["text"])
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(tg.Sent(specGroup)) - before; n != 1 {
		t.Fatalf("summary posted %d times", n)
	}
	if l := h.api("GET", "/api/v1/surveys", nil); !strings.Contains(l.raw, `"title":"2026 年度业主满意度调查"`) || !strings.Contains(l.raw, `"closed_at":"`) {
		t.Fatalf("list: %s", l.raw)
	}
	if r := h.api("GET", "/api/v1/surveys/999999", nil); r.status != 404 {
		t.Fatalf("unknown survey run: %d", r.status)
	}

	// The results go to the community's owners (004 §7.1.8): the figures,
	// not the opinions; publishing again posts nothing new.
	if r := h.api("POST", publish, map[string]any{"actor": "eng.li"}); r.status != 403 {
		t.Fatalf("a department manager published: %d %s", r.status, r.raw)
	}
	pub := h.api("POST", publish, map[string]any{"actor": "qa.ma"})
	if pub.status != 201 {
		t.Fatalf("publish: %d %s", pub.status, pub.raw)
	}
	const xhwGroup = "-1001234500101" // 星河湾's residential group
	notice := tg.WaitSent(t, xhwGroup, 1)[0].Params["text"]
	for _, want := range []string{"问卷调查结果", "2026 年度业主满意度调查 · 星河湾", "回收率 100.0%", "均分 4.50", "收到 2 条意见", "感谢各位业主参与"} {
		if !strings.Contains(notice, want) {
			t.Errorf("the owners' notice lacks %q:\n%s", want, notice)
		}
	}
	if strings.Contains(notice, "充电桩") || strings.Contains(notice, "/api/v1") {
		t.Errorf("the owners' notice quotes an opinion or the API:\n%s", notice)
	}
	if again := h.api("POST", publish, map[string]any{"actor": "qa.ma"}); again.status != 201 || again.body["bulletin"] != pub.body["bulletin"] {
		t.Fatalf("publishing again: %d %s (first %s)", again.status, again.raw, pub.raw)
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(tg.Sent(xhwGroup)); n != 1 {
		t.Fatalf("the group got the results %d times", n)
	}
}

// TestSurveyClosesOnceWithSeveralServers: a survey whose time is up is
// closed by whichever of three heed serve sweeps first; the specialists'
// group gets its summary once.
func TestSurveyClosesOnceWithSeveralServers(t *testing.T) {
	dsn := casestest.URL(t)
	tg := telegramfake.New(t, tgToken)
	env := map[string]string{"HEED_TELEGRAM_TOKEN": tgToken, "HEED_TELEGRAM_WEBHOOK_SECRET": tgSecret, "HEED_TELEGRAM_API_URL": tg.URL}
	h := startHeedOn(t, dsn, env)
	o := &tgOwner{h: h, fake: tg, id: 5200001, lang: "zh-hans"}
	o.says(t, "你好")
	h.db.Exec(`INSERT INTO owner_profiles (owner_ref, community, updated_at) VALUES ($1, 'cuihuyuan', now())`, fmt.Sprintf("telegram:%d", o.id))
	r := h.api("POST", "/api/v1/surveys", map[string]any{"actor": "cs.zhoumin", "survey": "annual-2026", "community": "cuihuyuan",
		"closes_at": time.Now().AddDate(0, 0, 30).Format("2006-01-02")})
	if r.status != 201 || r.body["sent"] != float64(1) {
		t.Fatalf("start: %d %s", r.status, r.raw)
	}
	tg.WaitSent(t, fmt.Sprint(o.id), 2) // the welcome, then the survey
	o.press(t, fmt.Sprintf("sv:%v:overall:2", r.body["id"]))
	// Its time is up; two more servers start (each sweeps at once) while the first is running.
	if _, err := h.db.Exec(`UPDATE survey_runs SET closes_at = now() - interval '1 minute'`); err != nil {
		t.Fatal(err)
	}
	before := len(tg.Sent(specGroup))
	done := make(chan struct{})
	for range 2 {
		go func() { startHeedOn(t, dsn, env); done <- struct{}{} }()
	}
	<-done
	<-done
	waitFor(t, "the summary", func() bool { return len(tg.Sent(specGroup)) > before })
	time.Sleep(time.Second)
	sent := tg.Sent(specGroup)[before:]
	if len(sent) != 1 || !strings.Contains(sent[0].Params["text"], "翠湖苑") || !strings.Contains(sent[0].Params["text"], "均分 2.00（1 人作答") {
		t.Fatalf("%d summaries: %v", len(sent), sent)
	}
	var closedAt, postedAt *time.Time
	h.db.QueryRow(`SELECT closed_at, summary_posted_at FROM survey_runs`).Scan(&closedAt, &postedAt)
	if closedAt == nil || postedAt == nil {
		t.Fatal("run not marked closed and posted")
	}
}
