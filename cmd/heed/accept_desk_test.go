package main

// Acceptance tests of the staff side: the procedure's paths walked through
// the real `heed serve` by an owner on Telegram and the company's people in
// their team chats — once on Telegram, once on Slack — asserting what each
// of them receives.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/slack"
	"github.com/heedhq/heed/bots/slack/slackfake"
	"github.com/heedhq/heed/bots/telegram/telegramfake"
	"github.com/heedhq/heed/cases/casestest"
)

// person is one of the example company's people, on both platforms.
type person struct {
	name  string
	slack string
	tg    int64
}

var (
	pLi    = person{"李建华", "U01ENG0MGR", 6100000101} // manager of 工程部
	pGao   = person{"高峰", "U01ENG0MG2", 6100000102}  // the other manager of 工程部
	pZhang = person{"张强", "U01ENG0HD1", 6100000103}  // handler in 工程部
	pZhao  = person{"赵军", "U01SEC0MGR", 6100000301}  // manager of 秩序部
	pZhou  = person{"周敏", "U01CS00SP1", 6100000701}  // complaint specialist
	pLiu   = person{"刘建国", "U01GM00GM1", 6100000801} // general manager
)

// teamChat is a team chat on both platforms.
type teamChat struct{ slack, tg string }

var (
	chEng  = teamChat{"C01ENGDISP", "-1001234500001"}
	chSpec = teamChat{"C01CSDESK0", "-1001234500010"}
	chGM   = teamChat{"C01GMDESK0", "-1001234500011"}
)

// acceptance starts heed with Telegram and Slack on and an owner on
// Telegram who has talked to heed, with the staff's desk on platform
// (staffdesk_test.go).
type acceptance struct {
	h     *heed
	tg    *telegramfake.Server
	sl    *slackfake.Server
	owner *tgOwner
	desk  staffDesk
}

func startAcceptance(t *testing.T, platform string, owner int64) *acceptance {
	h, tg, sl := startSlackAndTelegramHeed(t)
	a := &acceptance{h: h, tg: tg, sl: sl, owner: &tgOwner{h: h, fake: tg, id: owner, lang: "zh-hans"}}
	a.owner.says(t, "你好")
	if platform == "telegram" {
		a.desk = staffDesk{&tgDesk{h: h, fake: tg}}
	} else {
		a.desk = staffDesk{&slDesk{h: h, fake: sl}}
	}
	return a
}

// complaint registers a complaint of the owner (as staff would for a call,
// then tied to the owner's chat) and returns its serial.
func (a *acceptance) complaint(t *testing.T, unit string) string {
	t.Helper()
	c := phoneComplaint()
	c["unit"] = unit
	r := a.h.api("POST", "/api/v1/cases", c)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	serial := r.body["serial"].(string)
	a.h.db.MustExec(`UPDATE cases SET owner_ref = $1 WHERE serial = $2`, fmt.Sprint("telegram:", a.owner.id), serial)
	return serial
}

// ownerGets waits until the owner receives a message containing want.
func (a *acceptance) ownerGets(t *testing.T, want string) string {
	t.Helper()
	var got string
	waitFor(t, "the owner to receive "+want, func() bool {
		for _, c := range a.tg.Sent(fmt.Sprint(a.owner.id)) {
			if strings.Contains(c.Params["text"], want) {
				got = c.Params["text"]
				return true
			}
		}
		return false
	})
	return got
}

func (a *acceptance) ownerGot(want string) bool {
	for _, c := range a.tg.Sent(fmt.Sprint(a.owner.id)) {
		if strings.Contains(c.Params["text"], want) {
			return true
		}
	}
	return false
}

func (a *acceptance) status(t *testing.T, serial string) string {
	t.Helper()
	var s string
	if err := a.h.db.Get(&s, `SELECT status FROM cases WHERE serial = $1`, serial); err != nil {
		t.Fatal(err)
	}
	return s
}

