package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/conversation/conversationtest"
)

// withOwners connects the test desk to the owners' side, as heed serve
// does: revisits, notices to owners.
func (d *testDesk) withOwners() *conversation.Engine {
	d.t.Helper()
	eng, err := conversation.New(d.svc)
	if err != nil {
		d.t.Fatal(err)
	}
	d.svc.OnChange(eng.CaseChanged)
	d.c.desk.SetOwners(eng)
	return eng
}

// TestRevisitsPage: the worklist puts the owner no chat reaches on the
// call list with their phone as the person may see it; the specialist
// enters the owner's answers on the phone, the case is verified and the
// revisit recorded as a phone revisit, once however often the form is
// sent; a manager can neither read the list nor post answers.
func TestRevisitsPage(t *testing.T) {
	d := newDesk(t)
	eng := d.withOwners()
	ctx := context.Background()
	n := leak()
	n.CustomerName = ownerScript
	phone := d.newCase(n) // recorded by the front desk: no chat
	casestest.ReplyTo(t, d.svc, phone.Serial)
	chat := conversationtest.Replied(t, d.svc, eng, "rv-web")

	spec := d.browser()
	spec.signIn(specialistID, specialistTG)
	p := spec.get("/desk/revisits")
	if p.status != http.StatusOK {
		t.Fatalf("worklist: %d\n%s", p.status, p.body)
	}
	call, rest, _ := strings.Cut(p.body, `id="rv-asked"`)
	if !strings.Contains(call, phone.Serial) || !strings.Contains(call, "13812345678") || !strings.Contains(call, "员工代为登记，没有聊天") ||
		!strings.Contains(call, `href="/desk/revisits/`+phone.Serial+`"`) {
		t.Errorf("the call list:\n%s", call)
	}
	if strings.Contains(p.body, "<script>alert") || !strings.Contains(p.body, "&lt;script&gt;alert(&#34;owner&#34;)&lt;/script&gt;") {
		t.Error("the owner's name is not shown as text")
	}
	if strings.Contains(call, chat) || !strings.Contains(rest, chat) {
		t.Errorf("the chat owner's case, not asked yet, is on the call list")
	}
	// The quality representative sees the list with the phone masked.
	qa := d.browser()
	qa.signIn("qa.ma", "6100000802")
	p = qa.get("/desk/revisits")
	if !strings.Contains(p.body, "138****5678") || strings.Contains(p.body, "13812345678") || strings.Contains(p.body, "tel:") {
		t.Errorf("the quality representative's phone: %d", p.status)
	}
	// …and no call's form: only specialists enter phone revisits.
	if strings.Contains(p.body, `href="/desk/revisits/`+phone.Serial+`"`) || !strings.Contains(p.body, "只有客服专员可以录入电话回访") {
		t.Error("the quality representative is offered the call's form")
	}
	mgr := d.browser()
	mgr.signIn(engManagerID, engManagerTG)
	if p := mgr.get("/desk/revisits"); p.status != http.StatusForbidden {
		t.Errorf("a manager's worklist: %d", p.status)
	}

	// The call's form asks the questions as the owner is asked them.
	form := spec.get("/desk/revisits/" + phone.Serial)
	if form.status != http.StatusOK || !strings.Contains(form.body, "2/4 您对处理结果满意吗？") || !strings.Contains(form.body, `name="satisfaction" value="5"`) {
		t.Fatalf("the call's form: %d\n%s", form.status, form.body)
	}
	key := regexp1(`name="key" value="([^"]+)"`, form.body)
	answers := url.Values{"key": {key}, "timeliness": {"4"}, "satisfaction": {"5"}, "attitude": {"4"}, "suggestions": {"师傅<b>很</b>耐心"}}
	if p := mgr.post("/desk/register", "/desk/revisits/"+phone.Serial, answers); p.status != http.StatusForbidden {
		t.Fatalf("a manager's crafted answers: %d", p.status)
	}
	if p := qa.post("/desk/revisits", "/desk/revisits/"+phone.Serial, answers); p.status != http.StatusForbidden {
		t.Fatalf("the quality representative's crafted answers: %d", p.status)
	}
	if c, _ := d.svc.Get(ctx, phone.Serial); c.Status != cases.StatusReplied {
		t.Fatalf("after the manager's POST the case is %s", c.Status)
	}
	p = spec.post("/desk/revisits", "/desk/revisits/"+phone.Serial, answers)
	if p.status != http.StatusSeeOther || p.location != "/desk/revisits?done="+phone.Serial {
		t.Fatalf("saving: %d %q\n%s", p.status, p.location, p.body)
	}
	c, _ := d.svc.Get(ctx, phone.Serial)
	if c.Status != cases.StatusVerified || *c.VerifyTimeliness != 4 || *c.VerifySatisfaction != 5 || *c.VerifyAttitude != 4 ||
		c.VerifySuggestions != "师傅<b>很</b>耐心" {
		t.Fatalf("the case after the call: %s %+v", c.Status, c)
	}
	// Sent again (a double click, a reload): nothing more.
	if p := spec.post("/desk/revisits", "/desk/revisits/"+phone.Serial, answers); p.status != http.StatusSeeOther {
		t.Fatalf("the same form again: %d", p.status)
	}
	answers.Set("key", "another-form")
	if p := spec.post("/desk/revisits", "/desk/revisits/"+phone.Serial, answers); p.status != http.StatusConflict {
		t.Fatalf("another form for a revisited case: %d", p.status)
	}
	var verifies int
	d.svc.DB().Get(&verifies, `SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.serial = $1 AND e.action = 'verify'`, phone.Serial)
	if verifies != 1 {
		t.Fatalf("%d verify events", verifies)
	}
	p = spec.get("/desk/revisits?done=" + phone.Serial)
	answered := p.body[strings.Index(p.body, `id="rv-answered"`):]
	if !strings.Contains(p.body, phone.Serial+" 的电话回访已保存") || !strings.Contains(answered, phone.Serial) ||
		!strings.Contains(answered, "电话（周敏）") || !strings.Contains(answered, "满意度 5") {
		t.Errorf("the worklist after the call:\n%s", answered)
	}
	if strings.Contains(p.body[strings.Index(p.body, `id="rv-call"`):strings.Index(p.body, `id="rv-asked"`)], phone.Serial) {
		t.Error("the case is still on the call list")
	}
}

// TestRevisitsPageSaysWhenCut: a desk with more cases waiting for their
// revisit than the worklist reads is told the list is cut, not shown a
// list that looks whole.
func TestRevisitsPageSaysWhenCut(t *testing.T) {
	d := newDesk(t)
	d.withOwners()
	spec := d.browser()
	spec.signIn(specialistID, specialistTG)
	const hint = "只列出最早的 1000 件待回访投诉"
	if p := spec.get("/desk/revisits"); p.status != http.StatusOK || strings.Contains(p.body, hint) {
		t.Fatalf("an empty worklist (%d) says it is cut", p.status)
	}
	// One case in six of the seed is answered to its owner (replied).
	start := d.clock.Now().Add(-30 * 24 * time.Hour)
	if err := cases.SeedRegister(context.Background(), d.svc.DB(), start, time.Minute, 6*(conversation.MaxWorklist+10)); err != nil {
		t.Fatal(err)
	}
	if p := spec.get("/desk/revisits"); p.status != http.StatusOK || !strings.Contains(p.body, hint) {
		t.Errorf("a worklist of more than %d (%d) does not say it is cut", conversation.MaxWorklist, p.status)
	}
}
