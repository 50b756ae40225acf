package conversation_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"
)

// 人工 while a survey question is open: the owner hears that a specialist
// was told, and the survey's question comes once, not twice.
func TestAskingForAPersonDuringASurveyAsksTheQuestionOnce(t *testing.T) {
	_, _, db, eng := surveySetup(t)
	o := &owner{t: t, eng: eng, channel: cases.ChannelWeChat, user: "oWX-person-sv"}
	o.say("你好")
	lives(t, db, o, "xinghewan")
	if _, err := eng.StartSurvey(context.Background(), conversation.SurveyStart{Survey: "test-2026", Community: "xinghewan", ClosesIn: time.Hour}); err != nil {
		t.Fatal(err)
	}
	got := o.say("人工")
	if n := strings.Count(got, "1/3"); n != 1 {
		t.Fatalf("人工 during the survey answered with its question %d times:\n%s", n, got)
	}
	var withChoices int
	for _, r := range o.last.Replies {
		if len(r.Choices) > 0 {
			withChoices++
		}
	}
	if withChoices != 1 {
		t.Fatalf("%d answers offer the survey's choices, want 1: %+v", withChoices, o.last.Replies)
	}
}

// The contact question: a name alone asks for the phone only; a number no
// telephone company issues is refused, a Beijing landline with its
// country code is taken; the demands and reply time asked are read back
// and kept on the case.
func TestContactDemandsAndReplyTimeOfAnIntake(t *testing.T) {
	eng, svc := newEngine(t)
	c := &chat{t: t, eng: eng, user: "contact1"}
	c.say("小区门口的路灯一直不亮")
	c.press(c.last.Replies[len(c.last.Replies)-1].Choices[0].Data)
	c.press("comm:xinghewan")
	ask := c.say("3栋")
	got := c.say("孙先生")
	if got == ask || !strings.Contains(got, "孙先生") || strings.Contains(got, "称呼") {
		t.Fatalf("a name alone answered %q (the contact question was %q)", got, ask)
	}
	if got := c.say("+999 1234567"); !strings.Contains(got, "不正确") {
		t.Fatalf("a number of no country answered %q", got)
	}
	if got := c.say("+86 10 8888 0000"); !strings.Contains(got, "有什么要求") {
		t.Fatalf("a Beijing landline answered %q, want the demands question", got)
	}
	if got := c.say("先把灯修好，以后定期检查，12月4日前答复"); !strings.Contains(got, "照片") {
		t.Fatalf("demands answered %q, want the photo question", got)
	}
	rb := c.press("skip")
	for _, want := range []string{"您的要求：先把灯修好", "希望答复时间：12月4日", "电话：010-88880000", "联系人：孙先生"} {
		if !strings.Contains(rb, want) {
			t.Fatalf("read-back lacks %q:\n%s", want, rb)
		}
	}
	// Changed from the read-back: asked again, read back again.
	if got := c.press("edit_wishes"); !strings.Contains(got, "有什么要求") {
		t.Fatalf("修改要求 answered %q", got)
	}
	if rb := c.say("先把灯修好，以后定期检查，12月4日前答复"); !strings.Contains(rb, "您的要求：先把灯修好") {
		t.Fatalf("read-back after the change %q", rb)
	}
	c.press("confirm")
	serial := c.last.Case
	cs, err := svc.Get(context.Background(), serial)
	if err != nil {
		t.Fatal(err)
	}
	if cs.ContactPhone != "010-88880000" || cs.CustomerName != "孙先生" || !strings.HasPrefix(cs.Purpose, "先把灯修好") ||
		cs.RequestedReplyBy == nil || cs.RequestedReplyBy.In(shanghai).Format("01-02") != "12-04" {
		t.Fatalf("case: phone %q name %q purpose %q reply by %v", cs.ContactPhone, cs.CustomerName, cs.Purpose, cs.RequestedReplyBy)
	}
}

