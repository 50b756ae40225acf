package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/slack/slackfake"
	"github.com/heedhq/heed/bots/telegram/telegramfake"
	"github.com/heedhq/heed/bots/wechat/wechatfake"
	"github.com/heedhq/heed/cases/casestest"
)

// Acceptance tests of the owner's side of the procedure, through the real
// `heed serve` and the fake platforms: what the owner and each staff member
// actually receive.

// world is heed with owners on Telegram and WeChat and staff on Telegram
// and Slack.
type world struct {
	h  *heed
	tg *telegramfake.Server
	sl *slackfake.Server
	wx *wechatfake.Server
}

func startWorld(t *testing.T) *world {
	t.Helper()
	tg := telegramfake.New(t, tgToken)
	sl := slackfake.New(t, slackToken)
	wx := wechatfake.New(t, wxAppID, wxSecret)
	h := startHeedOn(t, casestest.URL(t), map[string]string{
		"HEED_TELEGRAM_TOKEN": tgToken, "HEED_TELEGRAM_WEBHOOK_SECRET": tgSecret, "HEED_TELEGRAM_API_URL": tg.URL,
		"HEED_SLACK_BOT_TOKEN": slackToken, "HEED_SLACK_SIGNING_SECRET": slackSecret, "HEED_SLACK_API_URL": sl.APIURL(),
		"HEED_WECHAT_APP_ID": wxAppID, "HEED_WECHAT_APP_SECRET": wxSecret, "HEED_WECHAT_TOKEN": wxToken,
		"HEED_WECHAT_AES_KEY": wxAESKey, "HEED_WECHAT_API_URL": wx.URL})
	return &world{h: h, tg: tg, sl: sl, wx: wx}
}

// tgCard is the newest text posted or edited in a Telegram group that
// contains marker ("" when there is none).
func (w *world) tgCard(group, marker string) string {
	last := ""
	for _, c := range w.tg.Calls("") {
		if (c.Method == "sendMessage" || c.Method == "editMessageText") && c.Params["chat_id"] == group && strings.Contains(c.Params["text"], marker) {
			last = c.Params["text"]
		}
	}
	return last
}

// slCard is the same for a Slack channel (the card's text).
func (w *world) slCard(channel, marker string) string {
	last := ""
	for _, c := range w.sl.Calls("") {
		if (c.Method == "chat.postMessage" || c.Method == "chat.update") && c.Params["channel"] == channel && strings.Contains(c.Params["text"], marker) {
			last = c.Params["text"]
		}
	}
	return last
}

// waitCards waits until the card with marker in each Telegram group and
// Slack channel holds every one of want.
func (w *world) waitCards(t *testing.T, marker string, groups, channels []string, want ...string) {
	t.Helper()
	holds := func(text string) bool {
		for _, s := range want {
			if !strings.Contains(text, s) {
				return false
			}
		}
		return text != ""
	}
	for _, g := range groups {
		waitFor(t, fmt.Sprintf("the card %s in Telegram group %s with %q", marker, g, want), func() bool { return holds(w.tgCard(g, marker)) })
	}
	for _, c := range channels {
		waitFor(t, fmt.Sprintf("the card %s in Slack channel %s with %q", marker, c, want), func() bool { return holds(w.slCard(c, marker)) })
	}
}

// noFullPhone fails if any staff chat received the number unmasked.
func (w *world) noFullPhone(t *testing.T, phone string) {
	t.Helper()
	for _, c := range w.tg.Calls("") {
		if strings.HasPrefix(c.Params["chat_id"], "-") && strings.Contains(c.Params["text"], phone) {
			t.Fatalf("Telegram group %s received the full phone: %q", c.Params["chat_id"], c.Params["text"])
		}
	}
	for _, c := range w.sl.Calls("") {
		if strings.Contains(c.Params["text"], phone) || strings.Contains(c.Params["blocks"], phone) {
			t.Fatalf("Slack %s received the full phone: %q", c.Params["channel"], c.Params["text"])
		}
	}
}

