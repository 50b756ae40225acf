package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/heedhq/heed/bots/telegram/telegramfake"
	"github.com/heedhq/heed/cases/casestest"
)

// The Bot API's own update objects (telegramfake.Private) sent through
// heed serve: contact cards, captions, edits, blocking.

func (o *tgOwner) private() telegramfake.Private {
	return telegramfake.Private{UserID: o.id, FirstName: "业主", LanguageCode: o.lang}
}

// toContactQuestion starts a complaint and answers up to the name-and-phone question.
func (o *tgOwner) toContactQuestion(t *testing.T, complaint string) {
	t.Helper()
	got := o.says(t, complaint)
	o.press(t, proposed(t, got[len(got)-1]))
	o.press(t, "comm:xinghewan")
	if q := o.says(t, "3栋2单元1102"); !strings.Contains(q[len(q)-1].Params["text"], "手机") {
		t.Fatalf("expected the contact question, got %q", q[len(q)-1].Params["text"])
	}
}

func textsOf(calls []telegramfake.Call) string {
	var s []string
	for _, c := range calls {
		s = append(s, c.Params["text"])
	}
	return strings.Join(s, "\n")
}

func TestTelegramOwnContactCardIsThePhone(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	o := &tgOwner{h: h, fake: fake, id: 5101, lang: "zh-hans"}
	p := o.private()
	o.toContactQuestion(t, "楼上漏水，卫生间顶上一直在滴")
	// Shared from the attachment menu: Telegram's number has no "+".
	got := textsOf(o.send(t, p.Contact(updateSeq.Add(1), updateSeq.Add(1), "8613812345678", "王芳", "", o.id)))
	if strings.Contains(got, "只能识别") || !strings.Contains(got, "有什么要求") {
		t.Fatalf("after the contact card heed said %q, want the demands question", got)
	}
	o.press(t, "skip") // demands
	o.press(t, "skip") // photos
	if rb := o.last(t).Params["text"]; !strings.Contains(rb, "13812345678") || !strings.Contains(rb, "王芳") {
		t.Fatalf("read-back %q", rb)
	}
	o.press(t, "confirm")
	rows := h.ownerCases(t, "telegram:5101")
	if len(rows) != 1 || rows[0].Phone != "13812345678" || rows[0].Name != "王芳" {
		t.Fatalf("cases %+v", rows)
	}
}

func TestTelegramContactCardDuringTheIntake(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	o := &tgOwner{h: h, fake: fake, id: 5102, lang: "zh-hans"}
	p := o.private()
	got := o.says(t, "小区路灯坏了一个星期")
	cat := proposed(t, got[len(got)-1])
	// Their own card while the category is asked: kept, and the question stays.
	noted := textsOf(o.send(t, p.Contact(updateSeq.Add(1), updateSeq.Add(1), "+86 139 0000 2222", "陈明", "", o.id)))
	if !strings.Contains(noted, "13900002222") || strings.Contains(noted, "只能识别") {
		t.Fatalf("heed said %q", noted)
	}
	o.pressOn(t, got[len(got)-1], cat) // the category question's buttons still answer it
	o.press(t, "comm:cuihuyuan")
	if q := textsOf(o.says(t, "A2栋1201")); strings.Contains(q, "手机") || !strings.Contains(q, "有什么要求") {
		t.Fatalf("the phone was asked again: %q", q)
	}

	// Someone else's card at the contact question is a number the owner gives.
	o2 := &tgOwner{h: h, fake: fake, id: 5103, lang: "zh-hans"}
	o2.toContactQuestion(t, "楼道里堆满杂物，消防通道堵了")
	other := o2.private().Contact(updateSeq.Add(1), updateSeq.Add(1), "+86 137 0000 3333", "李四", "", 777000111)
	if q := textsOf(o2.send(t, other)); !strings.Contains(q, "有什么要求") {
		t.Fatalf("after another person's card: %q", q)
	}
	o2.press(t, "skip") // demands
	o2.press(t, "skip") // photos
	o2.press(t, "confirm")
	if rows := h.ownerCases(t, "telegram:5103"); len(rows) != 1 || rows[0].Phone != "13700003333" || rows[0].Name != "李四" {
		t.Fatalf("cases %+v", rows)
	}
}

