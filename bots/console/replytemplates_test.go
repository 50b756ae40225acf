package console

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/notify/desk"
)

var templateIDRE = regexp.MustCompile(`id="template-(\d+)"`)

// TestTemplatesPage: the specialist writes the company's templates in the
// console, shown as text whatever they hold; a department manager reads
// them but a crafted POST of theirs changes nothing; the template written
// here is what the manager's Telegram prompt offers, and "#1" sends it.
func TestTemplatesPage(t *testing.T) {
	d := newDesk(t)
	spec := d.browser()
	spec.signIn(specialistID, specialistTG)

	p := spec.get("/desk/templates")
	if p.status != http.StatusOK || !strings.Contains(p.body, "还没有模板") || !strings.Contains(p.body, `action="/desk/templates"`) {
		t.Fatalf("the empty templates page: %d\n%s", p.status, p.body)
	}
	save := func(b *browser, path string, form url.Values) page {
		t.Helper()
		return b.post("/desk/templates", path, form)
	}
	p = save(spec, "/desk/templates", url.Values{"kind": {"measure"}, "category": {"repair"}, "title": {"防水维修"},
		"body": {"安排师傅今天上门修复防水层。<script>alert(1)</script>"}})
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/desk/templates?") {
		t.Fatalf("saving: %d %q\n%s", p.status, p.location, p.body)
	}
	save(spec, "/desk/templates", url.Values{"kind": {"measure"}, "title": {"通用措施"}, "body": {"已安排专人跟进处理。"}})
	save(spec, "/desk/templates", url.Values{"kind": {"reply"}, "title": {"维修完成"}, "body": {"您好，您反映的问题已经处理完毕。"}})

	p = spec.get("/desk/templates?kind=measure")
	if strings.Contains(p.body, "<script>alert(1)") || !strings.Contains(p.body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("a template's markup is not shown as text")
	}
	if !strings.Contains(p.body, "防水维修") || !strings.Contains(p.body, "通用措施") || strings.Contains(p.body, "维修完成</h2>") {
		t.Errorf("the measures' list:\n%s", p.body)
	}
	if !strings.Contains(p.body, `data-template-for="t-body"`) || !strings.Contains(p.body, `data-body="已安排专人跟进处理。"`) {
		t.Error("the new template's form offers no template to start from")
	}
	// A refused text comes back in its form with what to change.
	p = save(spec, "/desk/templates", url.Values{"kind": {"reply"}, "title": {"  "}, "body": {"正文还在"}})
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, "请填写模板标题") || !strings.Contains(p.body, ">正文还在</textarea>") {
		t.Fatalf("an empty title: %d\n%s", p.status, p.body)
	}

	ids := templateIDRE.FindAllStringSubmatch(spec.get("/desk/templates?kind=measure").body, -1)
	if len(ids) != 2 {
		t.Fatalf("template ids: %v", ids)
	}
	general := ids[1][1]

	// The manager reads, and may not write, by any request.
	mgr := d.browser()
	mgr.signIn(engManagerID, engManagerTG)
	p = mgr.get("/desk/templates")
	if p.status != http.StatusOK || !strings.Contains(p.body, "防水维修") || strings.Contains(p.body, `action="/desk/templates"`) ||
		!strings.Contains(p.body, "只有客服专员和总经理可以编辑模板") {
		t.Fatalf("the manager's templates page: %d", p.status)
	}
	for _, crafted := range []struct {
		path string
		form url.Values
	}{
		{"/desk/templates", url.Values{"kind": {"reply"}, "title": {"经理写的"}, "body": {"经理写的"}}},
		{"/desk/templates/" + general, url.Values{"kind": {"measure"}, "title": {"经理改的"}, "body": {"经理改的"}}},
		{"/desk/templates/" + general + "/delete", nil},
	} {
		if p := save(mgr, crafted.path, crafted.form); p.status != http.StatusForbidden || !strings.Contains(p.body, "不能编辑回复模板") {
			t.Errorf("the manager's POST %s: %d", crafted.path, p.status)
		}
	}
	all, _ := d.c.desk.Templates(context.Background(), "", "")
	for _, tp := range all {
		if strings.HasPrefix(tp.Title, "经理") || tp.UpdatedBy != specialistID {
			t.Errorf("the manager's request changed %+v", tp)
		}
	}
	if len(all) != 3 {
		t.Fatalf("after the manager's requests: %d templates", len(all))
	}

	// The specialist edits one and deletes another.
	p = spec.get("/desk/templates/" + general)
	if !strings.Contains(p.body, ">已安排专人跟进处理。</textarea>") {
		t.Fatalf("the edit form:\n%s", p.body)
	}
	save(spec, "/desk/templates/"+general, url.Values{"kind": {"measure"}, "title": {"通用措施"}, "body": {"已安排客服专员跟进。"}})
	if p := spec.get("/desk/templates?kind=measure"); !strings.Contains(p.body, "已安排客服专员跟进。") {
		t.Error("the edit does not show")
	}
	reply := templateIDRE.FindStringSubmatch(spec.get("/desk/templates?kind=reply").body)[1]
	if p := save(spec, "/desk/templates/"+reply+"/delete", nil); p.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", p.status)
	}
	if p := spec.get("/desk/templates/" + reply); p.status != http.StatusNotFound {
		t.Errorf("a deleted template: %d", p.status)
	}

	// In Telegram the manager's prompt for measures lists them, the
	// repair's own first; "#1" sends its whole text.
	c := d.newCase(leak())
	actor := cases.Actor{Kind: cases.ActorStaff, ID: specialistID, Channel: cases.ChannelAPI}
	if _, err := d.svc.Apply(context.Background(), actor, c.Serial, cases.Transition{Action: cases.ActDispatch, Department: "engineering"}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.svc.Apply(context.Background(), cases.Actor{Kind: cases.ActorStaff, ID: engManagerID}, c.Serial, cases.Transition{Action: cases.ActAcknowledge}); err != nil {
		t.Fatal(err)
	}
	const group = "-1001234500001"
	press := desk.StaffAction{Platform: "telegram", PlatformUser: engManagerTG, ChatID: group, InteractionID: "9001", Action: "propose_measures", Serial: c.Serial}
	if _, err := d.c.desk.Act(context.Background(), press); err != nil {
		t.Fatal(err)
	}
	d.deliver()
	sent := d.tg.Sent(group)
	if len(sent) == 0 {
		t.Fatal("no prompt in the group")
	}
	prompt := sent[len(sent)-1].Params["text"]
	if !strings.Contains(prompt, "#1 防水维修：安排师傅今天上门修复防水层。") || !strings.Contains(prompt, "#2 通用措施：已安排客服专员跟进。") {
		t.Fatalf("the prompt:\n%s", prompt)
	}
	press.InteractionID, press.Text = "9002", "#1"
	if out, err := d.c.desk.Act(context.Background(), press); err != nil || out.Refused {
		t.Fatalf("#1: %+v %v", out, err)
	}
	if got, _ := d.svc.Get(context.Background(), c.Serial); got.Measures != "安排师傅今天上门修复防水层。<script>alert(1)</script>" {
		t.Fatalf("measures %q", got.Measures)
	}
}

// regexp1 is the first group of expr's first match in s ("" for none).
func regexp1(expr, s string) string {
	m := regexp.MustCompile(expr).FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1]
}
