package conversation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/heedhq/heed/cases"
	"github.com/heedhq/heed/config"
	"github.com/heedhq/heed/conversation/understand"
	"github.com/heedhq/heed/notify"
)

// Engine runs owner conversations on every channel.
type Engine struct {
	svc *cases.Service
	cfg *config.Config
	u   atomic.Pointer[understand.Understander] // retrained from corrections (understanding.go)
	cat catalog
	// limit is rules.owner_rate on the chat platforms (badinput.go); nil: none.
	limit *ownerLimiter
	// alerts reach the specialists at once (人工, emergencies); nil: no team chat.
	alerts Alerter
}

// New makes the engine; it fails when a statement of queries.sql is
// missing, misspelt or unused. It registers no hook: whoever assembles
// heed registers CaseChanged and StaffCorrected with the cases service.
func New(svc *cases.Service) (*Engine, error) {
	if err := loadQueries(); err != nil {
		return nil, err
	}
	cat, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	e := &Engine{svc: svc, cfg: svc.Config(), cat: cat}
	u, err := e.newUnderstander(context.Background())
	if err != nil {
		return nil, err
	}
	e.u.Store(u)
	return e, nil
}

// Understander is the engine's text understanding (for `heed classify`).
func (e *Engine) Understander() *understand.Understander { return e.und() }

// state is one person's conversation as stored.
type state struct {
	Step    string       `json:"step"`
	Draft   draft        `json:"draft"`
	Choices []Choice     `json:"choices,omitempty"` // the last question's choices: "2" picks the second
	Serial  string       `json:"serial,omitempty"`  // the case being supplemented, revisited or given feedback
	Revisit *answers     `json:"revisit,omitempty"` // scores so far
	Survey  *surveyState `json:"survey,omitempty"`  // a satisfaction survey pending (survey.go)
	// Asks says that Choices are a question a numbered reply answers (see
	// asks), kept for the survey's SQL, which must not read button data.
	Asks bool `json:"asks,omitempty"`
}

// asks reports whether choices make a question a numbered reply answers:
// not only commands ("check progress") or a survey's own answers.
func asks(choices []Choice) bool {
	for _, c := range choices {
		if kind, _, ok := ParseData(c.Data); !ok || kind != DataCommand && kind != DataSurvey {
			return true
		}
	}
	return false
}

// draft is a complaint being filled in.
type draft struct {
	Content      string             `json:"content,omitempty"`
	Category     string             `json:"category,omitempty"`
	Urgency      string             `json:"urgency,omitempty"`
	Community    string             `json:"community,omitempty"`
	Unit         string             `json:"unit,omitempty"`
	Name         string             `json:"name,omitempty"`
	Phone        string             `json:"phone,omitempty"`
	PhoneAsked   bool               `json:"phone_asked,omitempty"`
	PhotosAsked  bool               `json:"photos_asked,omitempty"`
	Address      string             `json:"address,omitempty"`  // where, when no community or unit fits
	Purpose      string             `json:"purpose,omitempty"`  // 投诉目的、要求
	ReplyBy      *time.Time         `json:"reply_by,omitempty"` // the reply time the owner asks for
	PurposeAsked bool               `json:"purpose_asked,omitempty"`
	Attachments  []cases.Attachment `json:"attachments,omitempty"`
	Confirmed    map[string]bool    `json:"confirmed,omitempty"` // category, location, contact
	Alert        *draftAlert        `json:"alert,omitempty"`     // an emergency the staff were told of (alerts.go)
	// ContentRef is the platform's id of the message the description began
	// with, ContentFirst its text: an edit of that message replaces it.
	ContentRef   string `json:"content_ref,omitempty"`
	ContentFirst string `json:"content_first,omitempty"`
	// What heed understood of the category (understanding.go).
	Proposed     string   `json:"proposed,omitempty"`
	Unsure       bool     `json:"unsure,omitempty"`
	Alternatives []string `json:"alternatives,omitempty"`
	UnitPart     string   `json:"unit_part,omitempty"` // a building without the flat ("3栋"): the flat is still asked
}

type profile struct {
	Name      string `db:"name"`
	Phone     string `db:"phone"`
	Community string `db:"community"`
	Unit      string `db:"unit"`
	Language  string `db:"profile_language"`
	Blocked   bool   `db:"blocked"` // the owner had blocked heed (inbound_extra.go)
}

