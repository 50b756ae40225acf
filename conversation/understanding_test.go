package conversation_test

import (
	"context"
	"strings"
	"testing"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"
)

// Written for these tests: black smoke is not named, so the rules find no
// hazard, but the emergency model asks.
const possibleFire = "邻居家门缝里一直往外冒黑的，味道很呛"

func hasChoice(res conversation.Result, data string) bool {
	for _, r := range res.Replies {
		for _, c := range r.Choices {
			if c.Data == data {
				return true
			}
		}
	}
	return false
}

// The emergency model's question on the web chat: yes gives the numbers
// and the 2-hour clock, no keeps the normal path.
func TestDangerQuestionOnWebChat(t *testing.T) {
	eng, svc := newEngine(t)
	if a := eng.Understander().Analyze(possibleFire); a.Emergency || !a.EmergencyCheck {
		t.Fatalf("the test message should be a model-only emergency: %+v", a)
	}
	yes := &chat{t: t, eng: eng, user: "danger-yes"}
	if got := yes.say(possibleFire); !strings.Contains(got, "是否正在发生危险") || !hasChoice(yes.last, "danger:yes") || !hasChoice(yes.last, "danger:no") {
		t.Fatalf("first answer %q", got)
	}
	if got := yes.press("danger:yes"); !strings.Contains(got, "119") || !strings.Contains(got, "类别") {
		t.Fatalf("after yes: %q", got)
	}
	serial := yes.register("")
	c, err := svc.Get(context.Background(), serial)
	if err != nil {
		t.Fatal(err)
	}
	if c.Urgency != cases.UrgencyEmergency {
		t.Errorf("urgency %s after yes", c.Urgency)
	}
	for _, d := range c.Deadlines {
		if d.Step == cases.StepReply && d.Due.Sub(c.ReceivedAt).Hours() != 2 {
			t.Errorf("reply due %v after receipt, want 2 h", d.Due.Sub(c.ReceivedAt))
		}
	}

	no := &chat{t: t, eng: eng, user: "danger-no"}
	no.say(possibleFire)
	if got := no.press("danger:no"); strings.Contains(got, "119") || !strings.Contains(got, "类别") {
		t.Fatalf("after no: %q", got)
	}
	c, err = svc.Get(context.Background(), no.register(""))
	if err != nil {
		t.Fatal(err)
	}
	if c.Urgency == cases.UrgencyEmergency {
		t.Errorf("urgency %s after no", c.Urgency)
	}
}

// Greetings, thanks, questions and praise are answered as a desk would,
// and none becomes a complaint; a greeting during an intake is not added
// to the complaint.
func TestMessagesThatAreNoComplaint(t *testing.T) {
	eng, svc := newEngine(t)
	c := &chat{t: t, eng: eng, user: "nc1"}
	for text, want := range map[string]string{
		"在吗？":  "客服中心",
		"谢谢你们": "不客气",
		"请问物业管理处周末几点开门？":      "咨询已收到",
		"感谢保安小刘帮我把轮椅抬上楼，服务很好": "感谢您的表扬",
	} {
		if got := c.say(text); !strings.Contains(got, want) {
			t.Errorf("%s: answered %q, want %q", text, got, want)
		}
	}
	var kinds []string
	svc.DB().Select(&kinds, `SELECT kind FROM owner_messages WHERE owner_ref = 'web:nc1' ORDER BY kind`)
	if strings.Join(kinds, " ") != "inquiry praise" {
		t.Errorf("recorded %v", kinds)
	}
	var n int
	svc.DB().Get(&n, `SELECT count(*) FROM cases WHERE owner_ref = 'web:nc1'`)
	if n != 0 {
		t.Fatalf("%d cases from messages that are no complaint", n)
	}
	c.say("楼上卫生间漏水，我家天花板在滴水")
	if got := c.say("你好"); !strings.Contains(got, "继续回答") {
		t.Errorf("greeting during the intake: %q", got)
	}
	cs, err := svc.Get(context.Background(), c.register(""))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(cs.Content, "你好") {
		t.Errorf("the greeting was added to the complaint: %q", cs.Content)
	}
}

