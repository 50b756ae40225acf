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

// TestBrowserBoardLive is the deadline board open in Chromium while 工程部's
// manager accepts a case in Telegram (the button press, through
// notify/desk): the board shows it without a reload, long before its
// polling would have, and a sign-out elsewhere ends the live board.
func TestBrowserBoardLive(t *testing.T) {
	w := newDeskWorld(t)
	w.follow()
	w.c.live.recheck = 300 * time.Millisecond

	browser := webtest.Browser(t)
	pageErrors := webtest.PageErrors(browser)
	ctx, cancel := context.WithTimeout(browser, 90*time.Second)
	defer cancel()
	eval := func(expr string) string { t.Helper(); return webtest.Eval(t, ctx, expr) }
	waitFor := func(what, cond string, within time.Duration) {
		t.Helper()
		webtest.WaitPage(t, ctx, what, cond, within)
	}

	w.openLive(t, ctx, "/desk/board", "13900000701", specialistTG)
	if got := eval(`document.querySelector('.heading .hint').innerText`); got != "案件一有变动即自动更新" {
		t.Errorf("the board says %q", got)
	}
	// The board's step of 王女士's case: waiting for 工程部 to accept it.
	stepOf := fmt.Sprintf(`(() => {
		const a = [...document.querySelectorAll('#board-body a')].find(a => a.textContent === %q);
		return a ? a.closest('section').querySelector('h2').innerText + ' / ' + a.closest('tr').querySelector('th').innerText : '';
	})()`, w.leak.Serial)
	time.Sleep(time.Second) // the refresh a page makes when its stream opens is over
	before := eval(stepOf)
	if !strings.Contains(before, "工程部") {
		t.Fatalf("the board shows %s at %q", w.leak.Serial, before)
	}
	eval(`window.liveRefreshes = 0, document.addEventListener('desk:live', () => window.liveRefreshes++), ''`)

	manager, _ := w.c.desk.PersonOf("telegram", engManagerTG)
	start := time.Now()
	out, err := w.c.desk.ActAs(context.Background(), manager, desk.StaffAction{Platform: "telegram", PlatformUser: engManagerTG,
		Action: "acknowledge", Serial: w.leak.Serial})
	if err != nil || out.Refused {
		t.Fatalf("受理 in Telegram: %v %+v", err, out)
	}
	waitFor("the board to show the case accepted", fmt.Sprintf(`%s !== %q`, stepOf, before), 5*time.Second)
	took := time.Since(start)
	if took >= w.c.boardRefresh {
		t.Errorf("the board took %s, its polling's interval is %s", took, w.c.boardRefresh)
	}
	t.Logf("受理 in Telegram reached the open board in %s: %q → %q", took.Round(time.Millisecond), before, eval(stepOf))
	// Accepted, its next deadline is not today's: it left the board, which
	// shows the rest as before (秩序部 still to accept 李先生's).
	if got := eval(fmt.Sprintf(`document.querySelector('#board-body').innerText.includes(%q) + ''`, w.noise.Serial)); got != "true" {
		t.Errorf("after the refresh the board lacks %s:\n%s", w.noise.Serial, eval(`document.querySelector('#board-body').innerText`))
	}
	// The counter lives in this document: had the page been loaded again, it would be gone.
	if n := eval(`typeof window.liveRefreshes === 'number' ? window.liveRefreshes + '' : 'the page was loaded again'`); n == "0" || strings.Contains(n, "again") {
		t.Errorf("the board changed, but not by a live refresh: %s", n)
	}

	// A case's part (as the case page has, here drawn from the board's
	// fragment) follows its own case only, and is not replaced while a
	// field in it is being typed in.
	eval(fmt.Sprintf(`(() => {
		const part = (id, serial, html) => {
			const s = document.createElement('section');
			s.id = id;
			s.dataset.live = 'case:' + serial;
			s.dataset.liveSrc = '/desk/board/fragment';
			s.innerHTML = html;
			document.querySelector('main').append(s);
		};
		part('case-a', %q, '<input id="typing" aria-label="reply">');
		part('case-b', %q, '<p>untouched</p>');
		return '';
	})()`, w.leak.Serial, w.noise.Serial))
	webtest.Do(t, ctx, "type a reply", chromedp.SendKeys(chromedp.ID("typing"), "已安排维修"))
	refreshed := eval(`window.liveRefreshes + ''`)
	if _, err := w.svc.Apply(context.Background(), cases.Actor{Kind: cases.ActorStaff, ID: engManagerID, Channel: cases.ChannelTelegram},
		w.leak.Serial, cases.Transition{Action: cases.ActNote, Text: "师傅下午到"}); err != nil {
		t.Fatal(err)
	}
	waitFor("the board's refresh after the note", fmt.Sprintf(`window.liveRefreshes > %s`, refreshed), 5*time.Second)
	time.Sleep(500 * time.Millisecond)
	if got := eval(`(document.querySelector('#typing') || {}).value + ' | ' + document.querySelector('#case-b').innerText`); got != "已安排维修 | untouched" {
		t.Errorf("while typing, the case's part became %q", got)
	}
	eval(`document.activeElement.blur(), ''`)
	waitFor("the case's part once the field is left", `document.querySelector('#case-a .totals') !== null`, 5*time.Second)
	if got := eval(`document.querySelector('#case-b').innerText`); got != "untouched" {
		t.Errorf("another case's part became %q", got)
	}

	// Signed out everywhere from another browser: the board says so.
	other := w.browser()
	other.signIn("cs.zhoumin", specialistTG)
	if p := other.post("/desk/account", "/desk/signout/everywhere", nil); p.status != 303 {
		t.Fatalf("sign out everywhere: %d", p.status)
	}
	waitFor("the board to say it is signed out", `document.querySelector('#board-body [role=alert]') !== null`, 10*time.Second)
	if got := eval(`document.documentElement.dataset.live`); got != "off" {
		t.Errorf("signed out, the page is live %q", got)
	}
	for _, e := range pageErrors() {
		// The stream's last reconnect, if any, meets the 401 of a signed-out browser.
		if !strings.Contains(e.Text, "401") {
			t.Errorf("page error: %s", e.Text)
		}
	}
}

// openLive opens path on the desktop signed in as who, by the link that
// arrives in their Telegram chat, and waits for the page's live stream.
func (w *deskWorld) openLive(t *testing.T, ctx context.Context, path, who, chat string) {
	t.Helper()
	webtest.Do(t, ctx, "open "+path, webtest.Desktop(), chromedp.Navigate(w.srv.URL+path), chromedp.WaitVisible(chromedp.ID("who")))
	webtest.Do(t, ctx, "ask for a link", chromedp.SendKeys(chromedp.ID("who"), who), webtest.PressEnter())
	webtest.WaitPage(t, ctx, "the answer", `document.body.innerText.includes('登录链接已经在发往您')`, 15*time.Second)
	w.deliver()
	webtest.Do(t, ctx, "open the link from Telegram", chromedp.Navigate(w.srv.URL+w.lastLink(chat)))
	webtest.WaitPage(t, ctx, path, fmt.Sprintf(`location.pathname === %q && document.readyState === 'complete'`, path), 15*time.Second)
	webtest.WaitPage(t, ctx, "the live stream", `document.documentElement.dataset.live === 'on'`, 10*time.Second)
}
