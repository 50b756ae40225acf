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
	"github.com/heedhq/heed/notify/desk"
)

// TestBrowserCaseLive is a case page open in Chromium — 高峰's, the other
// manager of 工程部, with 受理 among his actions — while 李建华 accepts the
// case in Telegram (the button press, through notify/desk): without a
// reload the page's status and its timeline show who accepted it, and
// 受理 is no longer offered. Then a field 高峰 is typing in holds its
// text through the next change, which the part shows once he leaves it,
// the form he opened still open.
func TestBrowserCaseLive(t *testing.T) {
	w := newDeskWorld(t)
	w.follow()
	tb, pageErrors := newTab(t)
	do, eval := tb.do, tb.eval
	waitFor := func(what, cond string, within time.Duration) {
		t.Helper()
		webtest.WaitPage(t, tb.ctx, what, cond, within)
	}
	path := "/desk/cases/" + w.leak.Serial
	w.openLive(t, tb.ctx, path, "eng.gao", engManager2TG)

	status := `document.querySelector('#case-live .case-status .status').innerText`
	actions := `[...document.querySelectorAll('#case-live .case-actions [data-action]')].map(e => e.dataset.action).join()`
	timeline := `document.querySelector('#case-live ol.timeline').innerText`
	before, offered := eval(status), eval(actions)
	if !strings.Contains(offered, "acknowledge") {
		t.Fatalf("工程部's manager is not offered 受理: %s", offered)
	}
	time.Sleep(time.Second) // the refresh a page makes when its stream opens is over
	eval(`window.samePage = 'yes', window.liveRefreshes = 0, document.addEventListener('desk:live', () => window.liveRefreshes++), ''`)

	manager, _ := w.c.desk.PersonOf("telegram", engManagerTG)
	start := time.Now()
	out, err := w.c.desk.ActAs(context.Background(), manager, desk.StaffAction{Platform: "telegram", PlatformUser: engManagerTG,
		Action: "acknowledge", Serial: w.leak.Serial})
	if err != nil || out.Refused {
		t.Fatalf("受理 in Telegram: %v %+v", err, out)
	}
	waitFor("the page to show the case accepted", fmt.Sprintf(`%s !== %q`, status, before), 5*time.Second)
	t.Logf("受理 in Telegram reached the open case page in %s: %q → %q", time.Since(start).Round(time.Millisecond), before, eval(status))
	if got := eval(status); got != "部门已受理" {
		t.Errorf("the status after 受理: %q", got)
	}
	if got := eval(timeline); !strings.Contains(got, "李建华 · 受理") || !strings.Contains(got, "Telegram") {
		t.Errorf("the timeline does not show 李建华's 受理 in Telegram:\n%s", got)
	}
	after := eval(actions)
	if strings.Contains(after, "acknowledge") || after == offered {
		t.Errorf("the actions offered: %s, then %s", offered, after)
	}
	if got := eval(`(window.samePage || 'the page was loaded again') + ' ' + window.liveRefreshes`); got == "yes 0" || !strings.HasPrefix(got, "yes ") {
		t.Errorf("the page changed, but not by a live refresh: %s", got)
	}

	// 高峰 types in one of the forms now offered; a note in Telegram
	// changes the case meanwhile: what he typed stays while he is in the field.
	field := eval(`(() => {
		const d = [...document.querySelectorAll('#case-live details.act')].find(d => d.querySelector('textarea, input:not([type=hidden])'));
		if (!d) return '';
		d.open = true;
		return d.querySelector('textarea, input:not([type=hidden])').id;
	})()`)
	if field == "" {
		t.Fatalf("no form with a field to type in among %s", after)
	}
	do("type in "+field, chromedp.SendKeys(chromedp.ID(field), "师傅明早到"))
	refreshed := eval(`window.liveRefreshes + ''`)
	if _, err := w.svc.Apply(context.Background(), cases.Actor{Kind: cases.ActorStaff, ID: engManagerID, Channel: cases.ChannelTelegram},
		w.leak.Serial, cases.Transition{Action: cases.ActNote, Text: "业主下午不在家"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	if got := eval(fmt.Sprintf(`document.getElementById(%q).value + ' | ' + (document.activeElement.id === %q) + ' | ' + window.liveRefreshes`, field, field)); got != "师傅明早到 | true | "+refreshed {
		t.Errorf("while typing, the field became %q", got)
	}
	eval(`document.activeElement.blur(), ''`)
	waitFor("the note once the field is left", fmt.Sprintf(`%s.includes('业主下午不在家')`, timeline), 5*time.Second)
	// The same page, the form he opened still open, what he typed and did
	// not send still there.
	if got := eval(fmt.Sprintf(`(window.samePage || 'the page was loaded again') + ' ' + !!document.getElementById(%q)?.closest('details').open + ' ' + document.getElementById(%q)?.value`, field, field)); got != "yes true 师傅明早到" {
		t.Errorf("after the note (same page, the form open, the text typed): %s", got)
	}
	// A choice made in a form (whom to hand the case to) stays chosen
	// through the next change too, with the focus elsewhere.
	chosen := eval(`(() => {
		const s = [...document.querySelectorAll('#case-live details.act select[id]:not([data-template-for])')].find(s => s.options.length > 1);
		if (!s) return '';
		s.closest('details').open = true;
		s.selectedIndex = s.options.length - 1;
		return s.id + '=' + s.value;
	})()`)
	if chosen == "" {
		t.Fatal("no form with a choice on the page")
	}
	if _, err := w.svc.Apply(context.Background(), cases.Actor{Kind: cases.ActorStaff, ID: engManagerID, Channel: cases.ChannelTelegram},
		w.leak.Serial, cases.Transition{Action: cases.ActNote, Text: "物业已联系楼上住户"}); err != nil {
		t.Fatal(err)
	}
	waitFor("the second note", fmt.Sprintf(`%s.includes('物业已联系楼上住户')`, timeline), 5*time.Second)
	id, _, _ := strings.Cut(chosen, "=")
	if got := eval(fmt.Sprintf(`%q + '=' + document.getElementById(%q)?.value`, id, id)); got != chosen {
		t.Errorf("after a change, the choice %s became %s", chosen, got)
	}
	for _, e := range pageErrors() {
		t.Errorf("page error: %s", e.Text)
	}
}
