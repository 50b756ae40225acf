package desk_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
	"github.com/heedhq/heed/conversation"
	"github.com/heedhq/heed/conversation/conversationtest"
	"github.com/heedhq/heed/notify/desk"
)

// TestPhoneRevisit: the worklist says where each case's revisit stands;
// the answers a specialist takes on the phone fill the verification block
// as the owner's own would — a low satisfaction reopens the case and the
// owner is told — and are recorded as a phone revisit, once.
func TestPhoneRevisit(t *testing.T) {
	clock, svc, db, eng, d := revisitSetup(t, nil)
	ctx := context.Background()
	spec, _ := d.StaffMember("cs.zhoumin", cases.ChannelAPI)
	mgr, _ := d.StaffMember("eng.li", cases.ChannelAPI)
	qa, _ := d.StaffMember("qa.ma", cases.ChannelAPI)

	phone, err := svc.Create(ctx, cases.Actor{Kind: cases.ActorStaff, ID: "front.xu"}, cases.NewCase{Channel: cases.ChannelPhone,
		Content: "电梯异响", Category: "facilities", CustomerName: "王女士", ContactPhone: "13812345678", Unit: "3栋1102"})
	if err != nil {
		t.Fatal(err)
	}
	casestest.ReplyTo(t, svc, phone.Serial)
	notAsked := conversationtest.Replied(t, svc, eng, "pr1")
	silent := conversationtest.Replied(t, svc, eng, "pr2")
	if _, err := d.CommandAs(ctx, spec, desk.StaffCommand{Name: "revisit", Args: silent, InteractionID: "c1"}); err != nil {
		t.Fatal(err)
	}

	states := func() map[string]conversation.RevisitState {
		t.Helper()
		items, err := d.RevisitWorklist(ctx, qa)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]conversation.RevisitState{}
		for _, it := range items {
			out[it.Case.Serial] = it.State
		}
		return out
	}
	want := map[string]conversation.RevisitState{phone.Serial: conversation.RevisitStateCall, notAsked: conversation.RevisitStateNotAsked,
		silent: conversation.RevisitStateAsked}
	if got := states(); !sameStates(got, want) {
		t.Fatalf("worklist %v, want %v", got, want)
	}
	if _, err := d.RevisitWorklist(ctx, mgr); cases.ErrorCode(err) != cases.CodeForbidden {
		t.Errorf("a manager reads the worklist: %v", err)
	}
	// No answer in time: reminded, then on the call list.
	clock.Advance(25 * time.Hour)
	if err := eng.SweepRevisits(ctx); err != nil {
		t.Fatal(err)
	}
	clock.Advance(49 * time.Hour)
	if err := eng.SweepRevisits(ctx); err != nil {
		t.Fatal(err)
	}
	if got := states(); got[silent] != conversation.RevisitStateNoAnswer || got[notAsked] != conversation.RevisitStateAsked {
		t.Fatalf("after three days: %v", got)
	}

	// The specialist calls the owner recorded by phone: satisfied.
	answers := conversation.PhoneRevisit{Timeliness: 4, Satisfaction: 5, Attitude: 4, Suggestions: " 师傅很耐心 "}
	if _, err := d.RecordPhoneRevisit(ctx, mgr, "f0", phone.Serial, answers); cases.ErrorCode(err) != cases.CodeForbidden {
		t.Fatalf("a manager entering a phone revisit: %v", err)
	}
	done, err := d.RecordPhoneRevisit(ctx, spec, "f1", phone.Serial, answers)
	if err != nil || done.Again || done.Case.Status != cases.StatusVerified || *done.Case.VerifySatisfaction != 5 ||
		done.Case.VerifySuggestions != "师傅很耐心" {
		t.Fatalf("phone revisit: %+v %v", done, err)
	}
	// The same form again stores nothing; another form finds it done.
	if again, err := d.RecordPhoneRevisit(ctx, spec, "f1", phone.Serial, answers); err != nil || !again.Again {
		t.Fatalf("the same form twice: %+v %v", again, err)
	}
	if _, err := d.RecordPhoneRevisit(ctx, spec, "f2", phone.Serial, answers); cases.ErrorCode(err) != cases.CodeConflict {
		t.Fatalf("a second phone revisit: %v", err)
	}
	var verifies int
	db.Get(&verifies, `SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.serial = $1 AND e.action = 'verify'`, phone.Serial)
	var via, by string
	db.QueryRow(`SELECT answered_via, answered_by FROM revisits WHERE serial = $1`, phone.Serial).Scan(&via, &by)
	if verifies != 1 || via != "phone" || by != "cs.zhoumin" {
		t.Fatalf("%d verify events; revisit answered via %q by %q", verifies, via, by)
	}

	// The silent owner, reached by phone, is not satisfied: reopened, and
	// told in their chat as after a low score on chat.
	if _, err := d.RecordPhoneRevisit(ctx, spec, "f3", silent, conversation.PhoneRevisit{Timeliness: 2, Satisfaction: 1, Attitude: 3}); err != nil {
		t.Fatal(err)
	}
	c, _ := svc.Get(ctx, silent)
	var told int
	db.Get(&told, `SELECT count(*) FROM transcript WHERE chat_id = 'pr2' AND sender = 'heed' AND text LIKE '%已重新交由%'`)
	if c.Status != cases.StatusDispatched || told != 1 {
		t.Fatalf("after an unsatisfied phone revisit: %s, owner told %d times", c.Status, told)
	}
	got := states()
	if got[phone.Serial] != conversation.RevisitStateAnswered || got[notAsked] != conversation.RevisitStateAsked {
		t.Fatalf("worklist after the calls: %v", got)
	}
	if _, ok := got[silent]; !ok {
		t.Error("the reopened case's phone answer is not on the worklist")
	}
	q, scores := d.RevisitQuestions("zh-CN")
	if !strings.Contains(q[1], "处理结果满意吗") || scores[4] != "非常满意" {
		t.Errorf("questions %q scores %q", q, scores)
	}
}

func sameStates(a, b map[string]conversation.RevisitState) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
