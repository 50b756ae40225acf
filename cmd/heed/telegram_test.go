package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/heedhq/heed/bots/telegram/telegramfake"
	"github.com/heedhq/heed/cases/casestest"
)

const (
	tgToken  = "123456:test-token"
	tgSecret = "webhook-secret-9c1d"
)

// owner is a Telegram user chatting with heed through the webhook.
type tgOwner struct {
	h    *heed
	fake *telegramfake.Server
	id   int64
	lang string
}

var updateSeq atomic.Int64

func init() { updateSeq.Store(100000) }

func startTelegramHeed(t testing.TB, dsn string) (*heed, *telegramfake.Server) {
	t.Helper()
	fake := telegramfake.New(t, tgToken)
	h := startHeedOn(t, dsn, map[string]string{"HEED_TELEGRAM_TOKEN": tgToken,
		"HEED_TELEGRAM_WEBHOOK_SECRET": tgSecret, "HEED_TELEGRAM_API_URL": fake.URL})
	return h, fake
}

// post delivers an update as Telegram would and returns the HTTP status.
func (h *heed) postUpdate(t testing.TB, secret string, update map[string]any) int {
	t.Helper()
	body, _ := json.Marshal(update)
	req, _ := http.NewRequest("POST", h.base+"/webhooks/telegram", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func (o *tgOwner) from() map[string]any {
	return map[string]any{"id": o.id, "is_bot": false, "first_name": "业主", "language_code": o.lang}
}

func (o *tgOwner) chat() map[string]any { return map[string]any{"id": o.id, "type": "private"} }

func (o *tgOwner) message(fields map[string]any) map[string]any {
	m := map[string]any{"message_id": updateSeq.Add(1), "date": 1764000000, "chat": o.chat(), "from": o.from()}
	for k, v := range fields {
		m[k] = v
	}
	return map[string]any{"update_id": updateSeq.Add(1), "message": m}
}

// says sends text and waits for heed's answer; it returns the new messages.
func (o *tgOwner) says(t testing.TB, text string) []telegramfake.Call {
	t.Helper()
	return o.send(t, o.message(map[string]any{"text": text}))
}

func (o *tgOwner) send(t testing.TB, update map[string]any) []telegramfake.Call {
	t.Helper()
	chat := fmt.Sprint(o.id)
	before := len(o.fake.Sent(chat))
	if code := o.h.postUpdate(t, tgSecret, update); code != 200 {
		t.Fatalf("webhook answered %d", code)
	}
	return o.fake.WaitSent(t, chat, before+1)[before:]
}

// last is heed's latest message to the owner.
func (o *tgOwner) last(t testing.TB) telegramfake.Call {
	t.Helper()
	sent := o.fake.Sent(fmt.Sprint(o.id))
	if len(sent) == 0 {
		t.Fatal("heed said nothing")
	}
	return sent[len(sent)-1]
}

// buttons lists the inline keyboard of a sent message as data → label.
func buttons(c telegramfake.Call) map[string]string {
	var kb struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	json.Unmarshal([]byte(c.Params["reply_markup"]), &kb)
	out := map[string]string{}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			out[b.CallbackData] = b.Text
		}
	}
	return out
}

// press presses the button with data on heed's latest message.
func (o *tgOwner) press(t testing.TB, data string) []telegramfake.Call {
	t.Helper()
	return o.pressOn(t, o.last(t), data)
}

// pressOn presses the button with data on the message q heed sent.
func (o *tgOwner) pressOn(t testing.TB, q telegramfake.Call, data string) []telegramfake.Call {
	t.Helper()
	if _, ok := buttons(q)[data]; !ok {
		t.Fatalf("no button %q on %q (buttons %v)", data, q.Params["text"], buttons(q))
	}
	var kb any
	json.Unmarshal([]byte(q.Params["reply_markup"]), &kb)
	update := map[string]any{"update_id": updateSeq.Add(1), "callback_query": map[string]any{
		"id": fmt.Sprint(updateSeq.Add(1)), "from": o.from(), "chat_instance": "ci", "data": data,
		"message": map[string]any{"message_id": 1, "date": 1764000000, "chat": o.chat(),
			"text": q.Params["text"], "reply_markup": kb}}}
	return o.send(t, update)
}