func TestTelegramCaptionWhileAQuestionIsOpen(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	fake.AddFile("wet-small", pngBytes())
	fake.AddFile("wet-big", append(pngBytes(), 0))
	fake.AddFile("stain-big", append(pngBytes(), 1))
	o := &tgOwner{h: h, fake: fake, id: 5104, lang: "zh-hans"}
	p := o.private()
	got := o.says(t, "楼上漏水")
	// A photo with words while the category is asked: the words are more description.
	o.send(t, p.Photo(updateSeq.Add(1), updateSeq.Add(1), "卫生间吊顶也开始鼓包了", "wet-small", "wet-big"))
	o.press(t, proposed(t, o.last(t)))
	o.press(t, "comm:xinghewan")
	// At the unit question the caption is the answer, the photo kept.
	o.send(t, p.Photo(updateSeq.Add(1), updateSeq.Add(1), "5栋1单元802", "stain-big"))
	o.says(t, "赵女士 13600004444")
	o.press(t, "skip") // demands
	if q := o.last(t).Params["text"]; !strings.Contains(q, "2 张") {
		t.Fatalf("photos not counted at the photo question: %q", q)
	}
	o.press(t, "done")
	rb := o.last(t).Params["text"]
	for _, want := range []string{"楼上漏水", "卫生间吊顶也开始鼓包了", "5栋1单元802", "照片：2"} {
		if !strings.Contains(rb, want) {
			t.Errorf("read-back lacks %q:\n%s", want, rb)
		}
	}
	o.press(t, "confirm")
	rows := h.ownerCases(t, "telegram:5104")
	if len(rows) != 1 || rows[0].Photos != 2 || rows[0].Unit != "5栋1单元802" || !strings.Contains(rows[0].Content, "鼓包") {
		t.Fatalf("cases %+v (first answer %q)", rows, got[len(got)-1].Params["text"])
	}
}

func TestTelegramEditedMessages(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	o := &tgOwner{h: h, fake: fake, id: 5105, lang: "zh-hans"}
	p := o.private()
	first := updateSeq.Add(1)
	o.send(t, p.Message(updateSeq.Add(1), first, map[string]any{"text": "电梯坏了"}))
	// The owner corrects the message the description began with.
	before := len(fake.Sent("5105"))
	if code := h.postUpdate(t, tgSecret, p.Edited(updateSeq.Add(1), first, "3栋的电梯门关不上，已经两天了")); code != 200 {
		t.Fatalf("edited_message: %d", code)
	}
	// The edit is acknowledged, and the category asked again from the new words.
	if got := textsOf(fake.WaitSent(t, "5105", before+2)[before:]); !strings.Contains(got, "3栋的电梯门关不上") {
		t.Fatalf("edit answered %q", got)
	}
	o.press(t, proposed(t, o.last(t)))
	o.press(t, "comm:xinghewan")
	unitMsg := updateSeq.Add(1)
	o.send(t, p.Message(updateSeq.Add(1), unitMsg, map[string]any{"text": "3栋1单元"}))
	// An edit of another answer is seen, and the owner told how to correct.
	if got := textsOf(o.send(t, p.Edited(updateSeq.Add(1), unitMsg, "3栋2单元"))); !strings.Contains(got, "修改") {
		t.Fatalf("edit of the unit answered %q", got)
	}
	o.says(t, "孙先生 13500005555")
	o.press(t, "skip") // demands
	o.press(t, "skip") // photos
	o.press(t, "confirm")
	rows := h.ownerCases(t, "telegram:5105")
	if len(rows) != 1 || rows[0].Content != "3栋的电梯门关不上，已经两天了" {
		t.Fatalf("cases %+v", rows)
	}
	// Submitted: an edit changes nothing, and says how to add information.
	got := textsOf(o.send(t, p.Edited(updateSeq.Add(1), first, "电梯门关不上，还有异响")))
	if !strings.Contains(got, rows[0].Serial) || !strings.Contains(got, "补充") {
		t.Fatalf("edit after submitting answered %q", got)
	}
	if rows = h.ownerCases(t, "telegram:5105"); rows[0].Content != "3栋的电梯门关不上，已经两天了" {
		t.Fatalf("a submitted complaint changed: %q", rows[0].Content)
	}
}

// blocked reports whether heed holds the owner as having blocked it.
func (h *heed) blocked(t testing.TB, ownerRef string) bool {
	t.Helper()
	var b bool
	if err := h.db.Get(&b, `SELECT EXISTS (SELECT 1 FROM owner_profiles WHERE owner_ref = $1 AND blocked_at IS NOT NULL)`, ownerRef); err != nil {
		t.Fatal(err)
	}
	return b
}

