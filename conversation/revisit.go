package conversation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/heedhq/heed/cases/locks"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
)

// answers are a revisit's scores so far.
type answers struct {
	Timeliness   int `json:"t,omitempty"`
	Satisfaction int `json:"s,omitempty"`
	Attitude     int `json:"a,omitempty"`
}

// owner finds where to reach a case's owner: their channel, user and chat.
func ownerChat(ctx context.Context, tx *sqlx.Tx, c *cases.Case) (channel, user, chat string, ok bool, err error) {
	channel, user, found := strings.Cut(c.OwnerRef, ":")
	if !found {
		return "", "", "", false, nil
	}
	err = tx.GetContext(ctx, &chat, stmt.OwnerChat, channel, user)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", "", false, nil
	}
	return channel, user, chat, err == nil, err
}

// tell sends the owner of c one message, recorded in the transcript, and
// makes its choices the ones a numbered reply picks from.
func (e *Engine) tell(ctx context.Context, tx *sqlx.Tx, now time.Time, c *cases.Case, text string, choices []Choice) error {
	channel, user, chat, ok, err := ownerChat(ctx, tx, c)
	if err != nil || !ok {
		return err
	}
	if b, err := blocked(ctx, tx, c.OwnerRef); err != nil || b {
		return err // nothing reaches an owner who blocked heed
	}
	if choices == nil {
		choices = []Choice{}
	}
	ch, _ := json.Marshal(choices)
	// The new choices take the numbered replies from a survey's open question.
	if _, err := tx.ExecContext(ctx, stmt.Tell, channel, chat, text, now, string(ch), user, asks(choices)); err != nil {
		return err
	}
	return e.enqueue(ctx, tx, now, nil, []Outbound{{Channel: cases.Channel(channel), ChatID: chat, Text: text, Choices: choices}}, c.Serial)
}

func (e *Engine) scoreChoices(lang, question, serial string) []Choice {
	var cs []Choice
	// Ascending, as in surveys: a numbered reply is the score itself.
	for n := 1; n <= 5; n++ {
		cs = append(cs, Choice{Label: e.cat.text(lang, "score."+strconv.Itoa(n), nil), Data: Data(DataRevisit, question, strconv.Itoa(n), serial)})
	}
	return cs
}

// startRevisit decides whether a case is revisited — every valid case, or
// exactly the configured share of them in the order they come up — records
// the decision, and sends the first question.
func (e *Engine) startRevisit(ctx context.Context, tx *sqlx.Tx, now time.Time, c *cases.Case, intro string) error {
	selected, err := e.decideRevisit(ctx, tx, now, c)
	if err != nil || !selected {
		return err
	}
	text, choices := e.firstQuestion(c, intro)
	return e.tell(ctx, tx, now, c, text, choices)
}

func (e *Engine) firstQuestion(c *cases.Case, intro string) (string, []Choice) {
	lang := c.Language
	return e.cat.text(lang, intro, map[string]any{"Serial": c.Serial}) + "\n" + e.cat.text(lang, "revisit.q_timeliness", nil),
		e.scoreChoices(lang, "t", c.Serial)
}

// Why a case got no questionnaire (drawRevisit); "" when it got one.
const (
	skipNoChat    = "no_chat"   // invalid, or recorded for the owner by phone/at the desk: no chat to send to
	skipDone      = "decided"   // decided before: sent, answered, or skipped
	skipOptedOut  = "opted_out" // the owner said 退订: to be called instead
	skipBlocked   = "blocked"   // the owner blocked heed or unfollowed: to be called instead
	skipNotDrawn  = "not_drawn" // sampling passed it over
	revisitOptOut = "owner opted out (退订): to be called instead"
	revisitBlock  = "owner blocked the bot or unfollowed: to be called instead"
)

