package cases

// ActReclassify is 改类别: the specialist, the handling department's
// manager or the general manager puts a case in another category (投诉性质)
// before the owner is answered. The department stays: moving the case is
// a transfer of its own. What staff change is kept as a correction heed
// learns from (conversation/understanding.go).
const ActReclassify Action = "reclassify"

// beforeReply are the statuses of a case not yet answered.
var beforeReply = []Status{StatusReceived, StatusValidated, StatusDispatched, StatusAcknowledged, StatusInvestigating,
	StatusMeasuresProposed, StatusAwaitingApproval, StatusReviewed}

func init() {
	rules[ActReclassify] = rule{from: beforeReply, who: []Capacity{CapSpecialist, CapManager, CapGM}, needs: "category"}
	Actions = append(Actions, ActReclassify)
}

// reclassify puts c in the transition's category.
func (s *Service) reclassify(c *Case, tr Transition) error {
	if _, ok := s.cfg.Category(tr.Category); !ok {
		return invalidField("category", "unknown category %q", tr.Category)
	}
	if tr.Category == c.Category {
		return invalidField("category", "case %s is already in category %s", c.Serial, tr.Category)
	}
	c.Category = tr.Category
	return nil
}
