package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/heedhq/heed/bots/slack/slackfake"
	"github.com/heedhq/heed/bots/web/webtest"
	"github.com/heedhq/heed/cases/casestest"
)

// TestDeskCaseActedOnChangesTheSlackCard is a case acted on from the desk
// in a browser, end to end through heed serve: a complaint taken by phone
// is dispatched to 工程部 (its card in 工程部's Slack channel); its manager
// signs in by the link in his Slack DM, opens the case in Chromium and
// acknowledges it with the page's form — and the card in Slack is edited
// in place to say so, as when he presses its button there. Then he
// proposes the measures through the page's form, and the specialists'
// channel gets them to review.
func TestDeskCaseActedOnChangesTheSlackCard(t *testing.T) {
	sl := slackfake.New(t, slackToken)
	h := startHeedOn(t, casestest.URL(t), map[string]string{"HEED_SLACK_BOT_TOKEN": slackToken,
		"HEED_SLACK_SIGNING_SECRET": slackSecret, "HEED_SLACK_API_URL": sl.APIURL()})
	r := h.api("POST", "/api/v1/cases", phoneComplaint())
	serial, _ := r.body["serial"].(string)
	if r.status != 201 || serial == "" {
		t.Fatalf("recording a complaint: %d %s", r.status, r.raw)
	}
	waitFor(t, "the card in 工程部's channel", func() bool { return len(sl.Posted(engChannel)) > 0 })
	posted := lastSlackCard(t, sl, engChannel, serial)

	browser := webtest.Browser(t)
	pageErrors := webtest.PageErrors(browser)
	ctx, cancel := context.WithTimeout(browser, 90*time.Second)
	defer cancel()
	eval := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	webtest.Do(t, ctx, "ask for a link", webtest.Desktop(), chromedp.Navigate(h.base+"/desk/cases/"+serial),
		chromedp.WaitVisible(chromedp.ID("who")), chromedp.SendKeys(chromedp.ID("who"), "李建华"),
		chromedp.Click(chromedp.Search(`//button[@type="submit"]`)),
		chromedp.WaitVisible(chromedp.Search(`//p[contains(., "登录链接已经在发往您")]`)))
	var link string
	linkRE := regexp.MustCompile(`http://\S+/desk/link/[\w-]+`)
	waitFor(t, "the link in 李建华's Slack DM", func() bool {
		for _, c := range sl.Posted(slackEngMgr) {
			if l := linkRE.FindString(c.Params["text"]); l != "" {
				link = l
			}
		}
		return link != ""
	})
	webtest.Do(t, ctx, "open the link: back to the case", chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.Search(`//form[@data-action="acknowledge"]//button`)))
	if got := eval(`location.pathname`); got != "/desk/cases/"+serial {
		t.Errorf("after signing in the browser is at %s", got)
	}
	if got := eval(`document.querySelector('#case-live').dataset.live`); got != "case:"+serial {
		t.Errorf("the live part is marked %q", got)
	}

	webtest.Do(t, ctx, "acknowledge", chromedp.Click(chromedp.Search(`//form[@data-action="acknowledge"]//button`)),
		chromedp.WaitVisible(chromedp.Search(`//p[contains(@class, "flash") and contains(., "已受理")]`)))
	if got := eval(`document.querySelector('.case-status .status').innerText`); got != "部门已受理" {
		t.Errorf("the case's status after acknowledging: %q", got)
	}
	waitFor(t, "the Slack card edited to say 部门已受理", func() bool {
		c := lastSlackCard(t, sl, engChannel, serial)
		return c.Method == "chat.update" && c.Params["ts"] == posted.Result["ts"] && strings.Contains(c.Params["blocks"], "部门已受理")
	})
	if n := len(sl.Posted(engChannel)); n != 1 {
		t.Errorf("%d cards posted in 工程部's channel; the card must be edited, not posted again", n)
	}
	last := lastSlackCard(t, sl, engChannel, serial)
	if !strings.Contains(last.Params["blocks"], "李建华") {
		t.Errorf("the card does not say who acknowledged: %s", last.Params["blocks"])
	}

	// The measures, through the page's form.
	measures := "今天下午更换楼上卫生间防水层"
	webtest.Do(t, ctx, "open the measures form", chromedp.Click(chromedp.Search(`//details[@data-action="propose_measures"]/summary`)),
		chromedp.SendKeys(chromedp.Search(`//details[@data-action="propose_measures"]//textarea`), measures),
		chromedp.Click(chromedp.Search(`//details[@data-action="propose_measures"]//button[@type="submit"]`)),
		chromedp.WaitVisible(chromedp.Search(`//p[contains(@class, "flash") and contains(., "已提交处理措施")]`)))
	waitFor(t, "the measures in the specialists' channel", func() bool {
		for _, c := range sl.Calls("") {
			if (c.Method == "chat.postMessage" || c.Method == "chat.update") && c.Params["channel"] == specChannel &&
				strings.Contains(c.Params["blocks"], measures) {
				return true
			}
		}
		return false
	})
	if got := eval(`document.querySelector('table.b01 .measures').innerText`); got != measures {
		t.Errorf("the record's measures: %q", got)
	}
	if got := eval(`document.querySelector('.timeline li').innerText`); !strings.Contains(got, "李建华") || !strings.Contains(got, "工作台") {
		t.Errorf("the timeline's newest step: %q", got)
	}
	for _, e := range pageErrors() {
		t.Errorf("page error: %s", e.Text)
	}
}
