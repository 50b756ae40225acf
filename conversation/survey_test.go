package conversation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify"
)

// testSurvey is a short questionnaire whose figures the tests can check.
var testSurvey = config.Survey{ID: "test-2026", Title: "2026 年度业主满意度调查", Intro: "感谢您抽空参加。",
	Questions: []config.SurveyQuestion{
		{ID: "overall", Kind: config.QuestionScale, Text: "您对物业服务总体满意吗？"},
		{ID: "priority", Kind: config.QuestionChoice, Text: "明年最希望改进哪方面？", Options: []string{"工程维修", "秩序维护", "环境卫生"}},
		{ID: "suggestions", Kind: config.QuestionText, Text: "您还有什么意见或建议？"},
	}}

// owner talks to the engine on any channel.
type owner struct {
	t       *testing.T
	eng     *conversation.Engine
	channel cases.Channel
	user    string
	seq     int
	last    conversation.Result
}

func (o *owner) ref() string { return string(o.channel) + ":" + o.user }

func (o *owner) send(in conversation.Inbound) string {
	o.t.Helper()
	o.seq++
	in.Channel, in.ChatID, in.UserID = o.channel, o.user, o.user
	in.MessageID = fmt.Sprintf("%s-%d", o.user, o.seq)
	if in.Kind == "" {
		in.Kind = conversation.KindText
	}
	res, err := o.eng.Handle(context.Background(), in)
	if err != nil {
		o.t.Fatalf("%s: handle %q: %v", o.user, in.Text, err)
	}
	o.last = res
	var texts []string
	for _, r := range res.Replies {
		texts = append(texts, r.Text)
	}
	return strings.Join(texts, "\n")
}

func (o *owner) say(text string) string { return o.send(conversation.Inbound{Text: text}) }

func (o *owner) press(data string) string {
	return o.send(conversation.Inbound{Kind: conversation.KindButton, Button: data})
}

// lives says the owner lives in community (what an intake remembers).
func lives(t *testing.T, db *sqlx.DB, o *owner, community string) {
	t.Helper()
	if _, err := db.Exec(`INSERT INTO owner_profiles (owner_ref, community, updated_at) VALUES ($1, $2, now())
		ON CONFLICT (owner_ref) DO UPDATE SET community = EXCLUDED.community`, o.ref(), community); err != nil {
		t.Fatal(err)
	}
}

// outbox is what heed queued for a chat, oldest first.
func outbox(t *testing.T, db *sqlx.DB, channel, chat string) []notify.Payload {
	t.Helper()
	var raws []string
	if err := db.Select(&raws, `SELECT payload FROM outbox WHERE channel = $1 AND chat_id = $2 ORDER BY id`, channel, chat); err != nil {
		t.Fatal(err)
	}
	out := make([]notify.Payload, len(raws))
	for i, r := range raws {
		json.Unmarshal([]byte(r), &out[i])
	}
	return out
}

func surveySetup(t *testing.T) (*casestest.Clock, *cases.Service, *sqlx.DB, *conversation.Engine) {
	return revisitSetup(t, func(c *config.Config) { c.Surveys = append(c.Surveys, testSurvey) })
}

