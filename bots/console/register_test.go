package console

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io/fs"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/notify/desk"
)

// deskWorld is the desk with a few cases: a leak in 星河湾 dispatched to
// 工程部, a noise complaint in 翠湖苑 for 秩序部, and an owner who wrote
// markup and a script.
type deskWorld struct {
	*testDesk
	leak, noise, markup *cases.Case
}

const ownerScript = `<script>alert("owner")</script>`

func newDeskWorld(t testing.TB) *deskWorld {
	t.Helper()
	d := newDesk(t)
	w := &deskWorld{testDesk: d}
	w.leak = d.newCase(leak())
	noise := leak()
	noise.Category, noise.Community, noise.Unit, noise.CustomerName, noise.ContactPhone = "noise", "cuihuyuan", "1栋", "李先生", "13900001111"
	noise.Content = "楼上每晚装修电钻噪音"
	w.noise = d.newCase(noise)
	markup := leak()
	markup.CustomerName = ownerScript
	markup.Content = `<img src=x onerror="alert('owner')"><b>bold</b> & 漏水 </td></tr></table>`
	markup.ContactPhone = "13700005678"
	w.markup = d.newCase(markup)
	spec := cases.Actor{Kind: cases.ActorStaff, ID: specialistID, Channel: cases.ChannelAPI}
	if _, err := d.svc.Apply(context.Background(), spec, w.leak.Serial, cases.Transition{Action: cases.ActDispatch, Department: "engineering"}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.svc.Apply(context.Background(), spec, w.noise.Serial, cases.Transition{Action: cases.ActDispatch, Department: "security"}); err != nil {
		t.Fatal(err)
	}
	return w
}

var serialRE = regexp.MustCompile(`<th scope="row"><a href="/desk/cases/(TS-\d{4}-\d{6})">`)

func serialsOn(body string) []string {
	var out []string
	for _, m := range serialRE.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestOwnerTextShownAsText: what owners write — a script, markup, a
// closing table — is shown as text on the register, never as markup.
func TestOwnerTextShownAsText(t *testing.T) {
	w := newDeskWorld(t)
	b := w.browser()
	b.signIn("cs.zhoumin", specialistTG)
	p := b.get("/desk/register")
	for _, bad := range []string{"<script>alert", "<img src=x", "<b>bold</b>", "onerror=\"alert"} {
		if strings.Contains(p.body, bad) {
			t.Errorf("the register holds owner markup %q", bad)
		}
	}
	for _, escaped := range []string{"&lt;script&gt;alert(&#34;owner&#34;)&lt;/script&gt;", "&lt;img src=x onerror=&#34;alert(&#39;owner&#39;)&#34;&gt;&lt;b&gt;bold&lt;/b&gt; &amp; 漏水 &lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;"} {
		if !strings.Contains(p.body, escaped) {
			t.Errorf("the register does not show %q as text", escaped)
		}
	}
	if n := strings.Count(p.body, "<script"); n != 1 {
		t.Errorf("%d script elements, want the desk's own one", n)
	}
	// Searching for the markup finds it, and shows the search as text.
	p = b.get("/desk/register?q=" + strings.ReplaceAll(ownerScript, " ", "+"))
	if got := serialsOn(p.body); !slices.Equal(got, []string{w.markup.Serial}) || strings.Contains(p.body, `value="<script>`) {
		t.Errorf("searching the script: %v", got)
	}
}

// TestRegisterFiltersAndPhones: the page's filters reach the register, and
// phones are whole only for those who call owners about the case.
func TestRegisterFiltersAndPhones(t *testing.T) {
	w := newDeskWorld(t)
	spec := w.browser()
	spec.signIn("cs.zhoumin", specialistTG)
	for query, want := range map[string][]string{
		"":                                       {w.markup.Serial, w.noise.Serial, w.leak.Serial},
		"?sort=received_asc":                     {w.leak.Serial, w.noise.Serial, w.markup.Serial},
		"?community=cuihuyuan":                   {w.noise.Serial},
		"?department=engineering&status=open":    {w.leak.Serial},
		"?status=received":                       {w.markup.Serial},
		"?q=5678":                                {w.markup.Serial, w.leak.Serial},
		"?q=" + w.noise.Serial:                   {w.noise.Serial},
		"?q=噪音":                                  {w.noise.Serial},
		"?category=repair&step=dispatch":         {w.markup.Serial},
		"?channel=wechat":                        nil,
		"?from=2026-11-18&to=2026-11-18&major=1": nil,
		"?from=2026-11-18&to=2026-11-18&urgency=normal": {w.markup.Serial, w.noise.Serial, w.leak.Serial},
	} {
		p := spec.get("/desk/register" + query)
		if p.status != http.StatusOK {
			t.Errorf("%s: %d", query, p.status)
			continue
		}
		if got := serialsOn(p.body); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", query, got, want)
		}
	}
	for _, bad := range []string{"?status=lunch", "?department=kitchen", "?from=yesterday", "?page=0", "?page=201", "?sort=price", "?channel=pigeon"} {
		if p := spec.get("/desk/register" + bad); p.status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, p.status)
		}
	}
	// Phones: the specialist sees them whole; the GM masked; 工程部's
	// manager whole on 工程部's leak only.
	for who, wantPhones := range map[*browser][]string{
		spec:                               {"13812345678", "13900001111", "13700005678"},
		w.signedIn("gm.liu", gmTG):         {"138****5678", "139****1111", "137****5678"},
		w.signedIn("eng.li", engManagerTG): {"13812345678", "139****1111", "137****5678"},
	} {
		body := who.get("/desk/register").body
		for _, ph := range wantPhones {
			if !strings.Contains(body, ph) {
				t.Errorf("%s is not on the page as %s sees it", ph, who.header.Get("X-Who"))
			}
		}
	}
}

