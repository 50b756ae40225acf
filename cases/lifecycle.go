package cases

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/heedhq/heed/config"
)

// Action is something a person (or the system) does to a case.
type Action string

const (
	ActJudgeValid      Action = "judge_valid"      // specialist: 有效投诉
	ActJudgeInvalid    Action = "judge_invalid"    // specialist: 无效投诉, with the explanation
	ActDispatch        Action = "dispatch"         // specialist: 派单 to a department (lead + assisting)
	ActTransfer        Action = "transfer"         // 转派 to another department
	ActAcknowledge     Action = "acknowledge"      // department: 部门受理
	ActAssignHandler   Action = "assign_handler"   // department manager names the 经办人
	ActInvestigate     Action = "investigate"      // department starts investigating
	ActProposeMeasures Action = "propose_measures" // department: 处理措施
	ActReview          Action = "review"           // specialist accepts the measures
	ActReturnMeasures  Action = "return_measures"  // specialist or GM sends them back
	ActApprove         Action = "approve"          // general manager approves measures of a major case
	ActReply           Action = "reply"            // specialist answers the owner
	ActFeedback        Action = "feedback"         // owner's 反馈意见; unsatisfied reopens
	ActVerify          Action = "verify"           // revisit (回访); unsatisfied reopens
	ActClose           Action = "close"            // 投诉闭合
	ActArchive         Action = "archive"
	ActReopen          Action = "reopen"
	ActFlagMajor       Action = "flag_major"     // 重大投诉
	ActAddInfo         Action = "add_info"       // 补充: more text or attachments
	ActNote            Action = "note"           // internal note
	ActResponsibility  Action = "responsibility" // 责任界定 + CAPA report number
	ActRequestPerson   Action = "request_person" // owner asked for a human (人工)
)

// Capacity is the standing in which someone acts on a particular case.
type Capacity string

const (
	CapOwner      Capacity = "owner"           // the complainant of this case
	CapSpecialist Capacity = "specialist"      // 投诉专员
	CapManager    Capacity = "manager"         // manager of the case's handling department
	CapHandler    Capacity = "handler"         // handler of the case's handling department
	CapGM         Capacity = "general_manager" // 总经理
	CapSystem     Capacity = "system"
	CapOtherStaff Capacity = "staff"     // any other staff member
	CapAssisting  Capacity = "assisting" // manager/handler of an assisting department
)

type rule struct {
	from []Status // empty: any open status
	to   Status   // "": unchanged (decided in code for the few that branch)
	who  []Capacity
	// needs names the field that must be given.
	needs string
}

var (
	deptStaff         = []Capacity{CapManager, CapHandler}
	openAfterDispatch = []Status{StatusDispatched, StatusAcknowledged, StatusInvestigating}
	answered          = []Status{StatusReplied, StatusFeedback, StatusVerified, StatusClosed, StatusInvalid}
	// assistable: dispatched and not yet answered.
	assistable = []Status{StatusDispatched, StatusAcknowledged, StatusInvestigating, StatusMeasuresProposed,
		StatusAwaitingApproval, StatusReviewed}
	afterInvestigation = []Status{StatusInvestigating, StatusMeasuresProposed, StatusAwaitingApproval, StatusReviewed,
		StatusReplied, StatusFeedback, StatusVerified, StatusClosed}
)