// wxAcceptOwner is an owner writing to the Official Account.
type wxAcceptOwner struct {
	w      *world
	openID string
}

func (o *wxAcceptOwner) post(t *testing.T, xml string) string {
	t.Helper()
	acct := wechatfake.Account{AppID: wxAppID, Token: wxToken, AESKey: wxAESKey, Original: wxOriginal}
	n := len(o.w.wx.Texts(o.openID))
	res, err := http.DefaultClient.Do(acct.Safe(o.w.h.base+"/webhooks/wechat", o.openID, xml))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("webhook answered %d", res.StatusCode)
	}
	waitFor(t, "heed's answer on WeChat", func() bool { return len(o.w.wx.Texts(o.openID)) > n })
	time.Sleep(50 * time.Millisecond) // a second message of the same answer
	return strings.Join(o.w.wx.Texts(o.openID)[n:], "\n")
}

func (o *wxAcceptOwner) says(t *testing.T, text string) string {
	t.Helper()
	return o.post(t, wechatfake.Text(wxOriginal, o.openID, time.Now().Unix(), wxMsgID.Add(1), text))
}

func (o *wxAcceptOwner) clicks(t *testing.T, key string) string {
	t.Helper()
	return o.post(t, wechatfake.Event(wxOriginal, o.openID, time.Now().Unix()+wxMsgID.Add(1)%1000, "CLICK", key))
}

// An owner's emergency reaches the specialists and the category's
// department (工程部) on Telegram and Slack with the first message, before
// any question is answered; the card fills in as the intake goes on and
// ends with the serial; the case's 2-hour clock runs from the first message.
func TestAcceptEmergencyAlertsStaffBeforeTheIntakeEnds(t *testing.T) {
	w := startWorld(t)
	o := &tgOwner{h: w.h, fake: w.tg, id: 9101, lang: "zh-hans"}
	first := time.Now()
	o.says(t, "电梯突然停了，有人被困在里面")
	got := w.tg.WaitSent(t, "9101", 2)
	if warn := got[0].Params["text"]; !strings.Contains(warn, "119") || !strings.Contains(warn, "已立即通知客服专员和工程部") {
		t.Fatalf("the owner's first answer: %q", warn)
	}
	// Nothing else answered yet, and the staff already know.
	groups, channels := []string{specGroup, engGroup}, []string{specChannel, engChannel}
	w.waitCards(t, "【紧急", groups, channels, "工程维修", "有人被困", "Telegram", "尚未登记")

	o.press(t, proposed(t, got[len(got)-1]))
	o.press(t, "comm:xinghewan")
	o.says(t, "5栋电梯厅")
	w.waitCards(t, "【紧急", groups, channels, "星河湾", "5栋")
	if q := o.says(t, "郑女士"); !strings.Contains(q[len(q)-1].Params["text"], "郑女士") || strings.Contains(q[len(q)-1].Params["text"], "称呼") {
		t.Fatalf("a name alone: asked %q, want only the phone", q[len(q)-1].Params["text"])
	}
	o.says(t, "13600004321")
	w.waitCards(t, "【紧急", groups, channels, "郑女士 136****4321")
	o.press(t, "skip") // no photo (an emergency is not asked for demands)
	done := o.press(t, "confirm")
	rows := w.h.ownerCases(t, "telegram:9101")
	if len(rows) != 1 || rows[0].Urgency != "emergency" {
		t.Fatalf("cases %+v", rows)
	}
	serial := rows[0].Serial
	if a := done[len(done)-1].Params["text"]; !strings.Contains(a, serial) || !strings.Contains(a, "已派给工程部") || strings.Contains(a, "客服专员将于") {
		t.Fatalf("registration answer %q", a)
	}
	w.waitCards(t, "【紧急", groups, channels, serial, "已派单给工程部")
	waitFor(t, "the dispatch card in 工程部", func() bool { return strings.Contains(w.tgCard(engGroup, "【派单】"), serial) })
	// The clock started when staff were told, not at the confirmation.
	var received, created time.Time
	var due string
	w.h.db.QueryRow(`SELECT c.received_at, c.created_at, (d.due_at - c.received_at)::text FROM cases c JOIN case_deadlines d ON d.case_id = c.id
		WHERE c.serial = $1 AND d.step = 'reply'`, serial).Scan(&received, &created, &due)
	if received.Before(first.Add(-time.Second)) || !received.Before(created) || due != "02:00:00" {
		t.Fatalf("received %v (first message %v), created %v, reply due %s after receipt", received, first, created, due)
	}
	w.noFullPhone(t, "13600004321")

	// A WeChat owner's emergency, and the owner who gives up: staff hear both.
	wo := &wxAcceptOwner{w: w, openID: "oWX-emergency-1"}
	if a := wo.says(t, "2栋水管爆裂了，楼道里全是水"); !strings.Contains(a, "已立即通知客服专员和工程部") {
		t.Fatalf("WeChat owner's first answer %q", a)
	}
	w.waitCards(t, "水管爆裂", groups, channels, "【紧急", "微信", "尚未登记")
	wo.says(t, "取消")
	w.waitCards(t, "水管爆裂", groups, channels, "业主取消了填写")
}

