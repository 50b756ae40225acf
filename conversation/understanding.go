package conversation

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/conversation/understand"
)

// What the conversation does with what heed understood (issue 10): a
// message that is no complaint gets the answer a desk would give; a
// possible emergency the rules did not find asks the owner one question;
// an unsure category offers the likeliest ones; a category an owner or a
// staff member corrects is kept, and heed learns from it.

const stepDanger = "danger" // "is anyone in danger now?"

// und is the engine's current understanding (swapped by Retrain).
func (e *Engine) und() *understand.Understander { return e.u.Load() }

// newUnderstander trains on the configuration and the corrections kept.
func (e *Engine) newUnderstander(ctx context.Context) (*understand.Understander, error) {
	corr, err := e.corrections(ctx)
	if err != nil {
		return nil, err
	}
	return understand.NewWithCorrections(e.cfg, corr)
}

// corrections reads every correction in id order: every heed that
// retrains from the same table learns the same model.
func (e *Engine) corrections(ctx context.Context) ([]understand.Correction, error) {
	var rows []struct {
		Text     string `db:"text"`
		Category string `db:"category"`
		Staff    bool   `db:"staff"`
	}
	if err := e.svc.DB().SelectContext(ctx, &rows, stmt.CorrectionsToLearn); err != nil {
		return nil, fmt.Errorf("understanding corrections: %w", err)
	}
	out := make([]understand.Correction, len(rows))
	for i, r := range rows {
		out[i] = understand.Correction{Text: r.Text, Category: r.Category, Staff: r.Staff}
	}
	return out, nil
}

// Retrain learns again from the configuration, the corpus and every
// correction kept, and replaces the understanding in use.
func (e *Engine) Retrain(ctx context.Context) error {
	u, err := e.newUnderstander(ctx)
	if err != nil {
		return err
	}
	e.u.Store(u)
	return nil
}

// RetrainEvery retrains every interval until ctx ends.
func (e *Engine) RetrainEvery(ctx context.Context, interval time.Duration, log *slog.Logger) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := e.Retrain(ctx); err != nil && ctx.Err() == nil {
				log.Error("understanding: retraining failed", "err", err)
			}
		}
	}
}

// Correction is one kept correction, for `heed classify --corrections`.
type Correction struct {
	Text     string    `db:"text"`
	Category string    `db:"category"`
	Staff    bool      `db:"staff"`
	Actor    string    `db:"actor"`
	Serial   string    `db:"serial"`
	At       time.Time `db:"created_at"`
}

// Corrections lists every correction kept, oldest first.
func Corrections(ctx context.Context, db *sqlx.DB) ([]Correction, error) {
	if err := loadQueries(); err != nil {
		return nil, err
	}
	var out []Correction
	err := db.SelectContext(ctx, &out, stmt.Corrections)
	return out, err
}

func recordCorrection(ctx context.Context, tx *sqlx.Tx, now time.Time, text, category string, staff bool, actor, serial string) error {
	if strings.TrimSpace(text) == "" || category == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, stmt.RecordCorrection, text, category, staff, actor, serial, now)
	return err
}

// StaffCorrected keeps a staff member's change of a case's category: a
// reclassification, or a transfer to the department of exactly one
// category.
func (e *Engine) StaffCorrected(ctx context.Context, tx *sqlx.Tx, now time.Time, ch cases.Change) error {
	if ch.Before == nil || ch.Actor.Kind != cases.ActorStaff {
		return nil
	}
	final := ""
	switch {
	case ch.Case.Category != ch.Before.Category:
		final = ch.Case.Category
	case ch.Action == string(cases.ActTransfer) && ch.Case.Department != ch.Before.Department:
		var ids []string
		for _, c := range e.cfg.Categories {
			if c.Department == ch.Case.Department {
				ids = append(ids, c.ID)
			}
		}
		if len(ids) == 1 && ids[0] != ch.Case.Category {
			final = ids[0]
		}
	}
	if final == "" {
		return nil
	}
	return recordCorrection(ctx, tx, now, ch.Case.Content, final, true, ch.Actor.ID, ch.Case.Serial)
}

// ownerPicked keeps an owner's choice of another category than heed
// proposed.
func (t *turn) ownerPicked(category string) error {
	d := &t.st.Draft
	if d.Proposed == "" || category == d.Proposed {
		return nil
	}
	return recordCorrection(t.ctx, t.tx, t.now, d.Content, category, false, t.in.OwnerRef(), "")
}

