package conversation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/heedhq/heed/cases"
)

// The revisit as the complaint desk works it at a screen (bots/console
// through notify/desk): the worklist of every case due for its revisit
// with where it stands, and the owner's answers taken on the phone.

// RevisitState is where a case's revisit stands.
type RevisitState string

// The states of the worklist.
const (
	// RevisitStateNotAsked: answered to the owner; the questionnaire goes
	// out after revisit.feedback_wait (or at once with /revisit).
	RevisitStateNotAsked RevisitState = "not_asked"
	// RevisitStateAsked: the questionnaire is out on chat, not answered yet.
	RevisitStateAsked RevisitState = "asked"
	// RevisitStateNoAnswer: asked and reminded, no answer in time: to call.
	RevisitStateNoAnswer RevisitState = "no_answer"
	// RevisitStateCall: no chat reaches the owner — recorded by staff, the
	// owner said 退订 or blocked heed: to call.
	RevisitStateCall RevisitState = "call"
	// RevisitStateNotDrawn: sampling (revisit.ratio) passed it over.
	RevisitStateNotDrawn RevisitState = "not_drawn"
	// RevisitStateAnswered: the owner answered, on chat or on the phone.
	RevisitStateAnswered RevisitState = "answered"
)

// RevisitItem is one case of the worklist.
type RevisitItem struct {
	Case  cases.Case
	State RevisitState
	// Why a call (RevisitStateCall): RevisitRecorded, RevisitOptedOut or
	// RevisitBlocked.
	Why                            RevisitOutcome
	SentAt, RemindedAt, AnsweredAt *time.Time
	Via                            string // how it was answered: chat, phone
	By                             string // the staff member who took a phone answer
}

// ToCall says whether a specialist is to phone the owner.
func (i RevisitItem) ToCall() bool {
	return i.State == RevisitStateNoAnswer || i.State == RevisitStateCall
}

// revisitRow is a revisits row as the worklist reads it.
type revisitRow struct {
	Serial        string     `db:"serial"`
	Selected      bool       `db:"selected"`
	SkippedReason string     `db:"skipped_reason"`
	SentAt        *time.Time `db:"sent_at"`
	RemindedAt    *time.Time `db:"reminded_at"`
	AnsweredAt    *time.Time `db:"answered_at"`
	NoResponseAt  *time.Time `db:"no_response_at"`
	Via           string     `db:"answered_via"`
	By            string     `db:"answered_by"`
}

// MaxWorklist bounds the cases the worklist reads, the oldest first: a
// desk has far fewer answered and unrevisited at once (a page showing that
// many says the list is cut).
const MaxWorklist = 1000

// RevisitWorklist is every case due for its revisit — answered to the
// owner and not yet revisited (the procedure revisits every valid case) —
// with where its revisit stands, oldest case first, then the revisits
// answered since answeredSince, latest first.
func (e *Engine) RevisitWorklist(ctx context.Context, answeredSince time.Time) ([]RevisitItem, error) {
	db := e.svc.DB()
	open, err := e.svc.Revisitable(ctx, db, MaxWorklist)
	if err != nil {
		return nil, err
	}
	serials := make([]string, len(open))
	for i, c := range open {
		serials[i] = c.Serial
	}
	var rows []revisitRow
	if err := sqlx.SelectContext(ctx, db, &rows, stmt.RevisitRows, pq.Array(serials), answeredSince); err != nil {
		return nil, fmt.Errorf("revisit worklist: %w", err)
	}
	bySerial := make(map[string]revisitRow, len(rows))
	for _, r := range rows {
		bySerial[r.Serial] = r
	}
	out := make([]RevisitItem, 0, len(open))
	inOpen := make(map[string]bool, len(open))
	for _, c := range open {
		inOpen[c.Serial] = true
		out = append(out, worklistItem(c, bySerial[c.Serial]))
	}
	var done []string
	for _, r := range rows {
		if !inOpen[r.Serial] && r.AnsweredAt != nil && !r.AnsweredAt.Before(answeredSince) {
			done = append(done, r.Serial)
		}
	}
	answered, err := e.svc.CasesBySerial(ctx, db, done)
	if err != nil {
		return nil, err
	}
	items := make([]RevisitItem, len(answered))
	for i, c := range answered {
		items[i] = worklistItem(c, bySerial[c.Serial])
	}
	// Latest answer first.
	slices.SortFunc(items, func(a, b RevisitItem) int { return b.AnsweredAt.Compare(*a.AnsweredAt) })
	return append(out, items...), nil
}

