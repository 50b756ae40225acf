package slackfake_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/heedhq/heed/bots/slack/slackfake"
)

func client(s *slackfake.Server, token string) *slack.Client {
	return slack.New(token, slack.OptionAPIURL(s.APIURL()+"/"))
}

func TestWebAPI(t *testing.T) {
	s := slackfake.New(t, "xoxb-good")
	ctx := context.Background()
	api := client(s, "xoxb-good")

	who, err := api.AuthTestContext(ctx)
	if err != nil || who.UserID != "U0HEEDBOT" || who.BotID != "B0HEED" {
		t.Fatalf("auth.test = %+v, %v", who, err)
	}
	if _, err := client(s, "xoxb-bad").AuthTestContext(ctx); err == nil || err.Error() != "invalid_auth" {
		t.Errorf("wrong token: %v, want invalid_auth", err)
	}

	btn := func(id string) slack.BlockElement {
		return slack.NewButtonBlockElement(id, "v", slack.NewTextBlockObject("plain_text", "按", false, false))
	}
	_, ts, err := api.PostMessageContext(ctx, "C01", slack.MsgOptionText("hi", false),
		slack.MsgOptionBlocks(slack.NewActionBlock("a", btn("x"), btn("y"))))
	if err != nil || ts == "" {
		t.Fatalf("postMessage = %q, %v", ts, err)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C01", ts, slack.MsgOptionText("edited", false)); err != nil {
		t.Errorf("update of a posted message: %v", err)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C02", ts, slack.MsgOptionText("x", false)); err == nil || err.Error() != "message_not_found" {
		t.Errorf("update elsewhere: %v, want message_not_found", err)
	}
	if ets, err := api.PostEphemeralContext(ctx, "C01", "U01", slack.MsgOptionText("only you", false)); err != nil || ets == "" {
		t.Errorf("postEphemeral = %q, %v", ets, err)
	}

	for name, blocks := range map[string][]slack.Block{
		"duplicate action ids": {slack.NewActionBlock("a", btn("x"), btn("x"))},
		"duplicate block ids":  {slack.NewActionBlock("a", btn("x")), slack.NewActionBlock("a", btn("y"))},
		"long header":          {slack.NewHeaderBlock(slack.NewTextBlockObject("plain_text", strings.Repeat("字", 151), false, false))},
		"long section":         {slack.NewSectionBlock(slack.NewTextBlockObject("plain_text", strings.Repeat("字", 3001), false, false), nil, nil)},
		"empty text":           {slack.NewSectionBlock(slack.NewTextBlockObject("plain_text", "", false, false), nil, nil)},
		"26 buttons": {slack.NewActionBlock("a", func() []slack.BlockElement {
			var els []slack.BlockElement
			for i := range 26 {
				els = append(els, btn(strings.Repeat("b", i+1)))
			}
			return els
		}()...)},
	} {
		if _, _, err := api.PostMessageContext(ctx, "C01", slack.MsgOptionBlocks(blocks...)); err == nil || err.Error() != "invalid_blocks" {
			t.Errorf("%s: %v, want invalid_blocks", name, err)
		}
	}

	view := slack.ModalViewRequest{Type: slack.VTModal, CallbackID: "cb", PrivateMetadata: "m",
		Title:  slack.NewTextBlockObject("plain_text", "标题", false, false),
		Submit: slack.NewTextBlockObject("plain_text", "提交", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewInputBlock("in", slack.NewTextBlockObject("plain_text", "说明", false, false), nil,
			slack.NewPlainTextInputBlockElement(nil, "in"))}}}
	opened, err := api.OpenViewContext(ctx, "trigger", view)
	if err != nil || opened.View.ID == "" || opened.View.Hash == "" || opened.View.CallbackID != "cb" {
		t.Fatalf("views.open = %+v, %v", opened, err)
	}
	if _, err := api.UpdateViewContext(ctx, view, "", opened.View.Hash, opened.View.ID); err != nil {
		t.Errorf("views.update: %v", err)
	}
	view.Title = slack.NewTextBlockObject("plain_text", strings.Repeat("长", 25), false, false)
	if _, err := api.OpenViewContext(ctx, "trigger", view); err == nil {
		t.Error("a 25-character title was accepted")
	}

	s.Fail("chat.postMessage", slackfake.Failure{Status: 429, RetryAfter: 3}, slackfake.Failure{Error: "channel_not_found"})
	_, _, err = api.PostMessageContext(ctx, "C01", slack.MsgOptionText("x", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 3*time.Second {
		t.Errorf("scripted 429: %v", err)
	}
	if _, _, err = api.PostMessageContext(ctx, "C01", slack.MsgOptionText("x", false)); err == nil || err.Error() != "channel_not_found" {
		t.Errorf("scripted failure: %v", err)
	}
	if c := s.Calls("chat.postMessage"); c[0].Token != "xoxb-good" || c[0].Params["token"] != "" || c[0].Params["text"] != "hi" {
		t.Errorf("recorded call %+v: want the token apart from the params", c[0])
	}
}

func TestSignAgreesWithTheSDK(t *testing.T) {
	body := slackfake.DMEvent("Ev1", "D01", "U01", "你好")
	for name, tc := range map[string]struct {
		at     time.Time
		secret string
		ok     bool
	}{
		"fresh":  {time.Now(), "s3cret", true},
		"forged": {time.Now(), "other", false},
		"stale":  {time.Now().Add(-6 * time.Minute), "s3cret", false},
	} {
		sv, err := slack.NewSecretsVerifier(slackfake.Sign(tc.secret, body, tc.at), "s3cret")
		if err == nil {
			sv.Write(body)
			err = sv.Ensure()
		}
		if (err == nil) != tc.ok {
			t.Errorf("%s: verify = %v", name, err)
		}
	}
}

func TestPayloadsParse(t *testing.T) {
	s := slackfake.New(t, "")
	api := client(s, "xoxb-any")
	_, _, err := api.PostMessageContext(context.Background(), "C01", slack.MsgOptionText("card", false),
		slack.MsgOptionBlocks(slack.NewActionBlock("actions0",
			slack.NewButtonBlockElement("act:acknowledge:TS-1", "act:acknowledge:TS-1", slack.NewTextBlockObject("plain_text", "受理", false, false)))))
	if err != nil {
		t.Fatal(err)
	}
	press, err := slackfake.Press(s.Posted("C01")[0], "U01", "受理")
	if err != nil {
		t.Fatal(err)
	}
	press.ResponseURL = s.ResponseURL("r1")
	r := slackfake.NewRequest("x", "http://heed.test/", press.Body(), time.Now())
	ic, err := slack.InteractionCallbackParse(r)
	if err != nil {
		t.Fatal(err)
	}
	a := ic.ActionCallback.BlockActions
	if ic.Type != slack.InteractionTypeBlockActions || len(a) != 1 || a[0].ActionID != "act:acknowledge:TS-1" ||
		a[0].Text.Text != "受理" || ic.Container.MessageTs == "" || ic.Channel.ID != "C01" || ic.User.ID != "U01" ||
		ic.ResponseURL != s.ResponseURL("r1") || ic.TriggerID == "" || a[0].ActionTs == "" || len(ic.Message.Blocks.BlockSet) != 1 {
		t.Fatalf("parsed %+v", ic)
	}

	sub := slackfake.ViewSubmission{User: "U01", ViewID: "V1", Hash: "h1", CallbackID: "cb", PrivateMetadata: "m",
		Values: map[string]map[string]slackfake.Value{"a": {"a": slackfake.Text("文字")}, "b": {"b": slackfake.Option("x")}}}
	ic, err = slack.InteractionCallbackParse(slackfake.NewRequest("x", "http://heed.test/", sub.Body(), time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if ic.Type != slack.InteractionTypeViewSubmission || ic.View.ID != "V1" || ic.View.Hash != "h1" || ic.View.CallbackID != "cb" ||
		ic.View.State.Values["a"]["a"].Value != "文字" || ic.View.State.Values["b"]["b"].SelectedOption.Value != "x" {
		t.Fatalf("parsed %+v", ic.View)
	}

	cmd := slackfake.SlashCommand{Command: "/complaint", User: "U01", Channel: "C01", TriggerID: "t1"}
	sc, err := slack.SlashCommandParse(slackfake.NewRequest("x", "http://heed.test/", cmd.Body(), time.Now()))
	if err != nil || sc.Command != "/complaint" || sc.TriggerID != "t1" || sc.UserID != "U01" {
		t.Fatalf("parsed %+v, %v", sc, err)
	}

	// Response URLs record what the app posted.
	req, _ := http.NewRequest(http.MethodPost, s.ResponseURL("r1"), strings.NewReader(`{"response_type":"ephemeral","text":"已受理"}`))
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("response_url: %v", err)
	}
	res.Body.Close()
	if got := s.Responses(); len(got) != 1 || got[0].Text() != "已受理" || got[0].Path != "/response/r1" {
		t.Fatalf("responses %+v", got)
	}
}
