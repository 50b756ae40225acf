package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/slack"
	"github.com/heedhq/heed/bots/slack/slackfake"
	"github.com/heedhq/heed/bots/telegram/telegramfake"
	"github.com/heedhq/heed/bots/wechat/wechatfake"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/notify/desk"
)

// Acceptance tests of the procedure's side paths (docs/procedure.md,
// "Lifecycle", "Validity", "Escalation"): closing and archiving, lead and
// assisting departments with the responsibility finding, a complaint the
// developer's defect caused, a disputed result, a collective complaint —
// each walked through heed serve and the fake platforms, staff on Telegram
// and Slack, owners on Telegram, asserting what each person receives.

// The example company's chats outside the departments.
const (
	devGroup   = "-1001234500012" // the developer (开发商)
	hqGroup    = "-1001234500013" // head office (总部)
	gmGroup    = "-1001234500011" // the general manager
	devChannel = "C01DEVLPR0"
	hqChannel  = "C01HQDESK0"
	secChannel = "C01SECDISP" // 秩序部
	envChannel = "C01ENVDISP" // 环境部
)

// paths is a heed serve on Telegram and Slack with the example company.
type paths struct {
	t   *testing.T
	h   *heed
	tg  *telegramfake.Server
	sl  *slackfake.Server
	wx  *wechatfake.Server
	env map[string]string
}

func startPaths(t *testing.T) *paths {
	t.Helper()
	tg := telegramfake.New(t, tgToken)
	sl := slackfake.New(t, slackToken)
	wx := wechatfake.New(t, wxAppID, wxSecret)
	env := map[string]string{
		"HEED_TELEGRAM_TOKEN": tgToken, "HEED_TELEGRAM_WEBHOOK_SECRET": tgSecret, "HEED_TELEGRAM_API_URL": tg.URL,
		"HEED_SLACK_BOT_TOKEN": slackToken, "HEED_SLACK_SIGNING_SECRET": slackSecret, "HEED_SLACK_API_URL": sl.APIURL(),
		"HEED_WECHAT_APP_ID": wxAppID, "HEED_WECHAT_APP_SECRET": wxSecret, "HEED_WECHAT_TOKEN": wxToken,
		"HEED_WECHAT_AES_KEY": wxAESKey, "HEED_WECHAT_API_URL": wx.URL}
	return &paths{t: t, h: startHeedOn(t, casestest.URL(t), env), tg: tg, sl: sl, wx: wx, env: env}
}

// wxSays is the WeChat owner writing text; it returns heed's answers.
func (p *paths) wxSays(text string) string {
	p.t.Helper()
	acct := wechatfake.Account{AppID: wxAppID, Token: wxToken, AESKey: wxAESKey, Original: wxOriginal}
	n := len(p.wx.Texts(wxOwner))
	res, err := http.DefaultClient.Do(acct.Safe(p.h.base+"/webhooks/wechat", wxOwner,
		wechatfake.Text(wxOriginal, wxOwner, time.Now().Unix(), wxMsgID.Add(1), text)))
	if err != nil {
		p.t.Fatal(err)
	}
	res.Body.Close()
	waitFor(p.t, "heed's answer to "+text, func() bool { return len(p.wx.Texts(wxOwner)) > n })
	time.Sleep(50 * time.Millisecond) // a second message of the same answer
	return strings.Join(p.wx.Texts(wxOwner)[n:], "\n")
}

// wxTold waits for a WeChat message to the owner with all of want.
func (p *paths) wxTold(want ...string) string {
	p.t.Helper()
	return newest(p.t, fmt.Sprintf("the WeChat owner to be told %v", want), func() []string { return p.wx.Texts(wxOwner) },
		func(s string) bool { return hasAll(s, want...) })
}

