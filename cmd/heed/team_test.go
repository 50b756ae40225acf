package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/telegram/telegramfake"
	"github.com/heedhq/heed/cases/casestest"
)

// The example company's team chats and people on Telegram.
const (
	engGroup   = "-1001234500001" // 工程部
	secGroup   = "-1001234500003" // 秩序部
	specGroup  = "-1001234500010" // complaint specialists
	engManager = 6100000101       // 李建华, manager of 工程部
	engManag2  = 6100000102       // 高峰, the other manager of 工程部
	secManager = 6100000301       // 赵军, manager of 秩序部
	specialist = 6100000701       // 周敏
)

// staffPress presses a card's button in a group as a staff member.
func staffPress(t testing.TB, h *heed, fake *telegramfake.Server, group string, user int64, data string) int {
	t.Helper()
	card := lastCard(t, fake, group)
	var kb any
	json.Unmarshal([]byte(card.Params["reply_markup"]), &kb)
	chat, _ := json.Number(group).Int64()
	return h.postUpdate(t, tgSecret, map[string]any{"update_id": updateSeq.Add(1), "callback_query": map[string]any{
		"id": fmt.Sprint("cb", updateSeq.Add(1)), "from": map[string]any{"id": user, "is_bot": false, "first_name": "staff"},
		"chat_instance": "g", "data": data,
		"message": map[string]any{"message_id": 1, "date": 1764000000, "chat": map[string]any{"id": chat, "type": "supergroup"},
			"text": card.Params["text"], "reply_markup": kb}}})
}

// lastPrompt waits for the bot's newest prompt in a group (a message
// asking for a reply, not a card) and returns it with its message id.
func lastPrompt(t testing.TB, fake *telegramfake.Server, group string) (telegramfake.Call, int) {
	t.Helper()
	var prompt telegramfake.Call
	var id int
	waitFor(t, "a prompt in "+group, func() bool {
		for _, c := range fake.Calls("sendMessage") {
			if c.Params["chat_id"] == group && strings.Contains(c.Params["text"], "请回复本消息") {
				prompt, id = c, c.MessageID
			}
		}
		return prompt.Params != nil
	})
	return prompt, id
}

// staffReply answers the bot's latest prompt in a group with Telegram's reply.
func staffReply(t testing.TB, h *heed, fake *telegramfake.Server, group string, user int64, text string) {
	t.Helper()
	prompt, id := lastPrompt(t, fake, group)
	if strings.Contains(prompt.Params["text"], "[act:") {
		t.Fatalf("the prompt shows a marker: %q", prompt.Params["text"])
	}
	chat, _ := json.Number(group).Int64()
	code := h.postUpdate(t, tgSecret, map[string]any{"update_id": updateSeq.Add(1), "message": map[string]any{
		"message_id": updateSeq.Add(1), "date": 1764000000, "text": text,
		"chat": map[string]any{"id": chat, "type": "supergroup"}, "from": map[string]any{"id": user, "is_bot": false, "first_name": "staff"},
		"reply_to_message": map[string]any{"message_id": id, "date": 1764000000, "text": prompt.Params["text"],
			"chat": map[string]any{"id": chat, "type": "supergroup"}}}})
	if code != 200 {
		t.Fatalf("reply: %d", code)
	}
}

// lastCard is the newest card posted or edited in a group.
func lastCard(t testing.TB, fake *telegramfake.Server, group string) telegramfake.Call {
	t.Helper()
	var last telegramfake.Call
	for _, c := range fake.Calls("") {
		if (c.Method == "sendMessage" || c.Method == "editMessageText") && c.Params["chat_id"] == group && strings.Contains(c.Params["text"], "TS-") {
			last = c
		}
	}
	if last.Params == nil {
		t.Fatalf("no card in %s", group)
	}
	return last
}

// waitFor polls until cond holds.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func hasCallAnswer(fake *telegramfake.Server, contains string) bool {
	for _, c := range fake.Calls("answerCallbackQuery") {
		if strings.Contains(c.Params["text"], contains) {
			return true
		}
	}
	return false
}

