package console

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/heedhq/heed/bots/telegram/telegramfake"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify"
)

// 星河湾's residents' group on Telegram (examples/heed.yaml).
const xinghewanGroup = "-1001234500101"

// signedIn is a browser signed in as the person of a Telegram chat.
func (d *testDesk) signedIn(who, chat string) *browser {
	d.t.Helper()
	b := d.browser()
	b.signIn(who, chat)
	return b
}

var bulletinPath = regexp.MustCompile(`^/desk/bulletins/(\d+)$`)

// TestBulletinPage: a specialist composes a bulletin at the desk; it is
// posted as them, to 星河湾's group, and its page follows the delivery
// until the group has it; a target left uncertain goes again only when the
// specialist presses resend. A department manager may not post or resend
// one, even by a crafted POST; a refused bulletin keeps what was typed.
func TestBulletinPage(t *testing.T) {
	d := newDesk(t)
	spec := d.signedIn(specialistID, specialistTG)
	p := spec.get("/desk/bulletins")
	if p.status != http.StatusOK || !strings.Contains(p.body, "发布公告") || !strings.Contains(p.body, `value="xinghewan"`) ||
		!strings.Contains(p.body, "还没有公告") {
		t.Fatalf("the bulletins page: %d\n%s", p.status, p.body)
	}
	key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(p.body)
	if key == nil {
		t.Fatal("the compose form carries no idempotency key")
	}

	// Refused: no community. What was typed stays.
	r := spec.post("/desk/bulletins", "/desk/bulletins", url.Values{"key": {key[1]}, "title": {"停水通知"}, "body": {"明天 9:00 停水 <script>x</script>"}})
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "公告没有发出") || !strings.Contains(r.body, "no community") ||
		!strings.Contains(r.body, "明天 9:00 停水 &lt;script&gt;x&lt;/script&gt;") {
		t.Fatalf("a bulletin without a community: %d\n%s", r.status, r.body)
	}

	form := url.Values{"key": {key[1]}, "title": {"停水通知 <b>3栋</b>"}, "body": {"11月26日 9:00–12:00 3 栋停水检修，请提前储水。"}, "community": {"xinghewan"}}
	r = spec.post("/desk/bulletins", "/desk/bulletins", form)
	m := bulletinPath.FindStringSubmatch(r.location)
	if r.status != http.StatusSeeOther || m == nil {
		t.Fatalf("posting: %d → %q\n%s", r.status, r.location, r.body)
	}
	// The same form pressed twice posts once.
	if again := spec.post("/desk/bulletins", "/desk/bulletins", form); again.location != r.location {
		t.Fatalf("the second press went to %q, the first to %q", again.location, r.location)
	}
	page := spec.get(r.location)
	for _, want := range []string{"公告 " + m[1], "停水通知 &lt;b&gt;3栋&lt;/b&gt;", "3 栋停水检修", "星河湾", "待发送", "周敏"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the bulletin's page lacks %q before delivery", want)
		}
	}
	if strings.Contains(page.body, "<b>3栋</b>") {
		t.Error("the title's markup reached the page")
	}

	d.deliver()
	sent := d.tg.Sent(xinghewanGroup)
	if len(sent) != 1 || !strings.Contains(sent[0].Params["text"], "【公告】停水通知 <b>3栋</b>") {
		t.Fatalf("星河湾's group got %+v", sent)
	}
	frag := spec.do("GET", r.location+"/fragment", nil)
	if frag.status != http.StatusOK || !strings.Contains(frag.body, "<strong>1</strong> / 1 已送达") || !strings.Contains(frag.body, "state-sent") ||
		strings.Contains(frag.body, "<html") {
		t.Fatalf("the progress after delivery: %d\n%s", frag.status, frag.body)
	}
	list := spec.get("/desk/bulletins")
	if !strings.Contains(list.body, `href="/desk/bulletins/`+m[1]+`"`) || !strings.Contains(list.body, "1 / 1") {
		t.Errorf("the list does not show the bulletin delivered:\n%s", list.body)
	}
	// Resending when nothing is uncertain says so and sends nothing.
	rs := spec.post(r.location, r.location+"/resend", nil)
	if rs.status != http.StatusSeeOther || !strings.Contains(spec.get(rs.location).body, "没有结果不明的发送") {
		t.Fatalf("resend with nothing uncertain: %d → %q", rs.status, rs.location)
	}
	d.deliver()
	if n := len(d.tg.Sent(xinghewanGroup)); n != 1 {
		t.Fatalf("the group got the bulletin %d times", n)
	}

	// A second bulletin whose send was out when heed stopped (as the
	// outbox leaves it): uncertain, resent only when the specialist says.
	second := spec.post("/desk/bulletins", "/desk/bulletins", url.Values{"key": {"second"}, "body": {"电梯年检"}, "community": {"xinghewan"}})
	if _, err := d.svc.DB().Exec(`UPDATE outbox SET state = 'uncertain', last_error = 'outcome unknown: heed stopped during the send' WHERE state = 'pending'`); err != nil {
		t.Fatal(err)
	}
	up := spec.get(second.location)
	if !strings.Contains(up.body, "重发结果不明的 1 处") || !strings.Contains(up.body, "state-uncertain") || !strings.Contains(up.body, "outcome unknown") {
		t.Fatalf("an uncertain target's page:\n%s", up.body)
	}
	d.deliver()
	if n := len(d.tg.Sent(xinghewanGroup)); n != 1 {
		t.Fatalf("an uncertain target was sent by itself (%d messages)", n)
	}
	rs = spec.post(second.location, second.location+"/resend", nil)
	if !strings.Contains(spec.get(rs.location).body, "已重新排队发送 1 处") {
		t.Fatalf("resending the uncertain: %q", rs.location)
	}
	d.deliver()
	if sent := d.tg.Sent(xinghewanGroup); len(sent) != 2 || !strings.Contains(sent[1].Params["text"], "电梯年检") {
		t.Fatalf("after the resend the group has %+v", sent)
	}

	// A department manager: no page, no post, no resend.
	mgr := d.signedIn(engManagerID, engManagerTG)
	if reg := mgr.get("/desk/register"); strings.Contains(reg.body, `href="/desk/bulletins"`) || strings.Contains(reg.body, `href="/desk/deadletters"`) {
		t.Error("a manager's menu offers the complaint desk's pages")
	}
	if reg := spec.get("/desk/register"); !strings.Contains(reg.body, `href="/desk/bulletins"`) || !strings.Contains(reg.body, `href="/desk/reports"`) {
		t.Error("the specialist's menu lacks the bulletins and reports")
	}
	if p := mgr.get("/desk/bulletins"); p.status != http.StatusForbidden {
		t.Errorf("a manager opens the bulletins: %d", p.status)
	}
	if p := mgr.get(r.location); p.status != http.StatusForbidden {
		t.Errorf("a manager follows a bulletin: %d", p.status)
	}
	crafted := url.Values{"key": {"crafted"}, "body": {"经理发的公告"}, "community": {"xinghewan"}}
	if p := mgr.post("/desk/register", "/desk/bulletins", crafted); p.status != http.StatusForbidden {
		t.Errorf("a manager's crafted POST: %d", p.status)
	}
	if p := mgr.post("/desk/register", r.location+"/resend", nil); p.status != http.StatusForbidden {
		t.Errorf("a manager's resend: %d", p.status)
	}
	list = spec.get("/desk/bulletins")
	if strings.Contains(list.body, "经理发的公告") || strings.Count(list.body, `href="/desk/bulletins/`) != 2 {
		t.Errorf("the manager's bulletin was posted:\n%s", list.body)
	}
	d.deliver()
	if n := len(d.tg.Sent(xinghewanGroup)); n != 2 {
		t.Fatalf("the group got %d messages", n)
	}
}

