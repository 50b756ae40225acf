package conversation

import (
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
)

// Answering a survey inside a turn: buttons and numbered replies, free
// text, the next question or thanks, and a pending survey asked again once
// the owner is idle (the rule is told at the top of survey.go).

// note answers without changing what a numbered reply picks: the intake's
// open question stays open.
func (t *turn) note(key string) {
	t.replies = append(t.replies, Outbound{Channel: t.in.Channel, ChatID: t.in.ChatID, Text: t.e.cat.text(t.lang, key, nil)})
}

func (t *turn) idle() bool { return t.st.Step == "" || t.st.Step == stepIdle }

// recipient is the owner's place in a run.
type recipient struct {
	Current     string     `db:"current"`
	Skipped     string     `db:"skipped"`
	SentAt      *time.Time `db:"sent_at"`
	CompletedAt *time.Time `db:"completed_at"`
}

func (t *turn) recipient(run int64) (*recipient, error) {
	var r recipient
	err := t.tx.GetContext(t.ctx, &r, stmt.Recipient, run, t.in.OwnerRef())
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return &r, err
}

// surveyButton takes a pressed answer "sv:<run>:<question>:<value>" (or a
// numbered reply to the survey's question).
func (t *turn) surveyButton(parts []string) error {
	if len(parts) != 3 {
		return nil
	}
	id, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return nil
	}
	return t.surveyAnswer(id, parts[1], parts[2], "")
}

// surveyText takes free text as the answer to the survey's open text
// question; a "no"/"skip" word skips it.
func (t *turn) surveyText(text string) error {
	q := ""
	if r, err := t.recipient(t.st.Survey.Run); err != nil {
		return err
	} else if r != nil {
		q = r.Current
	}
	if t.isWord(text, doneWords) {
		return t.surveyAnswer(t.st.Survey.Run, q, "skip", "")
	}
	return t.surveyAnswer(t.st.Survey.Run, q, "", text)
}

const maxSurveyAnswer = 2000 // characters of one free-text answer

// surveyAnswer records one answer — value is a score, an option number or
// "skip"; text is a free-text answer — and asks the next question or thanks.
func (t *turn) surveyAnswer(runID int64, qid, value, text string) error {
	closed := func() error {
		if t.st.Survey != nil && t.st.Survey.Run == runID {
			t.st.Survey = nil
		}
		if len(t.st.Choices) > 0 && strings.HasPrefix(t.st.Choices[0].Data, Data(DataSurvey, strconv.FormatInt(runID, 10), "")) {
			t.st.Choices = nil // the closed survey's question is no longer open
		}
		t.note("survey.closed")
		// Another survey the owner is waiting for is asked next, as after
		// the last answer.
		return t.nextWaitingSurvey()
	}
	run, err := loadRun(t.ctx, t.tx, runID)
	if cases.ErrorCode(err) == cases.CodeNotFound {
		return closed()
	}
	if err != nil {
		return err
	}
	rec, err := t.recipient(runID)
	if err != nil {
		return err
	}
	if rec == nil || rec.Skipped != "" || run.ClosedAt != nil || !t.now.Before(run.ClosesAt) {
		return closed()
	}
	switch {
	case rec.Current == "" && rec.CompletedAt == nil: // left with 取消 or 退订
		t.note("survey.stopped")
		return nil
	case rec.Current != qid:
		t.note("survey.already")
		return nil
	}
	i := run.question(qid)
	if i < 0 {
		return closed()
	}
	q := run.def.Questions[i]
	var score, option *int
	var answer *string
	skipped := false
	switch {
	case value == "skip" && q.Skippable():
		skipped = true
	case q.Kind == config.QuestionText && text != "":
		s := clip(strings.TrimSpace(text), maxSurveyAnswer)
		answer = &s
	case q.Kind == config.QuestionScale || q.Kind == config.QuestionChoice:
		n, err := strconv.Atoi(value)
		max := 5
		if q.Kind == config.QuestionChoice {
			max = len(q.Options)
		}
		if err != nil || n < 1 || n > max {
			return t.surveyAskAgain(run, i, "")
		}
		if q.Kind == config.QuestionScale {
			score = &n
		} else {
			option = &n
		}
	default:
		return t.surveyAskAgain(run, i, "")
	}
	if _, err := t.tx.ExecContext(t.ctx, stmt.SurveyAnswer, runID, t.in.OwnerRef(), qid, score, option, answer, skipped, t.now); err != nil {
		return fmt.Errorf("survey answer: %w", err)
	}
	next := ""
	if i+1 < len(run.def.Questions) {
		next = run.def.Questions[i+1].ID
	}
	var completed *time.Time
	if next == "" {
		completed = &t.now
	}
	if _, err := t.tx.ExecContext(t.ctx, stmt.RecipientAnswered, runID, t.in.OwnerRef(), next, completed, skipped, t.now); err != nil {
		return err
	}
	if next == "" {
		if t.st.Survey != nil && t.st.Survey.Run == runID {
			if t.st.Survey.Asking {
				t.st.Choices = nil
			}
			t.st.Survey = nil
		}
		t.note("survey.thanks")
		return t.nextWaitingSurvey()
	}
	return t.surveyAskAgain(run, i+1, "")
}