func TestTelegramGroupWorksACaseFromDispatchToReply(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	o := &tgOwner{h: h, fake: fake, id: 7001, lang: "zh-hans"}
	o.complain(t, "楼上漏水，天花板在滴水", "3栋2单元1102", "王女士 13812345678")
	serial := h.ownerCases(t, "telegram:7001")[0].Serial

	// The dispatch card lands in 工程部's group, phone masked, with its buttons.
	waitFor(t, "the dispatch card", func() bool { return len(fake.Sent(engGroup)) > 0 })
	card := lastCard(t, fake, engGroup)
	if !strings.Contains(card.Params["text"], "【派单】"+serial) || !strings.Contains(card.Params["text"], "138****5678") ||
		strings.Contains(card.Params["text"], "13812345678") {
		t.Fatalf("dispatch card:\n%s", card.Params["text"])
	}
	t.Logf("dispatch card:\n%s\nbuttons %v", card.Params["text"], buttons(card))
	if b := buttons(card); b["act:acknowledge:"+serial] != "受理" || b["act:transfer:"+serial] == "" {
		t.Fatalf("dispatch card buttons: %v", b)
	}

	// Someone of another department may not acknowledge it.
	staffPress(t, h, fake, engGroup, secManager, "act:acknowledge:"+serial)
	waitFor(t, "the refusal", func() bool { return hasCallAnswer(fake, "不能") })
	if c := h.ownerCases(t, "telegram:7001"); len(c) != 1 {
		t.Fatal("case lost")
	}
	var status string
	h.db.Get(&status, `SELECT status FROM cases WHERE serial = $1`, serial)
	if status != "dispatched" {
		t.Fatalf("after a refused press the case is %s", status)
	}

	// The manager acknowledges: the card is edited, the owner is told.
	before := len(fake.Sent("7001"))
	staffPress(t, h, fake, engGroup, engManager, "act:acknowledge:"+serial)
	waitFor(t, "the card edit", func() bool {
		c := lastCard(t, fake, engGroup)
		return c.Method == "editMessageText" && strings.Contains(c.Params["text"], "部门已受理")
	})
	if b := buttons(lastCard(t, fake, engGroup)); b["act:propose_measures:"+serial] == "" || b["act:acknowledge:"+serial] != "" {
		t.Fatalf("buttons after acknowledge: %v", b)
	}
	told := fake.WaitSent(t, "7001", before+1)[before].Params["text"]
	if !strings.Contains(told, serial) || !strings.Contains(told, "工程部受理") {
		t.Fatalf("owner told %q", told)
	}

	// Measures: the button asks for the text, the reply gives it.
	staffPress(t, h, fake, engGroup, engManager, "act:propose_measures:"+serial)
	staffReply(t, h, fake, engGroup, engManager, "今天下午更换楼上卫生间防水层")
	// (The specialists' follow-up card of the case came before.)
	waitFor(t, "the specialist's card", func() bool {
		return strings.Contains(lastCard(t, fake, specGroup).Params["text"], "【审核处理措施】")
	})
	spec := lastCard(t, fake, specGroup)
	if !strings.Contains(spec.Params["text"], "今天下午更换楼上卫生间防水层") || buttons(spec)["act:approve_reply:"+serial] == "" {
		t.Fatalf("specialist card:\n%s %v", spec.Params["text"], buttons(spec))
	}

	// The specialist approves: the proposed answer is shown first, and sent
	// as it is with the prompt's button.
	before = len(fake.Sent("7001"))
	staffPress(t, h, fake, specGroup, specialist, "act:approve_reply:"+serial)
	waitFor(t, "the proposed answer", func() bool {
		return buttons(fake.Sent(specGroup)[len(fake.Sent(specGroup))-1])["act:approve_reply:"+serial+":asis"] != ""
	})
	if len(fake.Sent("7001")) != before {
		t.Fatal("the owner was answered before the specialist saw the answer")
	}
	staffPress(t, h, fake, specGroup, specialist, "act:approve_reply:"+serial+":asis")
	reply := fake.WaitSent(t, "7001", before+1)[before].Params["text"]
	if !strings.Contains(reply, "今天下午更换楼上卫生间防水层") {
		t.Fatalf("owner's reply %q", reply)
	}
	h.db.Get(&status, `SELECT status FROM cases WHERE serial = $1`, serial)
	if status != "replied" {
		t.Fatalf("case is %s after the reply", status)
	}
}