// TestSurveyPage: the quality representative's standing (here the general
// manager's) starts the annual survey for 星河湾 at the desk; the owner who
// complained there is asked, answers, and the survey's page shows the
// figures and the owner's opinion as text, the phone in it masked.
func TestSurveyPage(t *testing.T) {
	d := newDesk(t)
	eng, err := conversation.New(d.svc)
	if err != nil {
		t.Fatal(err)
	}
	d.c.SetSurveys(eng)
	ctx := context.Background()
	seq := 0
	say := func(in conversation.Inbound) string {
		t.Helper()
		seq++
		in.Channel, in.ChatID, in.UserID, in.MessageID = cases.ChannelTelegram, "7001", "7001", fmt.Sprintf("7001-%d", seq)
		if in.Kind == "" {
			in.Kind = conversation.KindText
		}
		res, err := eng.Handle(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range res.Replies {
			out = append(out, r.Text)
		}
		return strings.Join(out, "\n")
	}
	say(conversation.Inbound{Text: "你好"})
	if _, err := d.svc.Create(ctx, cases.Actor{Kind: cases.ActorOwner, ID: "telegram:7001", Channel: cases.ChannelTelegram},
		cases.NewCase{Channel: cases.ChannelTelegram, OwnerRef: "telegram:7001", Community: "xinghewan", Unit: "5栋101",
			Content: "楼道灯坏了", Category: "facilities"}); err != nil {
		t.Fatal(err)
	}

	gm := d.signedIn(gmID, gmTG)
	p := gm.get("/desk/surveys")
	if p.status != http.StatusOK || !strings.Contains(p.body, "2026 年度业主满意度调查") || !strings.Contains(p.body, "还没有发起过问卷") {
		t.Fatalf("the surveys page: %d\n%s", p.status, p.body)
	}
	bad := gm.post("/desk/surveys", "/desk/surveys", url.Values{"survey": {"annual-2026"}, "community": {"xinghewan"}, "closes_in": {"soon"}})
	if bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "问卷没有发出") || !strings.Contains(bad.body, "closes_in") ||
		!strings.Contains(bad.body, `value="soon"`) {
		t.Fatalf("an unreadable span: %d\n%s", bad.status, bad.body)
	}
	// A manager may not start one, even by a crafted POST.
	mgr := d.signedIn(engManagerID, engManagerTG)
	start := url.Values{"survey": {"annual-2026"}, "community": {"xinghewan"}, "closes_in": {"7d"}}
	if r := mgr.post("/desk/register", "/desk/surveys", start); r.status != http.StatusForbidden {
		t.Fatalf("a manager's crafted start: %d", r.status)
	}
	if r := mgr.get("/desk/surveys"); r.status != http.StatusForbidden {
		t.Errorf("a manager reads the surveys: %d", r.status)
	}
	if runs, _ := eng.SurveyRuns(ctx, 10); len(runs) != 0 {
		t.Fatalf("a refused start opened %d runs", len(runs))
	}

	r := gm.post("/desk/surveys", "/desk/surveys", start)
	m := regexp.MustCompile(`^/desk/surveys/(\d+)\?started=1$`).FindStringSubmatch(r.location)
	if r.status != http.StatusSeeOther || m == nil {
		t.Fatalf("starting: %d → %q\n%s", r.status, r.location, r.body)
	}
	if again := gm.post("/desk/surveys", "/desk/surveys", start); !strings.HasSuffix(again.location, "?existing=1") {
		t.Fatalf("starting it again: %q", again.location)
	}
	sv := func(q, v string) conversation.Inbound {
		return conversation.Inbound{Kind: conversation.KindButton, Button: fmt.Sprintf("sv:%s:%s:%s", m[1], q, v)}
	}
	for _, q := range []string{"overall", "repair", "security", "cleaning", "service"} {
		say(sv(q, "4"))
	}
	say(sv("priority", "1"))
	if got := say(conversation.Inbound{Text: `<script>alert("owner")</script> 电梯太慢，请回电 13812345678`}); !strings.Contains(got, "问卷完成") {
		t.Fatalf("the last answer: %q", got)
	}

	page := gm.get(r.location)
	for _, want := range []string{"问卷已发出", "2026 年度业主满意度调查 · 星河湾", "<strong>1</strong> 已发出", "<strong>1</strong> 已回收 (100.0%)",
		"<strong>4.00</strong>", "工程维修", "&lt;script&gt;alert(&#34;owner&#34;)&lt;/script&gt; 电梯太慢，请回电 138****5678", "刘建国"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the survey's page lacks %q", want)
		}
	}
	if strings.Contains(page.body, "<script>alert") || strings.Contains(page.body, "13812345678") {
		t.Error("the survey's page holds the owner's script or whole phone")
	}
	if list := gm.get("/desk/surveys"); !strings.Contains(list.body, `href="/desk/surveys/`+m[1]+`"`) || !strings.Contains(list.body, "进行中") {
		t.Errorf("the list lacks the open run:\n%s", list.body)
	}
}