// ownerCase is a complaint of an owner who talked to heed on a chat, in a
// home of its own (no repeat complaint); it is dispatched to 工程部.
func (p *paths) ownerCase(owner string) string {
	p.t.Helper()
	c := phoneComplaint()
	c["unit"] = fmt.Sprintf("%d栋2单元%d", updateSeq.Add(1)%30+1, updateSeq.Add(1)%900+100)
	r := p.h.api("POST", "/api/v1/cases", c)
	if r.status != http.StatusCreated {
		p.t.Fatalf("create: %d %s", r.status, r.raw)
	}
	serial := r.body["serial"].(string)
	p.h.db.MustExec(`UPDATE cases SET owner_ref = $1 WHERE serial = $2`, owner, serial)
	return serial
}

// another starts a second heed serve on the same database and platforms
// with the example's setting old replaced by new; its clock sweeps at once.
func (p *paths) another(old, new string) *heed {
	p.t.Helper()
	example, err := os.ReadFile(filepath.Join(casestest.Root(p.t), "examples", "heed.yaml"))
	if err != nil || !strings.Contains(string(example), old) {
		p.t.Fatalf("the example has no %q: %v", old, err)
	}
	cfg := filepath.Join(p.t.TempDir(), "heed.yaml")
	os.WriteFile(cfg, []byte(strings.Replace(string(example), old, new, 1)), 0o644)
	return startHeedOnWith(p.t, p.h.dsn, cfg, p.env)
}

// owner is a Telegram owner who greeted heed, and a complaint of theirs.
func (p *paths) owner(id int64) (*tgOwner, string) {
	p.t.Helper()
	o := &tgOwner{h: p.h, fake: p.tg, id: id, lang: "zh-hans"}
	o.says(p.t, "你好")
	return o, p.ownerCase(fmt.Sprint("telegram:", id))
}

// answer takes a dispatched case to the reply the owner gets.
func (p *paths) answer(serial, reply string) {
	p.t.Helper()
	for _, st := range []map[string]any{
		{"actor": "eng.li", "action": "acknowledge"},
		{"actor": "eng.li", "action": "propose_measures", "text": "更换楼上卫生间防水层"},
		{"actor": "cs.zhoumin", "action": "review"},
		{"actor": "cs.zhoumin", "action": "reply", "text": reply},
	} {
		if r := p.h.api("POST", "/api/v1/cases/"+serial+"/transitions", st); r.status != 200 {
			p.t.Fatalf("%s %s: %d %s", serial, st["action"], r.status, r.raw)
		}
	}
}

func (p *paths) status(serial string) string {
	var s string
	p.h.db.Get(&s, `SELECT status FROM cases WHERE serial = $1`, serial)
	return s
}

// newest waits for a call that matches and returns the newest such.
func newest[C any](t testing.TB, what string, calls func() []C, match func(C) bool) C {
	t.Helper()
	var got C
	found := false
	waitFor(t, what, func() bool {
		for _, c := range calls() {
			if match(c) {
				got, found = c, true
			}
		}
		return found
	})
	return got
}

// tgCard waits for the newest message in a Telegram chat about serial
// whose text has all of want, and returns it.
func (p *paths) tgCard(chat, serial string, want ...string) telegramfake.Call {
	p.t.Helper()
	return newest(p.t, fmt.Sprintf("%v about %s in %s", want, serial, chat), func() []telegramfake.Call { return p.tg.Calls("") },
		func(c telegramfake.Call) bool {
			return (c.Method == "sendMessage" || c.Method == "editMessageText") && c.Params["chat_id"] == chat &&
				hasAll(c.Params["text"], append(want, serial)...)
		})
}

// slackCard waits for the newest post or update in a Slack channel about
// serial whose text and blocks have all of want.
func (p *paths) slackCard(channel, serial string, want ...string) slackfake.Call {
	p.t.Helper()
	return newest(p.t, fmt.Sprintf("%v about %s in %s", want, serial, channel), func() []slackfake.Call { return p.sl.Calls("") },
		func(c slackfake.Call) bool {
			return (c.Method == "chat.postMessage" || c.Method == "chat.update") && c.Params["channel"] == channel &&
				hasAll(c.Params["text"]+c.Params["blocks"], append(want, serial)...)
		})
}

