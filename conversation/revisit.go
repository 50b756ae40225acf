package conversation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

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
	err = tx.GetContext(ctx, &chat, `SELECT chat_id FROM conversations WHERE channel = $1 AND user_id = $2`, channel, user)
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
	if _, err := tx.ExecContext(ctx, `WITH c AS (UPDATE conversations SET data = jsonb_set(jsonb_set(jsonb_set(data, '{choices}', $5::jsonb), '{survey,asking}', 'false'), '{asks}', to_jsonb($7::boolean))
			WHERE channel = $1 AND user_id = $6 RETURNING 1)
		INSERT INTO transcript (channel, chat_id, sender, text, choices, at) VALUES ($1, $2, 'heed', $3, $5, $4)`,
		channel, chat, text, now, string(ch), user, asks(choices)); err != nil {
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
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7706)`); err != nil {
		return "", err
	}
	var exists bool
	if err := tx.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM revisits WHERE serial = $1)`, c.Serial); err != nil || exists {
		return skipDone, err
	}
	var seq int64
	if err := tx.GetContext(ctx, &seq, `SELECT coalesce(max(seq), 0) + 1 FROM revisits`); err != nil {
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
		_, err := tx.ExecContext(ctx, `INSERT INTO revisits (serial, seq, selected, skipped_reason, created_at) VALUES ($1, $2, false, $3, $4)`,
			c.Serial, seq, reason, now)
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
	_, err = tx.ExecContext(ctx, `INSERT INTO revisits (serial, seq, selected, skipped_reason, sent_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		c.Serial, seq, selected, reason, sent, now)
	return skip, err
}

// optedOut says why no questionnaire may be sent to the owner of c:
// skipOptedOut (退订), skipBlocked (blocked heed), or "".
func (e *Engine) optedOut(ctx context.Context, tx *sqlx.Tx, c *cases.Case) (string, error) {
	var why string
	err := tx.GetContext(ctx, &why, `SELECT coalesce((SELECT CASE WHEN opted_out THEN $2 WHEN blocked_at IS NOT NULL THEN $3 ELSE '' END
		FROM owner_profiles WHERE owner_ref = $1), '')`, c.OwnerRef, skipOptedOut, skipBlocked)
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
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE revisits SET answered_at = $2 WHERE serial = $1`, serial, t.now); err != nil {
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
		var due []cases.Case
		if err := tx.SelectContext(ctx, &due, `SELECT c.* FROM cases c
			WHERE c.status = 'replied' AND NOT EXISTS (SELECT 1 FROM revisits r WHERE r.serial = c.serial)
			  AND (SELECT max(at) FROM case_events e WHERE e.case_id = c.id AND e.action = 'reply') <= $1
			ORDER BY c.id LIMIT 200 FOR UPDATE SKIP LOCKED`, cal.Sub(now, wait)); err != nil {
			return err
		}
		for i := range due {
			if err := e.startRevisit(ctx, tx, now, &due[i], "revisit.intro"); err != nil {
				return err
			}
		}
		var reminders []cases.Case
		if err := tx.SelectContext(ctx, &reminders, `WITH r AS (
				SELECT v.serial FROM revisits v JOIN cases c ON c.serial = v.serial
				WHERE v.sent_at <= $1 AND v.reminded_at IS NULL AND v.answered_at IS NULL AND v.no_response_at IS NULL
				  AND NOT EXISTS (SELECT 1 FROM owner_profiles p WHERE p.owner_ref = c.owner_ref AND (p.opted_out OR p.blocked_at IS NOT NULL))
				FOR UPDATE OF v SKIP LOCKED)
			UPDATE revisits v SET reminded_at = $2 FROM r WHERE v.serial = r.serial RETURNING v.serial`, cal.Sub(now, remind), now); err == nil {
			for _, r := range reminders {
				c, err := e.caseTx(ctx, tx, r.Serial)
				if err != nil {
					return err
				}
				lang := c.Language
				text := e.cat.text(lang, "revisit.reminder", map[string]any{"Serial": c.Serial}) + "\n" + e.cat.text(lang, "revisit.q_timeliness", nil)
				if err := e.tell(ctx, tx, now, c, text, e.scoreChoices(lang, "t", c.Serial)); err != nil {
					return err
				}
			}
		} else {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE revisits SET no_response_at = $2 WHERE reminded_at <= $1
			AND answered_at IS NULL AND no_response_at IS NULL`, cal.Sub(now, none), now)
		return err
	})
}

func (e *Engine) caseTx(ctx context.Context, tx *sqlx.Tx, serial string) (*cases.Case, error) {
	var c cases.Case
	err := tx.GetContext(ctx, &c, `SELECT * FROM cases WHERE serial = $1`, serial)
	return &c, err
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
	out := []NoResponse{}
	err := e.svc.DB().SelectContext(ctx, &out, `SELECT c.serial, c.customer_name, c.contact_phone, c.category, r.sent_at
		FROM revisits r JOIN cases c ON c.serial = r.serial WHERE r.no_response_at IS NOT NULL AND r.answered_at IS NULL
		ORDER BY r.sent_at`)
	return out, err
}