// TestReportsPage: the analysis of a chosen period, served at the desk as
// heed report writes it, and the register of that period to download,
// phones as the reader may see them. A manager reads neither.
func TestReportsPage(t *testing.T) {
	w := newDeskWorld(t)
	spec := w.signedIn(specialistID, specialistTG)
	p := spec.get("/desk/reports")
	if p.status != http.StatusOK || !strings.Contains(p.body, "2026-Q4 的分析与登记簿") || !strings.Contains(p.body, "2026-10-01 – 2026-12-31") {
		t.Fatalf("the reports page, by default this quarter: %d\n%s", p.status, p.body)
	}
	p = spec.get("/desk/reports?from=2026-11-01&to=2026-11-30")
	if p.status != http.StatusOK || !strings.Contains(p.body, "2026-11 的分析与登记簿") ||
		!strings.Contains(p.body, `href="/desk/register/export?format=csv&amp;from=2026-11-01&amp;to=2026-11-30"`) ||
		!strings.Contains(p.body, `href="/desk/reports/analysis?period=2026-11"`) {
		t.Fatalf("November by its dates:\n%s", p.body)
	}
	if bad := spec.get("/desk/reports?period=<script>"); bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "看不懂这个时期") ||
		strings.Contains(bad.body, "<script>") {
		t.Errorf("an unreadable period: %d\n%s", bad.status, bad.body)
	}

	a := spec.get("/desk/reports/analysis?period=2026-11")
	if a.status != http.StatusOK || !strings.Contains(a.body, "<!DOCTYPE html>") || !strings.Contains(a.body, "2026") ||
		!strings.Contains(a.header.Get("Content-Security-Policy"), "sandbox") || strings.Contains(a.body, "<script>alert") {
		t.Fatalf("the analysis: %d %v\n%.400s", a.status, a.header, a.body)
	}
	if en := spec.get("/desk/reports/analysis?period=2026-11&lang=en"); en.header.Get("Content-Language") != "en" {
		t.Errorf("the analysis in English: %q", en.header.Get("Content-Language"))
	}
	if a := spec.get("/desk/reports/analysis?period=2026-13"); a.status != http.StatusBadRequest {
		t.Errorf("the analysis of 2026-13: %d", a.status)
	}

	csvOf := func(b *browser, path string) [][]string {
		t.Helper()
		res := b.get(path)
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.body, "\uFEFF"))).ReadAll()
		if err != nil || res.status != http.StatusOK {
			t.Fatalf("%s: %d %v", path, res.status, err)
		}
		return recs
	}
	nov := csvOf(spec, "/desk/register/export?format=csv&from=2026-11-01&to=2026-11-30")
	if len(nov) != 4 || !strings.Contains(fmt.Sprint(nov), "13812345678") {
		t.Errorf("November's register for the specialist: %q", nov)
	}
	if oct := csvOf(spec, "/desk/register/export?format=csv&from=2026-10-01&to=2026-10-31"); len(oct) != 1 {
		t.Errorf("October's register: %q", oct)
	}
	gm := w.signedIn(gmID, gmTG)
	if nov := csvOf(gm, "/desk/register/export?format=csv&from=2026-11-01&to=2026-11-30"); strings.Contains(fmt.Sprint(nov), "13812345678") ||
		!strings.Contains(fmt.Sprint(nov), "138****5678") {
		t.Errorf("the general manager's register shows whole phones: %q", nov)
	}

	mgr := w.signedIn(engManagerID, engManagerTG)
	for _, path := range []string{"/desk/reports", "/desk/reports/analysis?period=2026-11"} {
		if p := mgr.get(path); p.status != http.StatusForbidden {
			t.Errorf("a manager reads %s: %d", path, p.status)
		}
	}
}

