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

// TestDeskSignInBySlackDMInChromium is heed serve's desk in a browser: a
// department manager asks for a sign-in link, it arrives in their own
// Slack DM (through the outbox), opening it in Chromium signs them in, and
// the register shows the complaint recorded through the API — its phone
// whole, as the case is their department's.
func TestDeskSignInBySlackDMInChromium(t *testing.T) {
	sl := slackfake.New(t, slackToken)
	h := startHeedOn(t, casestest.URL(t), map[string]string{"HEED_SLACK_BOT_TOKEN": slackToken,
		"HEED_SLACK_SIGNING_SECRET": slackSecret, "HEED_SLACK_API_URL": sl.APIURL()})
	if !strings.Contains(h.stdout.String(), "desk       http://127.0.0.1:") {
		t.Errorf("the banner does not name the desk:\n%s", h.stdout)
	}
	r := h.api("POST", "/api/v1/cases", phoneComplaint())
	serial, _ := r.body["serial"].(string)
	if r.status != 201 || serial == "" {
		t.Fatalf("recording a complaint: %d %s", r.status, r.raw)
	}

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
	webtest.Do(t, ctx, "open the desk", webtest.Phone(), chromedp.Navigate(h.base+"/desk/"), chromedp.WaitVisible(chromedp.ID("who")))
	if got := eval(`location.pathname + location.search`); got != "/desk/signin?next=%2Fdesk%2F" {
		t.Errorf("the desk signed out shows %s", got)
	}
	webtest.Do(t, ctx, "ask for a link", chromedp.SendKeys(chromedp.ID("who"), "李建华"),
		chromedp.Click(chromedp.Search(`//button[@type="submit"]`)),
		chromedp.WaitVisible(chromedp.Search(`//p[contains(., "登录链接已经在发往您")]`)))

	var link string
	waitFor(t, "the link in 李建华's Slack DM", func() bool {
		for _, c := range sl.Posted("U01ENG0MGR") {
			if l := regexp.MustCompile(`http://\S+/desk/link/[\w-]+`).FindString(c.Params["text"]); l != "" {
				link = l
			}
		}
		return link != ""
	})
	if !strings.HasPrefix(link, h.base+"/desk/link/") {
		t.Errorf("the link %s does not lead to this heed (%s)", link, h.base)
	}
	for _, c := range sl.Calls("chat.postMessage") {
		if c.Params["channel"] != "U01ENG0MGR" && strings.Contains(c.Params["text"], "/desk/link/") {
			t.Errorf("a sign-in link went to %s", c.Params["channel"])
		}
	}
	webtest.Do(t, ctx, "open the link", chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.Search(`//h1[.="登记簿"]`)))
	if got := eval(`location.pathname`); got != "/desk/" && got != "/desk/register" {
		t.Errorf("after the link the browser is at %s", got)
	}
	row := eval(`[...document.querySelectorAll('table.register tbody tr')].map(r => r.innerText).join('\n')`)
	if !strings.Contains(row, serial) || !strings.Contains(row, "13812345678") || !strings.Contains(row, "王女士") {
		t.Errorf("the register shows:\n%s", row)
	}
	if who := eval(`document.querySelector('.who').innerText`); !strings.Contains(who, "李建华") || !strings.Contains(who, "部门经理") {
		t.Errorf("signed in as %q", who)
	}
	for _, e := range pageErrors() {
		t.Errorf("page error: %s", e.Text)
	}
}
