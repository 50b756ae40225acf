package cases

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/config"
)

// The procedure's side paths: assisting departments (002), the developer's
// defects (004 §7.2.4), a disputed result (003 §5.6).
const (
	ActAssist          Action = "assist"           // specialist: add or remove an assisting department (协办)
	ActReferDeveloper  Action = "refer_developer"  // specialist: 开发商遗留问题, invalid for the company, forwarded
	ActDeveloperRemind Action = "developer_remind" // system: the developer has not answered yet
	ActDeveloperAnswer Action = "developer_answer" // specialist: the developer's answer, relayed to the owner
	ActHeadOffice      Action = "head_office"      // the owner disputes the result: escalated to head office
)

// Responsibility findings (责任界定).
var Responsibilities = []string{"quality_defect", "improper_use", "undetermined"}

// pathsEffect is what the side paths' actions do to the record.
func (s *Service) pathsEffect(t *tx, c *Case, tr Transition) (clockSteps, error) {
	var cs clockSteps
	switch tr.Action {
	case ActAssist:
		if tr.Department == "" { // the assisting departments as chosen
			c.Assisting = []string{}
			for _, d := range tr.Assisting {
				if d != c.Department && !slices.Contains(c.Assisting, d) {
					c.Assisting = append(c.Assisting, d)
				}
			}
			break
		}
		if tr.Department == c.Department {
			return cs, invalidField("department", "%s is the lead department of case %s", tr.Department, c.Serial)
		}
		if i := slices.Index(c.Assisting, tr.Department); i >= 0 {
			c.Assisting = slices.Delete(slices.Clone(c.Assisting), i, i+1)
		} else {
			c.Assisting = append(slices.Clone(c.Assisting), tr.Department)
		}
	case ActReferDeveloper:
		c.Validity, c.ValidityReason, c.Status = ValidityInvalid, tr.Text, StatusInvalid
		c.ClosedAt, c.DeveloperReferredAt = &t.now, &t.now
		cs.meet = []Step{StepAcknowledge}
		cs.supersede = allSteps
	case ActDeveloperRemind:
		if c.DeveloperReferredAt == nil || c.DeveloperAnsweredAt != nil {
			return cs, errorf(CodeConflict, "case %s waits for no answer of the developer", c.Serial)
		}
		c.DeveloperRemindedAt = &t.now
	case ActDeveloperAnswer:
		if c.DeveloperReferredAt == nil {
			return cs, errorf(CodeConflict, "case %s was not referred to the developer", c.Serial)
		}
		c.DeveloperAnswer, c.DeveloperAnsweredAt = strings.TrimSpace(tr.Text), &t.now
	case ActHeadOffice:
		if c.HeadOfficeAt != nil {
			return cs, errorf(CodeConflict, "case %s went to head office at %s", c.Serial,
				c.HeadOfficeAt.In(s.cal.Location()).Format("2006-01-02 15:04"))
		}
		c.HeadOfficeAt, c.Dispute = &t.now, strings.TrimSpace(tr.Text)
	}
	return cs, nil
}

// disputed says whether the owner's answer that just reopened c disputes
// the result: the closing.dispute_after-th 不满意 with the same case.
func (s *Service) disputed(act Action, before, c *Case) bool {
	n := s.cfg.Closing.DisputeAfter
	if n <= 0 || c.HeadOfficeAt != nil || (act != ActFeedback && act != ActVerify) {
		return false
	}
	return c.ReopenCount > before.ReopenCount && c.ReopenCount >= n
}

// escalateDispute sends a case the owner disputes to head office, after the
// reopening that the dispute also is (the department handles it again).
func (s *Service) escalateDispute(ctx context.Context, sx *sqlx.Tx, now time.Time, act Action, before, c *Case) error {
	if !s.disputed(act, before, c) {
		return nil
	}
	why := strings.TrimSpace(c.Feedback)
	if act == ActVerify && c.VerifySuggestions != "" {
		why = c.VerifySuggestions
	}
	text := fmt.Sprintf("业主第 %d 次对处理结果表示不满意", c.ReopenCount)
	if why != "" {
		text += "：" + why
	}
	_, err := s.ApplyTx(ctx, sx, now, System, c.Serial, Transition{Action: ActHeadOffice, Text: text})
	return err
}

// SweepPaths moves the side paths on with the clock, once even with several
// heed serve: cases the owner was satisfied with at the revisit close after
// closing.after_verified, and the developer gets a reminder every
// developer.follow_up until it answers.
func (s *Service) SweepPaths(ctx context.Context) (closed, reminded int, err error) {
	closeAfter, closeOn := s.span(s.cfg.Closing.AfterVerified)
	follow, followOn := s.span(s.cfg.Developer.FollowUp)
	err = s.inTx(ctx, func(t *tx) error {
		closed, reminded = 0, 0
		if closeOn {
			var due []struct {
				Serial     string    `db:"serial"`
				VerifiedAt time.Time `db:"verified_at"`
			}
			if err := t.SelectContext(ctx, &due, q.SweepVerified); err != nil {
				return fmt.Errorf("sweep closing: %w", err)
			}
			for _, d := range due {
				if s.cal.Add(d.VerifiedAt, closeAfter).After(t.now) {
					continue
				}
				if _, err := s.ApplyTx(ctx, t.Tx, t.now, System, d.Serial, Transition{Action: ActClose,
					Result: "回访满意，自动闭合"}); err != nil {
					return err
				}
				closed++
			}
		}
		if followOn {
			var due []struct {
				Serial string    `db:"serial"`
				Since  time.Time `db:"since"`
			}
			if err := t.SelectContext(ctx, &due, q.SweepDeveloper); err != nil {
				return fmt.Errorf("sweep developer: %w", err)
			}
			for _, d := range due {
				if s.cal.Add(d.Since, follow).After(t.now) {
					continue
				}
				if _, err := s.ApplyTx(ctx, t.Tx, t.now, System, d.Serial, Transition{Action: ActDeveloperRemind}); err != nil {
					return err
				}
				reminded++
			}
		}
		return nil
	})
	return closed, reminded, err
}

// span reads a configured span; "off" or nothing turns its sweep off.
func (s *Service) span(spec string) (Span, bool) {
	if spec == "" || spec == "off" {
		return Span{}, false
	}
	sp, err := config.ParseSpan(spec)
	return sp, err == nil
}

// ArchiveClosed archives the cases closed (or closed as invalid) before the
// given time, as actor: the register keeps them, the desk stops showing
// them. It returns the serials archived; a case someone else is acting on
// waits for the next run.
func (s *Service) ArchiveClosed(ctx context.Context, a Actor, before time.Time) ([]string, error) {
	var done []string
	err := s.inTx(ctx, func(t *tx) error {
		done = nil
		var serials []string
		if err := t.SelectContext(ctx, &serials, q.ClosedBefore, before); err != nil {
			return fmt.Errorf("archive: %w", err)
		}
		for _, serial := range serials {
			if _, err := s.ApplyTx(ctx, t.Tx, t.now, a, serial, Transition{Action: ActArchive}); err != nil {
				return err
			}
			done = append(done, serial)
		}
		return nil
	})
	return done, err
}
