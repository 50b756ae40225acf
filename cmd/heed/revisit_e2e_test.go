package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/heedhq/heed/bots/slack/slackfake"
)

// TestFeedbackAndRevisitOnEveryChannel: three owners — on Telegram (buttons),
// WeChat (numbered replies) and Slack (a DM with buttons) — get the answer
// to their complaint where they made it. The Telegram owner is not
// satisfied: the case goes back to 工程部 and the specialists hear of it;
// answered again, the owner is satisfied and fills in the revisit. The
// WeChat owner answers by numbers and gives a low satisfaction score, which
// reopens the case and flags it to the specialists. The Slack owner answers
// with buttons. Each record's verification block holds what they said, and
// the department's card shows the scores.
func TestFeedbackAndRevisitOnEveryChannel(t *testing.T) {
	w := startWorld(t)
	h, tg, sl, wx := w.h, w.tg, w.sl, w.wx

	// A complaint of an owner who talked to heed on a channel (the intake
	// itself is other tests' business), answered by the procedure's people.
	complaintOf := func(owner string) string {
		t.Helper()
		c := phoneComplaint()
		c["unit"] = fmt.Sprintf("%d栋1单元101", updateSeq.Add(1)%30+1) // another home each: no repeat complaint
		r := h.api("POST", "/api/v1/cases", c)
		if r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		serial := r.body["serial"].(string)
		h.db.MustExec(`UPDATE cases SET owner_ref = $1 WHERE serial = $2`, owner, serial)
		return serial
	}
	answer := func(serial, reply string) {
		t.Helper()
		for _, st := range []map[string]any{
			{"actor": "eng.li", "action": "acknowledge"},
			{"actor": "eng.li", "action": "propose_measures", "text": "更换楼上防水层"},
			{"actor": "cs.zhoumin", "action": "review"},
			{"actor": "cs.zhoumin", "action": "reply", "text": reply},
		} {
			if r := h.api("POST", "/api/v1/cases/"+serial+"/transitions", st); r.status != 200 {
				t.Fatalf("%s %s: %d %s", serial, st["action"], r.status, r.raw)
			}
		}
	}
	type record struct {
		Status                             string
		Timeliness, Satisfaction, Attitude *int
		Suggestions, Feedback              string
		Reopens                            int
	}
	get := func(serial string) record {
		var r record
		h.db.QueryRow(`SELECT status, verify_timeliness, verify_satisfaction, verify_attitude, verify_suggestions, feedback, reopen_count
			FROM cases WHERE serial = $1`, serial).Scan(&r.Status, &r.Timeliness, &r.Satisfaction, &r.Attitude, &r.Suggestions, &r.Feedback, &r.Reopens)
		return r
	}
	scores := func(r record) string {
		if r.Timeliness == nil || r.Satisfaction == nil || r.Attitude == nil {
			return "none"
		}
		return fmt.Sprint(*r.Timeliness, *r.Satisfaction, *r.Attitude)
	}

	// Telegram: buttons.
	o := &tgOwner{h: h, fake: tg, id: 7301, lang: "zh-hans"}
	o.says(t, "你好")
	tgSerial := complaintOf("telegram:7301")
	answer(tgSerial, "今天下午工程部上门维修")
	waitFor(t, "the answer with its buttons", func() bool {
		_, ok := buttons(o.last(t))["fb:no:"+tgSerial]
		return ok && strings.Contains(o.last(t).Params["text"], "今天下午工程部上门维修")
	})
	o.press(t, "fb:no:"+tgSerial)
	o.says(t, "天花板还在滴水")
	if r := get(tgSerial); r.Status != "dispatched" || r.Reopens != 1 || r.Feedback != "天花板还在滴水" {
		t.Fatalf("not satisfied: %+v", r)
	}
	waitFor(t, "the specialists to hear of it", func() bool {
		for _, c := range tg.Sent(specGroup) {
			if strings.Contains(c.Params["text"], tgSerial) && strings.Contains(c.Params["text"], "天花板还在滴水") {
				return true
			}
		}
		return false
	})
	answer(tgSerial, "已更换整段防水层")
	waitFor(t, "the second answer with its buttons", func() bool {
		_, ok := buttons(o.last(t))["fb:yes:"+tgSerial]
		return ok && strings.Contains(o.last(t).Params["text"], "已更换整段防水层")
	})
	o.press(t, "fb:yes:"+tgSerial)
	waitFor(t, "the revisit's first question", func() bool { return strings.Contains(o.last(t).Params["text"], "1/4") })
	o.press(t, "rv:t:5:"+tgSerial)
	o.press(t, "rv:s:4:"+tgSerial)
	o.press(t, "rv:a:5:"+tgSerial)
	o.says(t, "师傅很专业")
	if r := get(tgSerial); r.Status != "verified" || scores(r) != "5 4 5" || r.Suggestions != "师傅很专业" {
		t.Fatalf("Telegram verification block: %+v %s", r, scores(r))
	}
	waitFor(t, "the department's card to show the revisit", func() bool {
		return strings.Contains(lastCard(t, tg, engGroup).Params["text"], "及时性 5 · 满意度 4 · 态度 5")
	})

	// WeChat: numbered replies.
	wxSay := wxSayer(t, h, wx)
	wxSay("你好")
	wxSerial := complaintOf("wechat:" + wxOwner)
	answer(wxSerial, "已修复")
	waitFor(t, "the WeChat owner's answer", func() bool {
		got := wx.Texts(wxOwner)
		return strings.Contains(got[len(got)-1], "已修复")
	})
	q := wxSay("1") // 1: 满意
	if !strings.Contains(q, "1/4") {
		t.Fatalf("satisfied by number: %q", q)
	}
	// The number typed is the score, as in surveys: 1 非常不满意 … 5 非常满意,
	// each option numbered once.
	if !strings.Contains(q, "1. 非常不满意") || !strings.Contains(q, "5. 非常满意") || strings.Contains(q, "1. 1") || strings.Contains(q, "1. 5") {
		t.Fatalf("score options on WeChat: %q", q)
	}
	wxSay("5") // timeliness 5
	wxSay("1") // satisfaction 1
	wxSay("4") // attitude 4
	wxSay("希望早点通知")
	if r := get(wxSerial); scores(r) != "5 1 4" || r.Suggestions != "希望早点通知" || r.Status != "dispatched" || r.Reopens != 1 {
		t.Fatalf("WeChat low score: %+v %s", r, scores(r))
	}
	waitFor(t, "the low score flagged to the specialists", func() bool {
		for _, c := range tg.Sent(specGroup) {
			if strings.Contains(c.Params["text"], wxSerial) && strings.Contains(c.Params["text"], "满意度 1") {
				return true
			}
		}
		return false
	})

	// Slack: a DM with buttons.
	const slOwner, slDM = "U07OWNER01", "D07OWNER01"
	dm := func(text string) {
		t.Helper()
		if code := slackPost(t, h, "/webhooks/slack/events", slackfake.MessageEvent{EventID: fmt.Sprint("Ev", updateSeq.Add(1)),
			Channel: slDM, ChannelType: "im", User: slOwner, Text: text}.Body()); code != 200 {
			t.Fatalf("DM %q: %d", text, code)
		}
	}
	lastDM := func() slackfake.Call {
		t.Helper()
		posted := sl.Posted(slDM)
		if len(posted) == 0 {
			t.Fatal("nothing in the DM")
		}
		return posted[len(posted)-1]
	}
	pressDM := func(value string) { // once heed's latest message offers it
		t.Helper()
		waitFor(t, "a button "+value, func() bool { return strings.Contains(lastDM().Params["blocks"], `"`+value+`"`) })
		pressSlack(t, h, sl, lastDM(), slOwner, value)
	}
	dm("你好")
	waitFor(t, "the DM's answer", func() bool { return len(sl.Posted(slDM)) > 0 })
	slSerial := complaintOf("slack:" + slOwner)
	answer(slSerial, "已修复")
	waitFor(t, "the Slack owner's answer", func() bool { return strings.Contains(lastDM().Params["text"], "已修复") })
	pressDM("fb:yes:" + slSerial) // 满意，已解决
	pressDM("rv:t:5:" + slSerial)
	pressDM("rv:s:5:" + slSerial)
	pressDM("rv:a:4:" + slSerial)
	waitFor(t, "the last question", func() bool { return strings.Contains(lastDM().Params["blocks"], `"skip"`) })
	n := len(sl.Posted(slDM))
	dm("谢谢")
	waitFor(t, "the thanks", func() bool { return len(sl.Posted(slDM)) > n })
	if r := get(slSerial); r.Status != "verified" || scores(r) != "5 5 4" || r.Suggestions != "谢谢" {
		t.Fatalf("Slack verification block: %+v %s", r, scores(r))
	}
}
