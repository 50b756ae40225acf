package console

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/xuri/excelize/v2"

	"github.com/heedhq/heed/bots/web/webtest"
	"github.com/heedhq/heed/cases"
)

// moreComplaints fill the register and the board the way a working week
// does (the screenshots in docs/ are of them).
var moreComplaints = []struct {
	name, phone, community, unit, category, content string
	urgency                                         cases.Urgency
	dept                                            string // dispatched to it
}{
	{"陈先生", "13611112222", "cuihuyuan", "5栋1单元301", "parking", "地下车库B2层我的固定车位连续三天被外来车辆占用，保安说管不了", "", "security"},
	{"刘女士", "13522223333", "xinghewan", "2栋1802", "fees", "本月物业费账单多收了公摊电费，要求说明计费依据并退还", "", "finance"},
	{"周先生", "13733334444", "xinghewan", "7栋", "repair", "7栋电梯又停了，老人上不了楼", cases.UrgencyUrgent, ""},
	{"Mr Lee", "+85291234567", "cuihuyuan", "3-1-1201", "noise", "Renovation drilling next door after 10pm every night this week", "", "security"},
	{"黄阿姨", "13844445555", "xinghewan", "1栋门口", "cleaning", "垃圾桶三天没人清理，气味很大，招苍蝇", "", ""},
	{"吴先生", "13955556666", "cuihuyuan", "9栋", "repair", "楼道灯坏了两周，晚上很黑，老人摔了一跤", "", "engineering"},
	{"郑女士", "13466667777", "xinghewan", "4栋2单元", "attitude", "前台工作人员态度恶劣，办理门禁卡时不耐烦还骂人", "", ""},
}