// told waits for a message to a Telegram owner with all of want.
func (p *paths) told(owner int64, want ...string) string {
	p.t.Helper()
	return newest(p.t, fmt.Sprintf("the owner to be told %v", want), func() []telegramfake.Call { return p.tg.Sent(fmt.Sprint(owner)) },
		func(c telegramfake.Call) bool { return hasAll(c.Params["text"], want...) }).Params["text"]
}

// form submits the modal the last views.open opened.
func (p *paths) form(n int, user string, values map[string]slackfake.Value) string {
	p.t.Helper()
	opened := p.sl.WaitCalls(p.t, "views.open", n)[n-1]
	sub, err := slackfake.Submit(opened, user, values)
	if err != nil {
		p.t.Fatal(err)
	}
	if code := slackPost(p.t, p.h, "/webhooks/slack/interactions", sub.Body()); code != 200 {
		p.t.Fatalf("form submission: %d", code)
	}
	return opened.Params["view"]
}

// reply answers the bot's newest prompt in a Telegram group that asks for
// field, once it is there, with Telegram's reply.
func (p *paths) reply(group string, user int64, field, text string) {
	p.t.Helper()
	waitFor(p.t, "the prompt for "+field, func() bool {
		sent := p.tg.Sent(group)
		return len(sent) > 0 && hasAll(sent[len(sent)-1].Params["text"], "请回复本消息", field)
	})
	staffReply(p.t, p.h, p.tg, group, user, text)
}

// choose presses a card's button whose prompt offers options, then the
// option (its value and label) on the prompt itself; it returns the prompt.
func (p *paths) choose(group string, user int64, data, value, label string) telegramfake.Call {
	p.t.Helper()
	staffPress(p.t, p.h, p.tg, group, user, data)
	option := data + ":" + value
	var prompt telegramfake.Call
	waitFor(p.t, "the option "+label, func() bool {
		sent := p.tg.Sent(group)
		if len(sent) > 0 {
			prompt = sent[len(sent)-1]
		}
		return len(sent) > 0 && buttons(prompt)[option] == label
	})
	p.pressOn(group, user, prompt, option)
	return prompt
}

// pressOn presses the button with data on a message heed sent to a group.
func (p *paths) pressOn(group string, user int64, msg telegramfake.Call, data string) {
	p.t.Helper()
	var kb any
	json.Unmarshal([]byte(msg.Params["reply_markup"]), &kb)
	chat, _ := json.Number(group).Int64()
	if code := p.h.postUpdate(p.t, tgSecret, map[string]any{"update_id": updateSeq.Add(1), "callback_query": map[string]any{
		"id": fmt.Sprint("cb", updateSeq.Add(1)), "from": map[string]any{"id": user, "is_bot": false, "first_name": "staff"},
		"chat_instance": "g", "data": data,
		"message": map[string]any{"message_id": msg.MessageID, "date": 1764000000, "chat": map[string]any{"id": chat, "type": "supergroup"},
			"text": msg.Params["text"], "reply_markup": kb}}}); code != 200 {
		p.t.Fatalf("press %s: %d", data, code)
	}
}

