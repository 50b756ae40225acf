package console

import (
	"net/http"
	"time"

	"github.com/heedhq/heed/cases"
)

// The case on paper: the B01 record (客户投诉处理记录表) and the dispatch
// notice (派工单) the handling department signs, each on a page of its
// own, without the desk's menu; the browser's print dialog does the rest.

// printView is the print page's data.
type printView struct {
	Case  *cases.Case
	Phone string
	// Dispatched is when the case was last dispatched (or transferred) to
	// its department, and by whom; nil before it was.
	Dispatched *cases.Event
	// The department's deadlines of that dispatch, if any.
	Investigate, Measures *cases.DeadlineRecord
	PrintedAt             time.Time
}

// casePrint is GET /desk/cases/{serial}/print.
func (c *Console) casePrint(w http.ResponseWriter, r *http.Request) error {
	k, err := c.svc.Get(r.Context(), r.PathValue("serial"))
	if err != nil {
		return err
	}
	PersonOf(r).Texts(k)
	v := printView{Case: k, Phone: PersonOf(r).Phone(k)}
	for i := len(k.Events) - 1; i >= 0; i-- {
		if a := k.Events[i].Action; a == string(cases.ActDispatch) || a == string(cases.ActTransfer) {
			v.Dispatched = &k.Events[i]
			break
		}
	}
	for i := range k.Deadlines {
		d := &k.Deadlines[i]
		if d.SupersededAt != nil {
			continue
		}
		switch d.Step {
		case cases.StepInvestigate:
			v.Investigate = d
		case cases.StepMeasures:
			v.Measures = d
		}
	}
	v.PrintedAt = c.now()
	return c.renderPart(w, r, "case_print", "print-doc", v)
}
