package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/config"
)

// Transition is one action on a case with what it needs. Which fields matter
// depends on the action (see rules).
type Transition struct {
	Action Action `json:"action"`
	// ExpectedVersion, when set, makes the action fail if the case changed
	// since the caller looked at it (optimistic concurrency).
	ExpectedVersion int `json:"expected_version,omitempty"`

	Department string   `json:"department,omitempty"` // dispatch, transfer
	Category   string   `json:"category,omitempty"`   // reclassify
	Assisting  []string `json:"assisting,omitempty"`  // dispatch: assisting departments
	Handler    string   `json:"handler,omitempty"`    // assign_handler, acknowledge
	// Text is the reason (invalid, return, reopen, major), the measures, the
	// review opinion, the reply, the feedback or the note.
	Text string     `json:"text,omitempty"`
	Due  *time.Time `json:"due,omitempty"` // review: deadline for carrying out the measures
	// Reply (review) is the answer to the owner the specialist approves with
	// the measures: sent at once, or for a major complaint when the general
	// manager approves the measures (003: reply after approval).
	Reply string `json:"reply,omitempty"`

	Satisfied *bool `json:"satisfied,omitempty"` // feedback
	// Revisit scores 1–5 (verify).
	Timeliness   *int   `json:"timeliness,omitempty"`
	Satisfaction *int   `json:"satisfaction,omitempty"`
	Attitude     *int   `json:"attitude,omitempty"`
	Suggestions  string `json:"suggestions,omitempty"`

	Result           string `json:"result,omitempty"` // close
	CAPAReport       string `json:"capa_report,omitempty"`
	Responsibility   string `json:"responsibility,omitempty"` // quality_defect, improper_use, undetermined
	ResponsibleStaff string `json:"responsible_staff,omitempty"`
	Accountability   string `json:"accountability,omitempty"`

	Attachments []Attachment `json:"attachments,omitempty"` // add_info
}

// lowScore is the revisit satisfaction at or below which a case reopens.
func (s *Service) lowScore() int {
	if s.cfg.Revisit.LowScore > 0 {
		return s.cfg.Revisit.LowScore
	}
	return 2
}

func (s *Service) validateTransition(tr *Transition) error {
	r, ok := rules[tr.Action]
	if !ok {
		return invalidField("action", "unknown action %q", tr.Action)
	}
	for field, v := range map[string]string{"text": tr.Text, "reply": tr.Reply, "suggestions": tr.Suggestions,
		"result": tr.Result, "capa_report": tr.CAPAReport, "accountability": tr.Accountability} {
		if err := s.checkText(field, v, false); err != nil {
			return err
		}
	}
	switch r.needs {
	case "text":
		if strings.TrimSpace(tr.Text) == "" {
			return invalidField("text", "is required for %s", tr.Action)
		}
	case "department":
		if tr.Department == "" {
			return invalidField("department", "is required for %s", tr.Action)
		}
	case "handler":
		if tr.Handler == "" {
			return invalidField("handler", "is required for %s", tr.Action)
		}
	case "category":
		if tr.Category == "" {
			return invalidField("category", "is required for %s", tr.Action)
		}
	case "satisfied":
		if tr.Satisfied == nil {
			return invalidField("satisfied", "is required for feedback (true or false)")
		}
	case "satisfaction":
		if tr.Satisfaction == nil {
			return invalidField("satisfaction", "is required for verify (1–5)")
		}
	case "assisting":
		if tr.Department == "" && tr.Assisting == nil {
			return invalidField("department", "assist needs a department to add or remove, or the assisting departments")
		}
	case "finding":
		if tr.Responsibility == "" && strings.TrimSpace(tr.ResponsibleStaff+tr.Accountability+tr.CAPAReport) == "" {
			return invalidField("responsibility", "responsibility needs a finding, the responsible staff, the accountability or the CAPA report number")
		}
	case "text_or_attachment":
		if strings.TrimSpace(tr.Text) == "" && len(tr.Attachments) == 0 {
			return invalidField("text", "add_info needs text or attachments")
		}
	}
	if tr.Department != "" {
		if _, ok := s.cfg.Department(tr.Department); !ok {
			return invalidField("department", "unknown department %q", tr.Department)
		}
	}
	for i, d := range tr.Assisting {
		if _, ok := s.cfg.Department(d); !ok || d == tr.Department {
			return invalidField(fmt.Sprintf("assisting[%d]", i), "unknown department %q, or the lead department itself", d)
		}
	}
	for name, v := range map[string]*int{"timeliness": tr.Timeliness, "satisfaction": tr.Satisfaction, "attitude": tr.Attitude} {
		if v != nil && (*v < 1 || *v > 5) {
			return invalidField(name, "must be a score from 1 to 5")
		}
	}
	switch tr.Responsibility {
	case "", "quality_defect", "improper_use", "undetermined":
	default:
		return invalidField("responsibility", "must be quality_defect, improper_use or undetermined")
	}
	return nil
}

