package desk_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/heedhq/heed/notify/desk"
)

// TestDispatchWithAssistingDepartments: with manual dispatch the
// specialist's form asks for the lead and the assisting departments; the
// lead is not kept among the assisting ones, each assisting department gets
// its own card, and the presser is told who leads and who assists.
func TestDispatchWithAssistingDepartments(t *testing.T) {
	svc, d, c := manualCase(t, "slack", "地下车库积水，还有人在车库抽烟")
	cfg := svc.Config()
	ctx := context.Background()
	press := desk.StaffAction{Platform: "slack", PlatformUser: "U01CS00SP1", ChatID: "C01CSDESK0", Action: "dispatch", Serial: c.Serial}
	form, out, err := d.Form(ctx, press)
	if err != nil || out.Refused || form == nil {
		t.Fatalf("form %+v, %+v, %v", form, out, err)
	}
	var multi *desk.Input
	for i := range form.Inputs {
		if form.Inputs[i].Name == desk.InputAssisting {
			multi = &form.Inputs[i]
		}
	}
	if multi == nil || !multi.Multi || !multi.Optional || len(multi.Options) != len(cfg.Departments) {
		t.Fatalf("the dispatch form's assisting departments: %+v", multi)
	}
	press.InteractionID, press.Department = "view-1", "engineering"
	press.Assisting, press.AssistingChosen = "security,engineering,environment", true
	out, err = d.Act(ctx, press)
	if err != nil || out.Refused || !strings.Contains(out.Message, "工程部（牵头），协办：秩序部、环境部") {
		t.Fatalf("dispatch: %+v %v", out, err)
	}
	got, _ := svc.Get(ctx, c.Serial)
	if got.Department != "engineering" || !slices.Equal(got.Assisting, []string{"security", "environment"}) {
		t.Fatalf("lead %s, assisting %v", got.Department, got.Assisting)
	}
	var assist []string
	for _, q := range cardsQueued(t, svc) {
		if q.Kind == "assist" {
			assist = append(assist, q.Chat)
		}
	}
	if !slices.Equal(assist, []string{"C01SECDISP", "C01ENVDISP"}) {
		t.Fatalf("assisting cards went to %v", assist)
	}
	// A handler of the lead department may not change who assists.
	out, _ = d.Act(ctx, desk.StaffAction{Platform: "slack", PlatformUser: "U01ENG0HD1", ChatID: "C01ENGDISP",
		InteractionID: "press-2", Action: "assist", Serial: c.Serial, Choice: "finance"})
	if !out.Refused {
		t.Fatalf("a handler changed the assisting departments: %+v", out)
	}
}