func (h *heed) queuedTo(t testing.TB, channel, chat string) int {
	t.Helper()
	var n int
	h.db.Get(&n, `SELECT count(*) FROM outbox WHERE channel = $1 AND chat_id = $2`, channel, chat)
	return n
}

func TestTelegramOwnerWhoBlocksTheBot(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	o := &tgOwner{h: h, fake: fake, id: 5106, lang: "zh-hans"}
	p := o.private()
	o.complain(t, "楼上漏水，天花板在滴水", "9栋1单元301", "钱女士 13800006666")
	serial := h.ownerCases(t, "telegram:5106")[0].Serial
	// The owner blocks the bot.
	if code := h.postUpdate(t, tgSecret, p.MemberStatus(updateSeq.Add(1), "member", "kicked")); code != 200 {
		t.Fatalf("my_chat_member: %d", code)
	}
	if !h.blocked(t, "telegram:5106") {
		t.Fatal("the block was not recorded")
	}
	queued, sent := h.queuedTo(t, "telegram", "5106"), len(fake.Sent("5106"))
	for _, st := range []map[string]any{
		{"actor": "eng.li", "action": "acknowledge"},
		{"actor": "eng.li", "action": "propose_measures", "text": "已约谈商铺加装油烟净化器"},
		{"actor": "cs.zhoumin", "action": "review"},
		{"actor": "cs.zhoumin", "action": "reply", "text": "商铺已加装油烟净化器"},
	} {
		if r := h.api("POST", "/api/v1/cases/"+serial+"/transitions", st); r.status != 200 {
			t.Fatalf("%s: %d %s", st["action"], r.status, r.raw)
		}
	}
	if n := h.queuedTo(t, "telegram", "5106"); n != queued {
		t.Fatalf("%d messages queued to an owner who blocked the bot", n-queued)
	}
	// The revisit goes to the specialists' call list instead.
	if got := groupCommand(t, h, fake, specialist, updateSeq.Add(1), "/revisit "+serial); !strings.Contains(got, "请电话回访") || !strings.Contains(got, "屏蔽") {
		t.Fatalf("/revisit answered %q", got)
	}
	if got := groupCommand(t, h, fake, specialist, updateSeq.Add(1), "/revisit pending"); !strings.Contains(got, serial) {
		t.Fatalf("/revisit pending lacks %s: %q", serial, got)
	}
	if n := h.queuedTo(t, "telegram", "5106"); n != queued || len(fake.Sent("5106")) != sent {
		t.Fatalf("the owner who blocked the bot got %d messages", len(fake.Sent("5106"))-sent)
	}
	// Unblocked ("member") and writing again: reachable again.
	if code := h.postUpdate(t, tgSecret, p.MemberStatus(updateSeq.Add(1), "kicked", "member")); code != 200 || h.blocked(t, "telegram:5106") {
		t.Fatalf("unblock: %d, still blocked", code)
	}
	h.postUpdate(t, tgSecret, p.MemberStatus(updateSeq.Add(1), "member", "kicked"))
	if st := textsOf(o.says(t, "查询")); !strings.Contains(st, serial) {
		t.Fatalf("status %q", st)
	}
	if h.blocked(t, "telegram:5106") {
		t.Fatal("writing again did not clear the block")
	}
}

func TestTelegramForbiddenOnSendRecordsTheBlock(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	o := &tgOwner{h: h, fake: fake, id: 5107, lang: "zh-hans"}
	fake.FailChat("sendMessage", fmt.Sprint(o.id), telegramfake.Blocked)
	// An emergency: two answers queued, the emergency numbers first.
	if code := h.postUpdate(t, tgSecret, o.message(map[string]any{"text": "电梯里困了人！3栋的电梯"})); code != 200 {
		t.Fatalf("webhook %d", code)
	}
	waitFor(t, "the block to be recorded and nothing left to send", func() bool {
		var pending int
		h.db.Get(&pending, `SELECT count(*) FROM outbox WHERE chat_id = '5107' AND state IN ('pending', 'sending')`)
		return h.blocked(t, "telegram:5107") && pending == 0
	})
	var dead int
	h.db.Get(&dead, `SELECT count(*) FROM outbox WHERE chat_id = '5107' AND state = 'dead'`)
	if n := len(fake.Sent("5107")); n != 1 || dead != 2 {
		t.Fatalf("%d sends tried after the 403, %d given up; want 1 and 2", n, dead)
	}
}