// bothDesks runs a path once with the staff on Telegram, once on Slack.
func bothDesks(t *testing.T, owner int64, path func(t *testing.T, a *acceptance)) {
	for i, p := range []string{"telegram", "slack"} {
		t.Run(p, func(t *testing.T) { path(t, startAcceptance(t, p, owner+int64(i))) })
	}
}

// localClock finds "HH:MM" after name in s and checks it is the company's
// local time now (Asia/Shanghai), not UTC.
func localClock(t *testing.T, s, name string) {
	t.Helper()
	m := regexp.MustCompile(name + `于 (\d\d:\d\d)`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no time after %s in %q", name, s)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Now().In(loc)
	at, _ := time.ParseInLocation("2006-01-02 15:04", now.Format("2006-01-02 ")+m[1], loc)
	if d := now.Sub(at); d < -time.Minute || d > 3*time.Minute {
		t.Fatalf("%s at %s, but it is %s in the company's time zone", name, m[1], now.Format("15:04"))
	}
}

func TestAcceptNormalPath(t *testing.T) {
	bothDesks(t, 9100, func(t *testing.T, a *acceptance) {
		d := a.desk
		serial := a.complaint(t, "3栋2单元1102")
		d.waitCard(t, chEng, serial, "已派单，待部门受理")

		// A handler is not the one to accept it: told who is, in Chinese.
		d.press(t, pZhang, chEng, serial, "受理")
		if got := d.told(t, pZhang, "不能受理"); !strings.Contains(got, "工程部经理") || strings.Contains(got, "staff") {
			t.Fatalf("the handler was told %q", got)
		}
		// Nor the one to escalate it: that is the manager's request.
		d.press(t, pZhang, chEng, serial, "申请升级")
		if got := d.told(t, pZhang, "不能申请升级"); !strings.Contains(got, "只有工程部经理可以申请升级") {
			t.Fatalf("the handler was told %q", got)
		}
		// The manager accepts; the owner hears it.
		d.press(t, pLi, chEng, serial, "受理")
		d.waitCard(t, chEng, serial, "部门已受理")
		a.ownerGets(t, "工程部受理")
		// The other manager, a moment late, learns who was first and when.
		d.press(t, pGao, chEng, serial, "受理")
		late := d.told(t, pGao, "李建华于")
		localClock(t, late, "李建华")
		if strings.Contains(late, "already") || strings.Contains(late, "acknowledged") {
			t.Fatalf("race told in English: %q", late)
		}
		// The manager names the handler from chat.
		d.press(t, pLi, chEng, serial, "指派经办人")
		d.choose(t, pLi, chEng, "张强")
		d.waitCard(t, chEng, serial, "经办人：张强")

		// Someone of another department is refused before any form opens.
		forms := d.forms(chEng)
		d.press(t, pZhao, chEng, serial, "提交处理措施")
		if got := d.told(t, pZhao, "不能提交处理措施"); !strings.Contains(got, "赵军（秩序部经理）") {
			t.Fatalf("the outsider was told %q", got)
		}
		time.Sleep(200 * time.Millisecond)
		if d.forms(chEng) != forms {
			t.Fatal("the outsider was given the measures form")
		}

		// The handler's measures reach the specialists.
		d.press(t, pZhang, chEng, serial, "提交处理措施")
		d.asked(t, chEng)
		d.fill(t, pZhang, chEng, "今日下午更换楼上卫生间防水层并检查吊顶")
		d.waitCard(t, chSpec, serial, "今日下午更换楼上卫生间防水层并检查吊顶")

		// The specialist rewords the answer before it goes to the owner.
		d.press(t, pZhou, chSpec, serial, "同意并答复业主")
		if proposal := d.asked(t, chSpec); !strings.Contains(proposal, "今日下午更换楼上卫生间防水层并检查吊顶") {
			t.Fatalf("the answer proposed is %q, not drafted from the measures", proposal)
		}
		if a.ownerGot("检查吊顶") {
			t.Fatal("the owner got the measures before the specialist sent an answer")
		}
		d.fill(t, pZhou, chSpec, "工程部师傅今天下午上门修好防水，请您家中留人")
		a.ownerGets(t, "工程部师傅今天下午上门修好防水，请您家中留人")
		d.waitCard(t, chSpec, serial, "已答复业主")
		if a.ownerGot("检查吊顶") {
			t.Fatal("the department's own wording reached the owner")
		}
		a.owner.press(t, "fb:yes:"+serial)
		if s := a.status(t, serial); s != "feedback_received" {
			t.Fatalf("after the owner's thanks the case is %s", s)
		}
	})
}

func TestAcceptInvalidIsExplainedToTheOwner(t *testing.T) {
	bothDesks(t, 9200, func(t *testing.T, a *acceptance) {
		d := a.desk
		serial := a.complaint(t, "5栋1单元301")
		d.waitCard(t, chEng, serial, "已派单")
		// The department says it is not the company's to fix.
		d.press(t, pLi, chEng, serial, "无效")
		d.asked(t, chEng)
		d.fill(t, pLi, chEng, "漏水来自市政供水管，不属物业管辖")
		d.waitCard(t, chSpec, serial, "漏水来自市政供水管")
		// The specialist confirms and explains to the owner.
		d.press(t, pZhou, chSpec, serial, "确认无效")
		d.asked(t, chSpec)
		d.fill(t, pZhou, chSpec, "经查漏水源自市政供水管网，请拨打供水热线报修，我们可协助联系")
		a.ownerGets(t, "请拨打供水热线报修")
		d.waitCard(t, chEng, serial, "无效投诉")
		if s := a.status(t, serial); s != "invalid" {
			t.Fatalf("case is %s", s)
		}
	})
}

func TestAcceptMajorApprovedByTheGeneralManager(t *testing.T) {
	bothDesks(t, 9300, func(t *testing.T, a *acceptance) {
		d := a.desk
		serial := a.complaint(t, "8栋2单元602")
		d.waitCard(t, chEng, serial, "已派单")
		// The department asks the specialists to take it up; they mark it major.
		d.press(t, pLi, chEng, serial, "申请升级")
		d.asked(t, chEng)
		d.fill(t, pLi, chEng, "业主称已联系电视台")
		d.waitCard(t, chSpec, serial, "业主称已联系电视台")
		d.press(t, pZhou, chSpec, serial, "标记重大")
		d.asked(t, chSpec)
		d.fill(t, pZhou, chSpec, "媒体可能介入")
		d.told(t, pZhou, "已标记重大投诉")
		d.waitCard(t, chEng, serial, "【重大】")

		d.press(t, pLi, chEng, serial, "受理")
		d.waitCard(t, chEng, serial, "部门已受理")
		d.press(t, pLi, chEng, serial, "提交处理措施")
		d.asked(t, chEng)
		d.fill(t, pLi, chEng, "更换整段立管并赔偿吊顶修复费用")
		d.press(t, pZhou, chSpec, serial, "同意并报总经理审批")
		d.asked(t, chSpec)
		d.fill(t, pZhou, chSpec, "我们将于本周内更换整段立管，吊顶修复费用由物业承担")
		d.told(t, pZhou, "总经理")
		d.waitCard(t, chSpec, serial, "待总经理审批")
		if a.ownerGot("更换整段立管") {
			t.Fatal("the owner was answered before the general manager approved")
		}

		// The general manager approves: the specialist's answer goes out.
		d.waitCard(t, chGM, serial, "我们将于本周内更换整段立管")
		d.press(t, pLiu, chGM, serial, "批准")
		a.ownerGets(t, "我们将于本周内更换整段立管，吊顶修复费用由物业承担")
		d.told(t, pLiu, "已批准")
		if s := a.status(t, serial); s != "replied" {
			t.Fatalf("after the approval the case is %s", s)
		}
		card := d.waitCard(t, chSpec, serial, "已答复业主")
		if strings.Contains(card, "待总经理审批") {
			t.Fatalf("the specialists' card still waits for the approval:\n%s", card)
		}
		d.waitCard(t, chGM, serial, "已答复业主")
	})
}

func TestAcceptRepeatGoesToTheGeneralManager(t *testing.T) {
	bothDesks(t, 9400, func(t *testing.T, a *acceptance) {
		d := a.desk
		first := a.complaint(t, "2栋1单元101")
		serial := a.complaint(t, "2栋1单元101")
		card := d.waitCard(t, chGM, serial, "【重复投诉】")
		if !strings.Contains(card, first) {
			t.Fatalf("the repeat card does not name the earlier case %s:\n%s", first, card)
		}
		// Not the specialist's to dispatch.
		d.press(t, pZhou, chGM, serial, "指定部门和经办人")
		d.told(t, pZhou, "总经理")
		// The general manager names the department and the handler.
		d.press(t, pLiu, chGM, serial, "指定部门和经办人")
		if d.platform() == "telegram" {
			d.choose(t, pLiu, chGM, "工程部")
			d.waitCard(t, chGM, serial, "责任部门：工程部")
			d.press(t, pLiu, chGM, serial, "指派经办人")
			d.choose(t, pLiu, chGM, "王磊")
		} else {
			// A handler of another department is refused in the form, which stays open.
			d.choose(t, pLiu, chGM, "秩序部", "王磊（工程部）")
			d.told(t, pLiu, "经办人须是所派部门的人员")
			d.choose(t, pLiu, chGM, "工程部", "王磊（工程部）")
		}
		got := d.waitCard(t, chEng, serial, "经办人：王磊")
		if !strings.Contains(got, "【派单】") {
			t.Fatalf("工程部's card:\n%s", got)
		}
		d.waitCard(t, chGM, serial, "经办人：王磊")
	})
}

func TestAcceptReopenedUntilSatisfied(t *testing.T) {
	bothDesks(t, 9500, func(t *testing.T, a *acceptance) {
		d := a.desk
		serial := a.complaint(t, "6栋3单元902")
		answer := func(measures, reply string) {
			t.Helper()
			d.press(t, pLi, chEng, serial, "受理")
			d.waitCard(t, chEng, serial, "部门已受理")
			d.press(t, pLi, chEng, serial, "提交处理措施")
			d.asked(t, chEng)
			d.fill(t, pLi, chEng, measures)
			d.waitCard(t, chSpec, serial, measures)
			d.press(t, pZhou, chSpec, serial, "同意并答复业主")
			d.asked(t, chSpec)
			d.fill(t, pZhou, chSpec, reply)
			a.ownerGets(t, reply)
		}
		d.waitCard(t, chEng, serial, "已派单")
		answer("疏通楼上地漏", "已安排疏通楼上地漏")
		// Not satisfied: the reason reaches the specialists and the department.
		a.owner.press(t, "fb:no:"+serial)
		a.owner.says(t, "楼上地漏疏通后还在渗水")
		for _, ch := range []teamChat{chSpec, chEng} {
			waitFor(t, "the reason in "+ch.slack, func() bool { return d.posted(ch, serial, "楼上地漏疏通后还在渗水") > 0 })
		}
		// The second round's review is a new message the specialists are notified of.
		answer("更换楼上卫生间防水层", "已更换楼上卫生间防水层")
		waitFor(t, "a second review request", func() bool { return d.posted(chSpec, serial, "【审核处理措施】") == 2 })
		a.owner.press(t, "fb:yes:"+serial)
		if s := a.status(t, serial); s != "feedback_received" {
			t.Fatalf("after the second answer the case is %s", s)
		}
	})
}

func TestRecordRefusalInTheStaffsWords(t *testing.T) {
	h, _, sl := startSlackAndTelegramHeed(t)
	cmd := slackfake.SlashCommand{Command: "/complaint", User: "U01FRONT01", Channel: "C01FRONT00", TriggerID: "trig-record",
		ResponseURL: sl.ResponseURL("record")}
	if code := slackPost(t, h, "/webhooks/slack/commands", cmd.Body()); code != 200 {
		t.Fatalf("/complaint: %d", code)
	}
	d := &slDesk{h: h, fake: sl}
	d.submit(t, person{name: "徐丽", slack: "U01FRONT01"}, map[string]slackfake.Value{
		slack.InputName: slackfake.Text("王女士"), slack.InputPhone: slackfake.Text("12345"),
		slack.InputContent: slackfake.Text("楼道灯坏了一周"), slack.InputChannel: slackfake.Option("phone"), slack.InputCategory: slackfake.Option("repair")})
	got := d.told(t, person{}, "联系电话")
	if strings.Contains(got, "not a phone number") {
		t.Fatalf("the form says %q", got)
	}
	if h.cases() != 0 {
		t.Fatal("a complaint with a wrong number was recorded")
	}
}

// A major case reviewed through the API without an answer: after the
// general manager's approval the specialists' card offers to answer.
func TestAcceptApprovalWithoutAnAnswerOffersOne(t *testing.T) {
	a := startAcceptance(t, "telegram", 9600)
	d := a.desk
	serial := a.complaint(t, "9栋1单元101")
	for _, st := range []map[string]any{
		{"actor": "cs.zhoumin", "action": "flag_major", "text": "业主已起诉"},
		{"actor": "eng.li", "action": "acknowledge"},
		{"actor": "eng.li", "action": "propose_measures", "text": "重做整层防水并赔偿损失"},
		{"actor": "cs.zhoumin", "action": "review", "text": "同意"},
	} {
		if r := a.h.api("POST", "/api/v1/cases/"+serial+"/transitions", st); r.status != 200 {
			t.Fatalf("%s: %d %s", st["action"], r.status, r.raw)
		}
	}
	d.press(t, pLiu, chGM, serial, "批准")
	d.told(t, pLiu, "请客服专员答复业主")
	d.press(t, pZhou, chSpec, serial, "答复业主")
	if got := d.asked(t, chSpec); !strings.Contains(got, "重做整层防水并赔偿损失") {
		t.Fatalf("the answer proposed: %q", got)
	}
	d.choose(t, pZhou, chSpec, "照此发送")
	a.ownerGets(t, "重做整层防水并赔偿损失")
	if s := a.status(t, serial); s != "replied" {
		t.Fatalf("case is %s", s)
	}
}

// A complaint staff type in one line keeps the owner's number in its text:
// no card shows it whole.
func TestRecordedNumberIsMaskedOnCards(t *testing.T) {
	h, tg := startTelegramHeed(t, casestest.URL(t))
	chat, _ := json.Number(chSpec.tg).Int64()
	code := h.postUpdate(t, tgSecret, map[string]any{"update_id": updateSeq.Add(1), "message": map[string]any{
		"message_id": 7, "date": 1764000000, "text": "/complaint 陈先生 13912345678 星河湾5栋1单元301 卫生间下水道堵了",
		"chat": map[string]any{"id": chat, "type": "supergroup"}, "from": map[string]any{"id": pZhou.tg, "is_bot": false, "first_name": pZhou.name}}})
	if code != 200 {
		t.Fatalf("webhook %d", code)
	}
	d := staffDesk{&tgDesk{h: h, fake: tg}}
	var serial string
	waitFor(t, "the case", func() bool { h.db.Get(&serial, `SELECT serial FROM cases`); return serial != "" })
	card := d.waitCard(t, chEng, serial, "卫生间下水道堵了")
	if strings.Contains(card, "13912345678") || !strings.Contains(card, "139****5678") {
		t.Fatalf("the dispatch card:\n%s", card)
	}
}
