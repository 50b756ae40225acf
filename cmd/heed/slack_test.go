package main

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/slack"
	"github.com/heedhq/heed/bots/slack/slackfake"
	"github.com/heedhq/heed/bots/telegram/telegramfake"
	"github.com/heedhq/heed/cases/casestest"
)

const (
	slackToken   = "xoxb-test-token"
	slackSecret  = "slack-signing-secret-3f9a"
	engChannel   = "C01ENGDISP" // 工程部
	specChannel  = "C01CSDESK0" // complaint specialists
	slackEngMgr  = "U01ENG0MGR" // 李建华
	slackSpec    = "U01CS00SP1" // 周敏
	slackOutside = "U01SEC0MGR" // 赵军, 秩序部
)

func startSlackAndTelegramHeed(t testing.TB) (*heed, *telegramfake.Server, *slackfake.Server) {
	t.Helper()
	tg := telegramfake.New(t, tgToken)
	sl := slackfake.New(t, slackToken)
	h := startHeedOn(t, casestest.URL(t), map[string]string{
		"HEED_TELEGRAM_TOKEN": tgToken, "HEED_TELEGRAM_WEBHOOK_SECRET": tgSecret, "HEED_TELEGRAM_API_URL": tg.URL,
		"HEED_SLACK_BOT_TOKEN": slackToken, "HEED_SLACK_SIGNING_SECRET": slackSecret, "HEED_SLACK_API_URL": sl.APIURL()})
	return h, tg, sl
}