// 人工 reaches the specialists on Telegram and Slack: an owner with no case
// at all, an owner in the middle of a complaint on WeChat (the menu's
// 联系客服), and an owner whose case is being handled — each card says who,
// where, about what, with the phone masked and the owner's last words.
func TestAcceptAskingForAPersonReachesTheSpecialists(t *testing.T) {
	w := startWorld(t)
	spec := []string{specGroup}
	specSlack := []string{specChannel}

	// No case, no draft.
	o := &tgOwner{h: w.h, fake: w.tg, id: 9201, lang: "zh-hans"}
	o.says(t, "请问物业办公室几点下班")
	o.says(t, "取消")
	got := o.says(t, "人工")
	if a := got[len(got)-1].Params["text"]; !strings.Contains(a, "已通知客服专员") {
		t.Fatalf("人工 answered %q", a)
	}
	w.waitCards(t, "【业主要求人工】", spec, specSlack, "Telegram", "尚未登记", "几点下班")

	// In the middle of a complaint on WeChat, through the menu.
	wo := &wxAcceptOwner{w: w, openID: "oWX-person-1"}
	wo.says(t, "楼道的灯坏了一个星期没人修")
	if a := wo.clicks(t, "human"); !strings.Contains(a, "已通知客服专员") {
		t.Fatalf("联系客服 answered %q", a)
	}
	w.waitCards(t, "楼道的灯坏了", spec, specSlack, "【业主要求人工】", "微信", "尚未提交")

	// With a case being handled: the card names it, the phone masked.
	c := &tgOwner{h: w.h, fake: w.tg, id: 9202, lang: "zh-hans"}
	c.complain(t, "地下车库的排水沟堵了，下雨就积水，电话13900007777", "B2层", "冯先生 13900007777") // the number in the words, too
	serial := w.h.ownerCases(t, "telegram:9202")[0].Serial
	c.says(t, "人工")
	w.waitCards(t, "【业主要求人工】 "+serial, spec, specSlack, "冯先生 139****7777", "排水沟")
	w.noFullPhone(t, "13900007777")
}

