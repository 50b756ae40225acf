package conversation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

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
	if err := sqlx.GetContext(ctx, q, &r, `SELECT * FROM survey_runs WHERE id = $1`, id); err != nil {
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
const surveyStartLock = 7707

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
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, surveyStartLock, req.Community); err != nil {
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
		err := tx.GetContext(ctx, &out.ID, `INSERT INTO survey_runs (survey, community, definition, created_by, opened_at, closes_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (survey, community) WHERE closed_at IS NULL DO NOTHING RETURNING id`,
			def.ID, req.Community, string(defJSON), req.Actor, now, closes)
		if errors.Is(err, sql.ErrNoRows) {
			out.Existing = true
			if err := tx.GetContext(ctx, &out.ID, `SELECT id FROM survey_runs WHERE survey = $1 AND community = $2 AND closed_at IS NULL`,
				def.ID, req.Community); err != nil {
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
	return tx.QueryRowxContext(ctx, `SELECT count(*) FILTER (WHERE skipped = '' AND sent_at IS NOT NULL),
			count(*) FILTER (WHERE skipped = '' AND sent_at IS NULL), count(*) FILTER (WHERE skipped = 'opted_out'),
			count(*) FILTER (WHERE skipped = 'platform_off')
		FROM survey_recipients WHERE run_id = $1`, out.ID).Scan(&out.Sent, &out.Waiting, &out.SkippedOptedOut, &out.SkippedPlatformOff)
}

// sendSurvey records every owner of the run's community and asks the idle
// ones the first question.
func (e *Engine) sendSurvey(ctx context.Context, tx *sqlx.Tx, now time.Time, run *surveyRun, on map[string]bool, out *SurveyStarted) error {
	// An owner belongs to the community their profile names; an owner
	// without one, to the community of any of their complaints. Only owners
	// with a conversation can be reached. The conversations are locked, in
	// one order, so an owner's message waits for the survey and vice versa.
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
	err := tx.SelectContext(ctx, &owners, `
		WITH owners AS (
			SELECT p.owner_ref FROM owner_profiles p WHERE p.community = $1
			UNION
			SELECT c.owner_ref FROM cases c WHERE c.community = $1 AND strpos(c.owner_ref, ':') > 0
			  AND NOT EXISTS (SELECT 1 FROM owner_profiles p WHERE p.owner_ref = c.owner_ref AND p.community <> '')
		)
		SELECT o.owner_ref, v.channel, v.user_id, v.chat_id, v.step,
			coalesce(nullif(v.language, ''), nullif(p.language, ''), '') AS language, coalesce(p.opted_out OR p.blocked_at IS NOT NULL, false) AS opted_out,
			EXISTS (SELECT 1 FROM survey_runs r WHERE r.id = (v.data->'survey'->>'run')::bigint AND r.closed_at IS NULL) AS state_open,
			EXISTS (SELECT 1 FROM survey_runs r WHERE r.id = (v.data->'survey'->>'run')::bigint AND r.closed_at IS NULL)
			  OR EXISTS (SELECT 1 FROM survey_recipients sr JOIN survey_runs r ON r.id = sr.run_id
				WHERE sr.owner_ref = o.owner_ref AND sr.current <> '' AND sr.skipped = '' AND sr.run_id <> $2
				  AND r.closed_at IS NULL AND r.closes_at > $3) AS other_open,
			coalesce((v.data->>'asks')::boolean, false) AS question_open
		FROM owners o
		JOIN conversations v ON v.channel = split_part(o.owner_ref, ':', 1) AND v.user_id = substr(o.owner_ref, strpos(o.owner_ref, ':') + 1)
		LEFT JOIN owner_profiles p ON p.owner_ref = o.owner_ref
		ORDER BY v.channel, v.user_id
		FOR UPDATE OF v`, run.Community, run.ID, now)
	if err != nil {
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
		if _, err := tx.ExecContext(ctx, `INSERT INTO survey_recipients (run_id, owner_ref, channel, chat_id, skipped, current, created_at, sent_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, run.ID, o.OwnerRef, o.Channel, o.ChatID, skipped, current, now, sent); err != nil {
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
				if _, err := tx.ExecContext(ctx, `UPDATE conversations SET data = jsonb_set(data, '{survey}', $3::jsonb)
					WHERE channel = $1 AND user_id = $2`, o.Channel, o.UserID, string(st)); err != nil {
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
	if _, err := tx.ExecContext(ctx, `WITH c AS (UPDATE conversations SET data = jsonb_set(jsonb_set(jsonb_set(data, '{choices}', $5::jsonb), '{survey}', $7::jsonb), '{asks}', to_jsonb($8::boolean))
			WHERE channel = $1 AND user_id = $6 RETURNING 1)
		INSERT INTO transcript (channel, chat_id, sender, text, choices, at) VALUES ($1, $2, 'heed', $3, $5, $4)`,
		channel, chat, text, now, string(ch), user, string(sv), asks(choices)); err != nil {
		return err
	}
	return e.enqueue(ctx, tx, now, nil, []Outbound{{Channel: cases.Channel(channel), ChatID: chat, Text: text, Choices: choices}}, "")
}

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
	err := t.tx.GetContext(t.ctx, &r, `SELECT current, skipped, sent_at, completed_at FROM survey_recipients
		WHERE run_id = $1 AND owner_ref = $2 FOR UPDATE`, run, t.in.OwnerRef())
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
	if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO survey_answers (run_id, owner_ref, question, score, option, text, skipped, answered_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
		runID, t.in.OwnerRef(), qid, score, option, answer, skipped, t.now); err != nil {
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
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE survey_recipients SET current = $3, completed_at = $4,
			answered_at = CASE WHEN $5 THEN answered_at ELSE coalesce(answered_at, $6) END, sent_at = coalesce(sent_at, $6)
		WHERE run_id = $1 AND owner_ref = $2`, runID, t.in.OwnerRef(), next, completed, skipped, t.now); err != nil {
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
	err := t.tx.GetContext(t.ctx, &id, `SELECT r.run_id FROM survey_recipients r JOIN survey_runs s ON s.id = r.run_id
		WHERE r.owner_ref = $1 AND r.skipped = '' AND r.current <> '' AND s.closed_at IS NULL AND s.closes_at > $2
		ORDER BY s.opened_at LIMIT 1`, t.in.OwnerRef(), t.now)
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
			if _, err := t.tx.ExecContext(t.ctx, `UPDATE survey_recipients SET sent_at = $3 WHERE run_id = $1 AND owner_ref = $2`,
				run.ID, t.in.OwnerRef(), t.now); err != nil {
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
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE survey_recipients SET current = '' WHERE run_id = $1 AND owner_ref = $2`,
		run, t.in.OwnerRef()); err != nil {
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
	_, err := t.tx.ExecContext(t.ctx, `UPDATE survey_recipients SET current = '' WHERE owner_ref = $1 AND current <> ''`, t.in.OwnerRef())
	return err
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
	err := e.svc.DB().SelectContext(ctx, &out, `SELECT id, survey, coalesce(definition->>'title', '') AS title, community, created_by,
		opened_at, closes_at, closed_at FROM survey_runs ORDER BY id DESC LIMIT $1`, limit)
	return out, err
}
