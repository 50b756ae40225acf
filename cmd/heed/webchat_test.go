package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/heedhq/heed/bots/web/webtest"
)

// TestWebChatIntakeInChromium is what a newcomer does after scripts/run:
// open http://127.0.0.1:8080/ on a phone and complain, through the real
// engine and database, ending with a registered case.
func TestWebChatIntakeInChromium(t *testing.T) {
	h := startHeed(t)
	browser := webtest.Browser(t)
	pageErrors := webtest.PageErrors(browser)
	ctx, cancel := context.WithTimeout(browser, 90*time.Second)
	defer cancel()
	photo := filepath.Join(t.TempDir(), "ceiling.png")
	if err := os.WriteFile(photo, pngBytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		webtest.Do(t, ctx, step, actions...)
	}
	waitFor := func(what, text string) {
		t.Helper()
		cond := fmt.Sprintf(`[...document.querySelectorAll('.msg.heed .bubble')].some(b => b.textContent.includes(%q))`, text)
		webtest.WaitChat(t, ctx, what, cond, 15*time.Second)
	}
	press := func(labelPart string) chromedp.Action[chromedp.Void] {
		return chromedp.Click(chromedp.Search(fmt.Sprintf(`//button[contains(@class,"choice")][not(@disabled)][contains(., %q)]`, labelPart)))
	}

	do("open the chat", webtest.Phone(), chromedp.Navigate(h.base+"/"), chromedp.WaitVisible(chromedp.ID("text")))
	do("describe the problem", chromedp.SendKeys(chromedp.ID("text"), "楼上漏水很严重，天花板在滴水，我家是星河湾3栋2单元1102"), webtest.PressEnter())
	waitFor("the category question", "问题类别")
	do("confirm the category", press("✔"))
	waitFor("the contact question", "手机号码")
	do("give name and phone", chromedp.SendKeys(chromedp.ID("text"), "王女士 13812345678"), webtest.PressEnter())
	waitFor("the demands question", "有什么要求")
	do("choose a reply time", press("3天内"))
	waitFor("the photo question", "现场照片")
	do("upload a photo", chromedp.SetUploadFiles(chromedp.ID("photo"), []string{photo}))
	waitFor("the photo receipt", "已收到第 1 张照片")
	do("done with photos", press("完成"))
	waitFor("the read-back", "请核对您的投诉信息")
	do("submit", press("确认提交"))
	waitFor("the serial", "您的投诉已登记，编号 TS-")
	webtest.Screenshot(t, ctx, "web-chat-real-engine")

	var c struct {
		Channel, Community, Unit, Phone string
		Photos                          int
	}
	err := h.db.QueryRow(`SELECT channel, community, unit, contact_phone,
		(SELECT count(*) FROM case_attachments a WHERE a.case_id = c.id) FROM cases c`).Scan(&c.Channel, &c.Community, &c.Unit, &c.Phone, &c.Photos)
	if err != nil {
		t.Fatal(err)
	}
	if c.Channel != "web" || c.Community != "xinghewan" || c.Unit != "3栋2单元1102" || c.Phone != "13812345678" || c.Photos != 1 {
		t.Fatalf("case = %+v", c)
	}
	for _, m := range pageErrors() {
		t.Errorf("the page reported: %s %s %s", m.Type, m.Source, m.Text)
	}
}

// TestReportRendersInChromium: the analysis report opens in a browser with
// its Pareto chart drawn, Chinese labels and all.
func TestReportRendersInChromium(t *testing.T) {
	h := startHeed(t)
	for i, cat := range []string{"repair", "repair", "repair", "repair", "repair", "noise", "noise", "noise", "fees", "fees", "cleaning", "parking"} {
		c := phoneComplaint()
		c["category"], c["contact_phone"], c["unit"] = cat, "", fmt.Sprintf("%d栋", i+1)
		if r := h.api("POST", "/api/v1/cases", c); r.status != 201 {
			t.Fatalf("create: %s", r.raw)
		}
	}
	html := h.api("GET", "/api/v1/reports/analysis?format=html&period="+time.Now().Format("2006"), nil)
	if html.status != 200 {
		t.Fatalf("report: %d", html.status)
	}
	file := filepath.Join(t.TempDir(), "report.html")
	os.WriteFile(file, []byte(html.raw), 0o644)
	browser := webtest.Browser(t)
	ctx, cancel := context.WithTimeout(browser, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, webtest.Desktop(), chromedp.Navigate("file://"+file), chromedp.WaitVisible(chromedp.CSS("svg"))); err != nil {
		t.Fatal(err)
	}
	size, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const r = document.querySelector('svg').getBoundingClientRect();
		return r.width > 300 && r.height > 150 ? 'drawn' : 'too small ' + r.width + 'x' + r.height })()`))
	if err != nil || size != "drawn" {
		t.Fatalf("the Pareto chart: %q %v", size, err)
	}
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if !strings.Contains(text, "工程维修") || !strings.Contains(text, "噪音") {
		t.Fatalf("the report does not show the categories: %.300s", text)
	}
	webtest.Screenshot(t, ctx, "report-pareto")
}