// A low revisit score reopens the case, answered with Telegram's buttons or
// WeChat's numbers alike (the number is the score): the department's card
// offers 受理 again and the specialists are told, with the scores.
func TestAcceptLowRevisitScoreReopens(t *testing.T) {
	w := startWorld(t)
	answer := func(serial string) {
		t.Helper()
		for _, st := range []map[string]any{
			{"actor": "eng.li", "action": "acknowledge"},
			{"actor": "eng.li", "action": "propose_measures", "text": "清理排水口并加装滤网"},
			{"actor": "cs.zhoumin", "action": "review"},
			{"actor": "cs.zhoumin", "action": "reply", "text": "已清理排水口"},
		} {
			if r := w.h.api("POST", "/api/v1/cases/"+serial+"/transitions", st); r.status != 200 {
				t.Fatalf("%s %s: %d %s", serial, st["action"], r.status, r.raw)
			}
		}
	}
	status := func(serial string) (s string, reopens int) {
		w.h.db.QueryRow(`SELECT status, reopen_count FROM cases WHERE serial = $1`, serial).Scan(&s, &reopens)
		return
	}

	// Telegram: buttons, labelled without digits, in ascending order.
	o := &tgOwner{h: w.h, fake: w.tg, id: 9301, lang: "zh-hans"}
	o.complain(t, "阳台下水道返水，请派师傅维修", "6栋1单元601", "韩女士 13700006666")
	tgSerial := w.h.ownerCases(t, "telegram:9301")[0].Serial
	answer(tgSerial)
	waitFor(t, "the answer", func() bool { _, ok := buttons(o.last(t))["fb:yes:"+tgSerial]; return ok })
	o.press(t, "fb:yes:"+tgSerial)
	waitFor(t, "the revisit's first question", func() bool { return strings.Contains(o.last(t).Params["text"], "1/4") })
	b := buttons(o.last(t))
	if b["rv:t:1:"+tgSerial] != "非常不满意" || b["rv:t:5:"+tgSerial] != "非常满意" {
		t.Fatalf("revisit buttons %v", b)
	}
	o.press(t, "rv:t:4:"+tgSerial)
	o.press(t, "rv:s:2:"+tgSerial)
	o.press(t, "rv:a:4:"+tgSerial)
	o.says(t, "水还是往上冒")
	waitFor(t, "the owner to hear the case is reopened", func() bool {
		return strings.Contains(o.last(t).Params["text"], "重新交由") && len(w.tg.Sent("9301")) >= 2
	})
	if s, n := status(tgSerial); s != "dispatched" || n != 1 {
		t.Fatalf("Telegram low score: %s, %d reopens", s, n)
	}
	w.waitCards(t, "【业主不满意，已重新派单】"+tgSerial, []string{specGroup}, []string{specChannel}, "满意度 2", "水还是往上冒")
	// 工程部's dispatch card of the case (the newest post or edit of it; the
	// 【业主不满意】 notice beside it carries no buttons) offers 受理 again.
	waitFor(t, "工程部's card to offer 受理 again", func() bool {
		var card telegramfake.Call
		for _, c := range w.tg.Calls("") {
			text := c.Params["text"]
			if (c.Method == "sendMessage" || c.Method == "editMessageText") && c.Params["chat_id"] == engGroup &&
				strings.Contains(text, tgSerial) && !strings.Contains(text, "【业主不满意") {
				card = c
			}
		}
		_, ok := buttons(card)["act:acknowledge:"+tgSerial]
		return ok
	})

	// WeChat: the number typed is the score.
	wo := &wxAcceptOwner{w: w, openID: "oWX-revisit-1"}
	wo.says(t, "你好")
	c := phoneComplaint()
	c["unit"] = "9栋3单元302"
	r := w.h.api("POST", "/api/v1/cases", c)
	wxSerial := r.body["serial"].(string)
	w.h.db.MustExec(`UPDATE cases SET owner_ref = $1 WHERE serial = $2`, "wechat:"+wo.openID, wxSerial)
	answer(wxSerial)
	waitFor(t, "the WeChat answer", func() bool {
		got := w.wx.Texts(wo.openID)
		return strings.Contains(got[len(got)-1], "已清理排水口")
	})
	first := wo.says(t, "1") // 满意，已解决
	if !strings.Contains(first, "1. 非常不满意") || !strings.Contains(first, "5. 非常满意") {
		t.Fatalf("WeChat revisit question %q", first)
	}
	wo.says(t, "3")
	wo.says(t, "1")
	wo.says(t, "3")
	if a := wo.says(t, "跳过"); !strings.Contains(a, "重新交由") {
		t.Fatalf("WeChat owner told %q", a)
	}
	var sat int
	w.h.db.Get(&sat, `SELECT verify_satisfaction FROM cases WHERE serial = $1`, wxSerial)
	if s, n := status(wxSerial); s != "dispatched" || n != 1 || sat != 1 {
		t.Fatalf("WeChat low score: %s, %d reopens, satisfaction %d", s, n, sat)
	}
	w.waitCards(t, "【业主不满意，已重新派单】"+wxSerial, []string{specGroup}, []string{specChannel}, "满意度 1")
}

