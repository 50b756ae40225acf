package desk_test

import (
	"context"
	"testing"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/notify/desk"
)

// TestTemplates: the specialists keep the company's templates; everyone's
// forms offer them, the case's category's first; a team-chat "#N" sends
// the N-th, and a number with no template is refused, never sent.
func TestTemplates(t *testing.T) {
	svc, d, c := manualCase(t, "telegram", "楼上漏水")
	ctx := context.Background()
	person := func(id string) desk.Person {
		p, ok := d.StaffMember(id, cases.ChannelAPI)
		if !ok {
			t.Fatalf("no staff %s", id)
		}
		return p
	}
	spec, gm, mgr := person("cs.zhoumin"), person("gm.liu"), person("eng.li")
	save := func(p desk.Person, tp desk.Template) desk.Template {
		t.Helper()
		out, err := d.SaveTemplate(ctx, p, tp)
		if err != nil {
			t.Fatalf("save %+v: %v", tp, err)
		}
		return out
	}
	general := save(spec, desk.Template{Kind: desk.TemplateMeasure, Title: "通用", Body: "已安排专人跟进处理。"})
	leak := save(gm, desk.Template{Kind: desk.TemplateMeasure, Title: "防水维修", Body: "  安排师傅今天上门修复防水层。 ", Category: "repair"})
	save(spec, desk.Template{Kind: desk.TemplateMeasure, Title: "噪音", Body: "约谈装修户。", Category: "noise"})
	save(spec, desk.Template{Kind: desk.TemplateReply, Title: "答复", Body: "您好，问题已处理。"})
	if leak.Body != "安排师傅今天上门修复防水层。" || leak.UpdatedBy != "gm.liu" || leak.ID == 0 {
		t.Errorf("saved %+v", leak)
	}

	for _, bad := range []struct {
		who  desk.Person
		tp   desk.Template
		code cases.Code
	}{
		{mgr, desk.Template{Kind: desk.TemplateMeasure, Title: "x", Body: "y"}, cases.CodeForbidden},
		{mgr, desk.Template{ID: general.ID, Kind: desk.TemplateMeasure, Title: "x", Body: "y"}, cases.CodeForbidden},
		{spec, desk.Template{Kind: "praise", Title: "x", Body: "y"}, cases.CodeInvalid},
		{spec, desk.Template{Kind: desk.TemplateReply, Title: " ", Body: "y"}, cases.CodeInvalid},
		{spec, desk.Template{Kind: desk.TemplateReply, Title: "x", Body: "y", Category: "pets"}, cases.CodeInvalid},
		{spec, desk.Template{ID: 999999, Kind: desk.TemplateReply, Title: "x", Body: "y"}, cases.CodeNotFound},
	} {
		if _, err := d.SaveTemplate(ctx, bad.who, bad.tp); cases.ErrorCode(err) != bad.code {
			t.Errorf("%s saving %+v: %v, want %s", bad.who.Staff.ID, bad.tp, err, bad.code)
		}
	}
	if err := d.DeleteTemplate(ctx, mgr, general.ID); cases.ErrorCode(err) != cases.CodeForbidden {
		t.Errorf("a manager deleting: %v", err)
	}

	titles := func(ts []desk.Template) (out []string) {
		for _, tp := range ts {
			out = append(out, tp.Title)
		}
		return out
	}
	ts, err := d.Templates(ctx, desk.TemplateMeasure, "repair")
	if err != nil || len(ts) != 2 || ts[0].Title != "防水维修" || ts[1].Title != "通用" {
		t.Fatalf("measures for a repair: %v, %v", titles(ts), err)
	}

	// The manager's form for measures offers them, best first.
	spc := cases.Actor{Kind: cases.ActorStaff, ID: "cs.zhoumin"}
	if _, err := svc.Apply(ctx, spc, c.Serial, cases.Transition{Action: cases.ActDispatch, Department: "engineering"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Apply(ctx, cases.Actor{Kind: cases.ActorStaff, ID: "eng.li"}, c.Serial, cases.Transition{Action: cases.ActAcknowledge}); err != nil {
		t.Fatal(err)
	}
	f, out, err := d.FormAs(ctx, mgr, desk.StaffAction{Action: "propose_measures", Serial: c.Serial})
	if err != nil || out.Refused || len(f.Inputs) != 1 {
		t.Fatalf("form: %+v %+v %v", f, out, err)
	}
	if got := titles(f.Inputs[0].Templates); len(got) != 2 || got[0] != "防水维修" {
		t.Errorf("the measures' form offers %v", got)
	}
	if desk.TemplateKindOf("judge_invalid") != desk.TemplateInvalid || desk.TemplateKindOf("approve_reply") != desk.TemplateReply ||
		desk.TemplateKindOf("acknowledge") != "" {
		t.Error("TemplateKindOf")
	}

	// In team chat, "#3" of two is refused and nothing changes; "#1" sends
	// the first template's whole text.
	tg, _ := d.PersonOf("telegram", "6100000101")
	press := desk.StaffAction{Platform: "telegram", PlatformUser: "6100000101", ChatID: "-1001234500001", Action: "propose_measures", Serial: c.Serial}
	press.InteractionID, press.Text = "u1", "#3"
	out, err = d.ActAs(ctx, tg, press)
	if err != nil || !out.Refused || out.Message != "没有第 3 个模板（共 2 个）。请回复 #1 到 #2，或写出全文。" {
		t.Fatalf("#3: %+v %v", out, err)
	}
	if got, _ := svc.Get(ctx, c.Serial); got.Measures != "" {
		t.Fatalf("measures %q after a refused #3", got.Measures)
	}
	press.InteractionID, press.Text = "u2", " ＃1 "
	if out, err = d.ActAs(ctx, tg, press); err != nil || out.Refused {
		t.Fatalf("#1: %+v %v", out, err)
	}
	if got, _ := svc.Get(ctx, c.Serial); got.Measures != "安排师傅今天上门修复防水层。" {
		t.Fatalf("measures %q, want the template's text", got.Measures)
	}

	// Edited and deleted.
	general.Body = "已安排客服专员跟进。"
	if g := save(spec, general); g.Body != "已安排客服专员跟进。" {
		t.Errorf("edited %+v", g)
	}
	if err := d.DeleteTemplate(ctx, spec, general.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.DeleteTemplate(ctx, spec, general.ID); cases.ErrorCode(err) != cases.CodeNotFound {
		t.Errorf("deleting twice: %v", err)
	}
	if ts, _ := d.Templates(ctx, "", ""); len(ts) != 3 {
		t.Errorf("left: %v", titles(ts))
	}
}