func TestSurveyToACommunityAnsweredOnTelegramAndWeChat(t *testing.T) {
	clock, svc, db, eng := surveySetup(t)
	ctx := context.Background()
	newOwner := func(ch cases.Channel, user string) *owner {
		o := &owner{t: t, eng: eng, channel: ch, user: user}
		o.say("你好")
		return o
	}
	tg := newOwner(cases.ChannelTelegram, "7001")
	wx := newOwner(cases.ChannelWeChat, "oWX-owner-1")
	busy := newOwner(cases.ChannelTelegram, "7002")   // in the middle of a complaint when the survey starts
	out := newOwner(cases.ChannelTelegram, "7003")    // wrote 退订
	other := newOwner(cases.ChannelTelegram, "7004")  // lives in 翠湖苑
	byCase := newOwner(cases.ChannelTelegram, "7005") // no profile: complained about 星河湾
	for _, o := range []*owner{tg, wx, busy, out} {
		lives(t, db, o, "xinghewan")
	}
	lives(t, db, other, "cuihuyuan")
	if _, err := svc.Create(ctx, cases.Actor{Kind: cases.ActorOwner, ID: byCase.ref(), Channel: cases.ChannelTelegram},
		cases.NewCase{Channel: cases.ChannelTelegram, OwnerRef: byCase.ref(), Community: "xinghewan", Unit: "5栋101",
			Content: "楼道灯坏了", Category: "facilities"}); err != nil {
		t.Fatal(err)
	}
	out.say("退订")
	busy.say("楼道灯坏了")
	before := map[string]int{}
	for _, o := range []*owner{out, other, busy} {
		before[o.user] = len(outbox(t, db, string(o.channel), o.user))
	}

	start := conversation.SurveyStart{Survey: "test-2026", Community: "xinghewan", Actor: "quality.wu", ClosesIn: 7 * 24 * time.Hour}
	res, err := eng.StartSurvey(ctx, start)
	if err != nil {
		t.Fatal(err)
	}
	if res.Existing || res.Sent != 3 || res.Waiting != 1 || res.SkippedOptedOut != 1 {
		t.Fatalf("started: %+v; want 3 sent (tg, wx, by case), 1 waiting, 1 opted out", res)
	}
	for _, o := range []*owner{out, other, busy} {
		if got := outbox(t, db, string(o.channel), o.user); len(got) != before[o.user] {
			t.Fatalf("%s got the survey: %+v", o.user, got[len(got)-1])
		}
	}
	q1 := outbox(t, db, "telegram", tg.user)
	first := q1[len(q1)-1]
	if !strings.Contains(first.Text, "2026 年度业主满意度调查") || !strings.Contains(first.Text, "1/3 您对物业服务总体满意吗") ||
		len(first.Choices) != 5 || first.Choices[4].Data != fmt.Sprintf("sv:%d:overall:5", res.ID) {
		t.Fatalf("first question %+v", first)
	}
	// Starting it again sends nothing.
	again, err := eng.StartSurvey(ctx, start)
	if err != nil || !again.Existing || again.ID != res.ID || again.Sent != 3 {
		t.Fatalf("second start: %+v %v", again, err)
	}
	if n := len(outbox(t, db, "telegram", tg.user)); n != len(q1) {
		t.Fatalf("second start sent again: %d messages, had %d", n, len(q1))
	}

	// Telegram: buttons, then free text.
	sv := func(q, v string) string { return fmt.Sprintf("sv:%d:%s:%s", res.ID, q, v) }
	if got := tg.press(sv("overall", "5")); !strings.Contains(got, "2/3") {
		t.Fatalf("after the first answer %q", got)
	}
	if got := tg.press(sv("overall", "1")); !strings.Contains(got, "已经记录") {
		t.Fatalf("answering a question twice: %q", got)
	}
	tg.press(sv("priority", "2"))
	if got := tg.say("希望小区增加充电桩"); !strings.Contains(got, "问卷完成") {
		t.Fatalf("after the last answer %q", got)
	}
	// WeChat: numbered replies, then free text.
	if got := wx.say("4"); !strings.Contains(got, "2/3") { // 4 on the 1–5 scale
		t.Fatalf("numbered score answered %q", got)
	}
	if got := wx.say("1"); !strings.Contains(got, "3/3") || !strings.Contains(got, "回复“跳过”") { // 工程维修
		t.Fatalf("WeChat owner's text question %q: on WeChat one replies, there is nothing to press", got)
	}
	if got := wx.say("电梯维修太慢，报修三天才来"); !strings.Contains(got, "问卷完成") {
		t.Fatalf("WeChat last answer %q", got)
	}
	// The owner who was filling in a complaint gets the survey once it is done.
	if got := busy.say("取消"); !strings.Contains(got, "已取消") || !strings.Contains(got, "1/3") {
		t.Fatalf("after cancelling the complaint %q, want the survey's first question", got)
	}
	busy.say("3")

	s, err := eng.SurveySummary(ctx, res.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s.Recipients != 4 || s.Sent != 4 || s.Waiting != 0 || s.Responses != 3 || s.Completed != 2 || s.SkippedOptedOut != 1 ||
		s.ResponseRate == nil || *s.ResponseRate != 75 {
		t.Fatalf("summary counts %+v", s)
	}
	overall, priority, sugg := s.Questions[0], s.Questions[1], s.Questions[2]
	if overall.Answers != 3 || overall.Average == nil || *overall.Average != 4 || fmt.Sprint(overall.Distribution) != "[0 0 1 1 1]" {
		t.Fatalf("overall %+v", overall)
	}
	if priority.Answers != 2 || priority.Options[0].Count != 1 || priority.Options[1].Count != 1 || priority.Options[2].Count != 0 {
		t.Fatalf("priority %+v", priority)
	}
	if fmt.Sprint(sugg.Texts) != "[希望小区增加充电桩 电梯维修太慢，报修三天才来]" {
		t.Fatalf("suggestions %q", sugg.Texts)
	}

	// Closing: two sweeps at once post the summary once.
	post := func(text string) []notify.Message {
		return []notify.Message{{Channel: "telegram", ChatID: "-100spec", Payload: notify.Payload{Text: text}}}
	}
	clock.Advance(7*24*time.Hour + time.Minute)
	var wg sync.WaitGroup
	closed := make([][]int64, 3)
	for i := range closed {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids, err := eng.SweepSurveys(ctx, post)
			if err != nil {
				t.Error(err)
			}
			closed[i] = ids
		}()
	}
	wg.Wait()
	if ids, _ := eng.SweepSurveys(ctx, post); len(ids) != 0 {
		t.Fatalf("a later sweep closed %v again", ids)
	}
	posted := outbox(t, db, "telegram", "-100spec")
	if len(posted) != 1 {
		t.Fatalf("summary posted %d times (sweeps closed %v)", len(posted), closed)
	}
	for _, want := range []string{"【问卷结果】2026 年度业主满意度调查 · 星河湾", "发出 4 份，回收 3 份（回收率 75.0%，按已发出计）", "完整作答 2 份",
		"均分 4.00（3 人作答；5 分 1，4 分 1，3 分 1，2 分 0，1 分 0）", "工程维修 1，秩序维护 1，环境卫生 0", "· 希望小区增加充电桩",
		"1 位业主已退订"} {
		if !strings.Contains(posted[0].Text, want) {
			t.Errorf("summary lacks %q:\n%s", want, posted[0].Text)
		}
	}
	if _, closedNow, err := eng.CloseSurvey(ctx, res.ID, post); err != nil || closedNow {
		t.Fatalf("closing a closed survey: %v %v", closedNow, err)
	}
	if n := len(outbox(t, db, "telegram", "-100spec")); n != 1 {
		t.Fatalf("summary posted %d times after a late close", n)
	}
	// Answers after the close are refused politely.
	if got := busy.say("2"); !strings.Contains(got, "问卷已经结束") {
		t.Fatalf("answer after close: %q", got)
	}
	if got := byCase.press(sv("overall", "2")); !strings.Contains(got, "问卷已经结束") {
		t.Fatalf("button after close: %q", got)
	}
	var answers int
	db.Get(&answers, `SELECT count(*) FROM survey_answers WHERE run_id = $1`, res.ID)
	if answers != 7 { // tg 3, wx 3, busy 1
		t.Fatalf("%d answers stored, want 7", answers)
	}
}