func TestTwoManagersPressAcknowledgeAtOnce(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	created := h.api("POST", "/api/v1/cases", phoneComplaint())
	serial := created.body["serial"].(string)
	waitFor(t, "the dispatch card", func() bool { return len(fake.Sent(engGroup)) > 0 })
	var wg sync.WaitGroup
	for _, who := range []int64{engManager, engManag2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code := staffPress(t, h, fake, engGroup, who, "act:acknowledge:"+serial); code != 200 {
				t.Errorf("press: %d", code)
			}
		}()
	}
	wg.Wait()
	waitFor(t, "both answers", func() bool { return len(fake.Calls("answerCallbackQuery")) >= 2 })
	var winners, losers int
	for _, c := range fake.Calls("answerCallbackQuery") {
		switch {
		case c.Params["text"] == "已受理。":
			winners++
		case strings.Contains(c.Params["text"], "已由") && strings.Contains(c.Params["text"], "受理"):
			losers++
		}
	}
	if winners != 1 || losers != 1 {
		t.Fatalf("answers: %d winners, %d told who was first: %v", winners, losers, fake.Calls("answerCallbackQuery"))
	}
	time.Sleep(300 * time.Millisecond) // let any stray edit arrive
	edits := 0
	for _, c := range fake.Calls("editMessageText") {
		if c.Params["chat_id"] == engGroup && strings.Contains(c.Params["text"], "部门已受理") {
			edits++
		}
	}
	if edits != 1 {
		t.Fatalf("the card was edited %d times, want once", edits)
	}
}

func TestTransferMovesTheCardToTheOtherDepartment(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	serial := h.api("POST", "/api/v1/cases", phoneComplaint()).body["serial"].(string)
	waitFor(t, "the dispatch card", func() bool { return len(fake.Sent(engGroup)) > 0 })
	staffPress(t, h, fake, engGroup, engManager, "act:transfer:"+serial)
	waitFor(t, "the departments to choose from", func() bool {
		return buttons(fake.Sent(engGroup)[len(fake.Sent(engGroup))-1])["act:transfer:"+serial+":security"] == "秩序部"
	})
	staffPress(t, h, fake, engGroup, engManager, "act:transfer:"+serial+":security")
	waitFor(t, "the card in 秩序部", func() bool { return len(fake.Sent(secGroup)) > 0 })
	if b := buttons(lastCard(t, fake, secGroup)); b["act:acknowledge:"+serial] == "" {
		t.Fatalf("秩序部's card buttons %v", b)
	}
	waitFor(t, "the old card edited", func() bool {
		c := lastCard(t, fake, engGroup)
		return c.Method == "editMessageText" && strings.Contains(c.Params["text"], "已转派给秩序部") && len(buttons(c)) == 0
	})
}

func TestDeadLettersAreVisibleAndCanBeRetried(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	fake.Fail("sendMessage", telegramfake.Failure{Status: 403, Desc: "Forbidden: bot was blocked by the user"})
	o := &tgOwner{h: h, fake: fake, id: 7101, lang: "zh-hans"}
	if code := h.postUpdate(t, tgSecret, o.message(map[string]any{"text": "你好"})); code != 200 {
		t.Fatal(code)
	}
	var dead []any
	waitFor(t, "the dead letter", func() bool {
		r := h.api("GET", "/api/v1/outbox/dead", nil)
		dead, _ = r.body["dead"].([]any)
		return len(dead) == 1
	})
	d := dead[0].(map[string]any)
	if d["chat_id"] != "7101" || !strings.Contains(d["last_error"].(string), "blocked") {
		t.Fatalf("dead letter %v", d)
	}
	if m := h.do("GET", "/metrics", "", nil); !strings.Contains(m.raw, `heed_outbox_messages{channel="telegram",state="dead"} 1`) {
		t.Fatal("no dead-letter metric")
	}
	if r := h.api("POST", fmt.Sprintf("/api/v1/outbox/%v/retry", d["id"]), nil); r.status != 200 {
		t.Fatalf("retry: %d %s", r.status, r.raw)
	}
	fake.WaitSent(t, "7101", 2) // the blocked try, then the delivery
	if r := h.api("POST", "/api/v1/outbox/999999/retry", nil); r.status != 404 {
		t.Fatalf("retry of nothing: %d", r.status)
	}
}