func hasAll(s string, want ...string) bool {
	for _, w := range want {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// revisitSatisfied answers the reply 满意 and the revisit with good scores.
func revisitSatisfied(t *testing.T, o *tgOwner, serial string) {
	t.Helper()
	waitFor(t, "the answer with its buttons", func() bool { return buttons(o.last(t))["fb:yes:"+serial] != "" })
	o.press(t, "fb:yes:"+serial)
	waitFor(t, "the revisit's first question", func() bool { return buttons(o.last(t))["rv:t:5:"+serial] != "" })
	o.press(t, "rv:t:5:"+serial)
	o.press(t, "rv:s:5:"+serial)
	o.press(t, "rv:a:5:"+serial)
	o.says(t, "没有了")
}

func TestAcceptCloseAndArchive(t *testing.T) {
	p := startPaths(t)

	// Telegram: after a satisfied revisit the specialists' card offers 闭合.
	o, serial := p.owner(7601)
	p.answer(serial, "工程部已更换防水层")
	revisitSatisfied(t, o, serial)
	if st := p.status(serial); st != "verified" {
		t.Fatalf("after the revisit: %s", st)
	}
	card := p.tgCard(specGroup, serial, "【待闭合】", "及时性 5 · 满意度 5 · 态度 5")
	if buttons(card)["act:close:"+serial] != "闭合" {
		t.Fatalf("closing card without 闭合: %s %v", card.Params["text"], buttons(card))
	}
	// A department manager may not close.
	staffPress(t, p.h, p.tg, specGroup, engManager, "act:close:"+serial)
	waitFor(t, "the refusal", func() bool { return hasCallAnswer(p.tg, "不能闭合") })
	if st := p.status(serial); st != "verified" {
		t.Fatalf("a manager's 闭合 → %s", st)
	}
	staffPress(t, p.h, p.tg, specGroup, specialist, "act:close:"+serial)
	told := p.told(7601, serial, "闭合")
	if !hasAll(told, "027-8888 6666", "重新登记") {
		t.Fatalf("the owner is not told how to come back: %q", told)
	}
	card = p.tgCard(specGroup, serial, "【已闭合】")
	if buttons(card)["act:archive:"+serial] != "归档" || buttons(card)["act:close:"+serial] != "" {
		t.Fatalf("closed card: %s %v", card.Params["text"], buttons(card))
	}
	staffPress(t, p.h, p.tg, specGroup, specialist, "act:archive:"+serial)
	card = p.tgCard(specGroup, serial, "【已归档】")
	if len(buttons(card)) != 0 || p.status(serial) != "archived" {
		t.Fatalf("archived card: %s %v, status %s", card.Params["text"], buttons(card), p.status(serial))
	}

	// Slack: the specialist closes when the owner said 满意 (no revisit
	// yet), then archives everything closed in one command.
	o2, s2 := p.owner(7602)
	p.answer(s2, "已疏通排水管")
	waitFor(t, "the answer", func() bool { return buttons(o2.last(t))["fb:yes:"+s2] != "" })
	o2.press(t, "fb:yes:"+s2)
	sc := p.slackCard(specChannel, s2, "待闭合", "闭合")
	pressSlack(t, p.h, p.sl, sc, slackSpec, "闭合")
	if rs := p.sl.WaitResponses(t, 1); !strings.Contains(rs[len(rs)-1].Text(), "已闭合") {
		t.Fatalf("the specialist is told %q", rs[len(rs)-1].Text())
	}
	p.told(7602, s2, "闭合")
	if got := slackCommand(t, p.h, "U01GM00GM1", "/archive", s2); !strings.Contains(got, "刘建国（总经理）不能归档") {
		t.Fatalf("the general manager's /archive: %q", got)
	}
	after := time.Now().Add(48 * time.Hour).Format("2006-01-02")
	got := slackCommand(t, p.h, slackSpec, "/archive", "closed-before "+after)
	if !strings.Contains(got, "已归档 1 件") || !strings.Contains(got, s2) || p.status(s2) != "archived" {
		t.Fatalf("/archive closed-before: %q, status %s", got, p.status(s2))
	}
	p.slackCard(specChannel, s2, "已归档")
	// Telegram has the commands too.
	if got := groupCommand(t, p.h, p.tg, specialist, updateSeq.Add(1), "/close "+serial); !strings.Contains(got, "已归档") {
		t.Fatalf("/close of an archived case: %q", got)
	}
}

func TestAcceptDeveloperCaused(t *testing.T) {
	p := startPaths(t)
	o := &tgOwner{h: p.h, fake: p.tg, id: 7611, lang: "zh-hans"}
	o.complain(t, "楼上漏水，外墙也在渗水", "5栋1单元501", "李先生 13912345678")
	serial := p.h.ownerCases(t, "telegram:7611")[0].Serial

	// The specialists' follow-up card offers 开发商遗留; the explanation is
	// asked for and goes to the owner with who handles it.
	card := p.tgCard(specGroup, serial, "【投诉跟进】")
	if buttons(card)["act:refer_developer:"+serial] == "" {
		t.Fatalf("follow-up card: %s %v", card.Params["text"], buttons(card))
	}
	staffPress(t, p.h, p.tg, specGroup, specialist, "act:refer_developer:"+serial)
	p.reply(specGroup, specialist, "开发商遗留问题的说明", "外墙防水在开发商五年保修期内")
	p.told(7611, serial, "开发商遗留问题", "外墙防水在开发商五年保修期内", "星河地产客户服务中心", "027-8765 4321")

	// The developer's group gets the case, the owner's phone masked.
	dev := p.tgCard(devGroup, serial, "【开发商遗留问题】", "外墙防水在开发商五年保修期内")
	if !strings.Contains(dev.Params["text"], "139****5678") || strings.Contains(dev.Params["text"], "13912345678") {
		t.Fatalf("developer's card: %s", dev.Params["text"])
	}
	mine := p.tgCard(specGroup, serial, "【已转开发商】", "等待开发商答复")
	if buttons(mine)["act:developer_answer:"+serial] == "" {
		t.Fatalf("specialists' developer card: %s %v", mine.Params["text"], buttons(mine))
	}
	// It stays on the register, invalid for the company.
	if st := p.status(serial); st != "invalid" {
		t.Fatalf("referred: %s", st)
	}

	// Follow-up: a heed serve whose developer.follow_up has passed reminds
	// the developer and tells the specialists.
	time.Sleep(1100 * time.Millisecond)
	h2 := p.another("follow_up: 3d", "follow_up: 1s")
	p.tgCard(devGroup, serial, "【催办·开发商遗留问题】", "尚未答复")
	p.tgCard(specGroup, serial, "已再次催办")
	h2.stop()

	// The specialist records the developer's answer: it goes to the owner.
	staffPress(t, p.h, p.tg, specGroup, specialist, "act:developer_answer:"+serial)
	p.reply(specGroup, specialist, "开发商的答复", "开发商本周六派人修补外墙防水")
	p.told(7611, serial, "星河地产客户服务中心答复", "开发商本周六派人修补外墙防水")
	p.tgCard(devGroup, serial, "已答复：开发商本周六派人修补外墙防水")
	year := time.Now().Format("2006")
	reg := p.h.api("GET", "/api/v1/reports/register?format=csv&period="+year, nil)
	if !strings.Contains(reg.raw, "开发商本周六派人修补外墙防水") {
		t.Fatalf("the register lacks the developer's answer")
	}

	// Slack: the referral through the modal; the developer's channel gets it.
	_, s2 := p.owner(7612)
	pressSlack(t, p.h, p.sl, p.slackCard(specChannel, s2, "投诉跟进", "开发商遗留"), slackSpec, "开发商遗留")
	p.form(1, slackSpec, map[string]slackfake.Value{slack.InputText: slackfake.Text("地下室墙体开裂属于主体结构，由开发商负责")})
	p.told(7612, s2, "地下室墙体开裂属于主体结构")
	p.slackCard(devChannel, s2, "开发商遗留问题")
}

func TestAcceptDisputedResultGoesToHeadOffice(t *testing.T) {
	p := startPaths(t)
	o, serial := p.owner(7621)
	p.answer(serial, "已疏通排水管")
	waitFor(t, "the answer", func() bool { return buttons(o.last(t))["fb:no:"+serial] != "" })
	o.press(t, "fb:no:"+serial)
	o.says(t, "还是会倒灌")
	p.told(7621, serial, "重新交由")
	if n := len(p.tg.Sent(hqGroup)); n != 0 {
		t.Fatalf("head office heard of a first 不满意: %d messages", n)
	}

	// The second 不满意 disputes the result: head office gets the case, the
	// owner is told it went there and where else to turn.
	p.answer(serial, "已更换整段排水管")
	waitFor(t, "the second answer", func() bool {
		return buttons(o.last(t))["fb:no:"+serial] != "" && strings.Contains(o.last(t).Params["text"], "已更换整段排水管")
	})
	o.press(t, "fb:no:"+serial)
	o.says(t, "这个处理结果我不能接受")
	p.told(7621, serial, "集团总部客户关系部", "400-800-1234", "12345")
	hq := p.tgCard(hqGroup, serial, "【业主对处理结果有异议·上报总部】", "这个处理结果我不能接受", "已更换整段排水管", "重新处理次数：2")
	if strings.Contains(hq.Params["text"], "13812345678") {
		t.Fatalf("head office card shows the phone: %s", hq.Params["text"])
	}
	p.tgCard(specGroup, serial, "【已上报总部】")
	p.tgCard(gmGroup, serial, "【已上报总部】")
	var by string
	p.h.db.Get(&by, `SELECT e.actor_id FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.serial = $1 AND e.action = 'head_office'`, serial)
	if by != "system" {
		t.Fatalf("head office event by %q", by)
	}
	// The department still works on it: the case is back with it.
	if st := p.status(serial); st != "dispatched" {
		t.Fatalf("disputed case: %s", st)
	}
	// The register keeps the reopenings and the dispute, in the staff's words.
	year := time.Now().Format("2006")
	reg := p.h.api("GET", "/api/v1/reports/register?format=csv&period="+year, nil).raw
	if !hasAll(reg, "重新处理：业主对答复不满意", "业主第 2 次对处理结果表示不满意：这个处理结果我不能接受") || strings.Contains(reg, "reopened:") {
		t.Fatalf("the register's opinion and head-office columns:\n%s", reg)
	}

	// Slack: the specialist escalates by hand (the owner disputed by phone).
	o2, s2 := p.owner(7622)
	p.answer(s2, "已调整噪音设备")
	waitFor(t, "the answer", func() bool { return buttons(o2.last(t))["fb:yes:"+s2] != "" })
	o2.press(t, "fb:yes:"+s2)
	pressSlack(t, p.h, p.sl, p.slackCard(specChannel, s2, "待闭合", "报总部"), slackSpec, "报总部")
	p.form(1, slackSpec, map[string]slackfake.Value{slack.InputText: slackfake.Text("业主来电表示不认可处理结果，要求总部复核")})
	p.told(7622, s2, "集团总部客户关系部")
	p.slackCard(hqChannel, s2, "上报总部", "要求总部复核")
}

func TestAcceptAssistingDepartmentsAndResponsibility(t *testing.T) {
	p := startPaths(t)
	o, serial := p.owner(7631)

	// Telegram: 协办部门 asks which, by buttons; each press toggles one.
	p.tgCard(specGroup, serial, "【投诉跟进】")
	prompt := p.choose(specGroup, specialist, "act:assist:"+serial, "security", "秩序部")
	waitFor(t, "the answer", func() bool { return hasCallAnswer(p.tg, "协办部门：秩序部") })
	// The prompt's buttons show the choice: pressing 环境部 adds it, 秩序部 again removes it.
	toggled := func(want string, on ...string) {
		t.Helper()
		edit := newest(t, "the prompt showing "+want, func() []telegramfake.Call { return p.tg.Calls("editMessageText") },
			func(c telegramfake.Call) bool {
				return c.Params["message_id"] == fmt.Sprint(prompt.MessageID) && c.Params["chat_id"] == specGroup && strings.Contains(c.Params["text"], want)
			})
		for _, dept := range on {
			if !strings.HasPrefix(buttons(edit)["act:assist:"+serial+":"+dept], "✓ ") {
				t.Fatalf("%s not ticked: %v", dept, buttons(edit))
			}
		}
	}
	toggled("协办：秩序部", "security")
	p.pressOn(specGroup, specialist, prompt, "act:assist:"+serial+":environment")
	toggled("协办：秩序部、环境部", "security", "environment")
	p.pressOn(specGroup, specialist, prompt, "act:assist:"+serial+":environment")
	toggled("协办：秩序部", "security")
	// 秩序部 gets a card of its own, with a button for notes.
	assist := p.tgCard(secGroup, serial, "【协办】", "牵头部门：工程部")
	if buttons(assist)["act:note:"+serial] == "" {
		t.Fatalf("assisting card: %s %v", assist.Params["text"], buttons(assist))
	}
	staffPress(t, p.h, p.tg, secGroup, secManager, "act:note:"+serial)
	p.reply(secGroup, secManager, "备注", "秩序部已安排夜间巡查")
	p.tgCard(engGroup, serial, "协办部门：秩序部", "赵军 备注")
	p.tgCard(engGroup, serial, "【协办备注】", "秩序部 赵军", "秩序部已安排夜间巡查")

	// Answered and found: a quality defect, with the CAPA report number.
	p.answer(serial, "工程部已更换防水层")
	waitFor(t, "the answer", func() bool { return buttons(o.last(t))["fb:yes:"+serial] != "" })
	o.press(t, "fb:yes:"+serial)
	p.tgCard(specGroup, serial, "【待闭合】", "责任界定：尚未界定")
	p.choose(specGroup, specialist, "act:responsibility:"+serial, "quality_defect", "质量缺陷")
	staffPress(t, p.h, p.tg, specGroup, specialist, "act:capa:"+serial)
	p.reply(specGroup, specialist, "纠正/预防措施报告编号", "CAPA-2026-031")
	p.tgCard(specGroup, serial, "【待闭合】", "责任界定 质量缺陷；CAPA CAPA-2026-031")

	// Slack: the dispatch's assisting departments in a multi-select, the
	// finding in one form.
	o2, s2 := p.owner(7632)
	pressSlack(t, p.h, p.sl, p.slackCard(specChannel, s2, "投诉跟进", "协办部门"), slackSpec, "协办部门")
	view := p.form(1, slackSpec, map[string]slackfake.Value{desk.InputAssisting: slackfake.Options("security", "environment")})
	if !strings.Contains(view, `"multi_static_select"`) || strings.Contains(view, `"value":"engineering"`) {
		t.Fatalf("the assisting form offers the lead or no multi-select: %s", view)
	}
	p.slackCard(secChannel, s2, "协办")
	p.slackCard(envChannel, s2, "协办")
	p.slackCard(engChannel, s2, "秩序部、环境部")
	p.answer(s2, "已清理并加装挡板")
	waitFor(t, "the answer", func() bool { return buttons(o2.last(t))["fb:yes:"+s2] != "" })
	o2.press(t, "fb:yes:"+s2)
	pressSlack(t, p.h, p.sl, p.slackCard(specChannel, s2, "待闭合", "责任界定"), slackSpec, "责任界定")
	p.form(2, slackSpec, map[string]slackfake.Value{
		desk.InputResponsibility: slackfake.Option("improper_use"), desk.InputResponsibleStaff: slackfake.Text("张伟"),
		desk.InputAccountability: slackfake.Text("口头提醒"), desk.InputCAPAReport: slackfake.Text("CAPA-2026-032")})
	p.slackCard(specChannel, s2, "使用不当", "CAPA-2026-032")

	// The register has the columns.
	year := time.Now().Format("2006")
	reg := p.h.api("GET", "/api/v1/reports/register?format=csv&period="+year, nil).raw
	for _, want := range []string{"协办部门", "经办人", "记录人", "投诉专员意见", "客户反馈意见", "责任界定", "纠正/预防措施报告编号",
		"秩序部、环境部", "质量缺陷", "CAPA-2026-031", "使用不当", "CAPA-2026-032", "口头提醒", "李建华"} {
		if !strings.Contains(reg, want) {
			t.Errorf("the register lacks %q", want)
		}
	}
}

// TestAcceptCollectiveComplaint: many households about one thing — the
// specialist links their cases to a lead case; the lead's household and 9
// linked ones are 10 complainants: major, the general manager is told and
// the department's card says so.
func TestAcceptCollectiveComplaint(t *testing.T) {
	p := startPaths(t)
	_, lead := p.owner(7641)
	p.tgCard(engGroup, lead, "【派单】")
	var members []string
	for i := 0; i < 9; i++ {
		members = append(members, p.ownerCase(fmt.Sprint("telegram:", 7650+i)))
	}
	// Nine households are not yet ten.
	r := p.h.api("POST", "/api/v1/cases/"+lead+"/links", map[string]any{"actor": "cs.zhoumin", "kind": "collective_member", "serials": members[:8]})
	if r.status != 200 || r.body["major"] != false {
		t.Fatalf("link 8: %d major=%v", r.status, r.body["major"])
	}
	if n := len(p.tg.Sent(gmGroup)); n != 0 {
		t.Fatalf("the general manager heard of a case that is not major: %d messages", n)
	}
	r = p.h.api("POST", "/api/v1/cases/"+lead+"/links", map[string]any{"actor": "cs.zhoumin", "kind": "collective_member", "serials": members[8:]})
	if r.status != 200 || r.body["major"] != true || r.body["complainants"] != 10.0 {
		t.Fatalf("link 10: %d %s", r.status, r.raw)
	}
	gm := p.tgCard(gmGroup, lead, "【重大投诉】", "集体投诉（10 户）", "投诉户数：10")
	if strings.Contains(gm.Params["text"], "collective") {
		t.Fatalf("the general manager reads English: %s", gm.Params["text"])
	}
	p.tgCard(engGroup, lead, "【派单】", "【重大】", "周敏 关联集体投诉")
	p.slackCard("C01GMDESK0", lead, "重大投诉")
}

// TestAcceptDisputeOnWeChat: the owner answers by number on WeChat; their
// second 不满意 goes to head office, and they are told so in WeChat.
func TestAcceptDisputeOnWeChat(t *testing.T) {
	p := startPaths(t)
	p.wxSays("你好")
	serial := p.ownerCase("wechat:" + wxOwner)
	p.answer(serial, "已疏通排水管")
	p.wxTold(serial, "已疏通排水管")
	p.wxSays("2") // 不满意
	p.wxSays("还是会倒灌")
	p.wxTold(serial, "重新交由")
	p.answer(serial, "已更换整段排水管")
	p.wxTold(serial, "已更换整段排水管")
	p.wxSays("2")
	p.wxSays("结果不能接受")
	told := p.wxTold(serial, "集团总部客户关系部", "12345")
	if strings.Contains(told, "按钮") || strings.Contains(told, "点击") {
		t.Fatalf("WeChat owner is told of buttons: %q", told)
	}
	p.tgCard(hqGroup, serial, "【业主对处理结果有异议·上报总部】", "结果不能接受")
	p.slackCard(hqChannel, serial, "上报总部")
}

// TestAcceptSatisfiedRevisitClosesOnItsOwn: closing.after_verified after a
// satisfied revisit the clock closes the case; the owner and the
// specialists' card hear of it.
func TestAcceptSatisfiedRevisitClosesOnItsOwn(t *testing.T) {
	p := startPaths(t)
	o, serial := p.owner(7661)
	p.answer(serial, "已修复单元门禁")
	revisitSatisfied(t, o, serial)
	p.tgCard(specGroup, serial, "【待闭合】")
	time.Sleep(1100 * time.Millisecond)
	h2 := p.another("after_verified: 3d", "after_verified: 1s")
	p.told(7661, serial, "闭合", "027-8888 6666")
	card := p.tgCard(specGroup, serial, "【已闭合】", "结果：回访满意，自动闭合")
	if buttons(card)["act:archive:"+serial] == "" {
		t.Fatalf("closed card: %s %v", card.Params["text"], buttons(card))
	}
	h2.stop()
	var by string
	p.h.db.Get(&by, `SELECT e.actor_id FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.serial = $1 AND e.action = 'close'`, serial)
	if by != "system" || p.status(serial) != "closed" {
		t.Fatalf("closed by %q, status %s", by, p.status(serial))
	}
}