// decideRevisit records whether the case is revisited and reports it.
func (e *Engine) decideRevisit(ctx context.Context, tx *sqlx.Tx, now time.Time, c *cases.Case) (bool, error) {
	skip, err := e.drawRevisit(ctx, tx, now, c)
	return skip == "" && err == nil, err
}

// drawRevisit records whether the case is revisited; "" means it is, else
// why not.
func (e *Engine) drawRevisit(ctx context.Context, tx *sqlx.Tx, now time.Time, c *cases.Case) (string, error) {
	if c.Validity == cases.ValidityInvalid || c.OwnerRef == "" {
		return skipNoChat, nil
	}
	// One decision per case; concurrent deciders queue on the lock so the
	// sequence (and so the sampling) has no gaps.
	if _, err := tx.ExecContext(ctx, stmt.RevisitLock, locks.RevisitDraw); err != nil {
		return "", err
	}
	var exists bool
	if err := tx.GetContext(ctx, &exists, stmt.RevisitDecided, c.Serial); err != nil || exists {
		return skipDone, err
	}
	var seq int64
	if err := tx.GetContext(ctx, &seq, stmt.RevisitNextSeq); err != nil {
		return "", err
	}
	out, err := e.optedOut(ctx, tx, c)
	if err != nil {
		return "", err
	}
	if out != "" {
		reason := revisitOptOut
		if out == skipBlocked {
			reason = revisitBlock
		}
		_, err := tx.ExecContext(ctx, stmt.RevisitSkipped, c.Serial, seq, reason, now)
		return out, err
	}
	ratio := e.cfg.Revisit.Ratio
	if ratio <= 0 || ratio > 1 {
		ratio = 1
	}
	// Systematic sampling: the k-th case is drawn when ⌊k·r⌋ grows, so any n
	// consecutive cases hold ⌊n·r⌋ or ⌈n·r⌉ revisits — exactly 30 of 100 at 30 %.
	selected := math.Floor(float64(seq)*ratio+1e-9) > math.Floor(float64(seq-1)*ratio+1e-9)
	reason, skip := "", ""
	var sent *time.Time
	if selected {
		sent = &now
	} else {
		reason, skip = fmt.Sprintf("not drawn: revisit ratio %.0f%% (case %d of the sequence)", ratio*100, seq), skipNotDrawn
	}
	_, err = tx.ExecContext(ctx, stmt.RevisitDrawn, c.Serial, seq, selected, reason, sent, now)
	return skip, err
}

// optedOut says why no questionnaire may be sent to the owner of c:
// skipOptedOut (退订), skipBlocked (blocked heed), or "".
func (e *Engine) optedOut(ctx context.Context, tx *sqlx.Tx, c *cases.Case) (string, error) {
	var why string
	err := tx.GetContext(ctx, &why, stmt.OptedOut, c.OwnerRef, skipOptedOut, skipBlocked)
	return why, err
}

// revisitAnswer handles a pressed score ("rv:t:5:TS-…") and the free-text
// suggestions that end the questionnaire.
func (t *turn) revisitAnswer(parts []string) error {
	if len(parts) != 3 {
		return t.startIntake()
	}
	q, serial := parts[0], parts[2]
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 1 || n > 5 {
		return nil
	}
	if t.st.Revisit == nil || t.st.Serial != serial {
		t.st.Revisit, t.st.Serial = &answers{}, serial
	}
	switch q {
	case "t":
		t.st.Revisit.Timeliness = n
		t.say("revisit.q_satisfaction", nil, t.e.scoreChoices(t.lang, "s", serial)...)
	case "s":
		t.st.Revisit.Satisfaction = n
		t.say("revisit.q_attitude", nil, t.e.scoreChoices(t.lang, "a", serial)...)
	case "a":
		t.st.Revisit.Attitude = n
		t.st.Step = stepRevisitSuggest
		t.say("revisit.q_suggestions", nil, t.btn("skip", "skip"))
	}
	return nil
}

