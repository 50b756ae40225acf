package conversation_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/conversation"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

type chat struct {
	t    *testing.T
	eng  *conversation.Engine
	user string
	seq  int
	last conversation.Result
}

func newEngine(t *testing.T) (*conversation.Engine, *cases.Service) {
	t.Helper()
	svc, _ := casestest.Service(t, casestest.NewClock(time.Date(2026, 11, 18, 10, 0, 0, 0, shanghai)))
	eng, err := conversation.New(svc)
	if err != nil {
		t.Fatal(err)
	}
	svc.OnChange(eng.CaseChanged) // as heed serve assembles it
	svc.OnChange(eng.StaffCorrected)
	return eng, svc
}

func (c *chat) send(in conversation.Inbound) string {
	c.t.Helper()
	c.seq++
	in.Channel, in.ChatID, in.UserID = cases.ChannelWeb, c.user, c.user
	in.MessageID = fmt.Sprintf("%s-%d", c.user, c.seq)
	if in.Kind == "" {
		in.Kind = conversation.KindText
	}
	res, err := c.eng.Handle(context.Background(), in)
	if err != nil {
		c.t.Fatalf("handle %q: %v", in.Text, err)
	}
	c.last = res
	var texts []string
	for _, r := range res.Replies {
		texts = append(texts, r.Text)
	}
	return strings.Join(texts, "\n")
}

func (c *chat) say(text string) string { return c.send(conversation.Inbound{Text: text}) }

func (c *chat) press(data string) string {
	return c.send(conversation.Inbound{Kind: conversation.KindButton, Button: data})
}

// register walks a complete intake starting with text ("" when the first
// message was already sent) and returns the serial.
func (c *chat) register(text string) string {
	c.t.Helper()
	if text != "" {
		c.say(text)
	}
	for _, ch := range c.last.Replies[len(c.last.Replies)-1].Choices {
		if strings.HasPrefix(ch.Data, "cat:") && ch.Data != "cat:?" {
			c.press(ch.Data)
			break
		}
	}
	for range 10 {
		if c.last.Case != "" {
			return c.last.Case
		}
		q := c.last.Replies[len(c.last.Replies)-1]
		switch {
		case strings.Contains(q.Text, "请核对"):
			c.press("confirm")
		case strings.Contains(q.Text, "小区"):
			c.press("comm:xinghewan")
		case strings.Contains(q.Text, "楼栋房号"):
			c.say("3栋2单元1102")
		case strings.Contains(q.Text, "手机号码"):
			c.say("王女士 13812345678")
		case strings.Contains(q.Text, "这次还是这里"), strings.Contains(q.Text, "是否正确"):
			c.press("yes")
		case strings.Contains(q.Text, "现场照片"), strings.Contains(q.Text, "有什么要求"):
			c.press("skip")
		case strings.Contains(q.Text, "已收到第"):
			c.press("done")
		default:
			c.t.Fatalf("unexpected question %q", q.Text)
		}
	}
	c.t.Fatalf("intake did not finish; last %q", c.last.Replies[0].Text)
	return ""
}

func TestSupplementAddsToTheOwnersOpenCase(t *testing.T) {
	eng, svc := newEngine(t)
	c := &chat{t: t, eng: eng, user: "s1"}
	serial := c.register("楼上漏水，天花板在滴水")
	if got := c.say("补充"); !strings.Contains(got, serial) {
		t.Fatalf("补充 answered %q", got)
	}
	c.say("今天早上又开始滴水了")
	photo := cases.Attachment{Kind: "photo", Ref: "file:1", Name: "p.jpg", MIME: "image/jpeg"}
	c.send(conversation.Inbound{Kind: conversation.KindPhoto, Attachments: []cases.Attachment{photo}})
	if got := c.press("done"); !strings.Contains(got, "补充完毕") {
		t.Fatalf("done answered %q", got)
	}
	cs, err := svc.Get(context.Background(), serial)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cs.Content, "今天早上又开始滴水了") || len(cs.Attachments) != 1 {
		t.Fatalf("case content %q, %d attachments", cs.Content, len(cs.Attachments))
	}
	// The chat shows the photo in the owner's language.
	lines, err := eng.Transcript(context.Background(), cases.ChannelWeb, "s1", 0)
	if err != nil {
		t.Fatal(err)
	}
	var shown []string
	for _, l := range lines {
		if l.From == "owner" && strings.HasPrefix(l.Text, "[") {
			shown = append(shown, l.Text)
		}
	}
	if len(shown) != 1 || shown[0] != "[1 张照片]" {
		t.Fatalf("the photo shows as %q", shown)
	}
	if last := cs.Events[len(cs.Events)-1]; last.Action != "add_info" || last.ActorKind != cases.ActorOwner || last.Channel != cases.ChannelWeb {
		t.Fatalf("last event %+v", last)
	}
}