func (w *deskWorld) signedIn(who, chat string) *browser {
	b := w.browser()
	b.header.Set("X-Who", who)
	b.signIn(who, chat)
	return b
}

// TestRegisterExportIsWhatIsFiltered: the export holds exactly the cases
// the filter shows, in its order, with the phones as the person sees them.
func TestRegisterExportIsWhatIsFiltered(t *testing.T) {
	w := newDeskWorld(t)
	gm := w.signedIn("gm.liu", gmTG)
	p := gm.get("/desk/register/export?format=csv&q=5678&sort=received_asc")
	if p.status != http.StatusOK || p.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(p.header.Get("Content-Disposition"), `attachment; filename="heed-register-20261118-`) {
		t.Fatalf("CSV export: %d %q %q", p.status, p.header.Get("Content-Type"), p.header.Get("Content-Disposition"))
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(p.body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0][0] != "编号" || recs[1][0] != w.leak.Serial || recs[2][0] != w.markup.Serial {
		t.Fatalf("CSV: %q", recs)
	}
	if recs[1][4] != "138****5678" || recs[2][3] != ownerScript {
		t.Errorf("the GM's export shows phone %q and owner %q", recs[1][4], recs[2][3])
	}
	// XLSX, in English, for 工程部's manager.
	eng := w.signedIn("eng.li", engManagerTG)
	p = eng.get("/desk/register/export?format=xlsx&department=engineering&lang=en")
	if p.status != http.StatusOK {
		t.Fatalf("XLSX export: %d\n%s", p.status, p.body)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(p.body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0][0] != "Serial No." && rows[0][0] != "Serial" || rows[1][0] != w.leak.Serial || rows[1][4] != "13812345678" {
		t.Errorf("XLSX rows: %q", rows)
	}
	if p := gm.get("/desk/register/export?format=pdf"); p.status != http.StatusBadRequest {
		t.Errorf("a PDF export: %d", p.status)
	}
}

// TestBoardShowsWhatIsLate: the board counts a department's overdue and
// soon-due deadlines, names who holds them, and its fragment is for
// signed-in people only.
func TestBoardShowsWhatIsLate(t *testing.T) {
	w := newDeskWorld(t)
	b := w.signedIn("eng.li", engManagerTG)
	// 19:30: the markup case's dispatch (5 h from 10:02) is overdue; the
	// leak and the noise, dispatched at 10:03, are to be acknowledged by
	// their departments.
	w.clock.Set(wednesday.Add(9*time.Hour + 30*time.Minute))
	p := b.get("/desk/board")
	if p.status != http.StatusOK {
		t.Fatalf("board: %d", p.status)
	}
	desk := sectionOf(t, p.body, "客服中心")
	if !strings.Contains(desk, w.markup.Serial) || !strings.Contains(desk, "逾期 4 小时 28 分") || !strings.Contains(desk, "客服专员") {
		t.Errorf("the desk's section:\n%s", desk)
	}
	eng := sectionOf(t, p.body, "工程部")
	if !strings.Contains(eng, w.leak.Serial) || !strings.Contains(eng, "本部门") || !strings.Contains(eng, "李建华、高峰") {
		t.Errorf("工程部's section (the manager's own):\n%s", eng)
	}
	if strings.Index(p.body, "工程部") > strings.Index(p.body, "秩序部") {
		t.Error("the manager's own department is not listed before the others")
	}
	frag := b.do("GET", "/desk/board/fragment", nil)
	if frag.status != http.StatusOK || strings.Contains(frag.body, "<html") || !strings.Contains(frag.body, w.leak.Serial) {
		t.Errorf("fragment: %d\n%s", frag.status, frag.body)
	}
	stranger := w.browser()
	stranger.header.Set("X-Desk-Fragment", "1")
	if p := stranger.get("/desk/board/fragment"); p.status != http.StatusUnauthorized {
		t.Errorf("the fragment signed out: %d", p.status)
	}
}

// sectionOf is the board's section whose heading starts with title.
func sectionOf(t *testing.T, body, title string) string {
	t.Helper()
	i := strings.Index(body, `">`+title)
	if i < 0 {
		t.Fatalf("no section %s on the board:\n%s", title, body)
	}
	j := strings.Index(body[i:], "</section>")
	return body[i : i+j]
}

// TestLanguages: the browser's languages choose the desk's; the switch
// chooses for good.
func TestLanguages(t *testing.T) {
	d := newDesk(t)
	b := d.browser()
	for accept, want := range map[string]string{"en-GB,en;q=0.9": "Sign in to the complaint desk", "zh-HK": "登入投訴工作台",
		"zh-Hans-CN": "登录投诉工作台", "fr": "登录投诉工作台"} {
		b.header.Set("Accept-Language", accept)
		if p := b.get("/desk/signin"); !strings.Contains(p.body, want) {
			t.Errorf("Accept-Language %s: want %q", accept, want)
		}
	}
	b.header.Set("Accept-Language", "zh-CN")
	if p := b.get("/desk/signin?lang=en"); !strings.Contains(p.body, `<html lang="en">`) {
		t.Error("?lang=en does not switch")
	}
	if p := b.get("/desk/signin"); !strings.Contains(p.body, "Sign in to the complaint desk") {
		t.Error("the switch is not remembered")
	}
}

// TestTextsComplete: every key the templates and the code use is in the
// table, each in the three languages with the same placeholders.
func TestTextsComplete(t *testing.T) {
	verbs := regexp.MustCompile(`%[dsv]`)
	for key, tr := range texts {
		for i, s := range tr {
			if strings.TrimSpace(s) == "" {
				t.Errorf("%s: empty in %s", key, langs[i])
			}
			if !slices.Equal(verbs.FindAllString(s, -1), verbs.FindAllString(tr[0], -1)) {
				t.Errorf("%s: placeholders of %s differ from zh-CN's", key, langs[i])
			}
		}
	}
	used := regexp.MustCompile(`T "([a-z_.]+)"`)
	err := fs.WalkDir(templateFiles, "templates", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(templateFiles, p)
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			if _, ok := texts[m[1]]; !ok {
				t.Errorf("%s uses %q, which texts.go lacks", p, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, prefix := range []string{"role.", "sort.", "error.", "dur."} {
		n := 0
		for key := range texts {
			if strings.HasPrefix(key, prefix) {
				n++
			}
		}
		if n == 0 {
			t.Errorf("no %s texts", prefix)
		}
	}
	for _, s := range cases.RegisterSorts {
		if _, ok := texts["sort."+string(s)]; !ok {
			t.Errorf("order %s has no name", s)
		}
	}
}

// TestActingThroughTheDesk: a page acts as the signed-in person through
// notify/desk (Person.AtDesk), under the chat buttons' rules — a manager of
// another department is refused, the case's own manager acknowledges —
// and the case's history says it was done in the console, by that session.
func TestActingThroughTheDesk(t *testing.T) {
	w := newDeskWorld(t)
	eng := w.signedIn("eng.li", engManagerTG)
	p := eng.person()
	ctx := context.Background()
	out, err := w.c.desk.ActAs(ctx, p.AtDesk(), desk.StaffAction{Action: "acknowledge", Serial: w.noise.Serial})
	if err != nil || !out.Refused {
		t.Errorf("工程部's manager acknowledges 秩序部's case: %+v %v", out, err)
	}
	out, err = w.c.desk.ActAs(ctx, p.AtDesk(), desk.StaffAction{Action: "acknowledge", Serial: w.leak.Serial})
	if err != nil || out.Refused {
		t.Fatalf("acknowledging 工程部's leak: %+v %v", out, err)
	}
	c, err := w.svc.Get(ctx, w.leak.Serial)
	if err != nil {
		t.Fatal(err)
	}
	last := c.Events[len(c.Events)-1]
	if c.Status != cases.StatusAcknowledged || last.ActorID != engManagerID || last.Channel != cases.ChannelConsole ||
		last.PlatformUser != fmt.Sprintf("console:session:%d", p.Session) {
		t.Errorf("after acknowledging: status %s, last event %+v", c.Status, last)
	}
	if body := eng.get("/desk/register?q=" + w.leak.Serial).body; !strings.Contains(body, "部门已受理") {
		t.Error("the register does not show the leak acknowledged")
	}
}