// slackPost sends a signed interaction to heed as Slack does.
func slackPost(t testing.TB, h *heed, path string, body []byte) int {
	t.Helper()
	req := slackfake.NewRequest(slackSecret, h.base+path, body, time.Now())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// lastSlackCard is the newest post or update of a case card in channel.
func lastSlackCard(t testing.TB, sl *slackfake.Server, channel, serial string) slackfake.Call {
	t.Helper()
	var last slackfake.Call
	for _, c := range sl.Calls("") {
		if (c.Method == "chat.postMessage" || c.Method == "chat.update") && c.Params["channel"] == channel && strings.Contains(c.Params["text"], serial) {
			last = c
		}
	}
	if last.Params == nil {
		t.Fatalf("no card for %s in %s", serial, channel)
	}
	return last
}

func pressSlack(t testing.TB, h *heed, sl *slackfake.Server, card slackfake.Call, user, match string) {
	t.Helper()
	a, err := slackfake.Press(card, user, match)
	if err != nil {
		t.Fatal(err)
	}
	a.ResponseURL = sl.ResponseURL("press-" + user + "-" + match)
	if code := slackPost(t, h, "/webhooks/slack/interactions", a.Body()); code != 200 {
		t.Fatalf("press %s: %d", match, code)
	}
}

func TestOwnerOnTelegramManagerOnSlack(t *testing.T) {
	h, tg, sl := startSlackAndTelegramHeed(t)
	o := &tgOwner{h: h, fake: tg, id: 8001, lang: "zh-hans"}
	o.complain(t, "楼上漏水，天花板在滴水", "3栋2单元1102", "王女士 13812345678")
	serial := h.ownerCases(t, "telegram:8001")[0].Serial

	// The dispatch card in 工程部's Slack channel.
	waitFor(t, "the Slack card", func() bool { return len(sl.Posted(engChannel)) > 0 })
	card := lastSlackCard(t, sl, engChannel, serial)
	if !strings.Contains(card.Params["blocks"], "138****5678") || strings.Contains(card.Params["blocks"], "13812345678") {
		t.Fatalf("card does not mask the phone: %s", card.Params["blocks"])
	}

	// Someone from another department presses: told privately, nothing changes.
	pressSlack(t, h, sl, card, slackOutside, "受理")
	rs := sl.WaitResponses(t, 1)
	if !strings.Contains(rs[0].Text(), "不能") || rs[0].Body["response_type"] != "ephemeral" {
		t.Fatalf("outsider told %v", rs[0].Body)
	}

	// The manager acknowledges: the card is updated in place, the owner told on Telegram.
	before := len(tg.Sent("8001"))
	pressSlack(t, h, sl, card, slackEngMgr, "受理")
	waitFor(t, "the card update", func() bool {
		c := lastSlackCard(t, sl, engChannel, serial)
		return c.Method == "chat.update" && strings.Contains(c.Params["blocks"], "部门已受理")
	})
	if n := len(sl.Posted(engChannel)); n != 1 {
		t.Fatalf("%d cards posted; the card must be edited, not posted again", n)
	}
	if told := tg.WaitSent(t, "8001", before+1)[before].Params["text"]; !strings.Contains(told, "工程部受理") {
		t.Fatalf("owner told %q", told)
	}

	// Measures through the modal.
	pressSlack(t, h, sl, lastSlackCard(t, sl, engChannel, serial), slackEngMgr, "提交处理措施")
	opened := sl.WaitCalls(t, "views.open", 1)[0]
	sub, err := slackfake.Submit(opened, slackEngMgr, map[string]slackfake.Value{slack.InputText: slackfake.Text("今天下午更换楼上卫生间防水层")})
	if err != nil {
		t.Fatal(err)
	}
	if code := slackPost(t, h, "/webhooks/slack/interactions", sub.Body()); code != 200 {
		t.Fatalf("modal submission: %d", code)
	}

	// The specialist approves in the specialists' channel: the owner gets the reply.
	// (The specialists' follow-up card of the case came before.)
	waitFor(t, "the specialist's card", func() bool {
		return strings.Contains(lastSlackCard(t, sl, specChannel, serial).Params["text"], "审核处理措施")
	})
	spec := lastSlackCard(t, sl, specChannel, serial)
	before = len(tg.Sent("8001"))
	pressSlack(t, h, sl, spec, slackSpec, "同意并答复业主")
	// The answer opens for editing, drafted from the measures.
	form := sl.WaitCalls(t, "views.open", 2)[1]
	if !strings.Contains(form.Params["view"], `"initial_value":"今天下午更换楼上卫生间防水层"`) {
		t.Fatalf("the answer's form: %s", form.Params["view"])
	}
	sub, err = slackfake.Submit(form, slackSpec, map[string]slackfake.Value{slack.InputText: slackfake.Text("工程部今天下午上门更换防水层，请家中留人")})
	if err != nil {
		t.Fatal(err)
	}
	if code := slackPost(t, h, "/webhooks/slack/interactions", sub.Body()); code != 200 {
		t.Fatalf("answer submission: %d", code)
	}
	reply := tg.WaitSent(t, "8001", before+1)[before].Params["text"]
	if !strings.Contains(reply, "工程部今天下午上门更换防水层，请家中留人") {
		t.Fatalf("owner's reply %q", reply)
	}
}

func TestSlackRejectsForgedAndStaleRequests(t *testing.T) {
	h, _, sl := startSlackAndTelegramHeed(t)
	serial := h.api("POST", "/api/v1/cases", phoneComplaint()).body["serial"].(string)
	waitFor(t, "the Slack card", func() bool { return len(sl.Posted(engChannel)) > 0 })
	a, err := slackfake.Press(lastSlackCard(t, sl, engChannel, serial), slackEngMgr, "受理")
	if err != nil {
		t.Fatal(err)
	}
	for name, req := range map[string]*http.Request{
		"forged": slackfake.NewRequest("not-the-secret", h.base+"/webhooks/slack/interactions", a.Body(), time.Now()),
		"stale":  slackfake.NewRequest(slackSecret, h.base+"/webhooks/slack/interactions", a.Body(), time.Now().Add(-6*time.Minute)),
	} {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 401 {
			t.Errorf("%s: %d, want 401", name, res.StatusCode)
		}
	}
	var acks int
	h.db.Get(&acks, `SELECT count(*) FROM case_events WHERE action = 'acknowledge'`)
	if acks != 0 {
		t.Fatal("a rejected request changed the case")
	}
	// An unsigned body is refused too.
	res, err := http.Post(h.base+"/webhooks/slack/events", "application/json", bytes.NewReader(slackfake.URLVerification("x")))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Errorf("unsigned event: %d", res.StatusCode)
	}
}
