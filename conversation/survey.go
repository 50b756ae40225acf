package conversation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/heedhq/heed/cases/locks"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
)

// Satisfaction surveys (问卷, 004 §5.4).
//
// The rule that keeps a survey and a complaint apart: a survey never
// interrupts a complaint being filled in. Its progress lives in
// survey_recipients, not in the conversation's step, and the conversation
// only remembers which survey is pending (state.Survey). A question is
// asked only when the owner is idle; an owner in the middle of a complaint
// gets it when the complaint is registered or cancelled. Buttons carry their
// run and question ("sv:<run>:<question>:<value>") and answer at any time
// without touching the intake; numbered replies and free text answer the
// survey only while its question is the last one heed asked (Asking).
// Anything else the owner writes — a complaint, a photo — is handled as
// usual, and the survey's question comes back once that is done.
//
// This file starts a run and sends it; surveyanswer.go takes the owners'
// answers; surveysummary.go reads, closes and posts the results.

// surveyState is the survey pending in a conversation.
type surveyState struct {
	Run    int64 `json:"run"`
	Asking bool  `json:"asking,omitempty"` // its current question is the one open: "2" or free text answers it
	Text   bool  `json:"text,omitempty"`   // and that question takes free text
}

// surveyRun is one survey sent to one community.
type surveyRun struct {
	ID              int64      `db:"id"`
	Survey          string     `db:"survey"`
	Community       string     `db:"community"`
	Definition      []byte     `db:"definition"`
	CreatedBy       string     `db:"created_by"`
	OpenedAt        time.Time  `db:"opened_at"`
	ClosesAt        time.Time  `db:"closes_at"`
	ClosedAt        *time.Time `db:"closed_at"`
	SummaryPostedAt *time.Time `db:"summary_posted_at"`
	def             config.Survey
}

func (r *surveyRun) decode() error {
	return json.Unmarshal(r.Definition, &r.def)
}

// question finds a question of the run by id: its index, or -1.
func (r *surveyRun) question(id string) int {
	for i, q := range r.def.Questions {
		if q.ID == id {
			return i
		}
	}
	return -1
}

func loadRun(ctx context.Context, q sqlx.QueryerContext, id int64) (*surveyRun, error) {
	var r surveyRun
	if err := sqlx.GetContext(ctx, q, &r, stmt.SurveyRun, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, &cases.Error{Code: cases.CodeNotFound, Message: fmt.Sprintf("no survey run %d", id)}
		}
		return nil, err
	}
	return &r, r.decode()
}

// surveyAsk is question i of run as the owner reads it in lang; lead is
// "survey.intro" (the first time), "survey.resume" (asked again after a
// complaint) or "".
func (e *Engine) surveyAsk(lang string, typed bool, r *surveyRun, i int, lead string) (string, []Choice) {
	q := r.def.Questions[i]
	total := len(r.def.Questions)
	var parts []string
	if lead != "" {
		parts = append(parts, e.cat.text(lang, lead, map[string]any{"Title": r.def.Title, "Intro": r.def.Intro, "Total": total}))
	}
	data := func(v string) string { return Data(DataSurvey, strconv.FormatInt(r.ID, 10), q.ID, v) }
	var choices []Choice
	hint := ""
	switch q.Kind {
	case config.QuestionScale:
		hint = "survey.hint_scale"
		// Ascending, so that a numbered reply is the score itself.
		for n := 1; n <= 5; n++ {
			choices = append(choices, Choice{Label: e.cat.text(lang, "score."+strconv.Itoa(n), nil), Data: data(strconv.Itoa(n))})
		}
	case config.QuestionChoice:
		hint = "survey.hint_choice"
		for k, o := range q.Options {
			choices = append(choices, Choice{Label: o, Data: data(strconv.Itoa(k + 1))})
		}
	case config.QuestionText:
		hint = "survey.hint_text"
	}
	if q.Skippable() {
		choices = append(choices, Choice{Label: e.cat.text(lang, "btn.skip", nil), Data: data("skip")})
	}
	parts = append(parts, e.cat.text(lang, "survey.question", map[string]any{"N": i + 1, "Total": total, "Text": q.Text,
		"Hint": e.cat.textOn(lang, hint, typed, nil)}))
	return strings.Join(parts, "\n\n"), choices
}

// SurveyStart asks for a survey to be sent to a community's owners.
type SurveyStart struct {
	Survey    string
	Community string
	Actor     string
	ClosesAt  time.Time // or, when zero, now + ClosesIn
	ClosesIn  time.Duration
	// Platforms that are on ("telegram", "wechat", "slack"); nil: all. An
	// owner on a platform that is off cannot be asked.
	Platforms map[string]bool
}

