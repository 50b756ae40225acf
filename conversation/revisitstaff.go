package conversation

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/heedhq/heed/cases"
)

// The revisit survey as the complaint desk drives it by hand (/revisit,
// package notify/desk): the questionnaire sent now, a batch, the worklist.
// The desk words what came of it for the staff.

// RevisitOutcome is what came of a request to revisit a case.
type RevisitOutcome string

// Outcomes of RevisitNow and the reasons of RevisitBatch's calls.
const (
	RevisitNoCase     RevisitOutcome = "no_case"     // no case has the serial
	RevisitInvalid    RevisitOutcome = "invalid"     // an invalid complaint is not revisited
	RevisitDone       RevisitOutcome = "done"        // revisited already (verified, closed, archived)
	RevisitNotReplied RevisitOutcome = "not_replied" // not yet answered to the owner
	RevisitRecorded   RevisitOutcome = "recorded"    // recorded for the owner by staff: no chat to send in, call
	RevisitNoChat     RevisitOutcome = "no_chat"     // the owner's chat is not found: call
	RevisitOptedOut   RevisitOutcome = "opted_out"   // the owner said 退订: call
	RevisitBlocked    RevisitOutcome = "blocked"     // the owner blocked heed or unfollowed: call
	RevisitJustSent   RevisitOutcome = "just_sent"   // sent less than a minute ago: wait for the owner
	RevisitSent       RevisitOutcome = "sent"        // the questionnaire went out
	RevisitResent     RevisitOutcome = "resent"      // it went out again
)

// RevisitAsked is what came of RevisitNow.
type RevisitAsked struct {
	Outcome RevisitOutcome
	Case    *cases.Case // nil for RevisitNoCase
	Channel string      // the owner's chat's channel, once it is known
}

// revisitable are the statuses of a case answered to the owner and not yet
// revisited.
var revisitable = []cases.Status{cases.StatusReplied, cases.StatusFeedback}

// RevisitNow sends a case's questionnaire because a staff member asked, in
// the caller's transaction: also when sampling passed it over, again when
// it went unanswered (not twice within a minute).
func (e *Engine) RevisitNow(ctx context.Context, tx *sqlx.Tx, now time.Time, serial string) (RevisitAsked, error) {
	c, err := e.svc.CaseForUpdate(ctx, tx, serial)
	if cases.ErrorCode(err) == cases.CodeNotFound {
		return RevisitAsked{Outcome: RevisitNoCase}, nil
	}
	if err != nil {
		return RevisitAsked{}, err
	}
	out := RevisitAsked{Case: c}
	switch {
	case c.Status == cases.StatusInvalid || c.Validity == cases.ValidityInvalid:
		out.Outcome = RevisitInvalid
		return out, nil
	case c.Status == cases.StatusVerified || c.Status == cases.StatusClosed || c.Status == cases.StatusArchived:
		out.Outcome = RevisitDone
		return out, nil
	case c.Status != cases.StatusReplied && c.Status != cases.StatusFeedback:
		out.Outcome = RevisitNotReplied
		return out, nil
	case c.OwnerRef == "":
		out.Outcome = RevisitRecorded
		return out, nil
	}
	channel, _, _, ok, err := ownerChat(ctx, tx, c)
	if err != nil || !ok {
		out.Outcome = RevisitNoChat
		return out, err
	}
	out.Channel = channel
	skip, err := e.drawRevisit(ctx, tx, now, c)
	if err != nil {
		return out, err
	}
	if why, err := e.optedOut(ctx, tx, c); err != nil || why != "" {
		out.Outcome = RevisitOptedOut
		if why == skipBlocked {
			out.Outcome = RevisitBlocked
		}
		return out, err
	}
	var sentBefore *time.Time
	if skip == skipDone {
		if err := tx.GetContext(ctx, &sentBefore, `SELECT sent_at FROM revisits WHERE serial = $1`, c.Serial); err != nil {
			return out, err
		}
	}
	// Two specialists at once: one questionnaire a minute is enough.
	if sentBefore != nil && sentBefore.After(now.Add(-time.Minute)) {
		out.Outcome = RevisitJustSent
		return out, nil
	}
	// Drawn or not, sent or not before: it is sent now, and the reminder
	// and call-list clock start again from now.
	if _, err := tx.ExecContext(ctx, `UPDATE revisits SET selected = true, skipped_reason = '', sent_at = $2,
			reminded_at = NULL, no_response_at = NULL WHERE serial = $1`, c.Serial, now); err != nil {
		return out, err
	}
	text, choices := e.firstQuestion(c, "revisit.intro")
	if err := e.tell(ctx, tx, now, c, text, choices); err != nil {
		return out, err
	}
	out.Outcome = RevisitSent
	if sentBefore != nil {
		out.Outcome = RevisitResent
	}
	return out, nil
}