// finishRevisit fills the case's verification block from the answers.
func (t *turn) finishRevisit(suggestions string) error {
	a := t.st.Revisit
	serial := t.st.Serial
	if a == nil || a.Timeliness == 0 || a.Satisfaction == 0 || a.Attitude == 0 {
		t.reset()
		return t.startIntake()
	}
	tr := cases.Transition{Action: cases.ActVerify, Timeliness: &a.Timeliness, Satisfaction: &a.Satisfaction,
		Attitude: &a.Attitude, Suggestions: suggestions}
	c, err := t.e.svc.ApplyTx(t.ctx, t.tx, t.now, t.owner(), serial, tr)
	t.reset()
	if code := cases.ErrorCode(err); code == cases.CodeConflict || code == cases.CodeForbidden || code == cases.CodeNotFound {
		t.say("revisit.thanks", nil)
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(t.ctx, stmt.RevisitAnswered, serial, t.now); err != nil {
		return err
	}
	t.serial = serial
	if c.Status == cases.StatusDispatched {
		t.say("revisit.thanks_low", nil)
	} else {
		t.say("revisit.thanks", nil)
	}
	return nil
}

// feedback handles "problem solved?": yes ends in the revisit, no asks why
// and sends the case back to the department with the owner's words.
func (t *turn) feedback(parts []string) error {
	if len(parts) != 2 {
		return t.startIntake()
	}
	serial := parts[1]
	if parts[0] == "no" {
		t.reset()
		t.st.Step, t.st.Serial = stepFeedbackReason, serial
		t.say("feedback.reason_ask", nil)
		return nil
	}
	c, err := t.e.svc.ApplyTx(t.ctx, t.tx, t.now, t.owner(), serial, cases.Transition{Action: cases.ActFeedback, Satisfied: ptrTrue()})
	if code := cases.ErrorCode(err); code == cases.CodeConflict || code == cases.CodeForbidden || code == cases.CodeNotFound {
		t.say("feedback.thanks", nil)
		return nil
	}
	if err != nil {
		return err
	}
	t.serial = serial
	t.say("feedback.thanks", nil)
	selected, err := t.e.decideRevisit(t.ctx, t.tx, t.now, c)
	if err != nil || !selected {
		return err
	}
	text, choices := t.e.firstQuestion(c, "revisit.intro")
	t.replies = append(t.replies, Outbound{Channel: t.in.Channel, ChatID: t.in.ChatID, Text: text, Choices: choices})
	t.st.Choices = choices
	return nil
}

func (t *turn) feedbackReason(text string) error {
	serial := t.st.Serial
	t.reset()
	_, err := t.e.svc.ApplyTx(t.ctx, t.tx, t.now, t.owner(), serial, cases.Transition{Action: cases.ActFeedback,
		Satisfied: new(bool), Text: text})
	if code := cases.ErrorCode(err); code == cases.CodeConflict || code == cases.CodeForbidden || code == cases.CodeNotFound {
		t.say("feedback.thanks", nil)
		return nil
	}
	t.serial = serial
	return err // the reopening notice is the owner's answer
}

func ptrTrue() *bool { b := true; return &b }

// SweepRevisits moves revisits on with the clock, once even with several
// heed serve: cases answered but not commented on for revisit.feedback_wait
// get their questionnaire; unanswered questionnaires get one reminder
// after revisit.reminder_after, and after revisit.no_response_after more
// the owner goes on the call list.
func (e *Engine) SweepRevisits(ctx context.Context) error {
	// Working spans ("3wd") count through the business calendar, like the
	// clock's deadlines.
	cal := e.svc.Calendar()
	wait, remind, none := config.MustSpan(e.cfg.Revisit.FeedbackWait, "72h"), config.MustSpan(e.cfg.Revisit.ReminderAfter, "24h"),
		config.MustSpan(e.cfg.Revisit.NoResponseAfter, "48h")
	return e.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		due, err := e.revisitsDue(ctx, tx, cal.Sub(now, wait))
		if err != nil {
			return err
		}
		for i := range due {
			if err := e.startRevisit(ctx, tx, now, &due[i], "revisit.intro"); err != nil {
				return err
			}
		}
		if err := e.remindRevisits(ctx, tx, now, cal.Sub(now, remind)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, stmt.RevisitNoResponse, cal.Sub(now, none), now)
		return err
	})
}