// TestSurveyDoesNotBreakAComplaint: an owner asked the survey starts a
// complaint; a survey button pressed meanwhile is recorded without moving
// the complaint on, numbered replies keep answering the complaint, and the
// survey comes back when the complaint is registered.
func TestSurveyDoesNotBreakAComplaint(t *testing.T) {
	_, _, db, eng := surveySetup(t)
	ctx := context.Background()
	o := &owner{t: t, eng: eng, channel: cases.ChannelWeChat, user: "oWX-mixed"}
	o.say("你好")
	lives(t, db, o, "xinghewan")
	res, err := eng.StartSurvey(ctx, conversation.SurveyStart{Survey: "test-2026", Community: "xinghewan", ClosesIn: time.Hour})
	if err != nil || res.Sent != 1 {
		t.Fatalf("start: %+v %v", res, err)
	}
	// Not an answer to "1–5": a complaint.
	if got := o.say("楼上漏水，天花板在滴水"); !strings.Contains(got, "工程维修") {
		t.Fatalf("complaint during the survey answered %q", got)
	}
	if got := o.press(fmt.Sprintf("sv:%d:overall:4", res.ID)); !strings.Contains(got, "2/3") {
		t.Fatalf("survey button during the complaint answered %q", got)
	}
	// "1" still confirms the proposed category, not the survey's first option.
	if got := o.say("1"); !strings.Contains(got, "这次还是这里") {
		t.Fatalf("numbered reply during the complaint answered %q", got)
	}
	var priority int
	db.Get(&priority, `SELECT count(*) FROM survey_answers WHERE question = 'priority'`)
	if priority != 0 {
		t.Fatal("the complaint's numbered reply answered the survey")
	}
	o.say("1") // the same address: 星河湾
	o.say("3栋2单元1102")
	o.say("王女士 13812345678")
	o.say("跳过") // no particular demands
	if got := o.say("跳过"); !strings.Contains(got, "请核对") {
		t.Fatalf("expected the read-back, got %q", got)
	}
	got := o.say("确认")
	if !strings.Contains(got, "已登记") || !strings.Contains(got, "您还有一份问卷没有完成") || !strings.Contains(got, "2/3") {
		t.Fatalf("after registering %q, want the serial and the survey's next question", got)
	}
	if o.last.Case == "" {
		t.Fatal("no case registered")
	}
	o.say("3") // 环境卫生
	if got := o.say("没有"); !strings.Contains(got, "问卷完成") {
		t.Fatalf("skipping the text question: %q", got)
	}
	s, _ := eng.SurveySummary(ctx, res.ID)
	if *s.Questions[0].Average != 4 || s.Questions[1].Options[2].Count != 1 || s.Questions[2].Skipped != 1 || s.Completed != 1 {
		t.Fatalf("summary %+v", s.Questions)
	}
}