// An owner's pick of another category, and a specialist's transfer, are
// kept; after retraining the same text is read as corrected.
func TestCorrectionsTeachHeed(t *testing.T) {
	eng, svc := newEngine(t)
	ctx := context.Background()
	const byOwner = "电梯里的广告屏声音太大了"
	if got := eng.Understander().Analyze(byOwner).Category; got == "repair" {
		t.Fatalf("the test needs a text not read as repair yet")
	}
	o := &chat{t: t, eng: eng, user: "corr1"}
	o.say(byOwner)
	o.press("cat:?")
	o.press("cat:repair")
	o.register("")

	const bySpecialist = "小区超市的会员卡不能用了"
	s := &chat{t: t, eng: eng, user: "corr2"}
	serial := s.register(bySpecialist)
	c, _ := svc.Get(ctx, serial)
	if c.Category == "fees" {
		t.Fatalf("the test needs a text not read as fees yet")
	}
	spec := cases.Actor{Kind: cases.ActorStaff, ID: "cs.zhoumin"}
	if c.Status == cases.StatusReceived {
		if _, err := svc.Apply(ctx, spec, serial, cases.Transition{Action: cases.ActDispatch, Department: "service"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.Apply(ctx, spec, serial, cases.Transition{Action: cases.ActTransfer, Department: "finance"}); err != nil {
		t.Fatal(err)
	}
	got, err := conversation.Corrections(ctx, svc.DB())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Category != "repair" || got[0].Staff || got[0].Actor != "web:corr1" ||
		got[1].Category != "fees" || !got[1].Staff || got[1].Actor != "cs.zhoumin" || got[1].Serial != serial {
		t.Fatalf("corrections %+v", got)
	}
	if err := eng.Retrain(ctx); err != nil {
		t.Fatal(err)
	}
	if got := eng.Understander().Analyze(byOwner).Category; got != "repair" {
		t.Errorf("after the owner's correction %q is %s", byOwner, got)
	}
	if got := eng.Understander().Analyze(bySpecialist).Category; got != "fees" {
		t.Errorf("after the specialist's transfer %q is %s", bySpecialist, got)
	}
}

// A building without the flat still asks for the flat; a unit is kept as
// the owner wrote it.
func TestUnitAsWrittenAndTheFlatAsked(t *testing.T) {
	eng, svc := newEngine(t)
	ctx := context.Background()
	c := &chat{t: t, eng: eng, user: "unit1"}
	c.say("8栋楼道的灯一直不亮，晚上很黑")
	for range 6 {
		q := c.last.Replies[len(c.last.Replies)-1]
		if strings.Contains(q.Text, "楼栋房号") {
			break
		}
		switch {
		case hasChoice(c.last, "comm:xinghewan"):
			c.press("comm:xinghewan")
		default:
			for _, ch := range q.Choices {
				if strings.HasPrefix(ch.Data, "cat:") && ch.Data != "cat:?" {
					c.press(ch.Data)
					break
				}
			}
		}
	}
	if q := c.last.Replies[len(c.last.Replies)-1].Text; !strings.Contains(q, "楼栋房号") {
		t.Fatalf("the flat was not asked: %q", q)
	}
	c.say("2单元601")
	cs, err := svc.Get(ctx, c.register(""))
	if err != nil {
		t.Fatal(err)
	}
	if cs.Unit != "8栋2单元601" {
		t.Errorf("unit %q, want 8栋2单元601", cs.Unit)
	}

	tw := &chat{t: t, eng: eng, user: "unit2"}
	tw.say("简体中文") // answers in Simplified, for register's questions
	cs, err = svc.Get(ctx, tw.register("A1棟2單元902的廚房水管漏水"))
	if err != nil {
		t.Fatal(err)
	}
	if cs.Unit != "A1棟2單元902" {
		t.Errorf("unit %q, want it as written", cs.Unit)
	}
}