// TestDeadLetterPage: a message Telegram refused for good is listed — the
// owner's chat masked, the reason as text, no body — and retried by a
// press, after which it goes out. A manager's crafted retry is refused.
func TestDeadLetterPage(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	tx, err := d.svc.DB().BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := notify.EnqueueIDs(ctx, tx, d.clock.Now(), notify.Message{Channel: "telegram", ChatID: "7009123", CaseSerial: "TS-2026-000042",
		Payload: notify.Payload{Text: "您的投诉已受理：私密内容"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	d.tg.FailChat("sendMessage", "7009123", telegramfake.Failure{Status: 400, Desc: `Bad Request: <script>alert("x")</script> chat 13812345678 not found`})
	d.deliver()

	spec := d.signedIn(specialistID, specialistTG)
	p := spec.get("/desk/deadletters")
	row := fmt.Sprintf("<th scope=\"row\">%d</th>", ids[0])
	if p.status != http.StatusOK || !strings.Contains(p.body, row) {
		t.Fatalf("the dead letters: %d\n%s", p.status, p.body)
	}
	for _, want := range []string{"70****23", "TS-2026-000042", "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "138****5678"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the dead letters lack %q", want)
		}
	}
	for _, bad := range []string{"7009123", "私密内容", "<script>alert", "13812345678"} {
		if strings.Contains(p.body, bad) {
			t.Errorf("the dead letters show %q", bad)
		}
	}

	retry := fmt.Sprintf("/desk/deadletters/%d/retry", ids[0])
	mgr := d.signedIn(engManagerID, engManagerTG)
	if r := mgr.post("/desk/register", retry, nil); r.status != http.StatusForbidden {
		t.Fatalf("a manager's crafted retry: %d", r.status)
	}
	if r := mgr.get("/desk/deadletters"); r.status != http.StatusForbidden {
		t.Errorf("a manager reads the dead letters: %d", r.status)
	}
	if !strings.Contains(spec.get("/desk/deadletters").body, row) {
		t.Fatal("the manager's retry took the dead letter off the list")
	}

	tried := len(d.tg.Sent("7009123")) // the refused try is on the fake's record
	r := spec.post("/desk/deadletters", retry, nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("retry: %d\n%s", r.status, r.body)
	}
	after := spec.get(r.location)
	if strings.Contains(after.body, row) || !strings.Contains(after.body, fmt.Sprintf("消息 %d 已重新排队发送", ids[0])) {
		t.Errorf("after the retry:\n%s", after.body)
	}
	d.deliver()
	if sent := d.tg.Sent("7009123"); len(sent) != tried+1 || sent[tried].Params["text"] != "您的投诉已受理：私密内容" {
		t.Errorf("the retried message: %+v", sent)
	}
	if again := spec.post("/desk/deadletters", retry, nil); again.status != http.StatusNotFound {
		t.Errorf("retrying what is no longer dead: %d", again.status)
	}
}