func TestSurveyCancelLeavesIt(t *testing.T) {
	_, _, db, eng := surveySetup(t)
	ctx := context.Background()
	o := &owner{t: t, eng: eng, channel: cases.ChannelTelegram, user: "7100"}
	o.say("你好")
	lives(t, db, o, "xinghewan")
	res, err := eng.StartSurvey(ctx, conversation.SurveyStart{Survey: "test-2026", Community: "xinghewan", ClosesIn: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if got := o.say("取消"); !strings.Contains(got, "不再打扰") {
		t.Fatalf("取消 during the survey: %q", got)
	}
	if got := o.say("帮助"); strings.Contains(got, "1/3") {
		t.Fatalf("the survey came back after 取消: %q", got)
	}
	// 退订 in the middle of a survey: no more of its questions.
	o2 := &owner{t: t, eng: eng, channel: cases.ChannelTelegram, user: "7101"}
	o2.say("你好")
	lives(t, db, o2, "cuihuyuan")
	run2, err := eng.StartSurvey(ctx, conversation.SurveyStart{Survey: "test-2026", Community: "cuihuyuan", ClosesIn: time.Hour})
	if err != nil || run2.Sent != 1 {
		t.Fatalf("start: %+v %v", run2, err)
	}
	o2.say("5")
	if got := o2.say("退订"); !strings.Contains(got, "已退订") || strings.Contains(got, "2/3") {
		t.Fatalf("退订 during the survey: %q", got)
	}
	if got := o2.press(fmt.Sprintf("sv:%d:priority:1", run2.ID)); !strings.Contains(got, "不再打扰") {
		t.Fatalf("a button after 退订: %q", got)
	}
	if _, err := eng.StartSurvey(ctx, conversation.SurveyStart{Survey: "nope", Community: "xinghewan", ClosesIn: time.Hour}); cases.ErrorCode(err) != cases.CodeInvalid {
		t.Fatalf("unknown survey: %v", err)
	}
	if _, err := eng.StartSurvey(ctx, conversation.SurveyStart{Survey: "test-2026", Community: "moon", ClosesIn: time.Hour}); cases.ErrorCode(err) != cases.CodeInvalid {
		t.Fatalf("unknown community: %v", err)
	}
	if _, err := eng.StartSurvey(ctx, conversation.SurveyStart{Survey: "test-2026", Community: "cuihuyuan"}); cases.ErrorCode(err) != cases.CodeInvalid {
		t.Fatalf("closing now: %v", err)
	}
	_ = res
}

// TestSurveyStartedThreeTimesAtOnceAsksOnce: concurrent starts of one
// survey for one community make one run; each owner is asked once, in
// their own language.
func TestSurveyStartedThreeTimesAtOnceAsksOnce(t *testing.T) {
	_, _, db, eng := surveySetup(t)
	ctx := context.Background()
	zh := &owner{t: t, eng: eng, channel: cases.ChannelTelegram, user: "7201"}
	en := &owner{t: t, eng: eng, channel: cases.ChannelTelegram, user: "7202"}
	zh.say("你好")
	en.say("hello")
	lives(t, db, zh, "xinghewan")
	lives(t, db, en, "xinghewan")
	var wg sync.WaitGroup
	results := make([]*conversation.SurveyStarted, 3)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := eng.StartSurvey(ctx, conversation.SurveyStart{Survey: "test-2026", Community: "xinghewan", ClosesIn: time.Hour})
			if err != nil {
				t.Error(err)
			}
			results[i] = res
		}()
	}
	wg.Wait()
	created := 0
	for _, r := range results {
		if r != nil && !r.Existing {
			created++
		}
		if r == nil || r.ID != results[0].ID || r.Sent != 2 {
			t.Fatalf("starts %+v", r)
		}
	}
	var runs int
	db.Get(&runs, `SELECT count(*) FROM survey_runs`)
	if created != 1 || runs != 1 {
		t.Fatalf("%d created, %d runs", created, runs)
	}
	for _, o := range []*owner{zh, en} {
		var n int
		db.Get(&n, `SELECT count(*) FROM outbox WHERE chat_id = $1 AND payload->>'text' LIKE '%1/3%'`, o.user)
		if n != 1 {
			t.Fatalf("%s asked %d times", o.user, n)
		}
	}
	q := outbox(t, db, "telegram", en.user)
	if last := q[len(q)-1]; !strings.Contains(last.Text, `Send "stop" to get no more surveys`) || last.Choices[0].Label != "very dissatisfied" {
		t.Fatalf("English owner's question %+v", last)
	}
}

