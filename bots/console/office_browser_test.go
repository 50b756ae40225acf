package console

import (
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/heedhq/heed/bots/telegram/telegramfake"
	"github.com/heedhq/heed/bots/web/webtest"
	"github.com/heedhq/heed/notify/desk"
)

// TestBrowserBulletinAndRegister is the complaint desk's office work in
// Chromium: a specialist signs in, composes a bulletin to both communities
// by the form, watches its page count the groups' deliveries as they
// happen (the page refreshes itself), then chooses a period on the
// reports page and downloads that period's register as CSV. With
// HEED_SCREENSHOTS=docs it leaves docs/desk-bulletins.png.
func TestBrowserBulletinAndRegister(t *testing.T) {
	w := newDeskWorld(t)
	tb, pageErrors := newTab(t)
	ctx, do, eval, waitFor := tb.ctx, tb.do, tb.eval, tb.waitFor

	// Sign in, coming back to the bulletins.
	do("open the bulletins", webtest.Desktop(), chromedp.Navigate(w.srv.URL+"/desk/bulletins"), chromedp.WaitVisible(chromedp.ID("who")))
	do("ask for a link", chromedp.SendKeys(chromedp.ID("who"), specialistID), webtest.PressEnter())
	waitFor("the answer", `document.body.innerText.includes('登录链接已经在发往您')`)
	w.deliver()
	do("open the link from Telegram", chromedp.Navigate(w.srv.URL+w.lastLink(specialistTG)))
	waitFor("the bulletins", `location.pathname === '/desk/bulletins' && document.readyState === 'complete'`)

	// Compose and post.
	do("compose", chromedp.Click(chromedp.Search(`//input[@name="community"][@value="xinghewan"]`)),
		chromedp.Click(chromedp.Search(`//input[@name="community"][@value="cuihuyuan"]`)),
		chromedp.SendKeys(chromedp.ID("b-title"), "停水通知"),
		chromedp.SendKeys(chromedp.ID("b-body"), "11月26日 9:00–12:00 因管道检修停水，请提前储水。给您带来不便，敬请谅解。"),
		chromedp.Click(chromedp.Search(`//form[@action="/desk/bulletins"]//button[@type="submit"]`)))
	waitFor("the bulletin's page", `/^\/desk\/bulletins\/\d+$/.test(location.pathname) && document.readyState === 'complete'`)
	totals := `document.querySelector('#bulletin-progress .totals').innerText.replace(/\s+/g, ' ')`
	if got := eval(totals); !strings.Contains(got, "0 / 2 已送达") || !strings.Contains(got, "2 待发送") {
		t.Errorf("before delivery the page says %q", got)
	}
	// The groups get it; the page shows so by itself.
	w.deliver()
	if len(w.tg.Sent(xinghewanGroup)) != 1 || len(w.tg.Sent("-1001234500102")) != 1 {
		t.Fatal("the residents' groups did not get the bulletin")
	}
	waitFor("the delivery on the page", `document.querySelector('#bulletin-progress .totals').innerText.replace(/\s+/g, ' ').includes('2 / 2 已送达')`)
	if got := eval(`[...document.querySelectorAll('#bulletin-progress tbody tr')].map(r => r.innerText.replace(/\s+/g, ' ')).join('|')`); !strings.Contains(got, "星河湾") || !strings.Contains(got, "翠湖苑") || strings.Count(got, "已送达") != 2 {
		t.Errorf("the targets: %q", got)
	}
	// A second one, from team chat, that 翠湖苑's group refuses.
	w.tg.FailChat("sendMessage", "-1001234500102", telegramfake.Failure{Status: 400, Desc: "Bad Request: chat not found"})
	w.clock.Advance(25 * time.Minute)
	if _, err := w.c.desk.PostBulletin(context.Background(), desk.Bulletin{Title: "电梯年检", Body: "12月1日 3 栋电梯年检，暂停使用两小时。",
		Communities: []string{"xinghewan", "cuihuyuan"}, CreatedBy: gmID}, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	w.deliver()
	do("the list", chromedp.Navigate(w.srv.URL+"/desk/bulletins"), chromedp.WaitVisible(chromedp.ID("b-body")))
	if got := eval(`[...document.querySelectorAll('table.office tbody tr')].map(r => r.innerText.replace(/\s+/g, ' ')).join('|')`); !strings.Contains(got, "电梯年检 星河湾、翠湖苑 10:28 · 刘建国 1 / 2 0 1 0|") ||
		!strings.Contains(got, "停水通知 星河湾、翠湖苑 10:03 · 周敏 2 / 2 0 0 0") {
		t.Errorf("the list's rows: %q", got)
	}
	webtest.Screenshot(t, ctx, "desk-bulletins")

	// The register of a period, downloaded from the reports page.
	do("the reports", chromedp.Navigate(w.srv.URL+"/desk/reports"), chromedp.WaitVisible(chromedp.ID("r-period")))
	do("choose November", chromedp.SetValue(chromedp.ID("r-period"), "2026-11"), chromedp.Focus(chromedp.ID("r-period")), webtest.PressEnter())
	waitFor("November", `location.search.includes('period=2026-11') && document.readyState === 'complete'`)
	_, got := tb.downloadCSV(`.downloads a[href*="format=csv"]`)
	slices.Sort(got)
	if want := []string{w.leak.Serial, w.noise.Serial, w.markup.Serial}; !slices.Equal(got, want) {
		t.Errorf("November's register: %v, want %v", got, want)
	}
	if n := eval(`fetch(document.querySelector('.downloads a[target]').href).then(r => r.status + ' ' + r.headers.get('content-type'))`); n != "200 text/html; charset=utf-8" {
		t.Errorf("the analysis answers %q", n)
	}
	do("this quarter", chromedp.Click(chromedp.Search(`//ul[@class="choices"]//a[contains(., "2026-Q4")]`)))
	waitFor("the quarter", `location.search.includes('period=2026-Q4') && document.readyState === 'complete'`)
	for _, e := range pageErrors() {
		t.Errorf("page error: %s", e.Text)
	}
}

// tab is a Chromium tab a desk test drives: a named step, a script's
// value, a condition waited for across navigations.
type tab struct {
	t   *testing.T
	ctx context.Context
}

// newTab opens headless Chromium for two minutes at most, with what its
// pages report as going wrong.
func newTab(t *testing.T) (tab, func() []chromedp.ConsoleMessage) {
	browser := webtest.Browser(t)
	pageErrors := webtest.PageErrors(browser)
	ctx, cancel := context.WithTimeout(browser, 120*time.Second)
	t.Cleanup(cancel)
	return tab{t, ctx}, pageErrors
}

func (b tab) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	webtest.Do(b.t, b.ctx, step, actions...)
}

func (b tab) eval(expr string) string {
	b.t.Helper()
	return webtest.Eval(b.t, b.ctx, expr)
}

// waitFor polls cond across navigations (a form's submit replaces the
// page under a running poll).
func (b tab) waitFor(what, cond string) {
	b.t.Helper()
	webtest.WaitPage(b.t, b.ctx, what, cond, 20*time.Second)
}

// downloadCSV fetches the register CSV the link (a CSS selector) gives, as
// the page's own request, and reads it: its records and the serials of its
// rows.
func (b tab) downloadCSV(link string) (recs [][]string, serials []string) {
	b.t.Helper()
	text := b.eval(fmt.Sprintf(`fetch(document.querySelector(%q).href).then(r => r.text())`, link))
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(text, "\uFEFF"))).ReadAll()
	if err != nil || len(recs) == 0 {
		b.t.Fatalf("the CSV of %s: %v\n%s", link, err, text)
	}
	for _, r := range recs[1:] {
		serials = append(serials, r[0])
	}
	return recs, serials
}