// Apply takes one action on the case with the given serial, as actor. Two
// people acting at once are serialised by the row lock: exactly one wins, the
// other learns who was first.
func (s *Service) Apply(ctx context.Context, a Actor, serial string, tr Transition) (*Case, error) {
	if err := s.validateTransition(&tr); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(t *tx) error {
		_, err := s.ApplyTx(ctx, t.Tx, t.now, a, serial, tr)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, serial)
}

// ApplyTx is Apply inside a caller's transaction; the caller validates with
// the same rules because ApplyTx validates again.
func (s *Service) ApplyTx(ctx context.Context, sx *sqlx.Tx, now time.Time, a Actor, serial string, tr Transition) (*Case, error) {
	if err := s.validateTransition(&tr); err != nil {
		return nil, err
	}
	t := &tx{Tx: sx, now: now.In(s.cal.Location())}
	var c Case
	err := t.GetContext(ctx, &c, q.CaseBySerialForUpdate, serial)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(CodeNotFound, "no case %q", serial)
	}
	if err != nil {
		return nil, fmt.Errorf("load case: %w", err)
	}
	if tr.ExpectedVersion != 0 && tr.ExpectedVersion != c.Version {
		return nil, errorf(CodeConflict, "case %s changed since you loaded it (version %d, now %d): reload and try again",
			c.Serial, tr.ExpectedVersion, c.Version)
	}
	history := func(act Action) *Event {
		var e Event
		if err := t.GetContext(ctx, &e, q.LastEventOfAction, c.ID, act); err != nil {
			return nil
		}
		return &e
	}
	if _, err := check(s.cfg, a, &c, tr.Action, history); err != nil {
		return nil, err
	}
	before := c
	before.Assisting = slices.Clone(c.Assisting)
	steps, err := s.effect(ctx, t, a, &c, tr)
	if err != nil {
		return nil, err
	}
	c.UpdatedAt = t.now
	res, err := t.NamedExec(q.UpdateCase, &c)
	if err != nil {
		return nil, fmt.Errorf("update case: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, errorf(CodeConflict, "case %s changed while you acted on it: reload and try again", c.Serial)
	}
	c.Version++
	if err := s.clockEffects(t, &before, &c, tr.Action, steps); err != nil {
		return nil, err
	}
	changes, _ := json.Marshal(diff(&before, &c, s.cal.Location()))
	note := tr.Text
	if tr.Action == ActVerify {
		note = tr.Suggestions
	}
	if err := t.event(&c, a, s.actorName(a), string(tr.Action), before.Status, c.Status, changes, note); err != nil {
		return nil, fmt.Errorf("event: %w", err)
	}
	if err := s.changed(ctx, t, Change{Action: string(tr.Action), Actor: a, Before: &before, Case: &c, Text: tr.Text}); err != nil {
		return nil, err
	}
	if err := s.escalateDispute(ctx, sx, now, tr.Action, &before, &c); err != nil {
		return nil, err
	}
	s.logAfterCommit(sx, "case transition", "serial", c.Serial, "action", tr.Action, "from", before.Status, "to", c.Status,
		"actor", a.ID)
	return s.replyApproved(ctx, sx, now, a, tr.Action, &c)
}

// replyApproved answers the owner with the reply approved with the measures
// as soon as nothing else stands between them: at the review itself, or
// when the general manager approves a major complaint's measures — by the
// specialist who wrote it, or by the system after the approval.
func (s *Service) replyApproved(ctx context.Context, sx *sqlx.Tx, now time.Time, a Actor, act Action, c *Case) (*Case, error) {
	if (act != ActReview && act != ActApprove) || c.Status != StatusReviewed || c.ReplyDraft == "" {
		return c, nil
	}
	if act == ActApprove {
		a = System
	}
	return s.ApplyTx(ctx, sx, now, a, c.Serial, Transition{Action: ActReply, Text: c.ReplyDraft})
}

