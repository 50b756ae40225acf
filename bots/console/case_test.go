package console

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify/desk"
)

const engManager2TG = "6100000102" // 高峰, the other manager of 工程部

// ownerWorld is the desk's world with an owner on Telegram who wrote
// markup to heed, complained with a photo and, once more, by phone.
type ownerWorld struct {
	*deskWorld
	chat  *cases.Case // the Telegram owner's complaint, with a photo
	again *cases.Case // the same owner by phone, recorded by staff
}

const ownerMarkup = `<script>alert("chat")</script><i>楼上</i>`

func newOwnerWorld(t *testing.T) *ownerWorld {
	t.Helper()
	return ownerWorldOf(t, "Mr <b>Lee</b>", "Water again "+ownerMarkup)
}

// ownerWorldOf is the owner's world with the case's name and content as
// given (plain ones for a picture of the page).
func ownerWorldOf(t *testing.T, name, content string) *ownerWorld {
	t.Helper()
	w := &ownerWorld{deskWorld: newDeskWorld(t)}
	ctx := context.Background()
	eng, err := conversation.New(w.svc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Handle(ctx, conversation.Inbound{Channel: cases.ChannelTelegram, ChatID: "555", UserID: "555", MessageID: "u-1",
		Kind: conversation.KindText, Text: ownerMarkup + " 漏水", LanguageHint: "en", At: w.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	// The owner writes their phone into the chat, as owners do.
	if _, err := eng.Handle(ctx, conversation.Inbound{Channel: cases.ChannelTelegram, ChatID: "555", UserID: "555", MessageID: "u-2",
		Kind: conversation.KindText, Text: "我的电话 13655550000", LanguageHint: "en", At: w.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	for x := range 800 {
		img.Set(x, 300, color.RGBA{200, 0, 0, 255})
	}
	var buf bytes.Buffer
	png.Encode(&buf, img) //nolint:errcheck
	photo, err := w.svc.SaveFile(ctx, "ceiling.png", "image/png", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	n := leak()
	n.Channel, n.OwnerRef, n.CustomerName, n.ContactPhone = cases.ChannelTelegram, "telegram:555", name, "13655550000"
	n.Content, n.Attachments = content, []cases.Attachment{photo}
	w.chat = w.newCase(n)
	n = leak()
	n.CustomerName, n.ContactPhone, n.Category, n.Content = "李先生", "13655550000", "noise", "电话投诉：楼上半夜拖家具"
	w.again = w.newCase(n)
	return w
}

// TestCasePage: the record as B01 lays it out, the live part wrapped for
// the live update and served alone, the timeline, the deadlines, the
// photo's thumbnail behind the sign-in, the owner's conversation, and the
// phone as the person may see it.
func TestCasePage(t *testing.T) {
	w := newOwnerWorld(t)
	spec := w.signedIn(specialistID, specialistTG)
	p := spec.get("/desk/cases/" + w.leak.Serial)
	if p.status != http.StatusOK {
		t.Fatalf("the case page: %d\n%s", p.status, p.body)
	}
	for _, want := range []string{w.leak.Serial, "王女士", "13812345678", "楼上漏水很严重，天花板在滴水", "星河湾", "3栋2单元1102", "工程部",
		"客户投诉处理记录表（B01）", "受理时间", "投诉性质", "有效性", "处理措施", "回复内容", "满意度", "重大投诉", "升级迹象",
		`<section id="case-live" data-live="case:` + w.leak.Serial + `" data-live-src="/desk/cases/` + w.leak.Serial + `/part"`,
		"处理经过", "派单", "周敏", "各环节时限", "派单</th>", "按时完成", "打印 B01 记录表和派工单"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the case page lacks %q", want)
		}
	}
	// The live part alone: no layout, the same status and actions.
	part := spec.fragment("/desk/cases/" + w.leak.Serial + "/part")
	if part.status != http.StatusOK || strings.Contains(part.body, "<html") || !strings.Contains(part.body, "处理经过") ||
		!strings.Contains(part.body, `data-action="judge_invalid"`) {
		t.Errorf("the part: %d\n%s", part.status, part.body)
	}
	if got := spec.signedOutFragment("/desk/cases/" + w.leak.Serial + "/part"); got != http.StatusUnauthorized {
		t.Errorf("the part signed out: %d, want 401", got)
	}

	// Another department's manager sees the phone masked.
	eng := w.signedIn(engManagerID, engManagerTG)
	if body := eng.get("/desk/cases/" + w.noise.Serial).body; !strings.Contains(body, "139****1111") || strings.Contains(body, "13900001111") {
		t.Error("工程部's manager sees 秩序部's owner's whole phone")
	}

	// The photo: a thumbnail for the signed-in, nothing for anyone else.
	p = spec.get("/desk/cases/" + w.chat.Serial)
	thumb := regexp.MustCompile(`<img src="(/desk/cases/[^"]+\?thumb=1)"`).FindStringSubmatch(p.body)
	if thumb == nil {
		t.Fatalf("no thumbnail on the page:\n%s", p.body)
	}
	th := spec.get(strings.ReplaceAll(thumb[1], "&amp;", "&"))
	cfg, format, err := image.DecodeConfig(strings.NewReader(th.body))
	if th.status != http.StatusOK || err != nil || format != "jpeg" || cfg.Width != 320 || cfg.Height != 240 {
		t.Errorf("the thumbnail: %d %s %dx%d %v", th.status, format, cfg.Width, cfg.Height, err)
	}
	if anon := w.browser().get(thumb[1]); anon.status != http.StatusSeeOther {
		t.Errorf("the photo signed out: %d, want the sign-in page", anon.status)
	}
	if other := spec.get("/desk/cases/" + w.leak.Serial + strings.TrimPrefix(thumb[1], "/desk/cases/"+w.chat.Serial)); other.status != http.StatusNotFound {
		t.Errorf("the photo through another case: %d, want 404", other.status)
	}
	// The owner's conversation, and their page across channels.
	if !strings.Contains(p.body, "与业主的全部对话") || !strings.Contains(p.body, "漏水</p>") {
		t.Error("the owner's conversation is not on the case page")
	}
	link := regexp.MustCompile(`<a href="(/desk/owners/[^"]+)" class="owner-link">`).FindStringSubmatch(p.body)
	if link == nil {
		t.Fatal("no link to the owner's page")
	}
	o := spec.get(link[1])
	if o.status != http.StatusOK || !strings.Contains(o.body, w.chat.Serial) || !strings.Contains(o.body, w.again.Serial) ||
		!strings.Contains(o.body, "telegram:555") || !strings.Contains(o.body, "13655550000") || strings.Contains(o.body, w.leak.Serial) {
		t.Errorf("the owner's page (%d) does not list both complaints, the identity and the phone:\n%s", o.status, o.body)
	}
	// One who may not see the owner's whole phone does not read it in the
	// conversation (nor anywhere on the page, the print, the owner's page).
	gm := w.signedIn(gmID, gmTG)
	for _, path := range []string{"/desk/cases/" + w.chat.Serial, "/desk/cases/" + w.chat.Serial + "/print", link[1]} {
		if body := gm.get(path).body; strings.Contains(body, "13655550000") || !strings.Contains(body, "136****0000") {
			t.Errorf("the general manager reads the owner's whole phone on %s", path)
		}
	}
	if body := p.body; !strings.Contains(body, "我的电话 13655550000") {
		t.Error("the specialist does not read the owner's phone in the conversation")
	}

	// The phone-only owner is reached through their case, never by phone.
	q := spec.get("/desk/cases/" + w.again.Serial)
	if !strings.Contains(q.body, `href="/desk/owners/case:`+w.again.Serial+`"`) {
		t.Error("the phone complaint's owner link is not by its case")
	}
	if o := eng.get("/desk/owners/case:" + w.again.Serial); !strings.Contains(o.body, w.chat.Serial) || !strings.Contains(o.body, "136****0000") {
		t.Error("a manager's view of the owner: not both complaints, or the phone whole")
	}
	if o := spec.get("/desk/owners/telegram:000"); o.status != http.StatusNotFound {
		t.Errorf("an unknown owner: %d", o.status)
	}
}

// TestCaseActions: the forms act through notify/desk as the signed-in
// person — a department manager acknowledges; the other manager, acting
// on the page he loaded before, is told who was first, as in chat; a
// crafted request for an action the role forbids gets the desk's refusal
// (403); the specialist edits the answer before it goes to the owner.
func TestCaseActions(t *testing.T) {
	w := newDeskWorld(t)
	li := w.signedIn(engManagerID, engManagerTG)
	gao := w.signedIn("eng.gao", engManager2TG)
	path := "/desk/cases/" + w.leak.Serial
	gaoPage := gao.get(path)
	if !strings.Contains(gaoPage.body, `data-action="acknowledge"`) {
		t.Fatalf("no acknowledge form for 工程部's manager:\n%s", gaoPage.body)
	}
	r := li.post(path, path+"/act", url.Values{"action": {"acknowledge"}, "once": {"a1"}})
	if r.status != http.StatusSeeOther || r.location != path {
		t.Fatalf("acknowledging: %d %s\n%s", r.status, r.location, r.body)
	}
	after := li.get(path)
	if !strings.Contains(after.body, `class="notice flash" role="status">已受理`) || !strings.Contains(after.body, "部门已受理") {
		t.Errorf("after acknowledging the page shows no flash or status:\n%s", after.body)
	}
	if again := li.get(path); strings.Contains(again.body, "flash") {
		t.Error("the flash shows twice")
	}
	// The same form sent again (a double click) does nothing, says nothing.
	li.post(path, path+"/act", url.Values{"action": {"acknowledge"}, "once": {"a1"}})
	if again := li.get(path); strings.Contains(again.body, "flash") {
		t.Errorf("the form sent twice was answered again:\n%s", again.body)
	}
	// 高峰 presses the button of the page he loaded before.
	form := url.Values{"action": {"acknowledge"}, "once": {"g1"}, "csrf": {csrfOf(t, gaoPage.body)}}
	if r := gao.do("POST", path+"/act", form); r.status != http.StatusSeeOther {
		t.Fatalf("the second acknowledge: %d", r.status)
	}
	if body := gao.get(path).body; !strings.Contains(body, `class="problem flash" role="alert">未执行：这件投诉已由李建华于 `) {
		t.Errorf("the second manager is not told who was first:\n%s", body)
	}

	// A crafted request: 李建华 dispatches a case waiting at the desk.
	markup := "/desk/cases/" + w.markup.Serial
	if body := li.get(markup).body; strings.Contains(body, `data-action="dispatch"`) {
		t.Error("a department manager is offered dispatch")
	}
	r = li.post(markup, markup+"/act", url.Values{"action": {"dispatch"}, "department": {"engineering"}})
	if r.status != http.StatusForbidden || !strings.Contains(r.body, "李建华（工程部经理）不能派单这件投诉") {
		t.Errorf("a crafted dispatch: %d\n%s", r.status, r.body)
	}
	if k, _ := w.svc.Get(context.Background(), w.markup.Serial); k.Status != cases.StatusReceived {
		t.Errorf("the crafted dispatch changed the case: %s", k.Status)
	}

	// The specialist edits the answer the measures propose.
	ctx := context.Background()
	mgr := cases.Actor{Kind: cases.ActorStaff, ID: engManagerID, Channel: cases.ChannelAPI}
	if _, err := w.svc.Apply(ctx, mgr, w.leak.Serial, cases.Transition{Action: cases.ActProposeMeasures, Text: "已派维修工更换楼上防水层"}); err != nil {
		t.Fatal(err)
	}
	// A reply template of the company's is offered beside the answer.
	deskSpec, _ := w.c.desk.StaffMember(specialistID, cases.ChannelAPI)
	if _, err := w.c.desk.SaveTemplate(ctx, deskSpec, desk.Template{Kind: desk.TemplateReply, Title: "维修完成", Body: "您好！问题已处理完毕。"}); err != nil {
		t.Fatal(err)
	}
	spec := w.signedIn(specialistID, specialistTG)
	page := spec.get(path)
	if !strings.Contains(page.body, `name="text" rows="5" required>已派维修工更换楼上防水层</textarea>`) {
		t.Fatalf("the answer is not proposed from the measures:\n%s", page.body)
	}
	if !strings.Contains(page.body, `data-template-for="in-approve_reply-text"`) || !strings.Contains(page.body, `data-body="您好！问题已处理完毕。">维修完成</option>`) {
		t.Errorf("the answer's form offers no reply template:\n%s", page.body)
	}
	edited := "您好，维修工已于今天更换楼上防水层，如仍漏水请随时联系我们。"
	r = spec.post(path, path+"/act", url.Values{"action": {"approve_reply"}, "text": {edited}, "once": {"s1"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("approving with the edited answer: %d\n%s", r.status, r.body)
	}
	k, _ := w.svc.Get(ctx, w.leak.Serial)
	if k.Status != cases.StatusReplied || k.Reply != edited {
		t.Errorf("after the specialist's answer: %s, reply %q", k.Status, k.Reply)
	}
	last := k.Events[len(k.Events)-1]
	if last.ActorID != specialistID || last.Channel != cases.ChannelConsole {
		t.Errorf("the answer's event: %+v", last)
	}
	if body := spec.get(path).body; !strings.Contains(body, edited) || !strings.Contains(body, "已同意并答复业主") {
		t.Error("the page does not show the answer sent")
	}
}

// TestCaseOwnerTextShownAsText: what owners write — in the complaint,
// their name, their chat with heed — is text on the case page, the print
// view and the owner's page, never markup.
func TestCaseOwnerTextShownAsText(t *testing.T) {
	w := newOwnerWorld(t)
	spec := w.signedIn(specialistID, specialistTG)
	for _, path := range []string{"/desk/cases/" + w.markup.Serial, "/desk/cases/" + w.markup.Serial + "/print",
		"/desk/owners/case:" + w.markup.Serial, "/desk/cases/" + w.chat.Serial, "/desk/cases/" + w.chat.Serial + "/print",
		"/desk/owners/telegram:555"} {
		p := spec.get(path)
		if p.status != http.StatusOK {
			t.Fatalf("%s: %d", path, p.status)
		}
		for _, bad := range []string{"<script>alert", "<img src=x", "<b>bold</b>", "<b>Lee</b>", "<i>楼上</i>"} {
			if strings.Contains(p.body, bad) {
				t.Errorf("%s holds owner markup %q", path, bad)
			}
		}
	}
	p := spec.get("/desk/cases/" + w.markup.Serial)
	for _, escaped := range []string{"&lt;script&gt;alert(&#34;owner&#34;)&lt;/script&gt;", "&lt;img src=x onerror=&#34;alert(&#39;owner&#39;)&#34;&gt;"} {
		if !strings.Contains(p.body, escaped) {
			t.Errorf("the case page does not show %q as text", escaped)
		}
	}
	chat := spec.get("/desk/cases/" + w.chat.Serial).body
	if !strings.Contains(chat, "&lt;script&gt;alert(&#34;chat&#34;)&lt;/script&gt;&lt;i&gt;楼上&lt;/i&gt; 漏水</p>") || !strings.Contains(chat, "Mr &lt;b&gt;Lee&lt;/b&gt;") {
		t.Error("the owner's chat line or name is not shown as text")
	}
	if print := spec.get("/desk/cases/" + w.chat.Serial + "/print").body; !strings.Contains(print, "派工单") || !strings.Contains(print, "Mr &lt;b&gt;Lee&lt;/b&gt;") ||
		strings.Contains(print, `class="menu"`) {
		t.Error("the print view: no 派工单, the name not as text, or the menu shown")
	}
}

// fragment fetches a part of a page as the page's script does.
func (b *browser) fragment(path string) page {
	b.header.Set("X-Desk-Fragment", "1")
	defer b.header.Del("X-Desk-Fragment")
	return b.get(path)
}

// signedOutFragment is fragment's status for a browser without b's cookies.
func (b *browser) signedOutFragment(path string) int {
	return b.d.browser().fragment(path).status
}