// revisitsDue takes, locked, the cases answered at or before repliedBy
// whose revisit is not decided yet (at most 200 a sweep): the cases come
// from package cases, the decisions from revisits.
func (e *Engine) revisitsDue(ctx context.Context, tx *sqlx.Tx, repliedBy time.Time) ([]cases.Case, error) {
	replied, err := e.svc.RepliedBefore(ctx, tx, repliedBy)
	if err != nil || len(replied) == 0 {
		return nil, err
	}
	var undecided []string
	if err := tx.SelectContext(ctx, &undecided, stmt.RevisitUndecided, pq.Array(replied)); err != nil || len(undecided) == 0 {
		return nil, err
	}
	return e.svc.LockRepliedBefore(ctx, tx, undecided, repliedBy)
}

// remindRevisits sends the one reminder of the questionnaires sent at or
// before sentBy and not answered, but not to an owner who has since opted
// out or blocked heed (they are to be called instead).
func (e *Engine) remindRevisits(ctx context.Context, tx *sqlx.Tx, now, sentBy time.Time) error {
	var serials []string
	if err := tx.SelectContext(ctx, &serials, stmt.RevisitsToRemind, sentBy); err != nil {
		return err
	}
	for _, serial := range serials {
		c, err := e.svc.CaseIn(ctx, tx, serial)
		if err != nil {
			return err
		}
		out, err := e.optedOut(ctx, tx, c)
		if err != nil {
			return err
		}
		if out != "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, stmt.RevisitReminded, serial, now); err != nil {
			return err
		}
		lang := c.Language
		text := e.cat.text(lang, "revisit.reminder", map[string]any{"Serial": c.Serial}) + "\n" + e.cat.text(lang, "revisit.q_timeliness", nil)
		if err := e.tell(ctx, tx, now, c, text, e.scoreChoices(lang, "t", c.Serial)); err != nil {
			return err
		}
	}
	return nil
}

// NoResponse is an owner on the specialists' call list.
type NoResponse struct {
	Serial       string    `db:"serial" json:"serial"`
	CustomerName string    `db:"customer_name" json:"customer_name"`
	ContactPhone string    `db:"contact_phone" json:"contact_phone"`
	Category     string    `db:"category" json:"category"`
	SentAt       time.Time `db:"sent_at" json:"sent_at"`
}

// CallList is the owners who did not answer their revisit: the specialists
// call them.
func (e *Engine) CallList(ctx context.Context) ([]NoResponse, error) {
	db := e.svc.DB()
	var calls []struct {
		Serial string    `db:"serial"`
		SentAt time.Time `db:"sent_at"`
	}
	if err := db.SelectContext(ctx, &calls, stmt.CallList); err != nil {
		return nil, err
	}
	serials := make([]string, len(calls))
	for i, c := range calls {
		serials[i] = c.Serial
	}
	cs, err := e.svc.CasesBySerial(ctx, db, serials)
	if err != nil {
		return nil, err
	}
	bySerial := make(map[string]*cases.Case, len(cs))
	for i := range cs {
		bySerial[cs[i].Serial] = &cs[i]
	}
	out := []NoResponse{}
	for _, r := range calls {
		if c, ok := bySerial[r.Serial]; ok {
			out = append(out, NoResponse{Serial: c.Serial, CustomerName: c.CustomerName, ContactPhone: c.ContactPhone,
				Category: c.Category, SentAt: r.SentAt})
		}
	}
	return out, nil
}
