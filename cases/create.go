package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Creating a case: checking what was recorded, taking the serial, starting
// the clock, and the rules that apply the moment a complaint arrives (major,
// repeat, auto dispatch). See docs/procedure.md, "The record" and
// "Escalation".

// NewCase is a complaint as it is recorded: by the conversation engine for an
// owner, or by a staff member on an owner's behalf (phone, walk-in, letter).
type NewCase struct {
	Channel          Channel      `json:"channel"`
	OwnerRef         string       `json:"owner_ref"`
	CustomerName     string       `json:"customer_name"`
	ContactPhone     string       `json:"contact_phone"`
	Address          string       `json:"address"`
	Community        string       `json:"community"`
	Unit             string       `json:"unit"`
	Content          string       `json:"content"`
	Purpose          string       `json:"purpose"`
	RequestedReplyBy *time.Time   `json:"requested_reply_by"`
	Category         string       `json:"category"`
	Urgency          Urgency      `json:"urgency"`
	Language         string       `json:"language"`
	Summary          string       `json:"summary"`
	Lawsuit          bool         `json:"lawsuit"`
	Media            bool         `json:"media"`
	Complainants     int          `json:"complainants"`
	Attachments      []Attachment `json:"attachments"`
	// ReceivedAt is when the company heard of it (a phone call an hour ago);
	// default now. It may not lie in the future.
	ReceivedAt *time.Time `json:"received_at"`

	// Signals of a major complaint (config.Signals): lawsuit, media,
	// hotline, petition, collective. Lawsuit and Media are two of them.
	Signals []string `json:"signals"`
}

func (s *Service) validateNew(n *NewCase, now time.Time) error {
	known := []Channel{ChannelTelegram, ChannelSlack, ChannelWeChat, ChannelWeb, ChannelPhone,
		ChannelWalkIn, ChannelLetter, ChannelEmail, ChannelAPI}
	if !slices.Contains(known, n.Channel) {
		return invalidField("channel", "unknown channel %q", n.Channel)
	}
	if err := s.checkText("content", n.Content, true); err != nil {
		return err
	}
	for field, v := range map[string]string{"customer_name": n.CustomerName, "address": n.Address,
		"unit": n.Unit, "purpose": n.Purpose, "summary": n.Summary, "owner_ref": n.OwnerRef} {
		if err := s.checkText(field, v, false); err != nil {
			return err
		}
	}
	if n.Category == "" {
		return invalidField("category", "is required")
	}
	if _, ok := s.cfg.Category(n.Category); !ok {
		return invalidField("category", "unknown category %q", n.Category)
	}
	if n.Community != "" {
		id, ok := s.communityID(n.Community)
		if !ok {
			return invalidField("community", "unknown community %q", n.Community)
		}
		n.Community = id
	}
	if n.ContactPhone != "" {
		p, ok := NormalizePhone(n.ContactPhone)
		if !ok {
			return invalidField("contact_phone", "%q is not a phone number (a mainland mobile such as 13812345678, a landline with area code, or +country code)", n.ContactPhone)
		}
		n.ContactPhone = p
	}
	switch n.Urgency {
	case "":
		n.Urgency = UrgencyNormal
	case UrgencyNormal, UrgencyUrgent, UrgencyEmergency:
	default:
		return invalidField("urgency", "must be normal, urgent or emergency, not %q", n.Urgency)
	}
	switch n.Language {
	case "":
		n.Language = s.cfg.Company.DefaultLanguage
		if n.Language == "" {
			n.Language = "zh-CN"
		}
	case "zh-CN", "zh-TW", "en":
	default:
		return invalidField("language", "must be zh-CN, zh-TW or en, not %q", n.Language)
	}
	if err := checkSignals(n); err != nil {
		return err
	}
	if n.Complainants == 0 {
		n.Complainants = 1
	}
	if n.Complainants < 1 || n.Complainants > 100000 {
		return invalidField("complainants", "must be between 1 and 100000")
	}
	if n.ReceivedAt != nil && n.ReceivedAt.After(now.Add(time.Minute)) {
		return invalidField("received_at", "lies in the future")
	}
	for i, a := range n.Attachments {
		if strings.TrimSpace(a.Ref) == "" {
			return invalidField(fmt.Sprintf("attachments[%d].ref", i), "is required")
		}
		switch a.Kind {
		case "photo", "voice", "file", "video":
		default:
			return invalidField(fmt.Sprintf("attachments[%d].kind", i), "must be photo, voice, video or file")
		}
	}
	return nil
}

