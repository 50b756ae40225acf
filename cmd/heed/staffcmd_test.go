package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/bots/slack/slackfake"
	"github.com/heedhq/heed/bots/telegram/telegramfake"
)

// slackCommand types a slash command in Slack and returns what Slack would
// show the person privately.
func slackCommand(t testing.TB, h *heed, user, command, text string) string {
	t.Helper()
	body := slackfake.SlashCommand{Command: command, Text: text, User: user, Channel: specChannel,
		TriggerID: fmt.Sprint("trigger-", updateSeq.Add(1))}.Body()
	res, err := http.DefaultClient.Do(slackfake.NewRequest(slackSecret, h.base+"/webhooks/slack/commands", body, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var answer struct{ ResponseType, Text string }
	if res.StatusCode != 200 || json.Unmarshal(raw, &answer) != nil {
		t.Fatalf("%s %s: %d %s", command, text, res.StatusCode, raw)
	}
	return answer.Text
}

// groupCommand types a command in a Telegram staff group (as update id
// update) and returns heed's answer in the group.
func groupCommand(t testing.TB, h *heed, fake *telegramfake.Server, user int64, update int64, text string) string {
	t.Helper()
	chat, _ := json.Number(specGroup).Int64()
	// What heed already queued for the group (a card of an action just
	// taken) is delivered first, so that it is not taken for the answer.
	waitFor(t, "earlier messages to the specialists' group", func() bool {
		var n int
		h.db.Get(&n, `SELECT count(*) FROM outbox WHERE chat_id = $1 AND state IN ('pending', 'sending') AND next_attempt_at <= now()`, specGroup)
		return n == 0
	})
	before := len(fake.Sent(specGroup))
	if code := h.postUpdate(t, tgSecret, map[string]any{"update_id": update, "message": map[string]any{
		"message_id": update, "date": 1764000000, "text": text,
		"chat": map[string]any{"id": chat, "type": "supergroup"}, "from": map[string]any{"id": user, "is_bot": false, "first_name": "x"}}}); code != 200 {
		t.Fatalf("%s: webhook %d", text, code)
	}
	return answerAfter(t, fake, specGroup, before)
}

// answerAfter is heed's first message in a group after the first n that is
// not a case card (the specialists' follow-up card of a new case may come
// in between).
func answerAfter(t testing.TB, fake *telegramfake.Server, group string, n int) string {
	t.Helper()
	var text string
	waitFor(t, "heed's answer in "+group, func() bool {
		for _, c := range fake.Sent(group)[n:] {
			if !strings.Contains(c.Params["text"], "\n状态：") { // a card shows its case's status
				text = c.Params["text"]
				return true
			}
		}
		return false
	})
	return text
}

func TestBulletinAndRevisitCommandsInTeamChat(t *testing.T) {
	h, tg, sl := startSlackAndTelegramHeed(t)
	const xhwGroup, xhwChannel = "-1001234500101", "C01XHWRES1" // 星河湾's residential group and channel

	// Telegram: a specialist posts a water-cut notice; Telegram delivers the
	// same update twice, and one bulletin goes out.
	update := updateSeq.Add(1)
	text := "/bulletin 星河湾\n【停水通知】11月26日 9:00–12:00 二次供水设备检修，届时停水，请提前储水。"
	got := groupCommand(t, h, tg, specialist, update, text)
	m := regexp.MustCompile(`公告 (\d+) 已排队发送`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("/bulletin answered %q", got)
	}
	groupCommand(t, h, tg, specialist, update, text)
	waitFor(t, "the notice in the group and the channel", func() bool {
		return len(tg.Sent(xhwGroup)) == 1 && len(sl.Posted(xhwChannel)) == 1
	})
	if notice := tg.Sent(xhwGroup)[0].Params["text"]; !strings.Contains(notice, "停水通知") || !strings.Contains(notice, "请提前储水") || strings.Contains(notice, "/bulletin") {
		t.Fatalf("the group read %q", notice)
	}
	var bulletins int
	h.db.Get(&bulletins, `SELECT count(*) FROM bulletins`)
	if bulletins != 1 {
		t.Fatalf("%d bulletins from one command delivered twice", bulletins)
	}
	waitFor(t, "the status to show both delivered", func() bool {
		return strings.Contains(slackCommand(t, h, slackSpec, "/bulletin", "status "+m[1]), "已送达 2，待发送 0，失败 0")
	})
	time.Sleep(300 * time.Millisecond) // a second delivery would be here by now
	if len(tg.Sent(xhwGroup)) != 1 || len(sl.Posted(xhwChannel)) != 1 {
		t.Fatalf("delivered %d times in the group, %d in the channel", len(tg.Sent(xhwGroup)), len(sl.Posted(xhwChannel)))
	}

	// Slack: mistakes are explained, nothing is sent.
	if got := slackCommand(t, h, slackSpec, "/bulletin", "月亮湾 停电通知"); !strings.Contains(got, "不认识小区“月亮湾”") {
		t.Fatalf("unknown community: %q", got)
	}
	if got := slackCommand(t, h, slackEngMgr, "/bulletin", "星河湾 停电通知"); !strings.Contains(got, "只提供给") {
		t.Fatalf("a department manager posted a bulletin: %q", got)
	}
	h.db.Get(&bulletins, `SELECT count(*) FROM bulletins`)
	if bulletins != 1 {
		t.Fatalf("%d bulletins after refused commands", bulletins)
	}

	// /report and /revisit answer in Slack as in Telegram.
	h.api("POST", "/api/v1/cases", phoneComplaint())
	year := time.Now().Format("2006")
	if got := slackCommand(t, h, slackSpec, "/report", year); !strings.Contains(got, "投诉 1 件") {
		t.Fatalf("/report in Slack: %q", got)
	}
	if got := slackCommand(t, h, slackSpec, "/revisit", "pending"); !strings.Contains(got, "回访待办") {
		t.Fatalf("/revisit pending in Slack: %q", got)
	}
	if got := groupCommand(t, h, tg, specialist, updateSeq.Add(1), "/revisit@heed_bot batch --closed-since 3d"); !strings.Contains(got, "已发送问卷 0 件") {
		t.Fatalf("/revisit batch in Telegram: %q", got)
	}
}