// May reports whether a may take act on the case now, without taking it,
// and returns the case as it is: a form asks for an action's text only of
// someone who may take it. The answer can change before the action is
// taken; ApplyTx decides again.
func (s *Service) May(ctx context.Context, a Actor, serial string, act Action) (*Case, error) {
	c, err := s.Get(ctx, serial)
	if err != nil {
		return nil, err
	}
	return c, s.mayOn(a, c, act)
}

// mayOn is May for a case loaded with its events.
func (s *Service) mayOn(a Actor, c *Case, act Action) error {
	history := func(act Action) *Event {
		for i := len(c.Events) - 1; i >= 0; i-- {
			if c.Events[i].Action == string(act) {
				return &c.Events[i]
			}
		}
		return nil
	}
	_, err := check(s.cfg, a, c, act, history)
	return err
}

// clockSteps says what an action does to the clock.
type clockSteps struct {
	meet      []Step
	supersede []Step
	restart   bool // a (re-)dispatch: dispatch-based deadlines start anew
	reply     bool // a reopen: a new reply deadline
}

// effect changes the record as the action says and returns its clock steps.
func (s *Service) effect(ctx context.Context, t *tx, a Actor, c *Case, tr Transition) (clockSteps, error) {
	var cs clockSteps
	reopen := func(why string) {
		c.ReopenCount++
		c.ClosedAt = nil
		if c.Department != "" {
			c.Status = StatusDispatched
			cs.restart = true
		} else {
			c.Status = StatusReceived
		}
		cs.reply = true
		c.SpecialistOpinion = appendLine(c.SpecialistOpinion, "重新处理："+why) // the register shows it
	}
	switch tr.Action {
	case ActJudgeValid:
		c.Validity, c.ValidityReason, c.Status = ValidityValid, tr.Text, StatusValidated
		cs.meet = []Step{StepAcknowledge}
	case ActJudgeInvalid:
		c.Validity, c.ValidityReason, c.Status = ValidityInvalid, tr.Text, StatusInvalid
		c.ClosedAt = &t.now
		cs.meet = []Step{StepAcknowledge}
		cs.supersede = allSteps
	case ActDispatch:
		if c.Validity == ValidityPending {
			c.Validity = ValidityValid
		}
		c.Department, c.Assisting, c.Status = tr.Department, tr.Assisting, StatusDispatched
		if c.Assisting == nil {
			c.Assisting = []string{}
		}
		if tr.Text != "" {
			c.SpecialistOpinion = appendLine(c.SpecialistOpinion, tr.Text)
		}
		if tr.Handler != "" {
			if err := s.checkHandler(tr.Handler, c.Department); err != nil {
				return cs, err
			}
			c.Handler = tr.Handler
		}
		cs.meet = []Step{StepAcknowledge, StepDispatch}
		cs.restart = true
	case ActTransfer:
		if tr.Department == c.Department {
			return cs, invalidField("department", "case %s is already with %s", c.Serial, tr.Department)
		}
		c.Department, c.Handler, c.Status = tr.Department, "", StatusDispatched
		c.Assisting = slices.DeleteFunc(slices.Clone(c.Assisting), func(d string) bool { return d == tr.Department })
		cs.restart = true
	case ActAcknowledge:
		c.Status = StatusAcknowledged
		if tr.Handler != "" {
			if err := s.checkHandler(tr.Handler, c.Department); err != nil {
				return cs, err
			}
			c.Handler = tr.Handler
		} else if c.Handler == "" {
			c.Handler = a.ID
		}
		cs.meet = []Step{StepInvestigate}
	case ActAssignHandler:
		if err := s.checkHandler(tr.Handler, c.Department); err != nil {
			return cs, err
		}
		c.Handler = tr.Handler
	case ActInvestigate:
		c.Status = StatusInvestigating
	case ActProposeMeasures:
		c.Measures, c.Status = tr.Text, StatusMeasuresProposed
		cs.meet = []Step{StepInvestigate, StepMeasures}
	case ActReview:
		c.ReviewOpinion, c.ReviewDeadline = tr.Text, tr.Due
		c.ReplyDraft = strings.TrimSpace(tr.Reply)
		c.Status = StatusReviewed
		if c.Major {
			c.Status = StatusAwaitingApproval
		}
	case ActReturnMeasures:
		c.ReviewOpinion, c.Status = tr.Text, StatusInvestigating
		c.ReplyDraft = "" // the answer goes with the measures it was written for
	case ActApprove:
		c.ApprovedBy, c.Status = a.ID, StatusReviewed
		if tr.Text != "" {
			c.ReviewOpinion = appendLine(c.ReviewOpinion, tr.Text)
		}
	case ActReply:
		c.Reply, c.ReplyDraft, c.Status = tr.Text, "", StatusReplied
		cs.meet = []Step{StepReply}
	case ActFeedback:
		c.Feedback, c.FeedbackSatisfied = tr.Text, tr.Satisfied
		if *tr.Satisfied {
			c.Status = StatusFeedback
		} else {
			reopen("业主对答复不满意")
		}
	case ActVerify:
		c.VerifyTimeliness, c.VerifySatisfaction, c.VerifyAttitude = tr.Timeliness, tr.Satisfaction, tr.Attitude
		c.VerifySuggestions = tr.Suggestions
		if *tr.Satisfaction > s.lowScore() {
			c.Status = StatusVerified
		} else {
			reopen("业主回访不满意")
		}
	case ActClose:
		c.Status, c.ClosedAt = StatusClosed, &t.now
		c.Result = tr.Result
		if c.Result == "" {
			c.Result = tr.Text
		}
		s.setResponsibility(c, tr)
		cs.meet = []Step{StepMajor}
		cs.supersede = allSteps
	case ActArchive:
		c.Status = StatusArchived
	case ActReopen:
		reopen(tr.Text)
	case ActFlagMajor:
		if c.Major {
			return cs, errorf(CodeConflict, "case %s is already major: %s", c.Serial, c.MajorReason)
		}
		c.Major, c.MajorReason = true, tr.Text
	case ActAddInfo:
		if tr.Text != "" {
			c.Content = appendLine(c.Content, fmt.Sprintf("[补充 %s] %s", t.now.Format("2006-01-02 15:04"), tr.Text))
			if err := s.checkText("content", c.Content, true); err != nil {
				return cs, err
			}
		}
		for i, at := range tr.Attachments {
			if strings.TrimSpace(at.Ref) == "" {
				return cs, invalidField(fmt.Sprintf("attachments[%d].ref", i), "is required")
			}
			if err := t.addAttachment(c.ID, at, a.ID); err != nil {
				return cs, err
			}
		}
	case ActNote:
		// The note lives in the event.
	case ActResponsibility:
		s.setResponsibility(c, tr)
	case ActRequestPerson:
		c.NeedsPerson = true
	case ActReclassify:
		return cs, s.reclassify(c, tr)
	default:
		return s.pathsEffect(t, c, tr)
	}
	return cs, nil
}