// complain goes through a whole intake in 星河湾 — the complaint, heed's
// proposed category, the community, unit and contact, no photo, confirm —
// and returns heed's last messages.
func (o *tgOwner) complain(t testing.TB, text, unit, contact string) []telegramfake.Call {
	t.Helper()
	return o.finishIntake(t, o.says(t, text), unit, contact)
}

// finishIntake answers from heed's category proposal (the last of got) to
// the confirmed record.
func (o *tgOwner) finishIntake(t testing.TB, got []telegramfake.Call, unit, contact string) []telegramfake.Call {
	t.Helper()
	o.press(t, proposed(t, got[len(got)-1]))
	o.press(t, "comm:xinghewan")
	o.says(t, unit)
	last := o.says(t, contact)
	// No particular demands (an emergency is not asked them), no photo.
	for range 2 {
		if len(last) == 0 || buttons(last[len(last)-1])["skip"] == "" {
			break
		}
		last = o.press(t, "skip")
	}
	return o.press(t, "confirm")
}

// proposed returns the category heed proposes on its latest message: the
// first category button (when heed is unsure it offers the likeliest first).
func proposed(t testing.TB, c telegramfake.Call) string {
	t.Helper()
	var kb struct {
		InlineKeyboard [][]struct {
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	json.Unmarshal([]byte(c.Params["reply_markup"]), &kb)
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if data := b.CallbackData; strings.HasPrefix(data, "cat:") && data != "cat:?" {
				return data
			}
		}
	}
	t.Fatalf("no category proposed in %q", c.Params["text"])
	return ""
}

func pngBytes() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{200, 0, 0, 255})
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

type caseRow struct {
	Serial    string `db:"serial"`
	Category  string `db:"category"`
	Urgency   string `db:"urgency"`
	Community string `db:"community"`
	Unit      string `db:"unit"`
	Name      string `db:"customer_name"`
	Phone     string `db:"contact_phone"`
	Content   string `db:"content"`
	Language  string `db:"language"`
	Photos    int    `db:"photos"`
}

