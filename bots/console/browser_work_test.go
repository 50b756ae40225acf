package console

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/heedhq/heed/bots/web/webtest"
	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/conversation/conversationtest"
	"github.com/heedhq/heed/notify/desk"
)

// TestBrowserTemplatesAndRevisits is the specialist's reply templates and
// revisits in Chromium: a template inserted into a text box where the
// cursor is, to edit, and saved as a new one; the revisit worklist with its
// call list, and a phone revisit entered by the form. With
// HEED_SCREENSHOTS=docs it leaves docs/desk-templates.png and
// docs/desk-revisits.png.
func TestBrowserTemplatesAndRevisits(t *testing.T) {
	d := newDesk(t)
	eng := d.withOwners()
	ctx0 := context.Background()
	spec, _ := d.c.desk.StaffMember(specialistID, cases.ChannelAPI)
	for _, tp := range []desk.Template{
		{Kind: desk.TemplateReply, Title: "维修完成", Body: "您好！您反映的问题工程部已于今日处理完毕，如仍有问题请随时联系我们。"},
		{Kind: desk.TemplateInvalid, Title: "市政设施", Body: "您好！您反映的路灯属于市政设施，不在物业服务范围内，建议拨打 12345 反映。"},
		{Kind: desk.TemplateMeasure, Title: "防水维修", Body: "安排工程部师傅上门检查并修复防水层，修复后做闭水试验。", Category: "repair"},
	} {
		if _, err := d.c.desk.SaveTemplate(ctx0, spec, tp); err != nil {
			t.Fatal(err)
		}
	}
	// The worklist of an ordinary week: two owners recorded by phone (to
	// call), one asked on chat, one not asked yet, one answered on chat.
	var phones []*cases.Case
	for _, o := range []struct{ name, phone, unit, content string }{
		{"王女士", "13812345678", "3栋2单元1102", "楼上漏水很严重，天花板在滴水"},
		{"陈先生", "13611112222", "5栋1单元301", "地下车库B2层照明坏了一半"},
	} {
		n := leak()
		n.CustomerName, n.ContactPhone, n.Unit, n.Content = o.name, o.phone, o.unit, o.content
		c := d.newCase(n)
		casestest.ReplyTo(t, d.svc, c.Serial)
		phones = append(phones, c)
	}
	asked := conversationtest.Replied(t, d.svc, eng, "rvb-1")
	if _, err := d.c.desk.CommandAs(ctx0, spec, desk.StaffCommand{Name: "revisit", Args: asked, InteractionID: "b1"}); err != nil {
		t.Fatal(err)
	}
	conversationtest.Replied(t, d.svc, eng, "rvb-2")
	d.clock.Advance(3 * time.Hour)

	b, pageErrors := newTab(t)
	ctx, do, eval := b.ctx, b.do, b.eval
	waitFor := b.waitFor

	// Sign in by the link in the specialist's Telegram chat.
	do("open the templates", webtest.Desktop(), chromedp.Navigate(d.srv.URL+"/desk/templates"), chromedp.WaitVisible(chromedp.ID("who")))
	do("ask for a link", chromedp.SendKeys(chromedp.ID("who"), specialistID), webtest.PressEnter())
	waitFor("the answer", `document.body.innerText.includes('登录链接已经在发往您')`)
	d.deliver()
	do("open the link", chromedp.Navigate(d.srv.URL+d.lastLink(specialistTG)))
	waitFor("the templates page", `location.pathname === '/desk/templates' && document.readyState === 'complete'`)

	// The picker is there (the script shows it) and inserts at the cursor.
	if got := eval(`(() => { const p = document.querySelector('select[data-template-for="t-body"]'); return p && !p.closest('[hidden]') ? p.options.length + '' : 'hidden' })()`); got != "4" {
		t.Fatalf("the template picker: %s", got)
	}
	do("write the start", chromedp.SendKeys(chromedp.ID("t-body"), "王女士您好："))
	eval(`(() => { const p = document.querySelector('#pick-t-body');
		p.value = [...p.options].find(o => o.textContent === '维修完成').value;
		p.dispatchEvent(new Event('change', { bubbles: true })); return '' })()`)
	want := "王女士您好：您好！您反映的问题工程部已于今日处理完毕，如仍有问题请随时联系我们。"
	if got := eval(`document.querySelector('#t-body').value`); got != want {
		t.Fatalf("the text box holds %q, want %q", got, want)
	}
	if got := eval(`document.activeElement.id + '|' + document.querySelector('#pick-t-body').value`); got != "t-body|" {
		t.Errorf("after inserting: focus and choice %q", got)
	}
	do("edit and save", chromedp.SendKeys(chromedp.ID("t-body"), "谢谢！"), chromedp.SendKeys(chromedp.ID("t-title"), "维修完成（王女士）"),
		chromedp.Click(chromedp.Search(`//form[@action="/desk/templates"]//button[@type="submit"]`)))
	waitFor("the saved template", `document.querySelector('.notice') !== null`)
	if got := eval(`document.body.innerText`); !strings.Contains(got, want+"谢谢！") || !strings.Contains(got, "维修完成（王女士）") {
		t.Errorf("the saved template is not listed:\n%s", got)
	}
	eval(`window.scrollTo(0, 0), ''`)
	webtest.Screenshot(t, ctx, "desk-templates")

	// The revisit worklist, and a call.
	do("open the revisits", chromedp.Navigate(d.srv.URL+"/desk/revisits"), chromedp.WaitVisible(chromedp.ID("rv-call")))
	do("enter the call", chromedp.Click(chromedp.Search(fmt.Sprintf(`//a[@href="/desk/revisits/%s"]`, phones[0].Serial))))
	waitFor("the call's form", `document.querySelector('form.call') !== null`)
	if got := eval(`document.querySelector('.facts').innerText`); !strings.Contains(got, "13812345678") || !strings.Contains(got, "王女士") {
		t.Errorf("the call's facts:\n%s", got)
	}
	do("answer", chromedp.Click(`input[name="timeliness"][value="4"]`), chromedp.Click(`input[name="satisfaction"][value="5"]`),
		chromedp.Click(`input[name="attitude"][value="4"]`), chromedp.SendKeys(chromedp.ID("rv-suggestions"), "师傅很耐心，希望以后提前电话预约"),
		chromedp.Click(chromedp.Search(`//form[contains(@class,"call")]//button[@type="submit"]`)))
	waitFor("the worklist again", `location.pathname === '/desk/revisits' && document.querySelector('.notice') !== null`)
	c, _ := d.svc.Get(ctx0, phones[0].Serial)
	if c.Status != cases.StatusVerified || c.VerifySatisfaction == nil || *c.VerifySatisfaction != 5 || c.VerifySuggestions != "师傅很耐心，希望以后提前电话预约" {
		t.Fatalf("after the call the case is %s %+v", c.Status, c)
	}
	got := eval(`document.querySelector('#rv-answered').parentElement.innerText`)
	if !strings.Contains(got, phones[0].Serial) || !strings.Contains(got, "电话（周敏）") {
		t.Errorf("the answered list:\n%s", got)
	}
	if got := eval(`document.querySelector('#rv-call').parentElement.innerText`); strings.Contains(got, phones[0].Serial) || !strings.Contains(got, phones[1].Serial) {
		t.Errorf("the call list:\n%s", got)
	}
	if got := eval(`JSON.stringify(document.documentElement.scrollWidth <= innerWidth)`); got != "true" {
		t.Error("the worklist is wider than the window")
	}
	webtest.Screenshot(t, ctx, "desk-revisits")
	for _, e := range pageErrors() {
		t.Errorf("page error: %s", e.Text)
	}
}