// A specialist records a phone complaint in the Telegram group with the
// owner's name, phone, demands and reply time in one line: they land in
// their fields, the content keeps neither name nor phone, and the cards —
// the department's, and the general manager's for the same owner's repeat
// complaint — show the number masked, with the demands.
func TestAcceptStaffRecordsAComplaintLineOnTelegram(t *testing.T) {
	w := startWorld(t)
	chat, _ := json.Number(specGroup).Int64()
	record := func(text string) {
		t.Helper()
		n := len(w.tg.Sent(specGroup))
		code := w.h.postUpdate(t, tgSecret, map[string]any{"update_id": updateSeq.Add(1), "message": map[string]any{
			"message_id": updateSeq.Add(1), "date": 1764000000, "text": text,
			"chat": map[string]any{"id": chat, "type": "supergroup"}, "from": map[string]any{"id": specialist, "is_bot": false, "first_name": "周敏"}}})
		if code != 200 {
			t.Fatalf("webhook %d", code)
		}
		w.tg.WaitSent(t, specGroup, n+1)
	}
	// Plainly one category (repair) both times: the repeat rule needs the
	// same category, and a ceiling's seepage may read as house quality once
	// and repair the next.
	record("/complaint 卫女士 137 2222 8888 翠湖苑6栋1单元201 厨房水龙头关不紧，一直滴水 要求：换个新的水龙头 答复：3天内")
	var c struct {
		Serial, Name, Phone, Content, Purpose string
		By                                    *time.Time
	}
	w.h.db.QueryRow(`SELECT serial, customer_name, contact_phone, content, purpose, requested_reply_by FROM cases ORDER BY id LIMIT 1`).
		Scan(&c.Serial, &c.Name, &c.Phone, &c.Content, &c.Purpose, &c.By)
	if c.Name != "卫女士" || c.Phone != "13722228888" || strings.Contains(c.Content, "2222") || strings.Contains(c.Content, "卫女士") ||
		!strings.HasPrefix(c.Content, "翠湖苑6栋1单元201 厨房水龙头关不紧") || c.Purpose != "换个新的水龙头" || c.By == nil {
		t.Fatalf("recorded %+v", c)
	}
	waitFor(t, "the dispatch card with the demands", func() bool {
		card := w.tgCard(engGroup, c.Serial)
		return strings.Contains(card, "137****8888") && strings.Contains(card, "换个新的水龙头")
	})
	// The register has the demands and the reply time asked for.
	csv := w.h.api("GET", "/api/v1/reports/register?format=csv&period="+time.Now().Format("2006"), nil)
	if !strings.Contains(csv.raw, "换个新的水龙头；要求答复："+c.By.In(shanghaiTZ(t)).Format("2006-01-02")) {
		t.Fatalf("the register lacks the demands and reply time:\n%s", csv.raw)
	}
	// The same owner again about the same home: a repeat, for the general manager.
	record("/complaint 卫女士 13722228888 翠湖苑6栋1单元201 厨房水龙头又关不紧了，还在滴水")
	const gmGroup = "-1001234500011"
	waitFor(t, "the general manager's card", func() bool { return strings.Contains(w.tgCard(gmGroup, "重复投诉"), "137****8888") })
	w.noFullPhone(t, "13722228888")
	w.noFullPhone(t, "137 2222 8888")
}

