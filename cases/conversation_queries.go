package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// What the conversation engine asks of cases (issue 14: every table has one
// owner). The owner's side reads cases in its own transactions through these
// functions, never through SQL of its own, so that the statuses, steps and
// actions they name stay this package's. Their statements are the
// "-- conversation" block of queries.sql. db is the database or a transaction.

// conversationQ are the statements of the "-- conversation" block.
var conversationQ struct {
	OwnerCases        string `sql:"owner-cases"`
	IsOwnersCase      string `sql:"is-owners-case"`
	OpenDeadline      string `sql:"open-deadline"`
	CasesBySerial     string `sql:"cases-by-serial"`
	RepliedBefore     string `sql:"replied-before"`
	LockRepliedBefore string `sql:"lock-replied-before"`
	CommunityOwners   string `sql:"community-owners"`
	Revisitable       string `sql:"revisitable"`
}

func init() { querySets = append(querySets, &conversationQ) }

// OwnerCase is one of an owner's cases as the owner's progress answer
// lists it.
type OwnerCase struct {
	Serial   string `db:"serial"`
	Category string `db:"category"`
	Status   Status `db:"status"`
	// Next is the earliest deadline still open (the major escalation
	// aside), in the calendar's zone; nil when none is.
	Next *time.Time `db:"next"`
}

// OwnerCases lists an owner's latest ten cases, newest first; with
// openOnly, only those still open (Status.Open).
func (s *Service) OwnerCases(ctx context.Context, db sqlx.QueryerContext, ownerRef string, openOnly bool) ([]OwnerCase, error) {
	var out []OwnerCase
	err := sqlx.SelectContext(ctx, db, &out, conversationQ.OwnerCases, ownerRef, openOnly, StepMajor, statusNames(openStatuses()))
	if err != nil {
		return nil, fmt.Errorf("owner cases: %w", err)
	}
	for i := range out {
		if out[i].Next != nil {
			at := out[i].Next.In(s.cal.Location())
			out[i].Next = &at
		}
	}
	return out, nil
}

// IsOwnersCase reports whether serial names a case of the owner ownerRef.
func (s *Service) IsOwnersCase(ctx context.Context, db sqlx.QueryerContext, serial, ownerRef string) (bool, error) {
	var own bool
	err := sqlx.GetContext(ctx, db, &own, conversationQ.IsOwnersCase, serial, ownerRef)
	return own, err
}

// OpenDeadline is the earliest deadline of step that a case has still
// open (neither met nor superseded), in the calendar's zone; ok is false
// when there is none.
func (s *Service) OpenDeadline(ctx context.Context, db sqlx.QueryerContext, caseID int64, step Step) (due time.Time, ok bool, err error) {
	var at *time.Time
	if err := sqlx.GetContext(ctx, db, &at, conversationQ.OpenDeadline, caseID, step); err != nil {
		return time.Time{}, false, fmt.Errorf("open deadline: %w", err)
	}
	if at == nil {
		return time.Time{}, false, nil
	}
	return at.In(s.cal.Location()), true, nil
}

// CaseIn reads a case as stored through db, without its attachments,
// links, deadlines and events (Get reads those too).
func (s *Service) CaseIn(ctx context.Context, db sqlx.QueryerContext, serial string) (*Case, error) {
	var c Case
	err := sqlx.GetContext(ctx, db, &c, q.CaseBySerial, serial)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(CodeNotFound, "no case %q", serial)
	}
	if err != nil {
		return nil, fmt.Errorf("get case: %w", err)
	}
	return &c, nil
}

// CasesBySerial reads the cases of these serials that exist, as stored, in
// no particular order.
func (s *Service) CasesBySerial(ctx context.Context, db sqlx.QueryerContext, serials []string) ([]Case, error) {
	var out []Case
	if err := sqlx.SelectContext(ctx, db, &out, conversationQ.CasesBySerial, pqArray(serials)); err != nil {
		return nil, fmt.Errorf("cases by serial: %w", err)
	}
	return out, nil
}

// RepliedBefore lists the serials of the cases answered to their owner
// (replied, the owner's word still to come) whose answer went out at or
// before before, oldest case first.
func (s *Service) RepliedBefore(ctx context.Context, db sqlx.QueryerContext, before time.Time) ([]string, error) {
	var out []string
	if err := sqlx.SelectContext(ctx, db, &out, conversationQ.RepliedBefore, StatusReplied, ActReply, before); err != nil {
		return nil, fmt.Errorf("replied cases: %w", err)
	}
	return out, nil
}

// LockRepliedBefore takes those of the given cases that are still as
// RepliedBefore found them, locked for update in id order. A case another
// transaction holds is left to it (SKIP LOCKED): of several heed serve
// sweeping at once, each case goes to one.
func (s *Service) LockRepliedBefore(ctx context.Context, tx *sqlx.Tx, serials []string, before time.Time) ([]Case, error) {
	var out []Case
	if err := tx.SelectContext(ctx, &out, conversationQ.LockRepliedBefore, StatusReplied, ActReply, before, pqArray(serials)); err != nil {
		return nil, fmt.Errorf("lock replied cases: %w", err)
	}
	return out, nil
}

// CommunityOwners lists the chat identities ("telegram:12345") of the
// owners of a community's cases; cases recorded for someone not on a chat
// channel have none.
func (s *Service) CommunityOwners(ctx context.Context, db sqlx.QueryerContext, community string) ([]string, error) {
	var out []string
	if err := sqlx.SelectContext(ctx, db, &out, conversationQ.CommunityOwners, community); err != nil {
		return nil, fmt.Errorf("community owners: %w", err)
	}
	return out, nil
}

func statusNames(ss []Status) any {
	names := make([]string, len(ss))
	for i, st := range ss {
		names[i] = string(st)
	}
	return pqArray(names)
}

// Revisitable lists the cases answered to their owner and not yet
// revisited (replied, or the owner's word given), oldest first, at most
// limit: those the revisit worklist is about.
func (s *Service) Revisitable(ctx context.Context, db sqlx.QueryerContext, limit int) ([]Case, error) {
	var out []Case
	if err := sqlx.SelectContext(ctx, db, &out, conversationQ.Revisitable, statusNames([]Status{StatusReplied, StatusFeedback}), limit); err != nil {
		return nil, fmt.Errorf("revisitable cases: %w", err)
	}
	return out, nil
}