// rules is the state machine of docs/procedure.md, "Lifecycle": which action may
// move a case from which states, and who may take it. 部门受理 is the
// department manager's, who names the handler (000 §3.3); the system replies
// with the answer approved with a major case's measures once the general
// manager approves them.
var rules = map[Action]rule{
	ActJudgeValid:      {from: []Status{StatusReceived}, to: StatusValidated, who: []Capacity{CapSpecialist}},
	ActJudgeInvalid:    {from: []Status{StatusReceived, StatusValidated, StatusDispatched, StatusAcknowledged, StatusInvestigating}, to: StatusInvalid, who: []Capacity{CapSpecialist}, needs: "text"},
	ActDispatch:        {from: []Status{StatusReceived, StatusValidated}, to: StatusDispatched, who: []Capacity{CapSpecialist, CapGM, CapSystem}, needs: "department"},
	ActTransfer:        {from: openAfterDispatch, to: StatusDispatched, who: []Capacity{CapSpecialist, CapGM, CapManager}, needs: "department"},
	ActAcknowledge:     {from: []Status{StatusDispatched}, to: StatusAcknowledged, who: []Capacity{CapManager}},
	ActAssignHandler:   {from: openAfterDispatch, who: []Capacity{CapManager, CapGM}, needs: "handler"},
	ActInvestigate:     {from: []Status{StatusAcknowledged}, to: StatusInvestigating, who: deptStaff},
	ActProposeMeasures: {from: []Status{StatusAcknowledged, StatusInvestigating}, to: StatusMeasuresProposed, who: deptStaff, needs: "text"},
	ActReview:          {from: []Status{StatusMeasuresProposed}, who: []Capacity{CapSpecialist}},
	ActReturnMeasures:  {from: []Status{StatusMeasuresProposed, StatusAwaitingApproval}, to: StatusInvestigating, who: []Capacity{CapSpecialist, CapGM}, needs: "text"},
	ActApprove:         {from: []Status{StatusAwaitingApproval}, to: StatusReviewed, who: []Capacity{CapGM}},
	ActReply:           {from: []Status{StatusReviewed}, to: StatusReplied, who: []Capacity{CapSpecialist, CapSystem}, needs: "text"},
	ActFeedback:        {from: []Status{StatusReplied}, who: []Capacity{CapOwner, CapSpecialist}, needs: "satisfied"},
	ActVerify:          {from: []Status{StatusReplied, StatusFeedback}, who: []Capacity{CapSpecialist, CapOwner}, needs: "satisfaction"},
	ActClose:           {from: []Status{StatusReplied, StatusFeedback, StatusVerified}, to: StatusClosed, who: []Capacity{CapSpecialist, CapSystem}},
	ActArchive:         {from: []Status{StatusClosed, StatusInvalid}, to: StatusArchived, who: []Capacity{CapSpecialist, CapSystem}},
	ActReopen:          {from: answered, who: []Capacity{CapSpecialist, CapGM}, needs: "text"},
	ActFlagMajor:       {who: []Capacity{CapSpecialist, CapGM, CapSystem}, needs: "text"},
	ActAddInfo:         {who: []Capacity{CapOwner, CapSpecialist, CapGM, CapManager, CapHandler, CapAssisting, CapOtherStaff}, needs: "text_or_attachment"},
	ActNote:            {from: Statuses, who: []Capacity{CapSpecialist, CapGM, CapManager, CapHandler, CapAssisting, CapOtherStaff}, needs: "text"},
	ActResponsibility:  {from: afterInvestigation, who: []Capacity{CapSpecialist, CapGM, CapManager}, needs: "finding"},
	ActRequestPerson:   {who: []Capacity{CapOwner}},
	ActAssist:          {from: assistable, who: []Capacity{CapSpecialist, CapGM}, needs: "assisting"},
	ActReferDeveloper:  {from: []Status{StatusReceived, StatusValidated, StatusDispatched, StatusAcknowledged, StatusInvestigating}, to: StatusInvalid, who: []Capacity{CapSpecialist}, needs: "text"},
	ActDeveloperRemind: {from: []Status{StatusInvalid}, who: []Capacity{CapSystem}},
	ActDeveloperAnswer: {from: []Status{StatusInvalid, StatusArchived}, who: []Capacity{CapSpecialist}, needs: "text"},
	ActHeadOffice:      {from: slices.Concat(assistable, answered[:len(answered)-1]), who: []Capacity{CapSpecialist, CapGM, CapSystem}, needs: "text"},
}

// Needs names what an action cannot be taken without: "text", "department",
// "handler", "category", "satisfied", "satisfaction", "text_or_attachment",
// or "". The
// desk's forms and prompts ask for it because of this.
func Needs(act Action) string { return rules[act].needs }

// MayTake reports whether someone in capacity cp may ever take act.
func MayTake(act Action, cp Capacity) bool { return slices.Contains(rules[act].who, cp) }

// CapacitiesOf says in which standings a acts on c.
func CapacitiesOf(cfg *config.Config, a Actor, c *Case) []Capacity {
	caps, _ := capacities(cfg, a, c)
	return caps
}

// Allowed lists who may take act.
func Allowed(act Action) []Capacity { return slices.Clone(rules[act].who) }

// Actions lists the actions Apply knows, in procedure order.
var Actions = []Action{ActJudgeValid, ActJudgeInvalid, ActDispatch, ActTransfer, ActAcknowledge,
	ActAssignHandler, ActInvestigate, ActProposeMeasures, ActReview, ActReturnMeasures, ActApprove,
	ActReply, ActFeedback, ActVerify, ActClose, ActArchive, ActReopen, ActFlagMajor, ActAddInfo,
	ActNote, ActResponsibility, ActRequestPerson, ActAssist, ActReferDeveloper, ActDeveloperRemind,
	ActDeveloperAnswer, ActHeadOffice}