// worklistItem says where the revisit of c stands, from its revisits row
// (the zero row when it has none).
func worklistItem(c cases.Case, r revisitRow) RevisitItem {
	it := RevisitItem{Case: c, SentAt: r.SentAt, RemindedAt: r.RemindedAt, AnsweredAt: r.AnsweredAt, Via: r.Via, By: r.By}
	switch {
	case r.AnsweredAt != nil:
		it.State = RevisitStateAnswered
	case c.OwnerRef == "":
		it.State, it.Why = RevisitStateCall, RevisitRecorded
	case r.SkippedReason == revisitOptOut:
		it.State, it.Why = RevisitStateCall, RevisitOptedOut
	case r.SkippedReason == revisitBlock:
		it.State, it.Why = RevisitStateCall, RevisitBlocked
	case r.Serial == "":
		it.State = RevisitStateNotAsked
	case !r.Selected:
		it.State = RevisitStateNotDrawn
	case r.NoResponseAt != nil:
		it.State = RevisitStateNoAnswer
	default:
		it.State = RevisitStateAsked
	}
	return it
}

// PhoneRevisit is the owner's answers to the revisit questionnaire, taken
// on the phone: the same questions as on chat.
type PhoneRevisit struct {
	Timeliness, Satisfaction, Attitude int // 1–5
	Suggestions                        string
}

// RecordPhoneRevisit stores the answers an owner gave on the phone, taken
// by actor (a specialist), in the caller's transaction: the case's
// verification block is filled as the owner's own answers on chat fill it
// — under the same rules: a satisfaction at or below revisit.low_score
// reopens the case to its department — and the revisit is recorded as
// answered on the phone by actor. A case already revisited is a
// cases.Error (CodeConflict) naming who did it and when, so a form sent
// twice stores nothing twice.
func (e *Engine) RecordPhoneRevisit(ctx context.Context, tx *sqlx.Tx, now time.Time, actor cases.Actor, serial string, a PhoneRevisit) (*cases.Case, error) {
	for _, s := range []struct {
		field string
		v     int
	}{{"timeliness", a.Timeliness}, {"satisfaction", a.Satisfaction}, {"attitude", a.Attitude}} {
		if s.v < 1 || s.v > 5 {
			return nil, &cases.Error{Code: cases.CodeInvalid, Field: s.field, Message: s.field + ": a score from 1 to 5 is required"}
		}
	}
	c, err := e.svc.ApplyTx(ctx, tx, now, actor, serial, cases.Transition{Action: cases.ActVerify, Timeliness: &a.Timeliness,
		Satisfaction: &a.Satisfaction, Attitude: &a.Attitude, Suggestions: strings.TrimSpace(a.Suggestions)})
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, stmt.RevisitPhone, serial, now, actor.ID); err != nil {
		return nil, err
	}
	return c, nil
}

// RevisitQuestions are the revisit's scored questions as an owner is asked
// them in lang — timeliness, satisfaction, attitude, each 1–5 — and the
// names of the scores 1…5: what a specialist reads out on the phone (the
// fourth, suggestions, is free text).
func (e *Engine) RevisitQuestions(lang string) (questions [3]string, scores [5]string) {
	for i, k := range []string{"revisit.q_timeliness", "revisit.q_satisfaction", "revisit.q_attitude"} {
		questions[i] = e.cat.text(lang, k, nil)
	}
	for n := 1; n <= 5; n++ {
		scores[n-1] = e.cat.text(lang, fmt.Sprintf("score.%d", n), nil)
	}
	return questions, scores
}