// SurveyStarted is what starting a survey did. With Existing, an open run
// of the survey for the community was found and nothing was sent again.
type SurveyStarted struct {
	ID                 int64     `json:"id"`
	Survey             string    `json:"survey"`
	Community          string    `json:"community"`
	ClosesAt           time.Time `json:"closes_at"`
	Existing           bool      `json:"existing"`
	Sent               int       `json:"sent"`                 // asked the first question now
	Waiting            int       `json:"waiting"`              // in the middle of a complaint, another survey, or a revisit or feedback question: asked when done
	SkippedOptedOut    int       `json:"skipped_opted_out"`    // wrote 退订 / stop
	SkippedPlatformOff int       `json:"skipped_platform_off"` // on a platform this heed does not serve now
}

// surveyStartLock is the first key of the advisory lock that serializes
// survey starts per community (the second is the community's hash).
const surveyStartLock = locks.SurveyStart

// MaxSurveyDuration bounds how long a survey stays open.
const MaxSurveyDuration = 92 * 24 * time.Hour

// StartSurvey opens a run of a configured survey for one community and, in
// the same transaction, asks its first question to every owner of the
// community who has talked to heed and has not opted out. At most one run
// of a survey is open per community: starting it again returns that run
// and sends nothing, so a retried request never asks anyone twice.
func (e *Engine) StartSurvey(ctx context.Context, req SurveyStart) (*SurveyStarted, error) {
	def, ok := e.cfg.Survey(req.Survey)
	if !ok {
		return nil, &cases.Error{Code: cases.CodeInvalid, Field: "survey", Message: fmt.Sprintf("survey: no survey %q in the configuration", req.Survey)}
	}
	if _, ok := e.cfg.Community(req.Community); !ok {
		return nil, &cases.Error{Code: cases.CodeInvalid, Field: "community", Message: fmt.Sprintf("community: no community %q", req.Community)}
	}
	defJSON, err := json.Marshal(def)
	if err != nil {
		return nil, err
	}
	var out *SurveyStarted
	err = e.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		// Starts for one community take turns: a concurrent start of another
		// survey then sees this run (its recipients, the conversations it
		// asked) and leaves its owners waiting instead of asking them two
		// surveys at once. The lock comes first so that every later
		// statement's snapshot includes the run committed before it.
		if _, err := tx.ExecContext(ctx, stmt.SurveyStartLock, surveyStartLock, req.Community); err != nil {
			return fmt.Errorf("survey start lock: %w", err)
		}
		closes := req.ClosesAt
		if closes.IsZero() {
			closes = now.Add(req.ClosesIn)
		}
		switch {
		case !closes.After(now):
			return &cases.Error{Code: cases.CodeInvalid, Field: "closes_at", Message: "closes_at: must be in the future"}
		case closes.Sub(now) > MaxSurveyDuration:
			return &cases.Error{Code: cases.CodeInvalid, Field: "closes_at", Message: "closes_at: a survey stays open at most 92 days"}
		}
		out = &SurveyStarted{Survey: def.ID, Community: req.Community}
		// A second start of the same survey finds the first's run here.
		err := tx.GetContext(ctx, &out.ID, stmt.OpenSurveyRun, def.ID, req.Community, string(defJSON), req.Actor, now, closes)
		if errors.Is(err, sql.ErrNoRows) {
			out.Existing = true
			if err := tx.GetContext(ctx, &out.ID, stmt.OpenSurveyRunID, def.ID, req.Community); err != nil {
				return err
			}
			run, err := loadRun(ctx, tx, out.ID)
			if err != nil {
				return err
			}
			out.ClosesAt = run.ClosesAt
			return e.countRecipients(ctx, tx, out)
		}
		if err != nil {
			return fmt.Errorf("open survey: %w", err)
		}
		out.ClosesAt = closes
		run, err := loadRun(ctx, tx, out.ID)
		if err != nil {
			return err
		}
		return e.sendSurvey(ctx, tx, now, run, req.Platforms, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (e *Engine) countRecipients(ctx context.Context, tx *sqlx.Tx, out *SurveyStarted) error {
	var responses, completed int
	return tx.QueryRowxContext(ctx, stmt.RecipientCounts, out.ID).Scan(&out.Sent, &out.Waiting, &out.SkippedOptedOut, &out.SkippedPlatformOff,
		&responses, &completed)
}

// sendSurvey records every owner of the run's community and asks the idle
// ones the first question.
func (e *Engine) sendSurvey(ctx context.Context, tx *sqlx.Tx, now time.Time, run *surveyRun, on map[string]bool, out *SurveyStarted) error {
	// An owner belongs to the community their profile names; an owner
	// without one, to the community of any of their complaints. Only owners
	// with a conversation can be reached. The conversations are locked, in
	// one order, so an owner's message waits for the survey and vice versa.
	caseOwners, err := e.svc.CommunityOwners(ctx, tx, run.Community)
	if err != nil {
		return fmt.Errorf("survey recipients: %w", err)
	}
	var owners []struct {
		OwnerRef  string `db:"owner_ref"`
		Channel   string `db:"channel"`
		UserID    string `db:"user_id"`
		ChatID    string `db:"chat_id"`
		Step      string `db:"step"`
		Language  string `db:"language"`
		OptedOut  bool   `db:"opted_out"`
		StateOpen bool   `db:"state_open"` // the conversation already remembers another open survey
		OtherOpen bool   `db:"other_open"` // has another open survey pending (remembered or not finished)
		// heed's last message asked something a numbered reply answers — a
		// revisit score, "problem solved?" — with the step still idle: the
		// survey must not take its numbered replies. A survey's own choices
		// do not count: an open survey is other_open, and those of a survey
		// that closed unanswered are no question any more.
		QuestionOpen bool `db:"question_open"`
	}
	if err := tx.SelectContext(ctx, &owners, stmt.SurveyOwners, run.Community, run.ID, now, pq.Array(caseOwners)); err != nil {
		return fmt.Errorf("survey recipients: %w", err)
	}
	first := run.def.Questions[0].ID
	for _, o := range owners {
		skipped := ""
		switch {
		case o.OptedOut:
			skipped = "opted_out"
			out.SkippedOptedOut++
		case o.Channel != string(cases.ChannelWeb) && on != nil && !on[o.Channel]:
			skipped = "platform_off"
			out.SkippedPlatformOff++
		}
		current := first
		if skipped != "" {
			current = ""
		}
		idle := o.Step == "" || o.Step == stepIdle
		send := skipped == "" && idle && !o.OtherOpen && !o.QuestionOpen
		var sent *time.Time
		if send {
			sent = &now
		}
		if _, err := tx.ExecContext(ctx, stmt.InsertRecipient, run.ID, o.OwnerRef, o.Channel, o.ChatID, skipped, current, now, sent); err != nil {
			return fmt.Errorf("survey recipient: %w", err)
		}
		switch {
		case skipped != "":
		case send:
			out.Sent++
			lang := o.Language
			if lang == "" {
				lang = e.defaultLanguage()
			}
			text, choices := e.surveyAsk(lang, o.Channel == string(cases.ChannelWeChat), run, 0, "survey.intro")
			st := surveyState{Run: run.ID, Asking: true, Text: run.def.Questions[0].Kind == config.QuestionText}
			if err := e.tellChat(ctx, tx, now, o.Channel, o.UserID, o.ChatID, text, choices, &st); err != nil {
				return err
			}
		default:
			// In the middle of a complaint, of another survey or with a
			// revisit or feedback question open: asked when it is done.
			out.Waiting++
			if !o.StateOpen {
				st, _ := json.Marshal(surveyState{Run: run.ID})
				if _, err := tx.ExecContext(ctx, stmt.SurveyWaiting, o.Channel, o.UserID, string(st)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (e *Engine) defaultLanguage() string {
	if d := e.cfg.Company.DefaultLanguage; d != "" {
		return d
	}
	return Languages[0]
}

// tellChat sends one message into a conversation outside a turn: recorded
// in the transcript, its choices made the ones a numbered reply picks from,
// and, with st, the survey it asks remembered.
func (e *Engine) tellChat(ctx context.Context, tx *sqlx.Tx, now time.Time, channel, user, chat, text string, choices []Choice, st *surveyState) error {
	if b, err := blocked(ctx, tx, channel+":"+user); err != nil || b {
		return err // nothing reaches an owner who blocked heed
	}
	if choices == nil {
		choices = []Choice{}
	}
	ch, _ := json.Marshal(choices)
	sv := []byte("null")
	if st != nil {
		sv, _ = json.Marshal(st)
	}
	if _, err := tx.ExecContext(ctx, stmt.TellSurvey, channel, chat, text, now, string(ch), user, string(sv), asks(choices)); err != nil {
		return err
	}
	return e.enqueue(ctx, tx, now, nil, []Outbound{{Channel: cases.Channel(channel), ChatID: chat, Text: text, Choices: choices}}, "")
}

// SurveyRun is one survey sent to one community, as listed.
type SurveyRun struct {
	ID        int64      `db:"id" json:"id"`
	Survey    string     `db:"survey" json:"survey"`
	Title     string     `db:"title" json:"title"`
	Community string     `db:"community" json:"community"`
	CreatedBy string     `db:"created_by" json:"created_by"`
	OpenedAt  time.Time  `db:"opened_at" json:"opened_at"`
	ClosesAt  time.Time  `db:"closes_at" json:"closes_at"`
	ClosedAt  *time.Time `db:"closed_at" json:"closed_at"`
}

// SurveyRuns lists the runs, newest first.
func (e *Engine) SurveyRuns(ctx context.Context, limit int) ([]SurveyRun, error) {
	out := []SurveyRun{}
	err := e.svc.DB().SelectContext(ctx, &out, stmt.SurveyRuns, limit)
	return out, err
}