// RevisitCall is an owner to call instead of a questionnaire, and why.
type RevisitCall struct {
	Case cases.Case
	Why  RevisitOutcome // RevisitNoChat, RevisitOptedOut, RevisitBlocked, RevisitRecorded
}

// RevisitBatchDone is what RevisitBatch did.
type RevisitBatchDone struct {
	Since    time.Time
	Total    int // answered since then, not yet revisited
	Sent     int // questionnaires sent
	NotDrawn int // passed over by sampling
	Calls    []RevisitCall
}

// RevisitBatch sends the questionnaires of the cases answered since then
// that have none yet, sampled as configured.
func (e *Engine) RevisitBatch(ctx context.Context, since time.Time) (RevisitBatchDone, error) {
	var done RevisitBatchDone
	err := e.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		// The transaction may run again (a serialization failure or a
		// deadlock is retried): count this try only.
		done = RevisitBatchDone{Since: since}
		var due []cases.Case
		if err := tx.SelectContext(ctx, &due, `SELECT c.* FROM cases c
			WHERE c.status = ANY($1) AND NOT EXISTS (SELECT 1 FROM revisits r WHERE r.serial = c.serial AND (r.sent_at IS NOT NULL OR NOT r.selected))
			  AND (SELECT max(at) FROM case_events e WHERE e.case_id = c.id AND e.action = 'reply') >= $2
			ORDER BY c.id LIMIT 1000 FOR UPDATE SKIP LOCKED`, statusArray(revisitable), since); err != nil {
			return err
		}
		done.Total = len(due)
		for i := range due {
			c := &due[i]
			if c.OwnerRef != "" && c.Validity != cases.ValidityInvalid {
				if _, _, _, ok, err := ownerChat(ctx, tx, c); err != nil {
					return err
				} else if !ok {
					done.Calls = append(done.Calls, RevisitCall{*c, RevisitNoChat})
					continue
				}
			}
			skip, err := e.drawRevisit(ctx, tx, now, c)
			if err != nil {
				return err
			}
			switch skip {
			case "":
				text, choices := e.firstQuestion(c, "revisit.intro")
				if err := e.tell(ctx, tx, now, c, text, choices); err != nil {
					return err
				}
				done.Sent++
			case skipNotDrawn:
				done.NotDrawn++
			case skipOptedOut:
				done.Calls = append(done.Calls, RevisitCall{*c, RevisitOptedOut})
			case skipBlocked:
				done.Calls = append(done.Calls, RevisitCall{*c, RevisitBlocked})
			case skipNoChat:
				done.Calls = append(done.Calls, RevisitCall{*c, RevisitRecorded})
			}
		}
		return nil
	})
	return done, err
}

// RevisitWaiting is a questionnaire sent and not answered.
type RevisitWaiting struct {
	cases.Case
	SentAt     time.Time  `db:"sent_at"`
	RemindedAt *time.Time `db:"reminded_at"`
}

// RevisitsPending is the specialist's revisit worklist.
type RevisitsPending struct {
	Waiting []RevisitWaiting // questionnaires waiting for an answer
	// ToCall: owners who did not answer, who opted out, or whom no chat
	// reaches (recorded by phone or at the desk).
	ToCall []cases.Case
	NotYet int // answered cases whose questionnaire is not due yet
}

// PendingRevisits is the worklist: questionnaires waiting for an answer,
// owners to call, and answered cases whose questionnaire is not due yet.
func (e *Engine) PendingRevisits(ctx context.Context) (RevisitsPending, error) {
	db := e.svc.DB()
	var p RevisitsPending
	if err := db.SelectContext(ctx, &p.Waiting, `SELECT c.*, r.sent_at, r.reminded_at FROM revisits r JOIN cases c ON c.serial = r.serial
		WHERE r.sent_at IS NOT NULL AND r.answered_at IS NULL AND r.no_response_at IS NULL AND c.status = ANY($1)
		ORDER BY r.sent_at`, statusArray(revisitable)); err != nil {
		return p, err
	}
	if err := db.SelectContext(ctx, &p.ToCall, `SELECT c.* FROM cases c LEFT JOIN revisits r ON r.serial = c.serial
		WHERE c.status = ANY($1) AND (c.owner_ref = '' OR r.answered_at IS NULL AND (r.no_response_at IS NOT NULL OR r.skipped_reason = ANY($2)))
		ORDER BY c.id`, statusArray(revisitable), pq.Array([]string{revisitOptOut, revisitBlock})); err != nil {
		return p, err
	}
	if err := db.GetContext(ctx, &p.NotYet, `SELECT count(*) FROM cases c WHERE c.status = ANY($1) AND c.owner_ref <> ''
		AND NOT EXISTS (SELECT 1 FROM revisits r WHERE r.serial = c.serial)`, statusArray(revisitable)); err != nil {
		return p, err
	}
	return p, nil
}

func statusArray(ss []cases.Status) any {
	a := make([]string, len(ss))
	for i, s := range ss {
		a[i] = string(s)
	}
	return pq.Array(a)
}