// turn is the work of answering one inbound message.
type turn struct {
	e          *Engine
	ctx        context.Context
	tx         *sqlx.Tx
	now        time.Time
	in         Inbound
	st         *state
	lang       string
	prof       profile
	profLoaded bool
	replies    []Outbound
	serial     string
}

func (t *turn) say(key string, data any, choices ...Choice) {
	t.replies = append(t.replies, Outbound{Channel: t.in.Channel, ChatID: t.in.ChatID,
		Text: t.e.cat.textOn(t.lang, key, t.in.Channel == cases.ChannelWeChat, data), Choices: choices})
	t.st.Choices = choices
	if t.st.Survey != nil {
		t.st.Survey.Asking = false // another question took over the numbered replies
	}
}

func (t *turn) t(key string) string { return t.e.cat.text(t.lang, key, nil) }

func (t *turn) btn(key, data string) Choice { return Choice{Label: t.t("btn." + key), Data: data} }

// Handle answers one inbound message. In one transaction it records the
// message (a repeat of a handled message id does nothing), takes the
// person's conversation with a row lock, moves it on, creates or updates the
// case, and queues the answers for delivery; it returns after the commit.
func (e *Engine) Handle(ctx context.Context, in Inbound) (Result, error) {
	if in.Channel == "" || in.ChatID == "" || in.UserID == "" || in.MessageID == "" {
		return Result{}, errors.New("conversation: inbound message without channel, chat, user or message id")
	}
	// A message being handled is finished even if the platform hangs up:
	// its retry is then a duplicate, not a second half-done attempt. (It also
	// spares lib/pq a cancellation watcher per statement.)
	ctx = context.WithoutCancel(ctx)
	sanitize(&in)
	throttled, tell := e.throttle(in)
	var res Result
	err := e.svc.Within(ctx, func(tx *sqlx.Tx, now time.Time) error {
		res = Result{}
		t := &turn{e: e, ctx: ctx, tx: tx, now: now, in: in}
		fresh, err := t.load()
		if err != nil {
			return err
		}
		if !fresh {
			res.Duplicate = true
			return nil
		}
		owner := t.capLine(t.ownerLine()) // before the step replaces the offered choices
		if err := t.reachable(); err != nil {
			return err
		}
		if answered, err := t.badInput(throttled, tell); err != nil {
			return err
		} else if !answered {
			if err := t.converse(); err != nil {
				return err
			}
		}
		if err := t.saveWithTranscript(owner); err != nil {
			return err
		}
		if err := e.enqueue(ctx, tx, now, t.in.Also, t.replies, t.serial); err != nil {
			return err
		}
		res.Replies, res.Case = t.replies, t.serial
		return nil
	})
	return res, err
}

// converse moves the conversation on by the owner's message.
func (t *turn) converse() error {
	if handled, err := t.platform(); err != nil {
		return err
	} else if !handled {
		if err := t.step(); err != nil {
			return err
		}
	}
	t.rememberContentRef()
	if err := t.followEmergency(); err != nil {
		return err
	}
	return t.surveyResume()
}

// enqueue hands replies to durable delivery. The web chat reads its answers
// from the transcript, so it needs no delivery.
func (e *Engine) enqueue(ctx context.Context, tx *sqlx.Tx, now time.Time, also []notify.Message, out []Outbound, serial string) error {
	msgs := append([]notify.Message(nil), also...)
	for _, o := range out {
		if o.Channel == cases.ChannelWeb {
			continue
		}
		m := notify.Message{Channel: string(o.Channel), ChatID: o.ChatID, Kind: notify.KindMessage,
			CaseSerial: serial, Payload: notify.Payload{Text: o.Text}}
		for _, c := range o.Choices {
			m.Payload.Choices = append(m.Payload.Choices, notify.Choice(c))
		}
		msgs = append(msgs, m)
	}
	return notify.Enqueue(ctx, tx, now, msgs...)
}

// ownerLine is the owner's message as the transcript shows it: a pressed
// button as its label.
func (t *turn) ownerLine() string {
	in := t.in
	if line, ok := t.platformLine(); ok {
		return line
	}
	switch {
	case in.Kind == KindButton:
		for _, c := range t.st.Choices {
			if c.Data == in.Button {
				return c.Label
			}
		}
		return "[" + in.Button + "]"
	case len(in.Attachments) > 0:
		s := t.e.cat.text(t.lang, "transcript.photos", map[string]any{"N": len(in.Attachments)})
		if in.Text != "" {
			s += " " + in.Text
		}
		return s
	case in.Kind == KindSticker || in.Kind == KindOther:
		return "[" + string(in.Kind) + "]"
	}
	return in.Text
}