// TestBrowserDesk is the desk in Chromium: sign in by the link that
// arrives in the person's own Telegram chat, the register's filters and
// search by the form, its export of what is filtered, owner markup shown
// as text, the phone and keyboard layouts, and the deadline board
// refreshing by itself. With HEED_SCREENSHOTS=docs it leaves the pictures
// of the README there.
func TestBrowserDesk(t *testing.T) {
	w := newDeskWorld(t)
	spec := cases.Actor{Kind: cases.ActorStaff, ID: specialistID, Channel: cases.ChannelAPI}
	var serials []string
	for _, m := range moreComplaints {
		n := leak()
		n.CustomerName, n.ContactPhone, n.Community, n.Unit, n.Category, n.Content, n.Urgency = m.name, m.phone, m.community, m.unit, m.category, m.content, m.urgency
		c := w.newCase(n)
		serials = append(serials, c.Serial)
		if m.dept != "" {
			if _, err := w.svc.Apply(context.Background(), spec, c.Serial, cases.Transition{Action: cases.ActDispatch, Department: m.dept}); err != nil {
				t.Fatal(err)
			}
		}
		w.clock.Advance(40 * time.Minute)
	}
	// Late in the afternoon: some deadlines passed, some are near.
	w.clock.Set(wednesday.Add(6*time.Hour + 10*time.Minute))

	tb, pageErrors := newTab(t)
	ctx, do, eval, waitFor := tb.ctx, tb.do, tb.eval, tb.waitFor
	shown := func() []string {
		got := eval(`[...document.querySelectorAll('table.register tbody th a')].map(a => a.textContent).join(' ')`)
		return strings.Fields(got)
	}

	// Sign in on a phone.
	do("open the register", webtest.Phone(), chromedp.Navigate(w.srv.URL+"/desk/register"), chromedp.WaitVisible(chromedp.ID("who")))
	webtest.Screenshot(t, ctx, "desk-signin")
	if got := eval(`document.activeElement.id`); got != "who" {
		t.Errorf("the sign-in page focuses %q, want the field", got)
	}
	do("ask for a link", chromedp.SendKeys(chromedp.ID("who"), "13900000701"), webtest.PressEnter())
	waitFor("the answer", `document.body.innerText.includes('登录链接已经在发往您')`)
	w.deliver()
	link := w.srv.URL + w.lastLink(specialistTG)
	do("open the link from Telegram", chromedp.Navigate(link))
	waitFor("the register", `location.pathname === '/desk/register' && document.readyState === 'complete'`)
	if got := eval(`document.querySelector('.who').innerText`); !strings.Contains(got, "周敏") {
		t.Errorf("signed in as %q", got)
	}
	if got := eval(`JSON.stringify([document.documentElement.scrollWidth <= innerWidth, document.querySelector('#q').getBoundingClientRect().right <= innerWidth])`); got != "[true,true]" {
		t.Errorf("phone layout (page fits, search on screen): %s", got)
	}
	webtest.Screenshot(t, ctx, "desk-register-phone")

	// Owner markup is text.
	if n := eval(`document.querySelectorAll('main script, main img, main b').length + ''`); n != "0" {
		t.Errorf("%s elements were made from owners' text", n)
	}
	if !strings.Contains(eval(`document.querySelector('main').innerText`), ownerScript) {
		t.Error("the owner's script is not shown as text")
	}

	// The keyboard: Tab from the top reaches the skip link, which is seen.
	do("desktop", webtest.Desktop(), chromedp.Navigate(w.srv.URL+"/desk/register"), chromedp.WaitVisible(chromedp.ID("q")))
	do("tab", chromedp.KeyEvent(kb.Tab))
	if got := eval(`(() => { const a = document.activeElement; const s = getComputedStyle(a);
		return a.className + '|' + (a.getBoundingClientRect().left >= 0) + '|' + s.outlineStyle; })()`); !strings.HasPrefix(got, "skip|true|") {
		t.Errorf("the first Tab focuses %q, want the visible skip link", got)
	}
	all := shown()
	if len(all) != 3+len(moreComplaints) {
		t.Fatalf("the register shows %d cases: %v", len(all), all)
	}
	eval(`document.activeElement.blur(), ''`)
	webtest.Screenshot(t, ctx, "desk-register")

	// Filters through the form: 翠湖苑, dispatched to 秩序部.
	do("open the filters", chromedp.Click(chromedp.Search(`//summary`)))
	do("filter", chromedp.SetValue(chromedp.ID("f-community"), "cuihuyuan"), chromedp.SetValue(chromedp.ID("f-department"), "security"),
		chromedp.Click(chromedp.Search(`//details//button[@type="submit"]`)))
	waitFor("the filtered register", `location.search.includes('community=cuihuyuan') && document.readyState === 'complete'`)
	want := []string{serials[3], serials[0], w.noise.Serial}
	if got := shown(); !slices.Equal(got, want) {
		t.Errorf("翠湖苑 at 秩序部: %v, want %v", got, want)
	}
	if got := eval(`document.querySelector('.count').innerText`); got != "共 3 件" {
		t.Errorf("count %q", got)
	}
	// The export is what is filtered.
	recs, exported := tb.downloadCSV(`.exports a[href*="format=csv"]`)
	if !slices.Equal(exported, want) || recs[1][4] != "'+85291234567" { // a spreadsheet would take a leading + for a formula
		t.Errorf("the CSV export holds %v (phone %q), want %v", exported, recs[1][4], want)
	}
	xlsx := eval(`fetch(document.querySelector('.exports a[href*="format=xlsx"]').href).then(r => r.arrayBuffer())
		.then(b => btoa(String.fromCharCode(...new Uint8Array(b))))`)
	raw, _ := base64.StdEncoding.DecodeString(xlsx)
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the XLSX export: %v", err)
	}
	rows, _ := f.GetRows(f.GetSheetName(0))
	f.Close()
	if len(rows) != 4 || rows[1][0] != want[0] || rows[3][0] != want[2] {
		t.Errorf("the XLSX export: %q", rows)
	}

	// Search by the phone's last digits, the form's own way.
	do("search", chromedp.Navigate(w.srv.URL+"/desk/register"), chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), "5555"), webtest.PressEnter())
	waitFor("the search", `location.search.includes('q=5555') && document.readyState === 'complete'`)
	if got := shown(); !slices.Equal(got, []string{serials[4]}) {
		t.Errorf("searching 5555: %v, want %s", got, serials[4])
	}

	// The board, and a change it shows without a reload.
	do("open the board", chromedp.Navigate(w.srv.URL+"/desk/board"), chromedp.WaitVisible(chromedp.Search(`//h1[.="时限看板"]`)))
	webtest.Screenshot(t, ctx, "desk-board")
	w.c.boardRefresh = time.Second
	do("reload the board", chromedp.Reload(), chromedp.WaitVisible(chromedp.Search(`//h1[.="时限看板"]`)))
	late := w.newCase(leak()) // received now: due for dispatch within 5 hours
	waitFor("the new case on the board", fmt.Sprintf(`document.querySelector('#board-body').innerText.includes(%q)`, late.Serial))
	for _, e := range pageErrors() {
		t.Errorf("page error: %s", e.Text)
	}
}