func TestAskingForAPersonFlagsTheCase(t *testing.T) {
	eng, svc := newEngine(t)
	c := &chat{t: t, eng: eng, user: "p1"}
	serial := c.register("保安态度很差，骂人")
	if got := c.say("人工"); !strings.Contains(got, "客服专员") {
		t.Fatalf("人工 answered %q", got)
	}
	cs, _ := svc.Get(context.Background(), serial)
	if !cs.NeedsPerson {
		t.Fatal("case not flagged for a person")
	}
}

func TestCancelDropsTheIntakeAndLanguageSwitches(t *testing.T) {
	eng, svc := newEngine(t)
	c := &chat{t: t, eng: eng, user: "c1"}
	c.say("停车位被别人占了")
	if got := c.say("取消"); !strings.Contains(got, "已取消") {
		t.Fatalf("取消 answered %q", got)
	}
	if got := c.say("取消"); !strings.Contains(got, "没有正在填写") {
		t.Fatalf("second 取消 answered %q", got)
	}
	page, _ := svc.List(context.Background(), cases.Filter{})
	if page.Total != 0 {
		t.Fatalf("%d cases after a cancelled intake", page.Total)
	}
	c.say("语言")
	if got := c.press("lang:en"); !strings.Contains(got, "English") {
		t.Fatalf("language switch answered %q", got)
	}
	if got := c.say("the lift is broken"); !strings.Contains(got, "Is that right") {
		t.Fatalf("after switching to English heed said %q", got)
	}
	if got := c.say("繁體中文"); !strings.Contains(got, "繁體中文") {
		t.Fatalf("switch to Traditional answered %q", got)
	}
}

func TestStatusShowsOnlyTheOwnersCases(t *testing.T) {
	eng, _ := newEngine(t)
	a := &chat{t: t, eng: eng, user: "a1"}
	b := &chat{t: t, eng: eng, user: "b1"}
	if got := a.say("查询"); !strings.Contains(got, "没有登记过") {
		t.Fatalf("status with no cases: %q", got)
	}
	sa := a.register("物业费为什么又涨了")
	sb := b.register("晚上楼下装修太吵")
	got := a.say("查询")
	if !strings.Contains(got, sa) || strings.Contains(got, sb) || !strings.Contains(got, "已受理") {
		t.Fatalf("A's status: %q (A %s, B %s)", got, sa, sb)
	}
}

func TestNeverPromisesCompensation(t *testing.T) {
	eng, _ := newEngine(t)
	c := &chat{t: t, eng: eng, user: "n1"}
	var all []string
	for _, text := range []string{"你好", "帮助", "我要求赔偿！楼上漏水泡坏了我的地板", "取消", "the lift broke, I want compensation"} {
		all = append(all, c.say(text))
	}
	for _, s := range all {
		for _, promise := range []string{"赔偿您", "一定赔", "保证解决", "will compensate", "guarantee"} {
			if strings.Contains(s, promise) {
				t.Errorf("heed promised %q: %q", promise, s)
			}
		}
	}
}

func TestTranscribedVoiceNoteIsKeptWithTheComplaint(t *testing.T) {
	eng, svc := newEngine(t)
	c := &chat{t: t, eng: eng, user: "v1"}
	voice := cases.Attachment{Kind: "voice", Ref: "file:9", Name: "voice.amr", MIME: "audio/amr"}
	c.send(conversation.Inbound{Kind: conversation.KindText, Text: "楼上漏水，天花板在滴水", Attachments: []cases.Attachment{voice}})
	serial := c.register("")
	cs, err := svc.Get(context.Background(), serial)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.Attachments) != 1 || cs.Attachments[0].Kind != "voice" || cs.Content != "楼上漏水，天花板在滴水" {
		t.Fatalf("attachments %+v, content %q", cs.Attachments, cs.Content)
	}
}
