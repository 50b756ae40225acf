package desk_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/notify/desk"
	"github.com/jmoiron/sqlx"
)

// names are the names of the actions offered.
func names(as []desk.Available) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Name)
	}
	return out
}

// TestAPersonActsWithoutTeamChat is the desk as a browser console uses it:
// the person is known by staff id, the actions listed are those the
// procedure lets them take now, and acting goes through the same rules as
// a card's button — a refusal says why, nothing is posted to a chat.
func TestAPersonActsWithoutTeamChat(t *testing.T) {
	svc, d, c := manualCase(t, "telegram", "楼上漏水")
	ctx := context.Background()
	person := func(id string) desk.Person {
		t.Helper()
		p, ok := d.StaffMember(id, cases.ChannelAPI)
		if !ok {
			t.Fatalf("no staff member %s", id)
		}
		return p
	}
	spec, mgr, other := person("cs.zhoumin"), person("eng.li"), person("sec.zhao")
	if _, ok := d.StaffMember("nobody", cases.ChannelAPI); ok {
		t.Fatal("a person who is not staff")
	}

	got, err := d.Actions(ctx, spec, c.Serial)
	if err != nil {
		t.Fatal(err)
	}
	if n := names(got); !slices.Contains(n, "dispatch") || !slices.Contains(n, "judge_invalid") || slices.Contains(n, "acknowledge") {
		t.Fatalf("the specialist may, on a new case: %v", n)
	}
	if i := slices.IndexFunc(got, func(a desk.Available) bool { return a.Name == "dispatch" }); got[i].Needs != "department" || got[i].Label != "派单" {
		t.Fatalf("dispatch offered as %+v", got[i])
	}
	if n, _ := d.Actions(ctx, mgr, c.Serial); slices.Contains(names(n), "dispatch") || slices.Contains(names(n), "acknowledge") {
		t.Fatalf("the engineering manager may, on a new case: %v", names(n))
	}

	// An action that needs its input is refused without it, saying what.
	out, err := d.ActAs(ctx, spec, desk.StaffAction{Action: "dispatch", Serial: c.Serial})
	if err != nil || !out.Refused || !strings.Contains(out.Message, "派单部门") {
		t.Fatalf("dispatch without a department: %+v %v", out, err)
	}
	form, out, err := d.FormAs(ctx, spec, desk.StaffAction{Action: "dispatch", Serial: c.Serial})
	if err != nil || out.Refused || form == nil || form.Inputs[0].Name != "department" || len(form.Inputs[0].Options) == 0 {
		t.Fatalf("the dispatch form: %+v %+v %v", form, out, err)
	}
	out, err = d.ActAs(ctx, spec, desk.StaffAction{Action: "dispatch", Serial: c.Serial, Department: "工程部", InteractionID: "req-1"})
	if err != nil || out.Refused || !strings.Contains(out.Message, "已派单给工程部") {
		t.Fatalf("dispatch: %+v %v", out, err)
	}
	// The same request again (the console retried) does nothing more.
	if _, err := d.ActAs(ctx, spec, desk.StaffAction{Action: "dispatch", Serial: c.Serial, Department: "security", InteractionID: "req-1"}); err != nil {
		t.Fatal(err)
	}
	now, _ := svc.Get(ctx, c.Serial)
	if now.Department != "engineering" {
		t.Fatalf("a repeated request moved the case to %s", now.Department)
	}
	last := now.Events[len(now.Events)-1]
	if last.Action != "dispatch" || last.ActorID != "cs.zhoumin" || last.Channel != cases.ChannelAPI {
		t.Fatalf("history records %+v", last)
	}

	if n, _ := d.Actions(ctx, mgr, c.Serial); !slices.Contains(names(n), "acknowledge") || !slices.Contains(names(n), "escalate") {
		t.Fatalf("the engineering manager may, on a dispatched case: %v", names(n))
	}
	if n, _ := d.Actions(ctx, other, c.Serial); slices.Contains(names(n), "acknowledge") {
		t.Fatalf("another department's manager may acknowledge: %v", names(n))
	}
	out, err = d.ActAs(ctx, other, desk.StaffAction{Action: "acknowledge", Serial: c.Serial})
	if err != nil || !out.Refused || !strings.Contains(out.Message, "只有工程部经理") {
		t.Fatalf("another department acknowledged: %+v %v", out, err)
	}
	if out, err = d.ActAs(ctx, mgr, desk.StaffAction{Action: "acknowledge", Serial: c.Serial}); err != nil || out.Refused {
		t.Fatalf("acknowledge: %+v %v", out, err)
	}
	out, err = d.ActAs(ctx, person("eng.gao"), desk.StaffAction{Action: "acknowledge", Serial: c.Serial})
	if err != nil || !out.Refused || !strings.Contains(out.Message, "已由李建华") {
		t.Fatalf("the second to acknowledge was told %+v %v", out, err)
	}
	var prompts int
	svc.DB().Get(&prompts, `SELECT count(*) FROM outbox WHERE kind IN ('answer_callback', 'private') OR payload ? 'prompt'`)
	if prompts != 0 {
		t.Fatalf("%d answers posted to a chat for actions taken off team chat", prompts)
	}
	if _, err := d.Actions(ctx, spec, "TS-1999-000001"); cases.ErrorCode(err) != cases.CodeNotFound {
		t.Fatalf("actions on no case: %v", err)
	}
}