func shanghaiTZ(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// A Telegram owner who shares their contact card at the contact question
// has given their phone: no "I can only read text" and no empty phone.
func TestAcceptTelegramSharedContactIsThePhone(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	o := &tgOwner{h: h, fake: fake, id: 9401, lang: "zh-hans"}
	got := o.says(t, "单元门禁卡刷不开门")
	o.press(t, proposed(t, got[len(got)-1]))
	o.press(t, "comm:cuihuyuan")
	o.says(t, "2栋1单元")
	shared := o.send(t, o.message(map[string]any{"contact": map[string]any{"phone_number": "8613812349999", "first_name": "陆", "user_id": 9401}}))
	if q := shared[len(shared)-1].Params["text"]; !strings.Contains(q, "有什么要求") {
		t.Fatalf("the shared contact answered %q", q)
	}
	o.press(t, "skip")
	o.press(t, "skip")
	o.press(t, "confirm")
	rows := h.ownerCases(t, "telegram:9401")
	if len(rows) != 1 || rows[0].Phone != "13812349999" || rows[0].Name != "陆" {
		t.Fatalf("cases %+v", rows)
	}
}

// A photo an owner sends in a Slack DM (a file_share message) is answered
// and kept with the complaint, its words too.
func TestAcceptSlackPhotoInADirectMessage(t *testing.T) {
	h, _, sl := startSlackAndTelegramHeed(t)
	const owner, dm = "U07PHOTO01", "D07PHOTO01"
	post := func(e slackfake.MessageEvent) {
		t.Helper()
		n := len(sl.Posted(dm))
		e.EventID, e.Channel, e.ChannelType, e.User = fmt.Sprint("Ev", updateSeq.Add(1)), dm, "im", owner
		if code := slackPost(t, h, "/webhooks/slack/events", e.Body()); code != 200 {
			t.Fatalf("event: %d", code)
		}
		waitFor(t, "heed's answer in the DM", func() bool { return len(sl.Posted(dm)) > n })
	}
	post(slackfake.MessageEvent{Text: "垃圾房门口堆满了垃圾，没人清运"})
	post(slackfake.MessageEvent{Subtype: "file_share", Text: "这是今天早上拍的",
		Files: []slackfake.File{{ID: "F07PHOTO1", Name: "rubbish.jpg", Mimetype: "image/jpeg"}}})
	posted := sl.Posted(dm)
	if last := posted[len(posted)-1].Params["text"]; strings.Contains(last, "只能识别") {
		t.Fatalf("the photo was not taken: %q", last)
	}
	var ref, content string
	h.db.QueryRow(`SELECT data->'draft'->'attachments'->0->>'ref', data->'draft'->>'content' FROM conversations WHERE user_id = $1`, owner).Scan(&ref, &content)
	if ref != "slack-file:F07PHOTO1" || !strings.Contains(content, "这是今天早上拍的") {
		t.Fatalf("draft: photo %q, content %q", ref, content)
	}
}

// An owner who blocks the Telegram bot is recorded as blocked (no bulletins,
// surveys or questionnaires nobody would receive: the revisit becomes the
// specialists' call), and heed answers nothing.
func TestAcceptTelegramOwnerWhoBlocksTheBot(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	o := &tgOwner{h: h, fake: fake, id: 9601, lang: "zh-hans"}
	o.says(t, "你好")
	sent := len(fake.Sent("9601"))
	member := func(status string) map[string]any {
		return map[string]any{"user": map[string]any{"id": 555000, "is_bot": true, "first_name": "heed"}, "status": status}
	}
	if code := h.postUpdate(t, tgSecret, map[string]any{"update_id": updateSeq.Add(1), "my_chat_member": map[string]any{
		"chat": o.chat(), "from": o.from(), "date": 1764000200,
		"old_chat_member": member("member"), "new_chat_member": member("kicked")}}); code != 200 {
		t.Fatalf("webhook %d", code)
	}
	var out bool
	waitFor(t, "the block to be recorded", func() bool {
		h.db.Get(&out, `SELECT blocked_at IS NOT NULL FROM owner_profiles WHERE owner_ref = 'telegram:9601'`)
		return out
	})
	if n := len(fake.Sent("9601")); n != sent {
		t.Fatalf("heed wrote to an owner who blocked it: %d messages", n-sent)
	}
}