// saveWithTranscript stores the conversation's new state and records the
// owner's message and heed's answers verbatim — one statement, one round trip.
func (t *turn) saveWithTranscript(owner string) error {
	t.st.Asks = asks(t.st.Choices)
	data, err := json.Marshal(t.st)
	if err != nil {
		return err
	}
	senders, texts, choices := []string{"owner"}, []string{owner}, []string{"[]"}
	for _, o := range t.replies {
		cs := o.Choices
		if cs == nil {
			cs = []Choice{}
		}
		ch, _ := json.Marshal(cs)
		senders, texts, choices = append(senders, "heed"), append(texts, o.Text), append(choices, string(ch))
	}
	_, err = t.tx.ExecContext(t.ctx, stmt.SaveTurn, t.in.Channel, t.in.ChatID, t.now, t.in.UserID, t.st.Step, string(data), t.lang,
		pq.Array(senders), pq.Array(texts), pq.Array(choices))
	return err
}

// load records the inbound message and, unless it was handled before,
// takes the person's conversation with a row lock and reads it with the
// owner's profile — one statement. It reports whether the message is new.
func (t *turn) load() (bool, error) {
	var rows []struct {
		Step     string `db:"step"`
		Data     []byte `db:"data"`
		Language string `db:"language"`
		profile
	}
	err := t.tx.SelectContext(t.ctx, &rows, stmt.LoadTurn, t.in.Channel, t.in.MessageID, t.in.ChatID, t.in.UserID, t.in.Kind, t.now, t.in.OwnerRef())
	if err != nil {
		return false, fmt.Errorf("record inbound: %w", err)
	}
	if len(rows) == 0 {
		return false, nil
	}
	row := rows[0]
	t.prof, t.profLoaded = row.profile, true
	t.st = &state{}
	if err := json.Unmarshal(row.Data, t.st); err != nil {
		t.st = &state{}
	}
	t.st.Step = row.Step
	t.lang = row.Language
	if t.lang == "" {
		t.lang = t.firstLanguage()
	}
	return true, nil
}

// loadProfile reads what the owner told us before; only the steps that
// offer it again need it.
func (t *turn) loadProfile() error {
	if t.profLoaded {
		return nil
	}
	err := t.tx.GetContext(t.ctx, &t.prof, stmt.Profile, t.in.OwnerRef())
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	t.profLoaded = true
	return nil
}

// firstLanguage picks the language for a new conversation: the owner's
// writing first, then the platform's hint, then the company's default.
func (t *turn) firstLanguage() string {
	if t.prof.Language != "" {
		return t.prof.Language
	}
	// A slash command ("/start") is no writing: the platform's hint says more.
	if text := strings.TrimSpace(t.in.Text); text != "" && !strings.HasPrefix(text, "/") {
		if l := understand.DetectLanguage(t.in.Text); l != "zh-CN" || hasHan(t.in.Text) {
			return l
		}
	}
	if l := hintLanguage(t.in.LanguageHint); l != "" {
		return l
	}
	if d := t.e.cfg.Company.DefaultLanguage; d != "" {
		return d
	}
	return "zh-CN"
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// saveProfile remembers the owner's contact and home for the next time;
// what this complaint left out does not erase what the owner said before.
func (t *turn) saveProfile() error {
	d := t.st.Draft
	_, err := t.tx.ExecContext(t.ctx, stmt.SaveProfile, t.in.OwnerRef(), d.Name, d.Phone, d.Community, d.Unit, t.lang, t.now)
	return err
}

// Transcript returns a conversation's lines after the given id, oldest first.
func (e *Engine) Transcript(ctx context.Context, channel cases.Channel, chatID string, after int64) ([]Line, error) {
	var rows []struct {
		ID      int64     `db:"id"`
		Sender  string    `db:"sender"`
		Text    string    `db:"text"`
		Choices []byte    `db:"choices"`
		At      time.Time `db:"at"`
	}
	err := e.svc.DB().SelectContext(ctx, &rows, stmt.Transcript, channel, chatID, after)
	if err != nil {
		return nil, err
	}
	lines := make([]Line, len(rows))
	for i, r := range rows {
		lines[i] = Line{ID: r.ID, From: r.Sender, Text: r.Text, At: r.At}
		json.Unmarshal(r.Choices, &lines[i].Choices) //nolint:errcheck
	}
	return lines, nil
}