func (s *Service) setResponsibility(c *Case, tr Transition) {
	if tr.CAPAReport != "" {
		c.CAPAReport = tr.CAPAReport
	}
	if tr.Responsibility != "" {
		c.Responsibility = tr.Responsibility
	}
	if tr.ResponsibleStaff != "" {
		c.ResponsibleStaff = tr.ResponsibleStaff
	}
	if tr.Accountability != "" {
		c.Accountability = tr.Accountability
	}
}

// checkHandler makes sure the named handler works in the department.
func (s *Service) checkHandler(id, dept string) error {
	ref, ok := s.cfg.StaffByID(id)
	if !ok {
		return invalidField("handler", "unknown staff member %q", id)
	}
	if ref.Department != dept && ref.Role != config.RoleGeneralManager {
		return invalidField("handler", "%s (%s) does not work in %s", ref.Staff.Name, id, dept)
	}
	return nil
}

var (
	allSteps      = []Step{StepAcknowledge, StepDispatch, StepInvestigate, StepMeasures, StepReply, StepMajor}
	dispatchSteps = []Step{StepInvestigate, StepMeasures}
)

func (s *Service) clockEffects(t *tx, before, c *Case, act Action, cs clockSteps) error {
	if err := t.meet(c.ID, cs.meet...); err != nil {
		return err
	}
	if len(cs.supersede) > 0 {
		if err := t.supersede(c.ID, cs.supersede...); err != nil {
			return err
		}
	}
	if cs.restart {
		if err := t.supersede(c.ID, dispatchSteps...); err != nil {
			return err
		}
		if err := t.addDeadlines(c.ID, s.policy.DispatchDeadlines(s.cal, t.now, c.Urgency.Urgent())); err != nil {
			return err
		}
	}
	if cs.reply {
		if err := t.supersede(c.ID, StepReply); err != nil {
			return err
		}
		for _, d := range s.policy.ReceiptDeadlines(s.cal, t.now, c.Urgency.Urgent()) {
			if d.Step == StepReply {
				if err := t.addDeadlines(c.ID, []Deadline{d}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func appendLine(s, line string) string {
	if s == "" {
		return line
	}
	return s + "\n" + line
}
