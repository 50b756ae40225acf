package cases_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/cases/casestest"
)

// 改类别: the category changes, the department stays, the history says
// who changed it from what; a category heed does not know, the same one,
// or a case already answered are refused.
func TestReclassify(t *testing.T) {
	svc, _ := casestest.Service(t, casestest.NewClock(wednesday))
	ctx := context.Background()
	c := advance(t, svc, newCase(t, svc, leak()), cases.StatusAcknowledged)
	c = apply(t, svc, mgr, c.Serial, cases.Transition{Action: cases.ActReclassify, Category: "house_quality", Text: "属保修期内的防水问题"})
	if c.Category != "house_quality" || c.Department != "engineering" || c.Status != cases.StatusAcknowledged {
		t.Fatalf("after 改类别: category %s department %s status %s", c.Category, c.Department, c.Status)
	}
	last := c.Events[len(c.Events)-1]
	var changes map[string]any
	json.Unmarshal(last.Changes, &changes)
	if last.Action != "reclassify" || last.ActorID != "eng.li" || changes["category"] != "house_quality" || last.Note != "属保修期内的防水问题" {
		t.Fatalf("event %+v changes %v", last, changes)
	}
	for _, tc := range []struct {
		category string
		code     cases.Code
	}{{"", cases.CodeInvalid}, {"weather", cases.CodeInvalid}, {"house_quality", cases.CodeInvalid}} {
		if _, err := svc.Apply(ctx, spec, c.Serial, cases.Transition{Action: cases.ActReclassify, Category: tc.category}); cases.ErrorCode(err) != tc.code {
			t.Errorf("reclassify to %q: %v, want %s", tc.category, err, tc.code)
		}
	}
	c = advance(t, svc, c, cases.StatusReplied)
	if _, err := svc.Apply(ctx, spec, c.Serial, cases.Transition{Action: cases.ActReclassify, Category: "repair"}); cases.ErrorCode(err) != cases.CodeConflict {
		t.Errorf("reclassify after the reply: %v, want a conflict", err)
	}
}
