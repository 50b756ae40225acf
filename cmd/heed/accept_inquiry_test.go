package main

import (
	"strings"
	"testing"

	"github.com/heedhq/heed/cases/casestest"
)

// An owner's question is answered "we will answer" and put before the
// specialists as a card — who asks (phone masked), the channel, what it is
// about, the question — so that a person answers it. Praise is recorded,
// not put before anyone as a question.
func TestAcceptInquiryReachesTheSpecialists(t *testing.T) {
	h, tg := startTelegramHeed(t, casestest.URL(t))
	o := &tgOwner{h: h, fake: tg, id: 5400001, lang: "zh-hans"}
	o.finishIntake(t, o.says(t, "楼上漏水很严重，天花板在滴水"), "3栋2单元1102", "陈先生 13700002222")

	const question = "请问物业费每年几月份交？"
	eng := h.queuedTo(t, "telegram", chEng.tg)
	got := o.says(t, question)
	if a := got[len(got)-1].Params["text"]; !strings.Contains(a, "咨询已收到") || !strings.Contains(a, "客服专员") {
		t.Fatalf("the owner was told %q", a)
	}
	card := tgCard(t, tg, chSpec.tg, "咨询内容："+question, "【业主咨询】")
	for _, want := range []string{"业主：陈先生 137****2222", "渠道：Telegram", "小区：星河湾", "房号：3栋2单元1102", "涉及：收费", "请客服专员答复业主"} {
		if !strings.Contains(card, want) {
			t.Errorf("the specialists' card lacks %q:\n%s", want, card)
		}
	}
	if strings.Contains(card, "13700002222") {
		t.Errorf("the card shows the owner's whole number:\n%s", card)
	}
	if n := h.queuedTo(t, "telegram", chEng.tg); n != eng {
		t.Errorf("%d messages for 工程部: a question is no case", n-eng)
	}

	// A newcomer's praise is recorded as praise: no card for anyone.
	p := &tgOwner{h: h, fake: tg, id: 5400002, lang: "zh-hans"}
	before := h.queuedTo(t, "telegram", chSpec.tg)
	if a := p.says(t, "感谢保安小刘帮我把轮椅抬上楼，服务很好"); !strings.Contains(a[len(a)-1].Params["text"], "感谢您的表扬") {
		t.Fatalf("praise answered %q", a[len(a)-1].Params["text"])
	}
	if n := h.queuedTo(t, "telegram", chSpec.tg); n != before {
		t.Errorf("praise put %d messages before the specialists", n-before)
	}
	var kinds string
	h.db.Get(&kinds, `SELECT string_agg(kind, ' ' ORDER BY id) FROM owner_messages`)
	if kinds != "inquiry praise" {
		t.Errorf("owner messages recorded: %q", kinds)
	}
}
