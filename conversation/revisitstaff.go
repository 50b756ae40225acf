package conversation

import (
	"context"
	"sort"
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
		if err := tx.GetContext(ctx, &sentBefore, stmt.RevisitSentAt, c.Serial); err != nil {
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
	if _, err := tx.ExecContext(ctx, stmt.RevisitResend, c.Serial, now); err != nil {
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
		due, err := e.revisitsNotSent(ctx, tx, since)
		if err != nil {
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

// revisitsNotSent takes, locked, the cases answered since then whose
// questionnaire was neither sent nor passed over (at most 1000 a batch):
// the cases come from package cases, the decisions from revisits.
func (e *Engine) revisitsNotSent(ctx context.Context, tx *sqlx.Tx, since time.Time) ([]cases.Case, error) {
	replied, err := e.svc.RepliedSince(ctx, tx, revisitable, since)
	if err != nil || len(replied) == 0 {
		return nil, err
	}
	var notSent []string
	if err := tx.SelectContext(ctx, &notSent, stmt.RevisitsNotSent, pq.Array(replied)); err != nil || len(notSent) == 0 {
		return nil, err
	}
	return e.svc.LockRepliedSince(ctx, tx, notSent, revisitable, since, 1000)
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
// The cases answered and not yet revisited come from package cases, their
// revisits from this package's table, joined here.
func (e *Engine) PendingRevisits(ctx context.Context) (RevisitsPending, error) {
	db := e.svc.DB()
	var p RevisitsPending
	open, err := e.svc.CasesInStatus(ctx, db, revisitable)
	if err != nil || len(open) == 0 {
		return p, err
	}
	serials := make([]string, len(open))
	for i, c := range open {
		serials[i] = c.Serial
	}
	var states []struct {
		Serial       string     `db:"serial"`
		Skipped      string     `db:"skipped_reason"`
		SentAt       *time.Time `db:"sent_at"`
		RemindedAt   *time.Time `db:"reminded_at"`
		AnsweredAt   *time.Time `db:"answered_at"`
		NoResponseAt *time.Time `db:"no_response_at"`
	}
	if err := db.SelectContext(ctx, &states, stmt.RevisitStates, pq.Array(serials)); err != nil {
		return p, err
	}
	byCase := make(map[string]int, len(states))
	for i, r := range states {
		byCase[r.Serial] = i
	}
	for _, c := range open { // in id order
		i, ok := byCase[c.Serial]
		if !ok {
			if c.OwnerRef != "" {
				p.NotYet++
			} else {
				p.ToCall = append(p.ToCall, c)
			}
			continue
		}
		r := states[i]
		if r.SentAt != nil && r.AnsweredAt == nil && r.NoResponseAt == nil {
			p.Waiting = append(p.Waiting, RevisitWaiting{Case: c, SentAt: *r.SentAt, RemindedAt: r.RemindedAt})
		}
		if c.OwnerRef == "" || r.AnsweredAt == nil && (r.NoResponseAt != nil || r.Skipped == revisitOptOut || r.Skipped == revisitBlock) {
			p.ToCall = append(p.ToCall, c)
		}
	}
	sort.SliceStable(p.Waiting, func(i, j int) bool { return p.Waiting[i].SentAt.Before(p.Waiting[j].SentAt) })
	return p, nil
}