// The one list of commands is what the bots pass on and what the help
// says: every command the desk answers is in it, with its usage.
func TestCommandsAreOneList(t *testing.T) {
	for _, c := range desk.Commands {
		if len(c.Usage) == 0 || !strings.HasPrefix(c.Usage[0], "/"+c.Name) {
			t.Errorf("/%s: usage %q", c.Name, c.Usage)
		}
		if desk.Answered(c.Name) == c.Form {
			t.Errorf("/%s: answered by the desk %v, a form %v", c.Name, desk.Answered(c.Name), c.Form)
		}
		if !strings.Contains(desk.Usage(), c.Usage[0]) {
			t.Errorf("the help lacks /%s", c.Name)
		}
	}
	for _, name := range []string{"revisit", "bulletin", "report", "close", "archive"} {
		if !desk.Answered(name) {
			t.Errorf("/%s is not answered", name)
		}
	}
	if desk.Answered("complaint") || desk.Answered("status") {
		t.Error("the desk answers a command it should not")
	}
}

// An owner who asks for a person (人工) about an open case: the
// specialists' card says where the case stands in their words, and shows
// the owner's phone masked.
func TestAPersonRequestedAboutAnOpenCase(t *testing.T) {
	svc, d, c := manualCase(t, "telegram", "楼上漏水")
	ctx := context.Background()
	var told bool
	err := svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) (err error) {
		told, err = d.Alert(ctx, tx, now, conversation.OwnerAlert{Key: "person:web:w1:m1", Kind: conversation.AlertPerson,
			Serial: c.Serial, Channel: cases.ChannelWeb, Name: "王女士", Phone: "13812345678", Community: "xinghewan",
			Status: "业主要求客服专员联系", CaseStatus: c.Status, Since: now})
		return err
	})
	if err != nil || !told {
		t.Fatalf("alert: told %v, %v", told, err)
	}
	var cards []queued
	for _, q := range cardsQueued(t, svc) {
		if q.Kind == "alert:person:web:w1:m1" {
			cards = append(cards, q)
		}
	}
	if len(cards) != 1 || cards[0].Chat != "-1001234500010" || !strings.Contains(cards[0].Title, "【业主要求人工】 "+c.Serial) {
		t.Fatalf("alert cards %+v", cards)
	}
	var status string
	svc.DB().Get(&status, `SELECT payload->'card'->>'status' FROM outbox WHERE payload->'card'->>'kind' = $1`, cards[0].Kind)
	if status != "投诉处理中（已受理，待派单），业主要求客服专员联系" {
		t.Fatalf("the card's status reads %q", status)
	}
	var owner string
	svc.DB().Get(&owner, `SELECT f->>'value' FROM outbox, jsonb_array_elements(payload->'card'->'fields') f
		WHERE payload->'card'->>'kind' = $1 AND f->>'label' = '业主'`, cards[0].Kind)
	if owner != "王女士 138****5678" {
		t.Fatalf("the owner on the card: %q", owner)
	}
}