func (h *heed) ownerCases(t testing.TB, ownerRef string) []caseRow {
	t.Helper()
	var rows []caseRow
	err := h.db.Select(&rows, `SELECT serial, category, urgency, community, unit, customer_name, contact_phone, content, language,
		(SELECT count(*) FROM case_attachments a WHERE a.case_id = c.id) AS photos
		FROM cases c WHERE owner_ref = $1 ORDER BY id`, ownerRef)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestTelegramIntakeInSimplifiedChinese(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	fake.AddFile("photo-big", pngBytes())
	o := &tgOwner{h: h, fake: fake, id: 5001, lang: "zh-hans"}

	got := o.says(t, "楼上漏水很严重，天花板在滴水，我家是3栋2单元1102")
	cat := proposed(t, got[len(got)-1])
	o.press(t, cat)
	if !strings.Contains(o.last(t).Params["text"], "小区") {
		t.Fatalf("expected the community question, got %q", o.last(t).Params["text"])
	}
	o.press(t, "comm:xinghewan") // the unit was in the first message: not asked again
	if !strings.Contains(o.last(t).Params["text"], "手机") {
		t.Fatalf("expected the contact question, got %q", o.last(t).Params["text"])
	}
	o.says(t, "王女士 138 1234 5678")
	o.press(t, "skip") // no particular demands
	o.send(t, o.message(map[string]any{"photo": []map[string]any{
		{"file_id": "photo-small", "file_unique_id": "s", "width": 90, "height": 90},
		{"file_id": "photo-big", "file_unique_id": "b", "width": 800, "height": 800}}, "caption": "现场"}))
	o.press(t, "done")
	rb := o.last(t).Params["text"]
	for _, want := range []string{"楼上漏水很严重", "星河湾", "3栋2单元1102", "王女士", "13812345678", "照片：1"} {
		if !strings.Contains(rb, want) {
			t.Errorf("read-back lacks %q:\n%s", want, rb)
		}
	}
	done := o.press(t, "confirm")
	answer := done[len(done)-1].Params["text"]
	rows := h.ownerCases(t, "telegram:5001")
	if len(rows) != 1 {
		t.Fatalf("%d cases, want 1", len(rows))
	}
	c := rows[0]
	if !strings.Contains(answer, c.Serial) || !strings.Contains(answer, "前答复") {
		t.Fatalf("answer lacks serial %s and reply time: %q", c.Serial, answer)
	}
	if "cat:"+c.Category != cat || c.Community != "xinghewan" || c.Unit != "3栋2单元1102" || c.Name != "王女士" ||
		c.Phone != "13812345678" || c.Photos != 1 || c.Language != "zh-CN" || !strings.HasPrefix(c.Content, "楼上漏水很严重") {
		t.Fatalf("case = %+v", c)
	}
	// Each pressed button was answered and its question edited to show the choice.
	if n := len(fake.Calls("answerCallbackQuery")); n != 5 {
		t.Errorf("%d answerCallbackQuery, want 5", n)
	}
	if edits := fake.Calls("editMessageText"); len(edits) != 5 || !strings.Contains(edits[1].Params["text"], "→ 星河湾") {
		t.Errorf("edits = %v", edits)
	}
	// The second complaint remembers the address and the contact.
	got = o.says(t, "楼下装修太吵了，晚上十点还在电钻")
	o.press(t, proposed(t, got[len(got)-1]))
	if q := o.last(t).Params["text"]; !strings.Contains(q, "星河湾 3栋2单元1102") {
		t.Fatalf("address not remembered: %q", q)
	}
	o.press(t, "yes")
	if q := o.last(t).Params["text"]; !strings.Contains(q, "13812345678") {
		t.Fatalf("contact not remembered: %q", q)
	}
	// The status query shows only this owner's cases.
	st := o.says(t, "查询")
	if text := st[len(st)-1].Params["text"]; !strings.Contains(text, c.Serial) {
		t.Fatalf("status lacks %s: %q", c.Serial, text)
	}
	for _, m := range fake.Sent("5001") {
		t.Logf("heed: %s %v", m.Params["text"], buttons(m))
	}
}

func TestTelegramIntakeInTraditionalChineseWithNumberedReplies(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	o := &tgOwner{h: h, fake: fake, id: 5002, lang: "zh-hant"}
	got := o.says(t, "樓上漏水很嚴重，天花板在滴水")
	if q := got[len(got)-1].Params["text"]; !strings.Contains(q, "類別") {
		t.Fatalf("not answered in Traditional Chinese: %q", q)
	}
	cat := proposed(t, got[len(got)-1])
	o.says(t, "1") // the first choice, typed
	o.says(t, "翠湖苑")
	o.says(t, "5棟1單元302")
	o.says(t, "陳先生 +852 9123 4567")
	o.says(t, "跳過")
	o.says(t, "跳過")
	o.says(t, "確認")
	rows := h.ownerCases(t, "telegram:5002")
	if len(rows) != 1 {
		t.Fatalf("%d cases; last message %q", len(rows), o.last(t).Params["text"])
	}
	c := rows[0]
	if "cat:"+c.Category != cat || c.Community != "cuihuyuan" || c.Phone != "+85291234567" || c.Name != "陳先生" || c.Language != "zh-TW" ||
		c.Content != "樓上漏水很嚴重，天花板在滴水" {
		t.Fatalf("case = %+v", c)
	}
	if answer := o.last(t).Params["text"]; !strings.Contains(answer, c.Serial) || !strings.Contains(answer, "答覆") {
		t.Fatalf("answer %q", answer)
	}
}

func TestTelegramIntakeInEnglish(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	o := &tgOwner{h: h, fake: fake, id: 5003, lang: "en"}
	done := o.complain(t, "The lift in building 3 has been broken for three days", "Building 3, Unit 2, Room 1102", "Tom Smith 13912345678")
	if q := o.fake.Sent("5003")[0].Params["text"]; !strings.Contains(q, "Is that right") {
		t.Fatalf("not answered in English: %q", q)
	}
	rows := h.ownerCases(t, "telegram:5003")
	if len(rows) != 1 || rows[0].Language != "en" || rows[0].Phone != "13912345678" {
		t.Fatalf("cases = %+v", rows)
	}
	if a := done[len(done)-1].Params["text"]; !strings.Contains(a, rows[0].Serial) || !strings.Contains(a, "reply with the result by") {
		t.Fatalf("answer %q", a)
	}
}

func TestTelegramEmergencyGetsNumbersAtOnce(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	o := &tgOwner{h: h, fake: fake, id: 5004, lang: "zh-hans"}
	o.says(t, "电梯里困了人！3栋的电梯")
	got := fake.WaitSent(t, "5004", 2) // the numbers, then the category question
	first := got[0].Params["text"]
	if !strings.Contains(first, "119") || !strings.Contains(first, "紧急") {
		t.Fatalf("first reply is not the emergency numbers: %q", first)
	}
	o.press(t, proposed(t, got[len(got)-1]))
	o.press(t, "comm:xinghewan")
	o.says(t, "3栋1单元")
	o.says(t, "李先生 13700001111")
	o.press(t, "skip")
	o.press(t, "confirm")
	rows := h.ownerCases(t, "telegram:5004")
	if len(rows) != 1 || rows[0].Urgency != "emergency" {
		t.Fatalf("cases = %+v", rows)
	}
	var due string
	h.db.Get(&due, `SELECT (d.due_at - c.received_at)::text FROM case_deadlines d JOIN cases c ON c.id = d.case_id
		WHERE c.serial = $1 AND d.step = 'reply'`, rows[0].Serial)
	if due != "02:00:00" {
		t.Fatalf("emergency reply deadline %s after receipt, want 2 h", due)
	}
}

func TestTelegramDeliveredFiveTimesIsOneMessage(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	o := &tgOwner{h: h, fake: fake, id: 5005, lang: "zh-hans"}
	u := o.message(map[string]any{"text": "小区门口垃圾三天没人清理"})
	for range 5 {
		if code := h.postUpdate(t, tgSecret, u); code != 200 {
			t.Fatalf("webhook %d", code)
		}
	}
	fake.WaitSent(t, "5005", 1)
	var inbound, lines int
	h.db.Get(&inbound, `SELECT count(*) FROM inbound_messages WHERE chat_id = '5005'`)
	h.db.Get(&lines, `SELECT count(*) FROM transcript WHERE chat_id = '5005' AND sender = 'heed'`)
	if inbound != 1 || lines != 1 {
		t.Fatalf("5 deliveries recorded %d messages and %d answers", inbound, lines)
	}
	// Finish the intake and deliver the confirming press 5 times: one case.
	o.press(t, proposed(t, o.last(t)))
	o.press(t, "comm:cuihuyuan")
	o.says(t, "2栋")
	o.says(t, "赵女士 13600002222")
	o.press(t, "skip")
	o.press(t, "skip")
	q := o.last(t)
	var kb any
	json.Unmarshal([]byte(q.Params["reply_markup"]), &kb)
	confirm := map[string]any{"update_id": updateSeq.Add(1), "callback_query": map[string]any{
		"id": "cb-confirm", "from": o.from(), "chat_instance": "ci", "data": "confirm",
		"message": map[string]any{"message_id": 1, "date": 1764000000, "chat": o.chat(), "text": q.Params["text"], "reply_markup": kb}}}
	for range 5 {
		h.postUpdate(t, tgSecret, confirm)
	}
	if n := len(h.ownerCases(t, "telegram:5005")); n != 1 {
		t.Fatalf("%d cases from 5 deliveries of the confirmation", n)
	}
}

func TestTelegramConversationSurvivesARestart(t *testing.T) {
	dsn := casestest.URL(t)
	h, fake := startTelegramHeed(t, dsn)
	o := &tgOwner{h: h, fake: fake, id: 5006, lang: "zh-hans"}
	got := o.says(t, "停车场的道闸坏了，车出不去")
	cat := proposed(t, got[len(got)-1])
	o.press(t, cat)
	h.stop()
	// A new heed serve (same database, same fake Telegram) carries on.
	h2 := startHeedOn(t, dsn, map[string]string{"HEED_TELEGRAM_TOKEN": tgToken,
		"HEED_TELEGRAM_WEBHOOK_SECRET": tgSecret, "HEED_TELEGRAM_API_URL": fake.URL})
	o.h = h2
	o.press(t, "comm:xinghewan")
	// What the first heed had not delivered when it stopped comes first.
	waitFor(t, "heed to ask for the unit after the restart", func() bool { return strings.Contains(o.last(t).Params["text"], "楼栋房号") })
	o.says(t, "地下车库B区")
	o.says(t, "周先生 13500003333")
	o.press(t, "skip")
	o.press(t, "skip")
	o.press(t, "confirm")
	if rows := h2.ownerCases(t, "telegram:5006"); len(rows) != 1 || "cat:"+rows[0].Category != cat {
		t.Fatalf("cases after restart = %+v", rows)
	}
}

func TestTelegramTwoOwnersInterleavedDoNotCrossTalk(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	a := &tgOwner{h: h, fake: fake, id: 5007, lang: "zh-hans"}
	b := &tgOwner{h: h, fake: fake, id: 5008, lang: "zh-hans"}
	ga := a.says(t, "物业费为什么又涨了")
	gb := b.says(t, "晚上楼下装修太吵")
	a.press(t, proposed(t, ga[len(ga)-1]))
	b.press(t, proposed(t, gb[len(gb)-1]))
	a.press(t, "comm:xinghewan")
	b.press(t, "comm:cuihuyuan")
	a.says(t, "1栋101")
	b.says(t, "8栋803")
	a.says(t, "钱先生 13800000001")
	b.says(t, "孙女士 13800000002")
	a.press(t, "skip")
	b.press(t, "skip")
	a.press(t, "skip")
	b.press(t, "skip")
	a.press(t, "confirm")
	b.press(t, "confirm")
	ra, rb := h.ownerCases(t, "telegram:5007"), h.ownerCases(t, "telegram:5008")
	if len(ra) != 1 || len(rb) != 1 {
		t.Fatalf("cases: %d and %d", len(ra), len(rb))
	}
	if ra[0].Content != "物业费为什么又涨了" || ra[0].Unit != "1栋101" || ra[0].Name != "钱先生" ||
		rb[0].Content != "晚上楼下装修太吵" || rb[0].Unit != "8栋803" || rb[0].Name != "孙女士" {
		t.Fatalf("crossed: %+v / %+v", ra[0], rb[0])
	}
	for _, c := range fake.Sent("5007") {
		if strings.Contains(c.Params["text"], "孙女士") || strings.Contains(c.Params["text"], rb[0].Serial) {
			t.Fatalf("owner A was told about B: %q", c.Params["text"])
		}
	}
}

func TestTelegramBadInput(t *testing.T) {
	h, fake := startTelegramHeed(t, casestest.URL(t))
	o := &tgOwner{h: h, fake: fake, id: 5009, lang: "zh-hans"}
	// A forged secret: 401, nothing stored.
	if code := h.postUpdate(t, "guess", o.message(map[string]any{"text": "你好"})); code != 401 {
		t.Fatalf("forged secret: %d", code)
	}
	if code := h.postUpdate(t, "", o.message(map[string]any{"text": "你好"})); code != 401 {
		t.Fatalf("missing secret: %d", code)
	}
	var n int
	h.db.Get(&n, `SELECT count(*) FROM inbound_messages`)
	if n != 0 {
		t.Fatalf("forged updates stored %d messages", n)
	}
	// Malformed and oversized bodies: 4xx with a reason.
	for body, want := range map[string]int{`{"update_id":`: 400, `{}`: 400, strings.Repeat("x", 2<<20): 413} {
		req, _ := http.NewRequest("POST", h.base+"/webhooks/telegram", strings.NewReader(body))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", tgSecret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("body %.20q: %d, want %d", body, res.StatusCode, want)
		}
	}
	// Odd texts are stored verbatim and answered; never a 5xx.
	long := strings.Repeat("楼上漏水", 2500) // 10,000 characters
	for _, text := range []string{long, "😡😡😡 🛗", "'; drop table cases; --", ""} {
		before := len(fake.Sent("5009"))
		if code := h.postUpdate(t, tgSecret, o.message(map[string]any{"text": text})); code != 200 {
			t.Fatalf("text %.20q: %d", text, code)
		}
		fake.WaitSent(t, "5009", before+1)
		h.postUpdate(t, tgSecret, o.message(map[string]any{"text": "取消"}))
		fake.WaitSent(t, "5009", before+2)
	}
	var stored string
	h.db.Get(&stored, `SELECT text FROM transcript WHERE chat_id = '5009' AND sender = 'owner' AND length(text) = 10000`)
	if stored != long {
		t.Fatalf("10,000-character message not stored verbatim (%d chars)", len([]rune(stored)))
	}
	var sql string
	h.db.Get(&sql, `SELECT text FROM transcript WHERE chat_id = '5009' AND text LIKE '%drop table%'`)
	if sql != "'; drop table cases; --" {
		t.Fatalf("SQL text stored as %q", sql)
	}
	// A sticker gets a polite answer.
	before := len(fake.Sent("5009"))
	h.postUpdate(t, tgSecret, o.message(map[string]any{"sticker": map[string]any{"file_id": "s1", "file_unique_id": "s1",
		"type": "regular", "width": 512, "height": 512, "is_animated": false, "is_video": false}}))
	if reply := fake.WaitSent(t, "5009", before+1)[before].Params["text"]; !strings.Contains(reply, "文字") {
		t.Fatalf("sticker answered %q", reply)
	}
	if n := len(h.ownerCases(t, "telegram:5009")); n != 0 {
		t.Fatalf("%d cases from cancelled intakes", n)
	}
}