func TestStaffRecordAPhoneComplaintInATelegramGroup(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	chat, _ := json.Number(specGroup).Int64()
	code := h.postUpdate(t, tgSecret, map[string]any{"update_id": updateSeq.Add(1), "message": map[string]any{
		"message_id": 5, "date": 1764000000, "text": "/complaint 王女士 13812345678 星河湾3栋2单元1102 楼上漏水，天花板在滴水",
		"chat": map[string]any{"id": chat, "type": "supergroup"}, "from": map[string]any{"id": specialist, "is_bot": false, "first_name": "周敏"}}})
	if code != 200 {
		t.Fatalf("webhook %d", code)
	}
	answer := answerAfter(t, fake, specGroup, 0)
	var c struct {
		Serial, Channel, Name, Phone, Community, Unit, Category, RecordedBy string
	}
	h.db.QueryRow(`SELECT serial, channel, customer_name, contact_phone, community, unit, category, recorded_by FROM cases`).
		Scan(&c.Serial, &c.Channel, &c.Name, &c.Phone, &c.Community, &c.Unit, &c.Category, &c.RecordedBy)
	if !strings.Contains(answer, c.Serial) || c.Channel != "phone" || c.Name != "王女士" || c.Phone != "13812345678" ||
		c.Community != "xinghewan" || c.Unit != "3栋2单元1102" || c.Category != "repair" || c.RecordedBy != "cs.zhoumin" {
		t.Fatalf("answer %q, case %+v", answer, c)
	}
	// Someone who is not staff cannot.
	code = h.postUpdate(t, tgSecret, map[string]any{"update_id": updateSeq.Add(1), "message": map[string]any{
		"message_id": 6, "date": 1764000000, "text": "/complaint 张三 13900001111 物业费太贵",
		"chat": map[string]any{"id": chat, "type": "supergroup"}, "from": map[string]any{"id": 999, "is_bot": false, "first_name": "x"}}})
	if code != 200 {
		t.Fatal(code)
	}
	// (The specialists' follow-up card of the recorded case may come first.)
	waitFor(t, "the outsider's refusal", func() bool {
		for _, c := range fake.Sent(specGroup) {
			if strings.Contains(c.Params["text"], "不是") && !strings.Contains(c.Params["text"], "TS-") {
				return true
			}
		}
		return false
	})
	var n int
	h.db.Get(&n, `SELECT count(*) FROM cases`)
	if n != 1 {
		t.Fatalf("%d cases", n)
	}
}

func TestBulletinThroughTheAPI(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	body := map[string]any{"actor": "cs.zhoumin", "key": "water-2026-11-26", "title": "停水通知",
		"body": "11月26日 9:00–12:00 星河湾二次供水设备检修，届时停水，请提前储水。", "communities": []string{"xinghewan"}}
	r := h.api("POST", "/api/v1/bulletins", body)
	if r.status != 201 {
		t.Fatalf("post: %d %s", r.status, r.raw)
	}
	id := r.body["id"]
	if again := h.api("POST", "/api/v1/bulletins", body); again.body["id"] != id {
		t.Fatalf("the same key made another bulletin: %v", again.raw)
	}
	group := "-1001234500101" // 星河湾's residential group in the example
	waitFor(t, "the bulletin in the group", func() bool { return len(fake.Sent(group)) == 1 })
	waitFor(t, "progress", func() bool {
		p := h.api("GET", fmt.Sprintf("/api/v1/bulletins/%v", id), nil)
		return p.body["sent"] == float64(1) && p.body["pending"] == float64(0) && p.raw != "" && !strings.Contains(p.raw, `"Targets"`) && strings.Contains(p.raw, `"targets":[{"channel":`)
	})
	if r := h.api("POST", "/api/v1/bulletins", map[string]any{"actor": "eng.li", "body": "x", "communities": []string{"xinghewan"}}); r.status != 403 {
		t.Fatalf("a department manager posted a bulletin: %d", r.status)
	}
	if r := h.api("POST", "/api/v1/bulletins", map[string]any{"actor": "cs.zhoumin", "body": "x", "communities": []string{"moon"}}); r.status != 400 {
		t.Fatalf("unknown community: %d", r.status)
	}
}

func TestReportCommandInATelegramGroup(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	h.api("POST", "/api/v1/cases", phoneComplaint())
	chat, _ := json.Number(specGroup).Int64()
	ask := func(user int64, text string) string {
		t.Helper()
		before := len(fake.Sent(specGroup))
		h.postUpdate(t, tgSecret, map[string]any{"update_id": updateSeq.Add(1), "message": map[string]any{
			"message_id": 9, "date": 1764000000, "text": text,
			"chat": map[string]any{"id": chat, "type": "supergroup"}, "from": map[string]any{"id": user, "is_bot": false, "first_name": "x"}}})
		return answerAfter(t, fake, specGroup, before)
	}
	year := time.Now().Format("2006")
	if got := ask(specialist, "/report "+year); !strings.Contains(got, "投诉 1 件") || !strings.Contains(got, year) {
		t.Fatalf("/report answered %q", got)
	}
	if got := ask(engManager, "/report"); !strings.Contains(got, "只提供给") {
		t.Fatalf("a department manager got %q", got)
	}
}