// capacities says in which standings actor acts on c.
func capacities(cfg *config.Config, a Actor, c *Case) ([]Capacity, error) {
	switch a.Kind {
	case ActorSystem:
		return []Capacity{CapSystem}, nil
	case ActorOwner:
		if c.OwnerRef == "" || a.ID != c.OwnerRef {
			return nil, nil
		}
		return []Capacity{CapOwner}, nil
	case ActorStaff:
		ref, ok := cfg.StaffByID(a.ID)
		if !ok {
			return nil, errorf(CodeForbidden, "unknown staff member %q", a.ID)
		}
		switch ref.Role {
		case config.RoleSpecialist:
			return []Capacity{CapSpecialist}, nil
		case config.RoleGeneralManager:
			return []Capacity{CapGM}, nil
		case config.RoleManager, config.RoleHandler:
			cp := CapHandler
			if ref.Role == config.RoleManager {
				cp = CapManager
			}
			switch {
			case ref.Department != "" && ref.Department == c.Department:
				return []Capacity{cp}, nil
			case slices.Contains(c.Assisting, ref.Department):
				return []Capacity{CapAssisting}, nil
			}
		}
		return []Capacity{CapOtherStaff}, nil
	}
	return nil, errorf(CodeForbidden, "unknown actor kind %q", a.Kind)
}

// check decides whether actor may take action on c now, and returns the
// rule. A refusal because the case has moved on says who moved it, so two
// people pressing the same button learn who was first.
func check(cfg *config.Config, a Actor, c *Case, act Action, history func(Action) *Event) (rule, error) {
	r, ok := rules[act]
	if !ok {
		return r, errorf(CodeInvalid, "action: unknown action %q", act)
	}
	caps, err := capacities(cfg, a, c)
	if err != nil {
		return r, err
	}
	allowed := false
	for _, cp := range caps {
		if slices.Contains(r.who, cp) {
			allowed = true
		}
	}
	// A repeat complaint goes to the general manager, who names the handler.
	if act == ActDispatch && c.Repeat && !slices.Contains(caps, CapGM) {
		return r, errorf(CodeForbidden, "case %s is a repeat complaint: only the general manager (%s) dispatches it and names who handles it",
			c.Serial, cfg.GeneralManager().Name).with("needs", string(CapGM))
	}
	if !allowed {
		who := make([]string, len(r.who))
		for i, cp := range r.who {
			who[i] = string(cp)
		}
		return r, errorf(CodeForbidden, "%s may not %s case %s", describe(a, caps), act, c.Serial).
			with("needs", strings.Join(who, ","))
	}
	from := r.from
	if len(from) == 0 {
		from = openStatuses()
	}
	if !slices.Contains(from, c.Status) {
		if ev := history(act); ev != nil {
			who := ev.ActorName
			if who == "" {
				who = ev.ActorID
			}
			return r, errorf(CodeConflict, "case %s was already %s by %s at %s; it is now %s",
				c.Serial, pastTense(act), who, ev.At.Format("2006-01-02 15:04"), c.Status).
				with("by", ev.ActorID).with("at", ev.At.Format(time.RFC3339))
		}
		return r, errorf(CodeConflict, "cannot %s case %s while it is %s", act, c.Serial, c.Status)
	}
	return r, nil
}

func openStatuses() []Status {
	var out []Status
	for _, s := range Statuses {
		if s.Open() {
			out = append(out, s)
		}
	}
	return out
}

func describe(a Actor, caps []Capacity) string {
	switch {
	case a.Kind == ActorOwner && len(caps) == 0:
		return "someone who is not the complainant"
	case len(caps) == 0:
		return string(a.Kind) + " " + a.ID
	}
	return fmt.Sprintf("%s (%s)", a.ID, caps[0])
}

func pastTense(a Action) string {
	switch a {
	case ActJudgeValid:
		return "judged valid"
	case ActJudgeInvalid:
		return "judged invalid"
	case ActDispatch:
		return "dispatched"
	case ActTransfer:
		return "transferred"
	case ActAcknowledge:
		return "acknowledged"
	case ActInvestigate:
		return "taken into investigation"
	case ActProposeMeasures:
		return "given measures"
	case ActReview:
		return "reviewed"
	case ActReturnMeasures:
		return "returned"
	case ActApprove:
		return "approved"
	case ActReply:
		return "replied to"
	case ActFeedback:
		return "given feedback"
	case ActVerify:
		return "verified"
	case ActClose:
		return "closed"
	case ActArchive:
		return "archived"
	case ActReopen:
		return "reopened"
	case ActReferDeveloper:
		return "referred to the developer"
	case ActHeadOffice:
		return "escalated to head office"
	case ActReclassify:
		return "reclassified"
	}
	return string(a) + " done"
}
