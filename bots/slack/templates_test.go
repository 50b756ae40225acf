package slack_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/heedhq/heed/bots/slack/slackfake"
	"github.com/heedhq/heed/notify/desk"
)

// TestModalStartsFromTheBestTemplate: a form whose text has templates opens
// on Slack with the best one (the desk puts the case's category's first)
// in the box, to edit, and every template named under it by number.
func TestModalStartsFromTheBestTemplate(t *testing.T) {
	e := setup(t)
	e.desk.templates = []desk.Template{
		{ID: 7, Kind: desk.TemplateMeasure, Title: "防水维修", Body: "安排工程部师傅今天上门检查并修复防水层。", Category: "repair"},
		{ID: 3, Kind: desk.TemplateMeasure, Title: "通用", Body: "已安排专人跟进处理。"},
	}
	card := e.postCard()
	p := e.press(card, "U01ENG0HDL", "提交处理措施")
	p.TriggerID = "13345224609.738474920.8088930838d88f008e1"
	wantStatus(t, e.post(interactionsPath, p.Body()), http.StatusOK)
	opened := e.slack.Calls("views.open")
	if len(opened) != 1 {
		t.Fatalf("views.open calls: %d", len(opened))
	}
	var view struct {
		Blocks []struct {
			BlockID string `json:"block_id"`
			Hint    struct{ Text string }
			Element struct {
				InitialValue string `json:"initial_value"`
			}
		}
	}
	opened[0].Decode("view", &view)
	in := view.Blocks[len(view.Blocks)-1]
	if in.BlockID != "text" || in.Element.InitialValue != "安排工程部师傅今天上门检查并修复防水层。" {
		t.Errorf("the text starts from %q, want the best template", in.Element.InitialValue)
	}
	if !strings.Contains(in.Hint.Text, "#1 防水维修") || !strings.Contains(in.Hint.Text, "#2 通用") {
		t.Errorf("the hint %q does not name the templates", in.Hint.Text)
	}
	// What the person edited is what goes to the desk.
	sub, err := slackfake.Submit(opened[0], "U01ENG0HDL", map[string]slackfake.Value{"text": slackfake.Text("安排工程部师傅明天上午上门检查并修复防水层。")})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, e.post(interactionsPath, sub.Body()), http.StatusOK)
	if got := e.desk.got(); len(got) != 1 || got[0].Text != "安排工程部师傅明天上午上门检查并修复防水层。" {
		t.Fatalf("desk got %+v", got)
	}
}

// A form without templates opens empty, with no hint.
func TestModalWithoutTemplates(t *testing.T) {
	e := setup(t)
	card := e.postCard()
	p := e.press(card, "U01ENG0HDL", "提交处理措施")
	p.TriggerID = "13345224609.738474920.8088930838d88f008e2"
	wantStatus(t, e.post(interactionsPath, p.Body()), http.StatusOK)
	opened := e.slack.Calls("views.open")
	if len(opened) != 1 || strings.Contains(opened[0].Params["view"], "hint") || strings.Contains(opened[0].Params["view"], "initial_value\":\"") {
		t.Fatalf("views.open: %+v", opened)
	}
}