func TestTelegramSetWebhookRegistersTheSecret(t *testing.T) {
	fake := telegramfake.New(t, tgToken)
	env := map[string]string{"HEED_TELEGRAM_TOKEN": tgToken, "HEED_TELEGRAM_WEBHOOK_SECRET": tgSecret, "HEED_TELEGRAM_API_URL": fake.URL}
	cfg := casestest.Root(t) + "/examples/heed.yaml"
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"telegram", "set-webhook", "--config", cfg, "https://heed.example.com/webhooks/telegram"},
		func(k string) string { return env[k] }, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	calls := fake.Calls("setWebhook")
	if len(calls) != 1 || calls[0].Params["url"] != "https://heed.example.com/webhooks/telegram" || calls[0].Params["secret_token"] != tgSecret {
		t.Fatalf("setWebhook calls: %+v", calls)
	}
	// Edits and blocks are subscribed to as well as messages and presses.
	for _, u := range []string{"message", "edited_message", "callback_query", "my_chat_member"} {
		if !strings.Contains(calls[0].Params["allowed_updates"], `"`+u+`"`) {
			t.Errorf("allowed_updates %s lacks %s", calls[0].Params["allowed_updates"], u)
		}
	}
	// Without credentials it says what is missing.
	errb.Reset()
	if code := Main(context.Background(), []string{"telegram", "set-webhook", "--config", cfg, "https://x/webhooks/telegram"},
		func(string) string { return "" }, &out, &errb); code != 1 || !strings.Contains(errb.String(), "HEED_TELEGRAM_TOKEN") {
		t.Fatalf("without a token: %d %q", code, errb.String())
	}
}