// answerNonComplaint answers a first message that is no complaint as a
// desk would, and reports whether it did: a greeting gets the welcome,
// thanks a polite answer, a question "we will answer" (recorded), a
// suggestion or praise is recorded as such. Nothing becomes a complaint.
func (t *turn) answerNonComplaint(a understand.Analysis) (bool, error) {
	if a.Emergency || a.EmergencyCheck || len(t.in.Attachments) > 0 {
		return false, nil
	}
	switch a.Intent {
	case understand.IntentGreeting:
		t.reset()
		t.say("welcome", t.company())
		return true, nil
	case understand.IntentThanks:
		t.reset()
		t.say("thanks_reply", nil)
		return true, nil
	case understand.IntentInquiry, understand.IntentSuggestion, understand.IntentPraise:
		cat := ""
		if a.Intent != understand.IntentPraise {
			cat = a.Category
		}
		if _, err := t.tx.ExecContext(t.ctx, stmt.OwnerMessage, a.Intent, string(t.in.Channel), t.in.OwnerRef(), cat, t.in.Text, t.lang, t.now); err != nil {
			return false, err
		}
		if a.Intent == understand.IntentInquiry {
			if _, err := t.routeInquiry(a); err != nil {
				return false, err
			}
		}
		t.reset()
		t.say(a.Intent+"_received", t.company())
		return true, nil
	}
	return false, nil
}

// smallTalkMidway: a greeting or a thank-you in the middle of an intake
// is not added to the complaint; the question stands.
func (t *turn) smallTalkMidway(text string) bool {
	if t.st.Step == "" || t.st.Step == stepIdle || t.st.Step == stepDescribe || text == "" {
		return false
	}
	switch t.e.und().Analyze(text).Intent {
	case understand.IntentGreeting, understand.IntentThanks:
		if _, ok := understand.ShortMessageIntent(text); ok {
			t.say("smalltalk_midway", nil, t.st.Choices...)
			return true
		}
	}
	return false
}

// askDanger asks whether anyone is in danger now: the emergency model
// thinks so, the rules found nothing certain.
func (t *turn) askDanger() {
	t.st.Step = stepDanger
	t.say("danger_check", nil, t.btn("danger_yes", "danger:yes"), t.btn("danger_no", "danger:no"))
}

// dangerAnswer: yes is an emergency (the numbers, the 2-hour clock), no
// keeps the normal path; anything else is more description.
func (t *turn) dangerAnswer(button, text string) error {
	d := &t.st.Draft
	switch {
	case button == "danger:yes" || button == "" && t.isWord(text, yesWords):
		if err := t.declareEmergency(); err != nil {
			return err
		}
	case button == "danger:no" || button == "" && t.isWord(text, dangerNoWords):
	case text != "":
		d.Content += "\n" + t.in.Text
		a := t.understandDraft(d.Content)
		if a.Emergency {
			if err := t.declareEmergency(); err != nil {
				return err
			}
			break
		}
		t.askDanger()
		return nil
	default:
		t.say("choose_again", nil, t.st.Choices...)
		return nil
	}
	t.askCategory()
	return nil
}

var dangerNoWords = []string{"否", "不是", "没有", "没", "no", "n", "not"}

// likelyChoices are the category choices when heed is unsure: the
// likeliest categories, then "another category" and cancel.
func (t *turn) likelyChoices() []Choice {
	var cs []Choice
	for _, id := range t.st.Draft.Alternatives {
		if _, ok := t.e.cfg.Category(id); ok {
			cs = append(cs, Choice{Label: t.categoryName(id), Data: Data(DataCategory, id)})
		}
	}
	return append(cs, t.btn("other_category", Data(DataCategory, otherCategory)), t.btn("cancel", Data(DataCommand, "cancel")))
}

// understood keeps in the draft what the category question needs.
func (t *turn) understood(a understand.Analysis) {
	d := &t.st.Draft
	d.Proposed, d.Unsure, d.Alternatives = a.Category, a.Unsure, a.Choices()
}

// takeUnit keeps the unit the owner wrote, in their own form ("A1棟2單元902"
// stays Traditional); a building without the flat is kept apart, and the
// flat is still asked.
func (t *turn) takeUnit(a understand.Analysis) {
	d := &t.st.Draft
	switch {
	case a.Unit == "":
	case a.UnitComplete:
		d.Unit = cmp.Or(a.UnitAsWritten, a.Unit)
	case d.Unit == "":
		d.UnitPart = cmp.Or(a.UnitAsWritten, a.Unit)
	}
}

// answerUnit takes the answer to "which unit?": a whole unit as written,
// or the flat after the building the complaint named ("2单元1102" after
// "3栋"), or the answer as it is.
func (t *turn) answerUnit(text string) {
	d := &t.st.Draft
	u := understand.ReadUnit(text)
	switch {
	case u.Complete && (d.UnitPart == "" || strings.HasPrefix(u.Normalised, understand.ReadUnit(d.UnitPart).Normalised)):
		d.Unit = u.Written
	case d.UnitPart != "" && !strings.HasPrefix(u.Normalised, understand.ReadUnit(d.UnitPart).Normalised):
		d.Unit = clip(d.UnitPart+strings.TrimSpace(text), 60)
	case u.Written != "":
		d.Unit = u.Written
	default:
		d.Unit = clip(strings.TrimSpace(text), 60)
	}
}