// Create records a new complaint: it takes the next serial, stores the record
// and its attachments, starts the clock, applies the major and repeat rules
// and writes the history — all in one transaction.
func (s *Service) Create(ctx context.Context, a Actor, n NewCase) (*Case, error) {
	var c *Case
	err := s.inTx(ctx, func(t *tx) error {
		var err error
		c, err = s.CreateTx(ctx, t.Tx, t.now, a, n)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, c.Serial)
}

// CreateTx is Create inside a caller's transaction (the conversation engine
// records the owner's message and the case together).
func (s *Service) CreateTx(ctx context.Context, sx *sqlx.Tx, now time.Time, a Actor, n NewCase) (*Case, error) {
	t := &tx{Tx: sx, now: now.In(s.cal.Location())}
	if a.Kind == ActorStaff {
		if _, ok := s.cfg.StaffByID(a.ID); !ok {
			return nil, errorf(CodeForbidden, "unknown staff member %q", a.ID)
		}
	}
	if err := s.validateNew(&n, t.now); err != nil {
		return nil, err
	}
	received := t.now
	if n.ReceivedAt != nil {
		received = n.ReceivedAt.In(s.cal.Location())
	}
	var seq int64
	if err := t.GetContext(ctx, &seq, q.NextSerial, t.now.Year()); err != nil {
		return nil, fmt.Errorf("next serial: %w", err)
	}
	c := &Case{
		Serial: s.serial.Render(t.now, seq), Status: StatusReceived, Channel: n.Channel,
		OwnerRef: n.OwnerRef, CustomerName: n.CustomerName, ContactPhone: n.ContactPhone,
		Address: n.Address, Community: n.Community, Unit: n.Unit, Content: n.Content,
		Purpose: n.Purpose, RequestedReplyBy: n.RequestedReplyBy, Category: n.Category,
		Urgency: n.Urgency, Language: n.Language, ReceivedAt: received, RecordedBy: a.ID,
		Summary: n.Summary, Validity: ValidityPending, Lawsuit: n.Lawsuit, Media: n.Media, Signals: n.Signals,
		Complainants: n.Complainants, CreatedAt: t.now, UpdatedAt: t.now, Version: 1,
	}
	if c.Summary == "" {
		c.Summary = summarize(n.Content)
	}
	if reason := s.majorReason(c); reason != "" {
		c.Major, c.MajorReason = true, reason
	}
	rows, err := t.NamedQuery(q.InsertCase, c)
	if err != nil {
		return nil, fmt.Errorf("insert case: %w", err)
	}
	if rows.Next() {
		err = rows.Scan(&c.ID)
	}
	rows.Close()
	if err != nil {
		return nil, fmt.Errorf("insert case: %w", err)
	}
	for _, at := range n.Attachments {
		if err := t.addAttachment(c.ID, at, a.ID); err != nil {
			return nil, err
		}
	}
	deadlines := s.policy.ReceiptDeadlines(s.cal, received, c.Urgency.Urgent())
	if err := t.addDeadlines(c.ID, deadlines); err != nil {
		return nil, err
	}
	for _, d := range deadlines {
		c.Deadlines = append(c.Deadlines, DeadlineRecord{Step: d.Step, Due: d.Due})
	}
	// The bot, or the staff member on the phone, tells the owner at once that the
	// complaint is registered; a letter or an e-mail is acknowledged later.
	if c.Channel != ChannelLetter && c.Channel != ChannelEmail {
		if err := t.meet(c.ID, StepAcknowledge); err != nil {
			return nil, err
		}
	}
	changes, _ := json.Marshal(diff(&Case{}, c, s.cal.Location()))
	if err := t.event(c, a, s.actorName(a), "create", "", StatusReceived, changes, ""); err != nil {
		return nil, err
	}
	if c.Major {
		ch, _ := json.Marshal(map[string]any{"major": true, "major_reason": c.MajorReason})
		if err := t.event(c, System, "heed", string(ActFlagMajor), c.Status, c.Status, ch, c.MajorReason); err != nil {
			return nil, err
		}
	}
	if err := s.applyRepeatRule(ctx, t, c); err != nil {
		return nil, err
	}
	if err := s.changed(ctx, t, Change{Action: "create", Actor: a, Case: c}); err != nil {
		return nil, err
	}
	s.logAfterCommit(sx, "case registered", "serial", c.Serial, "channel", c.Channel, "category", c.Category,
		"urgency", c.Urgency, "major", c.Major, "repeat", c.Repeat, "actor", a.ID)
	// Auto dispatch: the case goes at once to its category's department. A
	// repeat complaint waits for the general manager instead.
	if s.cfg.Rules.Dispatch != "manual" && !c.Repeat {
		if cat, ok := s.cfg.Category(c.Category); ok && cat.Department != "" {
			d, err := s.ApplyTx(ctx, sx, now, System, c.Serial, Transition{Action: ActDispatch, Department: cat.Department})
			if err != nil {
				return nil, fmt.Errorf("auto dispatch: %w", err)
			}
			d.Deadlines = c.Deadlines
			c = d
		}
	}
	return c, nil
}

func (t *tx) addAttachment(caseID int64, at Attachment, by string) error {
	_, err := t.Exec(q.InsertAttachment, caseID, at.Kind, at.Ref, at.Name, at.MIME, at.Size, t.now, by)
	return err
}

// summarize makes the register's one-line summary from the complaint text.
func summarize(content string) string {
	line := strings.TrimSpace(strings.SplitN(strings.TrimSpace(content), "\n", 2)[0])
	if r := []rune(line); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return line
}

// majorReason applies the major-complaint rule of 000: the signals
// rules.major_signals names (lawsuit and media by default), a collective
// of N or more people. (One month unresolved is the clock's, the
// specialist's judgement is an action.)
func (s *Service) majorReason(c *Case) string {
	n := s.cfg.Rules.CollectiveMajorAt
	if n <= 0 {
		n = 10
	}
	var why []string
	for _, sig := range c.Signals {
		if s.cfg.Rules.MajorSignal(sig) {
			why = append(why, signalReasons[sig])
		}
	}
	if c.Complainants >= n {
		why = append(why, fmt.Sprintf("collective complaint by %d people", c.Complainants))
	}
	return strings.Join(why, "; ")
}

// applyRepeatRule flags a complaint by the same owner about the same kind of
// problem at the same unit within the window, links it to the earlier case
// and routes it to the general manager.
func (s *Service) applyRepeatRule(ctx context.Context, t *tx, c *Case) error {
	if c.OwnerRef == "" && c.ContactPhone == "" {
		return nil
	}
	since := s.cal.Sub(c.ReceivedAt, s.repeat)
	var prev struct {
		ID     int64  `db:"id"`
		Serial string `db:"serial"`
	}
	err := t.GetContext(ctx, &prev, q.FindRepeat, c.ID, c.Category, since, c.OwnerRef, c.ContactPhone, c.Unit, c.Community)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("repeat rule: %w", err)
	}
	if _, err := t.Exec(q.InsertLink, c.ID, prev.ID, LinkRepeatOf, t.now); err != nil {
		return err
	}
	c.Repeat = true
	if _, err := t.Exec(q.FlagRepeat, c.ID); err != nil {
		return err
	}
	ch, _ := json.Marshal(map[string]any{"repeat": true})
	gm := s.cfg.GeneralManager()
	note := fmt.Sprintf("repeat of %s: routed to the general manager %s, who names the handler", prev.Serial, gm.Name)
	return t.event(c, System, "heed", "flag_repeat", c.Status, c.Status, ch, note)
}