// A platform's language hint is matched, not compared by prefix: Hong
// Kong, Macau, Traditional and Cantonese owners are answered in
// Traditional Chinese.
func TestLanguageHintsAreMatched(t *testing.T) {
	eng, _ := newEngine(t)
	for i, tc := range []struct{ hint, want string }{
		{"zh-HK", "您好，這裡"}, {"zh-Hant-TW", "您好，這裡"}, {"yue", "您好，這裡"}, {"zh-MO", "您好，這裡"},
		{"zh-SG", "您好，这里"}, {"yue-Hans", "您好，这里"}, {"en-GB", "Hello"},
	} {
		res, err := eng.Handle(context.Background(), conversation.Inbound{Channel: cases.ChannelTelegram, ChatID: fmt.Sprint(880 + i),
			UserID: fmt.Sprint(880 + i), MessageID: "hint-" + tc.hint, Kind: conversation.KindText, Text: "/start", LanguageHint: tc.hint})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Replies) == 0 || !strings.Contains(res.Replies[0].Text, tc.want) {
			t.Errorf("hint %s: answered %+v, want %q", tc.hint, res.Replies, tc.want)
		}
	}
}

// On WeChat, where there are no buttons, heed says to reply "完成" rather
// than to press it; a photo shows in the Chinese transcript in Chinese.
func TestWeChatOwnersAreToldWhatToReply(t *testing.T) {
	eng, _ := newEngine(t)
	o := &owner{t: t, eng: eng, channel: cases.ChannelWeChat, user: "oWX-typed-1"}
	photos := o.toPhotos("电梯按钮失灵，按了没反应", "3栋", "周女士 13800001234")
	if !strings.Contains(photos, "回复“完成”") || strings.Contains(photos, "点“") {
		t.Fatalf("WeChat photo question %q", photos)
	}
	got := o.send(conversation.Inbound{Kind: conversation.KindPhoto,
		Attachments: []cases.Attachment{{Kind: "photo", Ref: "file:9", Name: "p.jpg", MIME: "image/jpeg"}}})
	if strings.Contains(got, "点“") {
		t.Fatalf("WeChat photo receipt %q", got)
	}
	lines, err := eng.Transcript(context.Background(), cases.ChannelWeChat, o.user, 0)
	if err != nil {
		t.Fatal(err)
	}
	var owner []string
	for _, l := range lines {
		if l.From == "owner" {
			owner = append(owner, l.Text)
		}
	}
	if last := owner[len(owner)-1]; last != "[1 张照片]" {
		t.Fatalf("the photo in the transcript: %q", last)
	}
}

// alertsSeen records the alerts the engine posts, as the desk would.
type alertsSeen struct{ got []conversation.OwnerAlert }

func (a *alertsSeen) Alert(_ context.Context, _ *sqlx.Tx, _ time.Time, al conversation.OwnerAlert) (bool, error) {
	a.got = append(a.got, al)
	return true, nil
}

