package desk_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/notify/desk"
)

// 改类别 is offered on the department's dispatch card and the specialists'
// follow-up card; its form offers the other categories; a category of
// another department tells the presser a transfer moves it; the same
// category again is refused in the staff's words.
func TestReclassifyOnTheDesk(t *testing.T) {
	clock := casestest.NewClock(time.Date(2026, 11, 18, 10, 0, 0, 0, shanghai))
	svc, _ := casestest.ServiceWith(t, clock, casestest.Config(t)) // auto dispatch
	d := newDesk(t, svc, "telegram")
	ctx := context.Background()
	c, err := svc.Create(ctx, cases.Actor{Kind: cases.ActorStaff, ID: "front.xu", Channel: cases.ChannelPhone},
		cases.NewCase{Channel: cases.ChannelPhone, CustomerName: "王女士", Content: "物业前台的人说话很冲", Category: "repair"})
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"dispatch", "intake"} {
		cards := cardsOf(t, svc, kind)
		if len(cards) == 0 {
			t.Fatalf("no %s card", kind)
		}
		offered := false
		for _, b := range cards[len(cards)-1].Buttons {
			offered = offered || b.Label == "改类别" && b.Data == desk.ActData("reclassify", c.Serial)
		}
		if !offered {
			t.Errorf("the %s card offers %+v, not 改类别", kind, cards[len(cards)-1].Buttons)
		}
	}

	// The manager of 工程部, on Telegram.
	press := desk.StaffAction{Platform: "telegram", PlatformUser: "6100000101", ChatID: "-1001234500001", Action: "reclassify", Serial: c.Serial}
	form, out, err := d.Form(ctx, press)
	if err != nil || out.Refused || len(form.Inputs) != 1 || form.Inputs[0].Name != desk.InputCategory {
		t.Fatalf("form %+v, %+v, %v", form, out, err)
	}
	var names []string
	for _, o := range form.Inputs[0].Options {
		names = append(names, o.Label)
	}
	if len(names) != len(svc.Config().Categories)-1 || strings.Contains(strings.Join(names, " "), "工程维修") {
		t.Fatalf("the form offers %v: every category but the case's own", names)
	}
	for i, tc := range []struct{ category, told string }{
		{"facilities", "已将类别改为「公共设施」。"},
		{"attitude", "已将类别改为「服务态度」。该类别由品质管理部负责，如需转派请按「转派」。"},
		{"attitude", "未执行：这件投诉已是「服务态度」，请选择其他类别。"},
	} {
		press.CallbackID, press.Choice = fmt.Sprint("cb-", i), tc.category
		if out, err = d.Act(ctx, press); err != nil || out.Message != tc.told {
			t.Errorf("to %s: told %+v (%v), want %q", tc.category, out, err, tc.told)
		}
	}
	if got, _ := svc.Get(ctx, c.Serial); got.Category != "attitude" || got.Department != "engineering" {
		t.Fatalf("category %s department %s", got.Category, got.Department)
	}
}
