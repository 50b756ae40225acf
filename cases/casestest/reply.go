package casestest

import (
	"context"
	"testing"

	"github.com/heedhq/heed/cases"
)

// ReplyTo walks a case of the example company through dispatch (to
// engineering), acknowledgement, measures and review to the reply, as its
// specialist and the engineering manager: a case answered to its owner.
func ReplyTo(t testing.TB, svc *cases.Service, serial string) {
	t.Helper()
	spec := cases.Actor{Kind: cases.ActorStaff, ID: "cs.zhoumin"}
	mgr := cases.Actor{Kind: cases.ActorStaff, ID: "eng.li"}
	for _, s := range []struct {
		a  cases.Actor
		tr cases.Transition
	}{
		{spec, cases.Transition{Action: cases.ActDispatch, Department: "engineering"}},
		{mgr, cases.Transition{Action: cases.ActAcknowledge}},
		{mgr, cases.Transition{Action: cases.ActProposeMeasures, Text: "更换灯管"}},
		{spec, cases.Transition{Action: cases.ActReview}},
		{spec, cases.Transition{Action: cases.ActReply, Text: "已更换灯管"}},
	} {
		if _, err := svc.Apply(context.Background(), s.a, serial, s.tr); err != nil {
			t.Fatal(err)
		}
	}
}
