package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/heedhq/heed/config"
)

// Service is the case core: every change to a case goes through it, in one
// transaction with one clock reading, and leaves an event.
type Service struct {
	db     *sqlx.DB
	cfg    *config.Config
	cal    *Calendar
	policy Policy
	serial SerialFormat
	repeat Span
	now    func() time.Time
	hooks  []Hook
	log    *slog.Logger
	// afterCommit holds, per open transaction of the service (*sqlx.Tx),
	// what to do once it commits (*[]func()).
	afterCommit sync.Map
}

// NewService wires the core. now is the clock (time.Now in production; tests
// inject their own). It fails when queries.sql lacks a statement the
// package declares (or holds one nothing uses).
func NewService(db *sqlx.DB, cfg *config.Config, now func() time.Time) (*Service, error) {
	if err := loadQueries(); err != nil {
		return nil, err
	}
	cal, err := NewCalendar(cfg.Calendar)
	if err != nil {
		return nil, err
	}
	pol, err := NewPolicy(cfg.Clock)
	if err != nil {
		return nil, err
	}
	sf, err := ParseSerialFormat(cfg.Serial.Format)
	if err != nil {
		return nil, err
	}
	win := cfg.Rules.RepeatWindow
	if win == "" {
		win = "90d"
	}
	rw, err := config.ParseSpan(win)
	if err != nil {
		return nil, fmt.Errorf("rules.repeat_window: %w", err)
	}
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, cfg: cfg, cal: cal, policy: pol, serial: sf, repeat: rw, now: now,
		log: slog.New(slog.DiscardHandler)}, nil
}

// SetLogger makes the service log each new case (serial, channel, category,
// urgency) and each transition (serial, action, from → to, actor id) at
// info level once committed: never a text, a name or a phone number.
func (s *Service) SetLogger(l *slog.Logger) { s.log = l }

// Calendar is the business calendar the service counts in.
func (s *Service) Calendar() *Calendar { return s.cal }

// DB is the service's database, for packages that keep their own rows next
// to the cases (conversations, the outbox).
func (s *Service) DB() *sqlx.DB { return s.db }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// Config is the configuration the service was built with.
func (s *Service) Config() *config.Config { return s.cfg }

func (s *Service) maxText() int {
	if s.cfg.Rules.MaxTextBytes > 0 {
		return s.cfg.Rules.MaxTextBytes
	}
	return 64 << 10
}

// checkText refuses text that is too long or not UTF-8. Anything else (emoji,
// SQL, Traditional Chinese) is stored exactly as given.
func (s *Service) checkText(field, v string, required bool) error {
	if required && strings.TrimSpace(v) == "" {
		return invalidField(field, "is required")
	}
	if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
		return invalidField(field, "is not valid UTF-8 text (or holds a NUL, which PostgreSQL refuses)")
	}
	if len(v) > s.maxText() {
		return invalidField(field, "is %d bytes, longer than the %d allowed", len(v), s.maxText())
	}
	return nil
}

// communityID accepts a community's id, name or alias.
func (s *Service) communityID(v string) (string, bool) {
	for _, c := range s.cfg.Communities {
		if c.ID == v || c.Name == v || slices.Contains(c.Aliases, v) {
			return c.ID, true
		}
	}
	return "", false
}

func (s *Service) actorName(a Actor) string {
	switch a.Kind {
	case ActorStaff:
		if r, ok := s.cfg.StaffByID(a.ID); ok {
			return r.Staff.Name
		}
	case ActorSystem:
		return "heed"
	}
	return ""
}

// Get loads a case with its attachments, links, deadlines and events.
func (s *Service) Get(ctx context.Context, serial string) (*Case, error) {
	var c Case
	err := s.db.GetContext(ctx, &c, q.CaseBySerial, serial)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(CodeNotFound, "no case %q", serial)
	}
	if err != nil {
		return nil, fmt.Errorf("get case: %w", err)
	}
	if err := s.loadDetails(ctx, s.db, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// Details loads a case's attachments, links, deadlines and events through db
// (the database or a transaction).
func (s *Service) Details(ctx context.Context, db sqlx.QueryerContext, c *Case) error {
	return s.loadDetails(ctx, db, c)
}

func (s *Service) loadDetails(ctx context.Context, db sqlx.QueryerContext, c *Case) error {
	c.Attachments, c.Links, c.Deadlines, c.Events = []Attachment{}, []Link{}, []DeadlineRecord{}, []Event{}
	if err := sqlx.SelectContext(ctx, db, &c.Attachments, q.Attachments, c.ID); err != nil {
		return fmt.Errorf("attachments: %w", err)
	}
	if err := sqlx.SelectContext(ctx, db, &c.Links, q.Links, c.ID); err != nil {
		return fmt.Errorf("links: %w", err)
	}
	if err := sqlx.SelectContext(ctx, db, &c.Deadlines, q.Deadlines, c.ID); err != nil {
		return fmt.Errorf("deadlines: %w", err)
	}
	if err := sqlx.SelectContext(ctx, db, &c.Events, q.Events, c.ID); err != nil {
		return fmt.Errorf("events: %w", err)
	}
	loc := s.cal.Location()
	c.ReceivedAt = c.ReceivedAt.In(loc)
	for i := range c.Deadlines {
		c.Deadlines[i].Due = c.Deadlines[i].Due.In(loc)
	}
	return nil
}

func pqArray(v []string) pq.StringArray { return pq.StringArray(v) }
