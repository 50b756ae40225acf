package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/heedhq/heed/bots/slack/slackfake"
)

// slackDM is an owner writing to the app in a direct message.
type slackDM struct {
	h       *heed
	sl      *slackfake.Server
	channel string
	user    string
}

func (o *slackDM) event(t *testing.T, body []byte) {
	t.Helper()
	if code := slackPost(t, o.h, "/webhooks/slack/events", body); code != 200 {
		t.Fatalf("event: %d", code)
	}
}

// send posts an event and waits for heed's answer in the DM.
func (o *slackDM) send(t *testing.T, body []byte) string {
	t.Helper()
	before := len(o.sl.Posted(o.channel))
	o.event(t, body)
	waitFor(t, "heed's answer in the DM", func() bool { return len(o.sl.Posted(o.channel)) > before })
	var s []string
	for _, c := range o.sl.Posted(o.channel)[before:] {
		s = append(s, c.Params["text"])
	}
	return strings.Join(s, "\n")
}

func (o *slackDM) says(t *testing.T, text string) string {
	t.Helper()
	return o.send(t, slackfake.DMEvent(fmt.Sprint("Ev", updateSeq.Add(1)), o.channel, o.user, text))
}

func TestSlackPhotosInADirectMessage(t *testing.T) {
	h, _, sl := startSlackAndTelegramHeed(t)
	o := &slackDM{h: h, sl: sl, channel: "D0OWNERDM01", user: "U0OWNER0001"}
	// The complaint comes with a photo: a file_share message.
	first := sl.AddFile(o.user, "IMG_2041.png", "image/png", pngBytes())
	got := o.send(t, slackfake.FileShareEvent("Ev0FILE0001", o.channel, o.user, "卫生间天花板漏水，水一直往下滴", first))
	if !strings.Contains(got, "类别") {
		t.Fatalf("the photo with words answered %q", got)
	}
	o.says(t, "1")
	o.says(t, "1")
	o.says(t, "3栋2单元1102")
	o.says(t, "王女士 13812345678")
	if q := o.says(t, "跳过"); !strings.Contains(q, "第 1 张") { // the demands skipped
		t.Fatalf("the photo question does not count the first photo: %q", q)
	}
	// Another photo, no words, at the photo question.
	second := sl.AddFile(o.user, "IMG_2042.png", "image/png", append(pngBytes(), 7))
	if got := o.send(t, slackfake.FileShareEvent("Ev0FILE0002", o.channel, o.user, "", second)); !strings.Contains(got, "第 2 张") {
		t.Fatalf("the second photo answered %q", got)
	}
	o.says(t, "完成")
	o.says(t, "确认")
	rows := h.ownerCases(t, "slack:"+o.user)
	if len(rows) != 1 || rows[0].Photos != 2 || rows[0].Content != "卫生间天花板漏水，水一直往下滴" {
		t.Fatalf("cases %+v", rows)
	}
	if n := sl.FileDownloads(); n != 2 {
		t.Fatalf("%d files fetched with the bot token, want 2", n)
	}
	var kept int
	h.db.Get(&kept, `SELECT count(*) FROM case_attachments a JOIN cases c ON c.id = a.case_id JOIN files f ON 'file:' || f.id = a.ref
		WHERE c.serial = $1 AND f.mime = 'image/png'`, rows[0].Serial)
	if kept != 2 {
		t.Fatalf("%d photos stored with the case, want 2", kept)
	}
}

func TestSlackOwnMessagesAndRetriesGetNoAnswer(t *testing.T) {
	h, _, sl := startSlackAndTelegramHeed(t)
	o := &slackDM{h: h, sl: sl, channel: "D0OWNERDM02", user: "U0OWNER0002"}
	photo := sl.AddFile(o.user, "IMG_1.png", "image/png", pngBytes())
	share := slackfake.FileShareEvent("Ev0FILE0101", o.channel, o.user, "楼道灯不亮", photo)
	o.send(t, share)
	o.event(t, share) // Slack's retry of the same event
	// heed's own upload and post in the DM, as Slack echoes them.
	own := sl.AddFile("U0HEEDBOT", "card.png", "image/png", pngBytes())
	o.event(t, slackfake.FileShareEvent("Ev0FILE0102", o.channel, "U0HEEDBOT", "", own))
	o.event(t, slackfake.MessageEvent{EventID: "Ev0BOT0103", Channel: o.channel, ChannelType: "im", User: "U0HEEDBOT",
		Text: "请确认问题类别", BotID: "B0HEED"}.Body())
	// The next owner message is answered once: nothing else was.
	before := len(sl.Posted(o.channel))
	o.says(t, "取消")
	if n := len(sl.Posted(o.channel)); n != before+1 {
		t.Fatalf("%d answers, want 1", n-before)
	}
	var inbound int
	h.db.Get(&inbound, `SELECT count(*) FROM inbound_messages WHERE channel = 'slack'`)
	if inbound != 2 {
		t.Fatalf("%d inbound messages recorded, want the owner's 2", inbound)
	}
}