// An owner who describes an emergency and then stops answering: staff were
// told at once; ten minutes later heed registers the case with what it
// has, its clock running from the first message, and tells the owner.
func TestAStalledEmergencyIsRegisteredWithItsClockFromTheAlert(t *testing.T) {
	clock, svc, db, eng := revisitSetup(t, nil)
	seen := &alertsSeen{}
	eng.SetAlerts(seen)
	ctx := context.Background()
	start := clock.Now()
	o := &owner{t: t, eng: eng, channel: cases.ChannelWeChat, user: "oWX-stalled-1"}
	if got := o.say("地下室配电房冒烟了，有焦糊味"); !strings.Contains(got, "已立即通知客服专员") {
		t.Fatalf("the emergency answered %q", got)
	}
	if len(seen.got) != 1 || seen.got[0].Kind != conversation.AlertEmergency || seen.got[0].Serial != "" {
		t.Fatalf("alerts %+v", seen.got)
	}
	clock.Advance(5 * time.Minute)
	if err := eng.SweepEmergencies(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	db.Get(&n, `SELECT count(*) FROM cases`)
	if n != 0 {
		t.Fatal("registered while the owner may still answer")
	}
	clock.Advance(6 * time.Minute)
	if err := eng.SweepEmergencies(ctx); err != nil {
		t.Fatal(err)
	}
	if err := eng.SweepEmergencies(ctx); err != nil { // a second sweep finds nothing more
		t.Fatal(err)
	}
	var serial string
	var received time.Time
	db.QueryRow(`SELECT serial, received_at FROM cases WHERE owner_ref = $1`, o.ref()).Scan(&serial, &received)
	db.Get(&n, `SELECT count(*) FROM cases`)
	if n != 1 || !received.Equal(start) {
		t.Fatalf("%d cases; received %v, want %v", n, received, start)
	}
	cs, err := svc.Get(ctx, serial)
	if err != nil {
		t.Fatal(err)
	}
	if cs.Urgency != cases.UrgencyEmergency || !strings.Contains(cs.Content, "配电房冒烟") {
		t.Fatalf("case %+v", cs)
	}
	msgs := outbox(t, db, "wechat", o.user)
	if last := msgs[len(msgs)-1].Text; !strings.Contains(last, serial) {
		t.Fatalf("the owner was told %q", last)
	}
	if last := seen.got[len(seen.got)-1]; last.Serial != serial {
		t.Fatalf("the staff's card was not given the serial: %+v", last)
	}
	if got := o.say("查询"); !strings.Contains(got, serial) {
		t.Fatalf("status %q", got)
	}
}

// 查询 (WeChat's 查询进度) during an unfinished complaint says that it is
// not submitted yet, rather than that there is nothing.
func TestStatusMentionsTheUnfinishedComplaint(t *testing.T) {
	eng, _ := newEngine(t)
	o := &owner{t: t, eng: eng, channel: cases.ChannelWeChat, user: "oWX-draft-1"}
	o.say("垃圾桶好几天没人清理，味道很大")
	got := o.say("查询")
	if !strings.Contains(got, "尚未提交") || !strings.Contains(got, "垃圾桶好几天没人清理") {
		t.Fatalf("status during the intake answered %q", got)
	}
	if len(o.last.Replies[0].Choices) == 0 {
		t.Fatal("the open question's choices were dropped")
	}
}

// A WeChat location is no complaint: alone it gets a request for words;
// at the community question its place name answers it.
func TestASharedLocationAnswersTheCommunityQuestion(t *testing.T) {
	eng, svc := newEngine(t)
	o := &owner{t: t, eng: eng, channel: cases.ChannelWeChat, user: "oWX-where-1"}
	place := conversation.Inbound{Kind: conversation.KindLocation,
		Location: &conversation.Location{Lat: 30.5928, Lng: 114.3055, Label: "湖北省武汉市江汉区星河湾小区"}}
	idle := &owner{t: t, eng: eng, channel: cases.ChannelWeChat, user: "oWX-where-0"}
	if got := idle.send(place); !strings.Contains(got, "用文字") {
		t.Fatalf("a location alone answered %q", got)
	}
	o.say("小区健身器材坏了好久")
	if got := o.say("1"); !strings.Contains(got, "小区") {
		t.Fatalf("expected the community question, got %q", got)
	}
	if got := o.send(place); !strings.Contains(got, "楼栋房号") {
		t.Fatalf("the location at the community question answered %q", got)
	}
	o.say("6栋")
	o.say("钱先生 13800005555")
	o.say("跳过")
	o.say("跳过")
	o.say("确认")
	cs, err := svc.Get(context.Background(), o.last.Case)
	if err != nil {
		t.Fatal(err)
	}
	if cs.Community != "xinghewan" || cs.Content != "小区健身器材坏了好久" {
		t.Fatalf("case %s community %q content %q", cs.Serial, cs.Community, cs.Content)
	}
}

// Words written under a photo while a question is open are kept with the
// complaint, not dropped.
func TestAPhotosCaptionIsKept(t *testing.T) {
	eng, svc := newEngine(t)
	o := &owner{t: t, eng: eng, channel: cases.ChannelTelegram, user: "7741"}
	o.toPhotos("楼道里的消防门关不上", "7栋", "马先生 13800006666")
	o.send(conversation.Inbound{Kind: conversation.KindPhoto, Text: "门的合页已经断了",
		Attachments: []cases.Attachment{{Kind: "photo", Ref: "file:7", Name: "door.jpg", MIME: "image/jpeg"}}})
	if rb := o.say("完成"); !strings.Contains(rb, "门的合页已经断了") {
		t.Fatalf("read-back lost the caption: %q", rb)
	}
	o.say("确认")
	cs, err := svc.Get(context.Background(), o.last.Case)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cs.Content, "门的合页已经断了") || len(cs.Attachments) != 1 {
		t.Fatalf("case content %q, %d photos", cs.Content, len(cs.Attachments))
	}
}

// toPhotos walks an intake in 星河湾 by numbered replies up to the photo
// question, skipping the demands, and returns that question.
func (o *owner) toPhotos(complaint, unit, contact string) string {
	o.t.Helper()
	o.say(complaint)
	o.say("1") // the proposed category
	o.say("1") // 星河湾
	o.say(unit)
	o.say(contact)
	return o.say("跳过")
}
