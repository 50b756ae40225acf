package console

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/heedhq/heed/bots/web/webtest"
	"github.com/heedhq/heed/cases"
)

// TestBrowserCase is the case in Chromium: signed in by the link from
// Telegram, the specialist opens a case the department has answered — the
// record, its photo's thumbnail, the owner's chat shown as text — edits
// the answer the measures propose and sends it; then prints the B01 record
// and the dispatch notice. Another owner's marked-up name and complaint
// are text in this browser too. With HEED_SCREENSHOTS=docs it leaves
// docs/desk-case.png and docs/desk-case-print.png.
func TestBrowserCase(t *testing.T) {
	w := ownerWorldOf(t, "李先生", "卫生间天花板又漏水了，楼上的防水层一直没修好") // plain: the picture in docs/ is of it
	ctx0 := context.Background()
	spec := cases.Actor{Kind: cases.ActorStaff, ID: specialistID, Channel: cases.ChannelAPI}
	mgr := cases.Actor{Kind: cases.ActorStaff, ID: engManagerID, Channel: cases.ChannelTelegram}
	for _, step := range []struct {
		who cases.Actor
		tr  cases.Transition
	}{
		{spec, cases.Transition{Action: cases.ActDispatch, Department: "engineering"}},
		{mgr, cases.Transition{Action: cases.ActAcknowledge}},
		{mgr, cases.Transition{Action: cases.ActAssignHandler, Handler: "eng.zhang"}},
		{mgr, cases.Transition{Action: cases.ActProposeMeasures, Text: "已安排经办人张强今天 15:00 上门检查楼上卫生间防水层，维修后做 48 小时闭水试验"}},
	} {
		w.clock.Advance(50 * time.Minute)
		if _, err := w.svc.Apply(ctx0, step.who, w.chat.Serial, step.tr); err != nil {
			t.Fatal(err)
		}
	}
	w.clock.Advance(20 * time.Minute)

	b, pageErrors := newTab(t)
	ctx, do, eval := b.ctx, b.do, b.eval
	path := w.srv.URL + "/desk/cases/" + w.chat.Serial
	do("open the case", webtest.Desktop(), chromedp.Navigate(path), chromedp.WaitVisible(chromedp.ID("who")),
		chromedp.SendKeys(chromedp.ID("who"), "cs.zhoumin"), webtest.PressEnter(),
		chromedp.WaitVisible(chromedp.Search(`//p[contains(., "登录链接已经在发往您")]`)))
	w.deliver()
	do("open the link from Telegram", chromedp.Navigate(w.srv.URL+w.lastLink(specialistTG)),
		chromedp.WaitVisible(chromedp.Search(`//details[@data-action="approve_reply"]`)))

	// What the specialist reads.
	body := eval(`document.querySelector('main').innerText`)
	for _, want := range []string{w.chat.Serial, "客户投诉处理记录表（B01）", "李先生", "136", "楼上的防水层一直没修好", ownerMarkup + " 漏水",
		"已安排经办人张强", "张强", "处理经过", "各环节时限", "与业主的全部对话"} {
		if !strings.Contains(body, want) {
			t.Errorf("the case page does not show %q", want)
		}
	}
	if n := eval(`document.querySelectorAll('main script, main i, main b').length + ''`); n != "0" {
		t.Errorf("%s elements were made from owners' text", n)
	}
	if got := eval(`(async () => { const i = document.querySelector('.photos img'); i.loading = 'eager';
		await i.decode(); return i.naturalWidth + 'x' + i.naturalHeight; })()`); got != "320x240" {
		t.Errorf("the photo's thumbnail is %s", got)
	}
	do("open the answer's form", chromedp.Click(chromedp.Search(`//details[@data-action="approve_reply"]/summary`)))
	if got := eval(`document.querySelector('details[data-action="approve_reply"] textarea').value`); !strings.HasPrefix(got, "已安排经办人张强") {
		t.Errorf("the answer proposed: %q", got)
	}
	eval(`(document.activeElement.blur(), scrollTo(0, 0), '')`)
	webtest.Screenshot(t, ctx, "desk-case")

	// The specialist rewords the answer before it goes.
	answer := "李先生您好：维修师傅今天 15:00 上门处理楼上卫生间防水，完工后做 48 小时闭水试验。给您添麻烦了。"
	eval(`(document.querySelector('details[data-action="approve_reply"] textarea').value = '', '')`)
	do("send the answer", chromedp.SendKeys(chromedp.Search(`//details[@data-action="approve_reply"]//textarea`), answer),
		chromedp.Click(chromedp.Search(`//details[@data-action="approve_reply"]//button[@type="submit"]`)),
		chromedp.WaitVisible(chromedp.Search(`//p[contains(@class, "flash") and contains(., "已同意并答复业主")]`)))
	if got := eval(`document.querySelector('table.b01 .reply').innerText`); got != answer {
		t.Errorf("the record's answer: %q", got)
	}
	k, err := w.svc.Get(ctx0, w.chat.Serial)
	if err != nil || k.Reply != answer || k.Status != cases.StatusReplied {
		t.Errorf("the case after the answer: %s %q %v", k.Status, k.Reply, err)
	}

	// On paper.
	do("print", chromedp.Click(chromedp.Search(`//a[contains(@class, "print-link")]`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[.="派工单（处理通知单）"]`)))
	paper := eval(`document.body.innerText`)
	for _, want := range []string{"客户投诉处理记录表", "派工单", w.chat.Serial, "受理时间", "投诉渠道", "客户姓名", "联系电话", "楼栋房号",
		"投诉内容", "投诉性质", "有效性", "处理部门", "经办人", "处理措施", "回复内容", "满意度", "工程部", "张强", answer, "经办人签字"} {
		if !strings.Contains(paper, want) {
			t.Errorf("the print view does not show %q", want)
		}
	}
	if got := eval(`[document.querySelectorAll('nav, .menu').length, document.querySelectorAll('.sheet').length,
		getComputedStyle(document.querySelectorAll('.sheet')[1]).breakBefore].join()`); got != "0,2,page" {
		t.Errorf("the print view (menus, sheets, the notice's page break): %s", got)
	}
	webtest.Screenshot(t, ctx, "desk-case-print")

	// An owner who wrote a script as their name and markup as the complaint.
	do("open the marked-up case", chromedp.Navigate(w.srv.URL+"/desk/cases/"+w.markup.Serial),
		chromedp.WaitVisible(chromedp.Search(`//h2[@id="h-record"]`)))
	if n := eval(`document.querySelectorAll('main script, main img, main b, main i').length + ''`); n != "0" {
		t.Errorf("%s elements were made from the marked-up owner's text", n)
	}
	body = eval(`document.querySelector('main').innerText`)
	for _, want := range []string{ownerScript, `<img src=x onerror="alert('owner')"><b>bold</b> & 漏水`} {
		if !strings.Contains(body, want) {
			t.Errorf("the marked-up case does not show %q as text", want)
		}
	}
	for _, e := range pageErrors() {
		t.Errorf("page error: %s", e.Text)
	}
}