// surveyAskAgain asks question i of run. While a complaint is being filled
// in, or another question (a revisit score, "problem solved?", another
// survey) is open, the question goes out with its buttons but a numbered
// reply still answers the other question.
func (t *turn) surveyAskAgain(run *surveyRun, i int, lead string) error {
	text, choices := t.e.surveyAsk(t.lang, t.in.Channel == cases.ChannelWeChat, run, i, lead)
	t.replies = append(t.replies, Outbound{Channel: t.in.Channel, ChatID: t.in.ChatID, Text: text, Choices: choices})
	if !t.idle() || t.otherQuestionOpen(run.ID) {
		if t.st.Survey == nil {
			t.st.Survey = &surveyState{Run: run.ID}
		}
		return nil
	}
	t.st.Choices = choices
	t.st.Survey = &surveyState{Run: run.ID, Asking: true, Text: run.def.Questions[i].Kind == config.QuestionText}
	return nil
}

// nextWaitingSurvey remembers another open survey the owner has not
// finished, to be asked at the end of the turn.
func (t *turn) nextWaitingSurvey() error {
	var id int64
	err := t.tx.GetContext(t.ctx, &id, stmt.NextWaitingSurvey, t.in.OwnerRef(), t.now)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if t.st.Survey == nil {
		t.st.Survey = &surveyState{Run: id}
	}
	return nil
}

// surveyResume asks the pending survey's question at the end of a turn
// that leaves the owner idle with no other question open: after a
// complaint is registered or cancelled, after a command.
func (t *turn) surveyResume() error {
	sv := t.st.Survey
	if sv == nil || sv.Asking || !t.idle() || t.questionOpen() {
		return nil
	}
	for range 3 { // a closed run makes way for the next pending one
		run, err := loadRun(t.ctx, t.tx, sv.Run)
		if err != nil && cases.ErrorCode(err) != cases.CodeNotFound {
			return err
		}
		var rec *recipient
		if err == nil {
			if rec, err = t.recipient(sv.Run); err != nil {
				return err
			}
		}
		if run == nil || rec == nil || rec.Current == "" || rec.Skipped != "" || run.ClosedAt != nil || !t.now.Before(run.ClosesAt) {
			t.st.Survey = nil
			if err := t.nextWaitingSurvey(); err != nil || t.st.Survey == nil {
				return err
			}
			sv = t.st.Survey
			continue
		}
		i := run.question(rec.Current)
		if i < 0 {
			t.st.Survey = nil
			return nil
		}
		lead := "survey.resume"
		if rec.SentAt == nil {
			lead = "survey.intro"
			if _, err := t.tx.ExecContext(t.ctx, stmt.RecipientSent, run.ID, t.in.OwnerRef(), t.now); err != nil {
				return err
			}
		}
		return t.surveyAskAgain(run, i, lead)
	}
	return nil
}

// questionOpen reports whether heed's last message asked something a
// numbered reply answers (a "check progress" button does not count).
func (t *turn) questionOpen() bool { return t.otherQuestionOpen(0) }

// otherQuestionOpen reports whether heed's last message asked something
// other than run's own question that a numbered reply answers. A survey's
// choices are open only while that survey is asking; otherwise they are
// left from a survey that closed or made way, and answer nothing now.
func (t *turn) otherQuestionOpen(run int64) bool {
	for _, c := range t.st.Choices {
		kind, parts, _ := ParseData(c.Data)
		switch {
		case kind == DataCommand:
		case kind == DataSurvey:
			if sv := t.st.Survey; sv != nil && sv.Asking && sv.Run != run && parts[0] == strconv.FormatInt(sv.Run, 10) {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// leaveSurvey is "cancel" while a survey question is open: the owner is
// not asked the rest of it.
func (t *turn) leaveSurvey() error {
	run := t.st.Survey.Run
	if _, err := t.tx.ExecContext(t.ctx, stmt.LeaveSurvey, run, t.in.OwnerRef()); err != nil {
		return err
	}
	t.st.Survey, t.st.Choices = nil, nil
	t.note("survey.stopped")
	// Leaving this survey is not leaving the others (that is 退订): one
	// the owner is waiting for is asked next, as after the last answer.
	return t.nextWaitingSurvey()
}

// leaveSurveys is 退订 / stop: the owner is asked nothing more of any
// survey (what they answered stays).
func (t *turn) leaveSurveys() error {
	t.st.Survey = nil
	_, err := t.tx.ExecContext(t.ctx, stmt.LeaveSurveys, t.in.OwnerRef())
	return err
}