// repliedTo makes an answered case of o: heed has asked "problem solved?"
// (fb: choices, the step still idle).
func repliedTo(t *testing.T, svc *cases.Service, o *owner) string {
	t.Helper()
	c, err := svc.Create(context.Background(), cases.Actor{Kind: cases.ActorOwner, ID: o.ref(), Channel: o.channel},
		cases.NewCase{Channel: o.channel, OwnerRef: o.ref(), Community: "xinghewan", Content: "楼道灯坏了", Category: "facilities", Unit: "3栋101"})
	if err != nil {
		t.Fatal(err)
	}
	casestest.ReplyTo(t, svc, c.Serial)
	return c.Serial
}

func surveyAnswers(t *testing.T, db *sqlx.DB, o *owner) int {
	t.Helper()
	var n int
	if err := db.Get(&n, `SELECT count(*) FROM survey_answers WHERE owner_ref = $1`, o.ref()); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSurveyWaitsForAnOpenRevisitOrFeedbackQuestion: WeChat owners with
// "problem solved?" or a revisit score open (the step idle) are not asked
// the survey; their numbered replies answer the open question, and the
// survey comes when it is done. The other way round, a reply notice over an
// open survey question takes the numbered replies, and the survey's
// question comes back after the revisit.
func TestSurveyWaitsForAnOpenRevisitOrFeedbackQuestion(t *testing.T) {
	_, svc, db, eng := surveySetup(t)
	ctx := context.Background()
	fb := &owner{t: t, eng: eng, channel: cases.ChannelWeChat, user: "oWX-fb"}
	rv := &owner{t: t, eng: eng, channel: cases.ChannelWeChat, user: "oWX-rv"}
	sv := &owner{t: t, eng: eng, channel: cases.ChannelWeChat, user: "oWX-sv"}
	for _, o := range []*owner{fb, rv, sv} {
		o.say("你好")
		lives(t, db, o, "xinghewan")
	}
	fbSerial := repliedTo(t, svc, fb)
	rvSerial := repliedTo(t, svc, rv)
	if got := rv.say("1"); !strings.Contains(got, "1/4") { // satisfied: the revisit's first question
		t.Fatalf("satisfied answered %q", got)
	}
	res, err := eng.StartSurvey(ctx, conversation.SurveyStart{Survey: "test-2026", Community: "xinghewan", ClosesIn: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 1 || res.Waiting != 2 {
		t.Fatalf("started %+v; want sv asked, fb and rv waiting", res)
	}
	for _, o := range []*owner{fb, rv} {
		q := outbox(t, db, "wechat", o.user)
		if last := q[len(q)-1]; strings.Contains(last.Text, "1/3") {
			t.Fatalf("%s was asked the survey over an open question: %q", o.user, last.Text)
		}
	}
	// "1" is "satisfied", not a survey score of 1.
	if got := fb.say("1"); !strings.Contains(got, "1/4") || strings.Contains(got, "1/3") {
		t.Fatalf("fb's \"1\" answered %q, want the revisit's first question", got)
	}
	if cs, _ := svc.Get(ctx, fbSerial); cs.Status == cases.StatusDispatched {
		t.Fatal("satisfied feedback not recorded")
	}
	// The revisit's numbered replies stay the revisit's.
	for _, o := range []*owner{fb, rv} {
		o.say("5")
		o.say("5")
		if got := o.say("5"); surveyAnswers(t, db, o) != 0 || strings.Contains(got, "已经记录") {
			t.Fatalf("%s: a revisit score went to the survey: %q", o.user, got)
		}
		if got := o.say("没有"); !strings.Contains(got, "回访完成") || !strings.Contains(got, "1/3") {
			t.Fatalf("%s: end of the revisit %q, want the survey's first question", o.user, got)
		}
		if got := o.say("4"); !strings.Contains(got, "2/3") {
			t.Fatalf("%s: survey score answered %q", o.user, got)
		}
	}
	for _, serial := range []string{fbSerial, rvSerial} {
		if cs, _ := svc.Get(ctx, serial); cs.Status != cases.StatusVerified || *cs.VerifyTimeliness != 5 {
			t.Fatalf("%s: %s, revisit not recorded", serial, cs.Status)
		}
	}
	var score int
	db.Get(&score, `SELECT score FROM survey_answers WHERE owner_ref = $1 AND question = 'overall'`, fb.ref())
	if score != 4 {
		t.Fatalf("fb's survey score %d, want 4", score)
	}

	// The other way round: sv has the survey's question open when its
	// complaint is answered; "1" is then "satisfied".
	svSerial := repliedTo(t, svc, sv)
	if got := sv.say("1"); !strings.Contains(got, "1/4") || surveyAnswers(t, db, sv) != 0 {
		t.Fatalf("sv's \"1\" after the reply notice answered %q", got)
	}
	sv.say("5")
	sv.say("5")
	sv.say("5")
	if got := sv.say("没有"); !strings.Contains(got, "回访完成") || !strings.Contains(got, "1/3") {
		t.Fatalf("sv: end of the revisit %q, want the survey's question back", got)
	}
	if got := sv.say("5"); !strings.Contains(got, "2/3") {
		t.Fatalf("sv: survey score answered %q", got)
	}
	if cs, _ := svc.Get(ctx, svSerial); cs.Status != cases.StatusVerified {
		t.Fatalf("sv's revisit: %s", cs.Status)
	}
}

// twoSurveys is an engine whose company has the test survey and a second
// one (green-2026), and WeChat owners of 星河湾 who have talked to heed.
func twoSurveys(t *testing.T, users ...string) (*sqlx.DB, *conversation.Engine, []*owner) {
	t.Helper()
	second := config.Survey{ID: "green-2026", Title: "绿化专项调查", Questions: []config.SurveyQuestion{
		{ID: "green", Kind: config.QuestionScale, Text: "您对小区绿化满意吗？"}}}
	_, _, db, eng := revisitSetup(t, func(c *config.Config) { c.Surveys = append(c.Surveys, testSurvey, second) })
	var owners []*owner
	for _, u := range users {
		o := &owner{t: t, eng: eng, channel: cases.ChannelWeChat, user: u}
		o.say("你好")
		lives(t, db, o, "xinghewan")
		owners = append(owners, o)
	}
	return db, eng, owners
}

// TestTwoSurveysStartedAtOnceAskOneAtATime: two different surveys started
// at the same moment for one community: every owner is asked one of them,
// waits for the other, and is asked it only when the first is done.
func TestTwoSurveysStartedAtOnceAskOneAtATime(t *testing.T) {
	var users []string
	for i := range 6 {
		users = append(users, fmt.Sprintf("oWX-two-%d", i))
	}
	db, eng, owners := twoSurveys(t, users...)
	ctx := context.Background()
	var wg sync.WaitGroup
	results := make([]*conversation.SurveyStarted, 2)
	for i, id := range []string{"test-2026", "green-2026"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := eng.StartSurvey(ctx, conversation.SurveyStart{Survey: id, Community: "xinghewan", ClosesIn: time.Hour})
			if err != nil {
				t.Error(err)
			}
			results[i] = res
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	if results[0].Sent+results[1].Sent != 6 || results[0].Waiting+results[1].Waiting != 6 ||
		!(results[0].Sent == 6 || results[1].Sent == 6) {
		t.Fatalf("starts %+v %+v: want one survey sent to all 6, the other waiting for all 6", results[0], results[1])
	}
	asked := func(o *owner) (intros int, last notify.Payload) {
		q := outbox(t, db, "wechat", o.user)
		for _, m := range q {
			if strings.Contains(m.Text, "2026 年度业主满意度调查") || strings.Contains(m.Text, "绿化专项调查") {
				intros++
			}
		}
		return intros, q[len(q)-1]
	}
	for _, o := range owners {
		if n, _ := asked(o); n != 1 {
			t.Fatalf("%s was asked %d surveys at once", o.user, n)
		}
	}
	// Finishing the first asks the second.
	first := results[0].Sent == 6
	for _, o := range owners {
		var got string
		if first { // test-2026: three questions
			o.say("5")
			o.say("1")
			got = o.say("没有")
		} else {
			got = o.say("5")
		}
		if !strings.Contains(got, "问卷完成") {
			t.Fatalf("%s: end of the first survey %q", o.user, got)
		}
		if n, last := asked(o); n != 2 || !strings.Contains(last.Text, "1/") {
			t.Fatalf("%s: after the first survey %d asked, last %q", o.user, n, last.Text)
		}
	}
}

// TestLeavingOrAClosedSurveyAsksTheWaitingOne: 取消 on one survey, or an
// answer to a survey that has closed, goes on to the other survey the
// owner is waiting for.
func TestLeavingOrAClosedSurveyAsksTheWaitingOne(t *testing.T) {
	_, eng, o := twoSurveys(t, "oWX-leave", "oWX-late")
	leaver, late := o[0], o[1]
	ctx := context.Background()
	first, err := eng.StartSurvey(ctx, conversation.SurveyStart{Survey: "test-2026", Community: "xinghewan", ClosesIn: time.Hour})
	if err != nil || first.Sent != 2 {
		t.Fatalf("first: %+v %v", first, err)
	}
	green, err := eng.StartSurvey(ctx, conversation.SurveyStart{Survey: "green-2026", Community: "xinghewan", ClosesIn: time.Hour})
	if err != nil || green.Waiting != 2 {
		t.Fatalf("second: %+v %v", green, err)
	}
	if got := leaver.say("取消"); !strings.Contains(got, "不再打扰") || !strings.Contains(got, "绿化专项调查") {
		t.Fatalf("取消 on the first survey answered %q, want the waiting survey next", got)
	}
	if got := leaver.say("4"); !strings.Contains(got, "问卷完成") {
		t.Fatalf("answer to the waiting survey %q", got)
	}
	if _, _, err := eng.CloseSurvey(ctx, first.ID, nil); err != nil {
		t.Fatal(err)
	}
	if got := late.say("3"); !strings.Contains(got, "问卷已经结束") || !strings.Contains(got, "绿化专项调查") {
		t.Fatalf("answer to the closed survey %q, want the waiting survey next", got)
	}
	if got := late.say("2"); !strings.Contains(got, "问卷完成") {
		t.Fatalf("answer to the waiting survey %q", got)
	}
	s, err := eng.SurveySummary(ctx, green.ID)
	if err != nil || s.Responses != 2 || fmt.Sprint(s.Questions[0].Distribution) != "[0 1 0 1 0]" {
		t.Fatalf("second survey %+v %v", s, err)
	}
}

// TestSurveySummaryFiguresAgree: the owners waiting at the close were never
// asked — they are shown apart and the response rate is of the owners
// asked; an owner who skipped every question is neither a response nor a
// completion.
func TestSurveySummaryFiguresAgree(t *testing.T) {
	quick := config.Survey{ID: "quick-2026", Title: "快速调查", Questions: []config.SurveyQuestion{
		{ID: "score", Kind: config.QuestionScale, Text: "您满意吗？", Optional: true},
		{ID: "why", Kind: config.QuestionText, Text: "为什么？"}}}
	_, _, db, eng := revisitSetup(t, func(c *config.Config) { c.Surveys = append(c.Surveys, quick) })
	ctx := context.Background()
	var answered, skipper, busy *owner
	for i, p := range []**owner{&answered, &skipper, &busy} {
		*p = &owner{t: t, eng: eng, channel: cases.ChannelTelegram, user: fmt.Sprint(7300 + i)}
		(*p).say("你好")
		lives(t, db, *p, "xinghewan")
	}
	busy.say("楼道灯坏了") // in the middle of a complaint until the close
	res, err := eng.StartSurvey(ctx, conversation.SurveyStart{Survey: "quick-2026", Community: "xinghewan", ClosesIn: time.Hour})
	if err != nil || res.Sent != 2 || res.Waiting != 1 {
		t.Fatalf("start %+v %v", res, err)
	}
	sv := func(q, v string) string { return fmt.Sprintf("sv:%d:%s:%s", res.ID, q, v) }
	answered.press(sv("score", "5"))
	const phones = "请联系我 13812345678，或 +86 139-1234-5678，住 3栋1102，订单 202611181234567"
	answered.say(phones)
	skipper.press(sv("score", "skip"))
	if got := skipper.say("没有"); !strings.Contains(got, "问卷完成") {
		t.Fatalf("skipping everything: %q", got)
	}
	post := func(text string) []notify.Message {
		return []notify.Message{{Channel: "telegram", ChatID: "-100spec", Payload: notify.Payload{Text: text}}}
	}
	s, _, err := eng.CloseSurvey(ctx, res.ID, post)
	if err != nil {
		t.Fatal(err)
	}
	if s.Sent != 2 || s.Waiting != 1 || s.Responses != 1 || s.Completed != 1 || s.ResponseRate == nil || *s.ResponseRate != 50 {
		t.Fatalf("summary %+v: want 2 sent, 1 waiting, 1 response, 1 completed, 50%%", s)
	}
	text := outbox(t, db, "telegram", "-100spec")[0].Text
	for _, want := range []string{"发出 2 份，回收 1 份（回收率 50.0%，按已发出计），完整作答 1 份", "1 位业主在办理其他事项，尚未发出",
		"· 请联系我 138****5678，或 139****5678，住 3栋1102，订单 202611181234567"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	// The API keeps the owner's words whole.
	if fmt.Sprint(s.Questions[1].Texts) != "["+phones+"]" {
		t.Errorf("API texts %q", s.Questions[1].Texts)
	}
}

// TestSurveyOwnerLookupsUseTheIndex: finding an owner's next waiting survey
// and leaving every survey (退订) go through survey_recipients by owner,
// not through every recipient of every run.
func TestSurveyOwnerLookupsUseTheIndex(t *testing.T) {
	_, _, db, _ := surveySetup(t)
	tx, err := db.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`SELECT r.run_id FROM survey_recipients r JOIN survey_runs s ON s.id = r.run_id
		WHERE r.owner_ref = 'wechat:x' AND r.skipped = '' AND r.current <> '' AND s.closed_at IS NULL AND s.closes_at > now()
		ORDER BY s.opened_at LIMIT 1`,
		`UPDATE survey_recipients SET current = '' WHERE owner_ref = 'wechat:x' AND current <> ''`,
	} {
		var plan []string
		if err := tx.Select(&plan, `EXPLAIN `+q); err != nil {
			t.Fatal(err)
		}
		if p := strings.Join(plan, "\n"); !strings.Contains(p, "survey_recipients_owner_idx") {
			t.Errorf("%s\nplanned without the owner index:\n%s", q, p)
		}
	}
}

// TestSurveyAfterAnUnansweredClosedSurvey: the buttons of a survey that
// closed unanswered are no open question: the next survey is asked at once,
// and an owner who answers the closed one is told so and asked the next.
func TestSurveyAfterAnUnansweredClosedSurvey(t *testing.T) {
	db, eng, o := twoSurveys(t, "oWX-quiet", "oWX-busy2")
	quiet, busy := o[0], o[1]
	ctx := context.Background()
	first, err := eng.StartSurvey(ctx, conversation.SurveyStart{Survey: "test-2026", Community: "xinghewan", ClosesIn: time.Hour})
	if err != nil || first.Sent != 2 {
		t.Fatalf("first %+v %v", first, err)
	}
	if _, _, err := eng.CloseSurvey(ctx, first.ID, nil); err != nil {
		t.Fatal(err)
	}
	green, err := eng.StartSurvey(ctx, conversation.SurveyStart{Survey: "green-2026", Community: "xinghewan", ClosesIn: time.Hour})
	if err != nil || green.Sent != 2 || green.Waiting != 0 {
		t.Fatalf("second %+v %v: the closed survey's buttons kept the owners waiting", green, err)
	}
	if got := quiet.say("4"); !strings.Contains(got, "问卷完成") {
		t.Fatalf("answer to the second survey %q", got)
	}
	var score int
	db.Get(&score, `SELECT score FROM survey_answers WHERE run_id = $1 AND owner_ref = $2`, green.ID, quiet.ref())
	if score != 4 {
		t.Fatalf("second survey's score %d", score)
	}
	// An old button of the closed survey, then the next survey's question.
	if got := busy.press(fmt.Sprintf("sv:%d:overall:3", first.ID)); !strings.Contains(got, "问卷已经结束") {
		t.Fatalf("old button %q", got)
	}
	if got := busy.say("2"); !strings.Contains(got, "问卷完成") {
		t.Fatalf("answer to the second survey after an old button %q", got)
	}
}
